"""REST v2 and ``latest``: the v3 operations with wiki-markup strings for rich text."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.simulator.support import CASEY, SiteClient, adf, issue_body

Client = Callable[[str, str], SiteClient]

DESCRIPTION = "h2. Steps\n\n* open the tray\n* *lift* the lid"


@pytest.mark.parametrize("version", ["2", "latest"])
def test_wiki_strings_in_v2_are_adf_in_v3(client: Client, version: str) -> None:
    casey = client("customer", CASEY)
    body = issue_body("ACME", "Bug", "Jammed", description=DESCRIPTION)
    created = casey.json("POST", f"/rest/api/{version}/issue", 201, json=body)
    assert created["self"].endswith(f"/rest/api/2/issue/{created['id']}")
    v2 = casey.json("GET", f"/rest/api/{version}/issue/{created['key']}")
    assert v2["fields"]["description"] == DESCRIPTION
    assert v2["self"].endswith(f"/rest/api/2/issue/{created['id']}")
    assert v2["fields"]["status"]["self"].split("/rest/api/")[1].startswith("2/status/")
    v3 = casey.json("GET", f"/rest/api/3/issue/{created['key']}")
    heading, bullets = v3["fields"]["description"]["content"]
    assert heading["type"] == "heading" and bullets["type"] == "bulletList"


def test_adf_written_in_v3_reads_as_wiki_in_v2(client: Client) -> None:
    casey = client("customer", CASEY)
    body = issue_body("ACME", "Task", "Note", description=adf("Line one"))
    casey.json("POST", "/rest/api/3/issue", 201, json=body)
    casey.json("POST", "/rest/api/3/issue/ACME-1/comment", 201, json={"body": adf("Seen")})
    issue = casey.json("GET", "/rest/api/2/issue/ACME-1")
    assert issue["fields"]["description"] == "Line one"
    assert [c["body"] for c in issue["fields"]["comment"]["comments"]] == ["Seen"]
    comments = casey.json("GET", "/rest/api/2/issue/ACME-1/comment")
    assert comments["comments"][0]["body"] == "Seen"


def test_comments_and_edits_in_v2(client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/2/issue", 201, json=issue_body("ACME", "Task", "Edit me"))
    note = casey.json(
        "POST", "/rest/api/2/issue/ACME-1/comment", 201, json={"body": "A _quiet_ word"}
    )
    assert note["body"] == "A _quiet_ word"
    assert note["self"].endswith(f"/rest/api/2/issue/10000/comment/{note['id']}")
    edited = casey.json(
        "PUT", f"/rest/api/2/issue/ACME-1/comment/{note['id']}", json={"body": "{{code}} now"}
    )
    assert edited["body"] == "{{code}} now"
    update = {"update": {"description": [{"set": "set by *update*"}]}}
    casey.json("PUT", "/rest/api/2/issue/ACME-1", 204, json=update)
    v3 = casey.json("GET", "/rest/api/3/issue/ACME-1", params={"fields": "description,comment"})
    strong = v3["fields"]["description"]["content"][0]["content"][1]
    assert strong == {"type": "text", "text": "update", "marks": [{"type": "strong"}]}
    assert v3["fields"]["comment"]["comments"][0]["body"]["content"][0]["content"][0]["marks"] == [
        {"type": "code"}
    ]


def test_v2_refuses_documents_where_it_takes_strings(client: Client) -> None:
    casey = client("customer", CASEY)
    body = issue_body("ACME", "Task", "ADF in v2", description=adf("not a string"))
    refused = casey.json("POST", "/rest/api/2/issue", 400, json=body)
    assert refused == {
        "errorMessages": [],
        "errors": {"description": "Operation value must be a string"},
    }
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "x"))
    comment = casey.json("POST", "/rest/api/2/issue/ACME-1/comment", 400, json={"body": adf("x")})
    assert comment["errors"] == {"comment": "Operation value must be a string"}


def test_v2_calls_are_counted_as_called(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)
    httpx.post(f"{sim_url}/_sim/counters/reset").raise_for_status()
    casey.json("POST", "/rest/api/2/issue", 201, json=issue_body("ACME", "Task", "Counted"))
    casey.json("GET", "/rest/api/latest/issue/ACME-1")
    counters = httpx.get(f"{sim_url}/_sim/counters").json()["customer"]
    assert counters["POST /rest/api/2/issue"] == {"201": 1}
    assert counters["GET /rest/api/latest/issue/{issueIdOrKey}"] == {"200": 1}
