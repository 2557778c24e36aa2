"""Platform v3 comments: ADF bodies only, internal JSM comments, visibility, edit, delete."""

from __future__ import annotations

from collections.abc import Callable

from tests.simulator.support import ALEX, CASEY, CHRIS, PAT, SAM, SiteClient, adf, issue_body

Client = Callable[[str, str], SiteClient]
INTERNAL = [{"key": "sd.public.comment", "value": {"internal": True}}]


def _support_issue(sam: SiteClient) -> str:
    created = sam.json(
        "POST",
        "/rest/api/3/issue",
        201,
        json=issue_body("SUP", "IT Help", "Laptop broken", customfield_10010="sup/getithelp"),
    )
    return str(created["key"])


def test_add_list_get_comment(client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Talk"))
    created = casey.json(
        "POST", "/rest/api/3/issue/ACME-1/comment", 201, json={"body": adf("Hello support")}
    )
    assert created["body"] == adf("Hello support")
    assert created["author"]["accountId"] == casey.account_id
    assert created["jsdPublic"] is True
    page = casey.json("GET", "/rest/api/3/issue/ACME-1/comment")
    assert page["total"] == 1 and page["comments"][0]["id"] == created["id"]
    one = casey.json(
        "GET",
        f"/rest/api/3/issue/ACME-1/comment/{created['id']}",
        params={"expand": "renderedBody"},
    )
    assert one["renderedBody"] == "<p>Hello support</p>"
    issue = casey.json("GET", "/rest/api/3/issue/ACME-1", params={"fields": "comment"})
    assert issue["fields"]["comment"]["comments"][0]["id"] == created["id"]


def test_plain_string_body_is_rejected(client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Talk"))
    rejected = casey.json(
        "POST", "/rest/api/3/issue/ACME-1/comment", 400, json={"body": "plain text"}
    )
    assert rejected["errors"]["comment"].startswith("Operation value must be an Atlassian")
    bare_text = {"type": "doc", "version": 1, "content": [{"type": "text", "text": "x"}]}
    invalid = casey.json("POST", "/rest/api/3/issue/ACME-1/comment", 400, json={"body": bare_text})
    assert invalid["errorMessages"] == ["INVALID_INPUT"]


def test_internal_comments_are_for_agents_only(client: Client) -> None:
    sam = client("support", SAM)
    key = _support_issue(sam)
    internal = sam.json(
        "POST",
        f"/rest/api/3/issue/{key}/comment",
        201,
        json={"body": adf("Between us"), "properties": INTERNAL},
    )
    public = sam.json(
        "POST", f"/rest/api/3/issue/{key}/comment", 201, json={"body": adf("Hello customer")}
    )
    assert internal["jsdPublic"] is False and public["jsdPublic"] is True
    alex = client("support", ALEX)
    listed = alex.json("GET", f"/rest/api/3/issue/{key}/comment", params={"expand": "properties"})[
        "comments"
    ]
    assert [c["jsdPublic"] for c in listed] == [False, True]
    assert listed[0]["properties"] == [{"key": "sd.public.comment", "value": {"internal": True}}]
    pat = client("support", PAT)
    pat.json("GET", f"/rest/api/3/issue/{key}/comment", 404)


def test_update_and_delete_comment(client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Talk"))
    note = casey.json("POST", "/rest/api/3/issue/ACME-1/comment", 201, json={"body": adf("v1")})
    path = f"/rest/api/3/issue/ACME-1/comment/{note['id']}"
    chris = client("customer", CHRIS)
    chris.json("PUT", path, 400, json={"body": adf("hijack")})
    updated = casey.json("PUT", path, json={"body": adf("v2")})
    assert updated["body"] == adf("v2") and updated["updated"] >= updated["created"]
    chris.json("DELETE", path, 400)
    casey.json("DELETE", path, 204)
    casey.json("GET", path, 404)


def test_comment_property_can_make_a_comment_internal(client: Client) -> None:
    sam = client("support", SAM)
    key = _support_issue(sam)
    note = sam.json("POST", f"/rest/api/3/issue/{key}/comment", 201, json={"body": adf("Oops")})
    path = f"/rest/api/3/comment/{note['id']}/properties/sd.public.comment"
    sam.json("PUT", path, 200, json={"internal": True})
    assert sam.json("GET", path)["value"] == {"internal": True}
    again = sam.json("GET", f"/rest/api/3/issue/{key}/comment/{note['id']}")
    assert again["jsdPublic"] is False
