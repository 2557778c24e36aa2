"""Issue links, link types, project components and versions, worklogs, attachments: the
operations common clients call, spec-checked in v3 and v2."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.simulator.support import CASEY, CHRIS, SiteClient, adf, check_response, issue_body

Client = Callable[[str, str], SiteClient]


def _issues(casey: SiteClient, count: int) -> None:
    for number in range(count):
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", f"T{number}"))


@pytest.mark.parametrize("version", ["3", "2"])
def test_issue_links_and_types(client: Client, version: str) -> None:
    casey = client("customer", CASEY)
    api = f"/rest/api/{version}"
    _issues(casey, 2)
    kinds = casey.json("GET", f"{api}/issueLinkType")["issueLinkTypes"]
    assert [k["name"] for k in kinds] == ["Blocks", "Cloners", "Duplicate", "Relates"]
    assert casey.json("GET", f"{api}/issueLinkType/10000")["outward"] == "blocks"
    casey.json("GET", f"{api}/issueLinkType/1", 404)
    comment = {"body": "Blocked upstream" if version == "2" else adf("Blocked upstream")}
    body = {
        "type": {"name": "Blocks"},
        "inwardIssue": {"key": "ACME-2"},
        "outwardIssue": {"key": "ACME-1"},
        "comment": comment,
    }
    casey.json("POST", f"{api}/issueLink", 201, json=body)
    without_comment = {k: v for k, v in body.items() if k != "comment"}
    casey.json("POST", f"{api}/issueLink", 201, json=without_comment)
    link = casey.json("GET", f"{api}/issueLink/10000")
    assert link["type"]["name"] == "Blocks"
    assert (link["inwardIssue"]["key"], link["outwardIssue"]["key"]) == ("ACME-2", "ACME-1")
    assert link["outwardIssue"]["fields"]["status"]["name"] == "To Do"
    notes = casey.json("GET", f"{api}/issue/ACME-1/comment")["comments"]
    assert len(notes) == 1
    unknown = {**without_comment, "type": {"name": "Nope"}}
    casey.json("POST", f"{api}/issueLink", 404, json=unknown)
    casey.json("DELETE", f"{api}/issueLink/10000", 204)
    casey.json("GET", f"{api}/issueLink/10000", 404)


@pytest.mark.parametrize("version", ["3", "2"])
def test_components_and_versions(client: Client, version: str) -> None:
    casey, chris = client("customer", CASEY), client("customer", CHRIS)
    api = f"/rest/api/{version}"
    assert casey.json("GET", f"{api}/project/ACME/components") == []
    made = casey.json(
        "POST",
        f"{api}/component",
        201,
        json={"name": "Billing", "project": "ACME", "leadAccountId": chris.account_id},
    )
    assert made["lead"]["accountId"] == chris.account_id
    chris.json("POST", f"{api}/component", 403, json={"name": "UI", "project": "ACME"})
    casey.json("POST", f"{api}/component", 400, json={"name": "Billing", "project": "ACME"})
    assert [c["name"] for c in chris.json("GET", f"{api}/project/ACME/components")] == ["Billing"]
    release = {"name": "1.0", "projectId": 10000, "releaseDate": "2026-01-31"}
    casey.json("POST", f"{api}/version", 201, json=release)
    versions = chris.json("GET", f"{api}/project/ACME/versions")
    assert [(v["name"], v["releaseDate"]) for v in versions] == [("1.0", "2026-01-31")]
    casey.json("GET", f"{api}/project/NOPE/versions", 404)


def test_worklogs(client: Client) -> None:
    casey = client("customer", CASEY)
    _issues(casey, 1)
    # The spec's date-time wants "+00:00"; Jira documents "+0000": both are read.
    started = "2026-01-05T09:00:00.000+00:00"
    jira_form = {"timeSpent": "1m", "started": "2026-01-05T09:00:00.000+0000"}
    assert casey.http.post("/rest/api/3/issue/ACME-1/worklog", json=jira_form).status_code == 201
    logged = casey.json(
        "POST",
        "/rest/api/3/issue/ACME-1/worklog",
        201,
        json={"timeSpent": "1d 2h", "started": started, "comment": adf("Fixed it")},
    )
    assert logged["timeSpentSeconds"] == 10 * 3600 and logged["timeSpent"] == "1d 2h"
    in_v2 = casey.json(
        "POST",
        "/rest/api/2/issue/ACME-1/worklog",
        201,
        json={"timeSpentSeconds": 1800, "started": started, "comment": "*bold* move"},
    )
    assert in_v2["comment"] == "*bold* move" and in_v2["timeSpent"] == "30m"
    casey.json(
        "POST",
        "/rest/api/3/issue/ACME-1/worklog",
        400,
        json={"timeSpent": "soon", "started": started},
    )
    page = casey.json("GET", "/rest/api/3/issue/ACME-1/worklog")
    assert page["total"] == 3
    assert page["worklogs"][2]["comment"]["content"][0]["content"][0]["marks"] == [
        {"type": "strong"}
    ]


@pytest.mark.parametrize("version", ["3", "2"])
def test_attachments(client: Client, version: str) -> None:
    casey, chris = client("customer", CASEY), client("customer", CHRIS)
    api = f"/rest/api/{version}"
    _issues(casey, 1)
    files = {"file": ("notes.txt", b"line one\n", "text/plain")}
    refused = casey.http.post(f"{api}/issue/ACME-1/attachments", files=files)
    assert refused.status_code == 403
    sent = chris.http.post(
        f"{api}/issue/ACME-1/attachments",
        files=files,
        headers={"X-Atlassian-Token": "no-check"},
    )
    assert sent.status_code == 200, sent.text
    # openapi-core cannot check a multipart request body; the response is checked.
    sent.request.read()
    (added,) = check_response(sent, chris.base_path)
    assert (added["filename"], added["size"], added["mimeType"]) == ("notes.txt", 9, "text/plain")
    meta = casey.json("GET", f"{api}/attachment/{added['id']}")
    assert meta["author"]["accountId"] == chris.account_id
    assert meta["content"].split("/rest/api/")[1] == f"{version}/attachment/content/{added['id']}"
    content = casey.send("GET", f"{api}/attachment/content/{added['id']}")
    assert content.status_code == 200 and content.content == b"line one\n"
    assert casey.json("GET", f"{api}/attachment/meta")["enabled"] is True
    # Chris (a member) may delete his own attachments, Casey (an administrator) anyone's.
    casey.json("DELETE", f"{api}/attachment/{added['id']}", 204)
    casey.json("GET", f"{api}/attachment/{added['id']}", 404)
