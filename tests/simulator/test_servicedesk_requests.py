"""Service desk REST: request list, request type fields, info, participants, transitions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.simulator.support import ALEX, PAT, SAM, SiteClient

Client = Callable[[str, str], SiteClient]
SD = "/rest/servicedeskapi"


def _request(client: SiteClient, on_behalf_of: str, summary: str) -> Any:
    body = {
        "serviceDeskId": "1",
        "requestTypeId": "1",
        "raiseOnBehalfOf": on_behalf_of,
        "requestFieldValues": {"summary": summary},
    }
    return client.json("POST", f"{SD}/request", 201, json=body)


def test_info_and_request_type_fields(client: Client) -> None:
    sam, pat = client("support", SAM), client("support", PAT)
    assert sam.json("GET", f"{SD}/info")["isLicensedForUse"] is True
    meta = sam.json("GET", f"{SD}/servicedesk/1/requesttype/1/field")
    assert meta["canRaiseOnBehalfOf"] is True
    summary = next(f for f in meta["requestTypeFields"] if f["fieldId"] == "summary")
    assert summary["name"] == "What do you need?" and summary["required"] is True
    assert pat.json("GET", f"{SD}/servicedesk/1/requesttype/1/field")["canRaiseOnBehalfOf"] is False
    sam.json("GET", f"{SD}/servicedesk/1/requesttype/99/field", 404)


def test_request_list_and_participants(client: Client) -> None:
    sam, pat, alex = client("support", SAM), client("support", PAT), client("support", ALEX)
    _request(sam, pat.account_id, "Printer on fire")
    _request(sam, sam.account_id, "Agent's own")
    assert [r["issueKey"] for r in pat.json("GET", f"{SD}/request")["values"]] == ["SUP-1"]
    assert [r["issueKey"] for r in sam.json("GET", f"{SD}/request")["values"]] == [
        "SUP-2",
        "SUP-1",
    ]
    owned = sam.json("GET", f"{SD}/request", params={"requestOwnership": "OWNED_REQUESTS"})
    assert [r["issueKey"] for r in owned["values"]] == ["SUP-2"]
    found = sam.json("GET", f"{SD}/request", params={"searchTerm": "fire"})
    assert [r["issueKey"] for r in found["values"]] == ["SUP-1"]

    added = sam.json(
        "POST", f"{SD}/request/SUP-2/participant", json={"accountIds": [pat.account_id]}
    )
    assert [u["accountId"] for u in added["values"]] == [pat.account_id]
    taking_part = pat.json(
        "GET", f"{SD}/request", params={"requestOwnership": "PARTICIPATED_REQUESTS"}
    )
    assert [r["issueKey"] for r in taking_part["values"]] == ["SUP-2"]
    assert pat.json("GET", f"{SD}/request/SUP-2")["issueKey"] == "SUP-2"
    pat.json("POST", f"{SD}/request/SUP-2/participant", 403, json={"accountIds": [alex.account_id]})
    left = pat.json(
        "DELETE", f"{SD}/request/SUP-2/participant", json={"accountIds": [pat.account_id]}
    )
    assert left["values"] == []
    pat.json("GET", f"{SD}/request/SUP-2", 404)


def test_transitions_and_status_history(client: Client) -> None:
    sam, pat = client("support", SAM), client("support", PAT)
    _request(sam, pat.account_id, "Reset my password")
    assert pat.json("GET", f"{SD}/request/SUP-1/transition")["values"] == []
    offered = sam.json("GET", f"{SD}/request/SUP-1/transition")["values"]
    assert offered and {"id", "name"} == set(offered[0])
    body = {"id": offered[0]["id"], "additionalComment": {"body": "On it."}}
    pat.json("POST", f"{SD}/request/SUP-1/transition", 400, json=body)
    sam.json("POST", f"{SD}/request/SUP-1/transition", 204, json=body)
    statuses = sam.json("GET", f"{SD}/request/SUP-1/status")["values"]
    assert len(statuses) == 2 and statuses[1]["status"] == "Waiting for support"
    current = sam.json("GET", f"{SD}/request/SUP-1")["currentStatus"]
    assert statuses[0]["status"] == current["status"]
    comments = pat.json("GET", f"{SD}/request/SUP-1/comment")["values"]
    assert [c["body"] for c in comments] == ["On it."]
