"""Platform v3 issues: create, bulk create, get, edit (screens), transitions, delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.simulator.support import CASEY, CHRIS, SAM, SiteClient, adf, issue_body

Client = Callable[[str, str], SiteClient]


def test_create_and_get_issue(client: Client) -> None:
    casey = client("customer", CASEY)
    body = issue_body(
        "ACME", "Task", "Printer on fire", description=adf("Smoke everywhere"), labels=["urgent"]
    )
    body["properties"] = [{"key": "origin", "value": {"source": "test"}}]
    created = casey.json("POST", "/rest/api/3/issue", 201, json=body)
    assert created["key"] == "ACME-1" and created["self"].endswith(f"/issue/{created['id']}")
    issue = casey.json(
        "GET",
        f"/rest/api/3/issue/{created['key']}",
        params={"expand": "renderedFields,names", "properties": "origin"},
    )
    fields = issue["fields"]
    assert fields["summary"] == "Printer on fire"
    assert fields["description"] == adf("Smoke everywhere")
    assert fields["issuetype"]["name"] == "Task"
    assert fields["status"]["name"] == "To Do"
    assert fields["status"]["statusCategory"]["key"] == "new"
    assert fields["reporter"]["accountId"] == casey.account_id
    assert fields["labels"] == ["urgent"]
    assert fields["customfield_10010"] is None
    assert fields["created"].endswith("+0000")
    assert issue["renderedFields"]["description"] == "<p>Smoke everywhere</p>"
    assert issue["names"]["summary"] == "Summary"
    assert issue["properties"] == {"origin": {"source": "test"}}


def test_get_issue_fields_param(client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Bug", "One"))
    issue = casey.json("GET", "/rest/api/3/issue/ACME-1", params={"fields": "summary,status"})
    assert set(issue["fields"]) == {"summary", "status"}
    issue = casey.json("GET", "/rest/api/3/issue/ACME-1", params={"fields": "*all,-comment"})
    assert "comment" not in issue["fields"] and "summary" in issue["fields"]


def test_create_validation_errors(client: Client) -> None:
    casey = client("customer", CASEY)
    no_summary = {"fields": {"project": {"key": "ACME"}, "issuetype": {"name": "Task"}}}
    missing = casey.json("POST", "/rest/api/3/issue", 400, json=no_summary)
    assert missing["errors"] == {"summary": "You must specify a summary of the issue."}
    wrong_type = casey.json(
        "POST", "/rest/api/3/issue", 400, json=issue_body("ACME", "IT Help", "x")
    )
    assert "issuetype" in wrong_type["errors"]
    no_project = casey.json("POST", "/rest/api/3/issue", 400, json=issue_body("NOPE", "Task", "x"))
    assert "project" in no_project["errors"]
    plain = casey.json(
        "POST",
        "/rest/api/3/issue",
        400,
        json=issue_body("ACME", "Task", "x", description="plain text"),
    )
    assert plain["errors"]["description"].startswith("Operation value must be an Atlassian")
    bad_adf = {"type": "doc", "version": 1, "content": [{"type": "text", "text": "bare"}]}
    invalid = casey.json(
        "POST", "/rest/api/3/issue", 400, json=issue_body("ACME", "Task", "x", description=bad_adf)
    )
    assert invalid["errorMessages"] == ["INVALID_INPUT"]
    off_screen = casey.json(
        "POST",
        "/rest/api/3/issue",
        400,
        json=issue_body("ACME", "Task", "x", customfield_10010="sup/getithelp"),
    )
    assert off_screen["errors"]["customfield_10010"] == (
        "Field 'customfield_10010' cannot be set. It is not on the appropriate screen, or unknown."
    )


def test_bulk_create_reports_failures_by_element(client: Client) -> None:
    casey = client("customer", CASEY)
    updates = [
        issue_body("ACME", "Task", "first"),
        {"fields": {"project": {"key": "ACME"}}},
        issue_body("ACME", "Story", "third"),
    ]
    result = casey.json("POST", "/rest/api/3/issue/bulk", 201, json={"issueUpdates": updates})
    assert [i["key"] for i in result["issues"]] == ["ACME-1", "ACME-2"]
    assert [e["failedElementNumber"] for e in result["errors"]] == [1]
    assert result["errors"][0]["status"] == 400
    too_many = casey.json(
        "POST",
        "/rest/api/3/issue/bulk",
        400,
        json={"issueUpdates": [issue_body("ACME", "Task", "n")] * 51},
    )
    assert too_many["issues"] == [] and too_many["errors"]


def test_edit_issue_and_screens(client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Old"))
    casey.json(
        "PUT",
        "/rest/api/3/issue/ACME-1",
        204,
        json={
            "fields": {"summary": "New", "priority": {"name": "High"}, "duedate": "2030-01-31"},
            "update": {"labels": [{"add": "one"}, {"add": "two"}, {"remove": "one"}]},
        },
    )
    fields = casey.json("GET", "/rest/api/3/issue/ACME-1")["fields"]
    assert (fields["summary"], fields["priority"]["name"], fields["duedate"]) == (
        "New",
        "High",
        "2030-01-31",
    )
    assert fields["labels"] == ["two"]
    rejected = casey.json(
        "PUT",
        "/rest/api/3/issue/ACME-1",
        400,
        json={"fields": {"customfield_10010": "sup/getithelp"}},
    )
    assert "customfield_10010" in rejected["errors"]
    override = casey.json(
        "PUT",
        "/rest/api/3/issue/ACME-1",
        403,
        params={"overrideScreenSecurity": "true"},
        json={"fields": {"summary": "x"}},
    )
    assert override["errorMessages"]
    meta = casey.json("GET", "/rest/api/3/issue/ACME-1/editmeta")
    assert "summary" in meta["fields"] and "customfield_10010" not in meta["fields"]


def test_transitions(client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Move me"))
    transitions = casey.json("GET", "/rest/api/3/issue/ACME-1/transitions")["transitions"]
    names = {t["name"]: t["id"] for t in transitions}
    assert set(names) == {"In Progress", "Done"}
    casey.json(
        "POST",
        "/rest/api/3/issue/ACME-1/transitions",
        204,
        json={"transition": {"id": names["Done"]}},
    )
    fields = casey.json("GET", "/rest/api/3/issue/ACME-1")["fields"]
    assert fields["status"]["name"] == "Done" and fields["resolution"]["name"] == "Done"
    invalid = casey.json(
        "POST", "/rest/api/3/issue/ACME-1/transitions", 400, json={"transition": {"id": "999"}}
    )
    assert invalid["errorMessages"] == ["Transition id '999' is not valid for this issue."]
    changelog = casey.json("GET", "/rest/api/3/issue/ACME-1", params={"expand": "changelog"})
    items = changelog["changelog"]["histories"][-1]["items"]
    assert {i["field"] for i in items} == {"status", "resolution"}


def test_delete_issue_and_not_found(client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Bye"))
    chris = client("customer", CHRIS)
    chris.json("DELETE", "/rest/api/3/issue/ACME-1", 403)
    casey.json("DELETE", "/rest/api/3/issue/ACME-1", 204)
    gone = casey.json("GET", "/rest/api/3/issue/ACME-1", 404)
    assert gone["errorMessages"] == [
        "Issue does not exist or you do not have permission to see it."
    ]


def test_other_sites_issues_are_invisible(client: Client) -> None:
    sam = client("support", SAM)
    created: Any = sam.json(
        "POST",
        "/rest/api/3/issue",
        201,
        json=issue_body("SUP", "IT Help", "Support only", customfield_10010="sup/getithelp"),
    )
    casey = client("customer", CASEY)
    casey.json("GET", f"/rest/api/3/issue/{created['key']}", 404)


def test_unauthenticated_calls_get_401(sim_url: str) -> None:
    import httpx

    from tests.simulator.support import check

    response = httpx.get(f"{sim_url}/sites/customer/rest/api/3/myself")
    assert response.status_code == 401
    check(response, "/sites/customer")
    wrong = httpx.get(f"{sim_url}/sites/customer/rest/api/3/myself", auth=(CASEY, "nope"))
    assert wrong.status_code == 401
    assert wrong.json()["errorMessages"] == [
        "Client must be authenticated to access this resource."
    ]


def test_edit_can_add_a_comment(client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Edit"))
    casey.json(
        "PUT",
        "/rest/api/3/issue/ACME-1",
        204,
        json={
            "fields": {"summary": "Edited"},
            "update": {"comment": [{"add": {"body": adf("Why")}}]},
        },
    )
    page = casey.json("GET", "/rest/api/3/issue/ACME-1/comment")
    assert [c["body"] for c in page["comments"]] == [adf("Why")]
    casey.json(
        "PUT",
        "/rest/api/3/issue/ACME-1",
        400,
        json={
            "update": {"comment": [{"add": {"body": "plain"}}]},
        },
    )


def test_request_type_must_fit_the_issue_type(client: Client) -> None:
    sam = client("support", SAM)
    wrong = sam.json(
        "POST",
        "/rest/api/3/issue",
        400,
        json=issue_body("SUP", "Purchase", "Mismatch", customfield_10010="sup/getithelp"),
    )
    assert "not valid for the issue type" in wrong["errors"]["customfield_10010"]
    created = sam.json(
        "POST",
        "/rest/api/3/issue",
        201,
        json=issue_body("SUP", "Purchase", "Match", customfield_10010="2"),
    )
    value = sam.json(
        "GET", f"/rest/api/3/issue/{created['key']}", params={"fields": "customfield_10010"}
    )["fields"]["customfield_10010"]
    assert value["requestType"]["id"] == "2" and value["requestType"]["name"] == "Purchase request"
    assert value["currentStatus"]["status"] == "Waiting for support"
