"""Service desk REST: desks, request types, customer requests, request comments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.simulator.support import ALEX, PAT, SAM, SiteClient, adf, app_jwt, check
from tests.simulator.tiny_app import TinyApp, install, running

Client = Callable[[str, str], SiteClient]
SD = "/rest/servicedeskapi"


def _request(client: SiteClient, summary: str = "Need a laptop", **extra: object) -> Any:
    body = {
        "serviceDeskId": "1",
        "requestTypeId": "1",
        "requestFieldValues": {"summary": summary, "description": "Mine broke."},
        **extra,
    }
    return client.json("POST", f"{SD}/request", 201, json=body)


def test_desks_and_request_types(client: Client) -> None:
    sam = client("support", SAM)
    desks = sam.json("GET", f"{SD}/servicedesk")
    assert [(d["id"], d["projectKey"]) for d in desks["values"]] == [("1", "SUP")]
    assert desks["isLastPage"] is True
    assert sam.json("GET", f"{SD}/servicedesk/1")["projectId"] == "10000"
    types = sam.json("GET", f"{SD}/servicedesk/1/requesttype")["values"]
    assert [(t["id"], t["name"], t["issueTypeId"]) for t in types][:3] == [
        ("1", "Get IT Help", "10101"),
        ("2", "Purchase request", "10102"),
        ("3", "Request a new account", "10103"),
    ]
    one = sam.json("GET", f"{SD}/servicedesk/1/requesttype/2")
    assert one["name"] == "Purchase request"
    missing = sam.json("GET", f"{SD}/servicedesk/9", 404)
    assert missing["errorMessage"] and missing["i18nErrorMessage"]["i18nKey"]


def test_create_request_on_behalf_of_a_customer(client: Client) -> None:
    sam = client("support", SAM)
    pat = client("support", PAT)
    created = _request(sam, raiseOnBehalfOf=pat.account_id)
    assert created["issueKey"] == "SUP-1" and created["requestTypeId"] == "1"
    assert created["reporter"]["accountId"] == pat.account_id
    assert created["currentStatus"]["status"] == "Waiting for support"
    assert created["currentStatus"]["statusCategory"] == "NEW"
    values = {v["fieldId"]: v for v in created["requestFieldValues"]}
    assert values["summary"]["label"] == "What do you need?"
    assert values["description"]["value"] == "Mine broke."
    issue = sam.json("GET", "/rest/api/3/issue/SUP-1")
    assert issue["fields"]["description"] == adf("Mine broke.")
    request_type = issue["fields"]["customfield_10010"]
    assert request_type["requestType"]["name"] == "Get IT Help"
    assert request_type["currentStatus"]["status"] == "Waiting for support"
    assert request_type["_links"]["web"].endswith("/servicedesk/customer/portal/1/SUP-1")
    assert pat.json("GET", f"{SD}/request/SUP-1")["issueKey"] == "SUP-1"
    by_email = sam.json(
        "POST",
        f"{SD}/request",
        400,
        json={
            "serviceDeskId": "1",
            "requestTypeId": "1",
            "raiseOnBehalfOf": PAT,
            "requestFieldValues": {"summary": "x"},
        },
    )
    assert by_email["errorMessage"]


def test_request_validation(client: Client) -> None:
    sam = client("support", SAM)
    unknown_field = sam.json(
        "POST",
        f"{SD}/request",
        400,
        json={
            "serviceDeskId": "1",
            "requestTypeId": "1",
            "requestFieldValues": {"summary": "x", "labels": ["a"]},
        },
    )
    assert "labels" in unknown_field["errorMessage"]
    sam.json(
        "POST",
        f"{SD}/request",
        400,
        json={
            "serviceDeskId": "1",
            "requestTypeId": "1",
            "requestFieldValues": {},
        },
    )
    sam.json(
        "POST",
        f"{SD}/request",
        400,
        json={
            "serviceDeskId": "1",
            "requestTypeId": "99",
            "requestFieldValues": {"summary": "x"},
        },
    )


def test_request_comments_public_and_internal(client: Client) -> None:
    sam = client("support", SAM)
    pat = client("support", PAT)
    _request(sam, raiseOnBehalfOf=pat.account_id)
    public = sam.json(
        "POST", f"{SD}/request/SUP-1/comment", 201, json={"body": "We are on it", "public": True}
    )
    internal = sam.json(
        "POST", f"{SD}/request/SUP-1/comment", 201, json={"body": "Ask purchasing", "public": False}
    )
    assert public["public"] is True and internal["public"] is False
    assert public["author"]["displayName"] == "Sam Support"
    customer = pat.json(
        "POST", f"{SD}/request/SUP-1/comment", 201, json={"body": "Thanks!", "public": True}
    )
    pat.json("POST", f"{SD}/request/SUP-1/comment", 403, json={"body": "x", "public": False})
    everything = sam.json("GET", f"{SD}/request/SUP-1/comment")["values"]
    assert [c["body"] for c in everything] == ["We are on it", "Ask purchasing", "Thanks!"]
    only_internal = sam.json(
        "GET", f"{SD}/request/SUP-1/comment", params={"public": "false", "internal": "true"}
    )["values"]
    assert [c["id"] for c in only_internal] == [internal["id"]]
    seen_by_customer = pat.json("GET", f"{SD}/request/SUP-1/comment")["values"]
    assert internal["id"] not in [c["id"] for c in seen_by_customer]
    assert customer["id"] in [c["id"] for c in seen_by_customer]
    one = sam.json(
        "GET", f"{SD}/request/SUP-1/comment/{internal['id']}", params={"expand": "renderedBody"}
    )
    assert one["renderedBody"]["html"] == "<p>Ask purchasing</p>"
    pat.json("GET", f"{SD}/request/SUP-1/comment/{internal['id']}", 404)
    platform = sam.json("GET", "/rest/api/3/issue/SUP-1/comment")["comments"]
    assert [c["jsdPublic"] for c in platform] == [True, False, True]
    assert platform[0]["body"] == adf("We are on it")


def test_platform_comments_reject_plain_text_but_request_comments_need_it(
    client: Client,
) -> None:
    alex = client("support", ALEX)
    _request(alex)
    alex.json("POST", "/rest/api/3/issue/SUP-1/comment", 400, json={"body": "plain"})
    adf_body = alex.send(
        "POST", f"{SD}/request/SUP-1/comment", json={"body": "plain", "public": True}
    )
    assert adf_body.status_code == 201


def test_app_without_the_agent_role_cannot_comment(sim_url: str, client: Client) -> None:
    sam = client("support", SAM)
    _request(sam)
    with running(TinyApp()) as app:
        result = install(sim_url, "support", app, agent=False)

    def comment(public: bool) -> httpx.Response:
        path = f"{SD}/request/SUP-1/comment"
        token = app_jwt(
            key=result["key"], secret=result["sharedSecret"], method="POST", relative_url=path
        )
        response = httpx.post(
            f"{sim_url}/sites/support{path}",
            json={"body": "From the app", "public": public},
            headers={"Authorization": f"JWT {token}"},
        )
        check(response, "/sites/support")
        return response

    assert comment(True).status_code == 403
    agents = [sam.account_id, result["accountId"]]
    httpx.put(
        f"{sim_url}/sites/support/_sim/projects/SUP/roles/agents", json={"accountIds": agents}
    ).raise_for_status()
    assert comment(False).status_code == 201


def test_request_type_by_id_is_not_available_to_apps(sim_url: str) -> None:
    with running(TinyApp()) as app:
        result = install(sim_url, "support", app)
    path = f"{SD}/servicedesk/1/requesttype/1"
    token = app_jwt(
        key=result["key"], secret=result["sharedSecret"], method="GET", relative_url=path
    )
    response = httpx.get(
        f"{sim_url}/sites/support{path}", headers={"Authorization": f"JWT {token}"}
    )
    assert response.status_code == 403
