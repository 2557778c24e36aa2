"""JQL fields and functions clients use: resolution, statusCategory, comment, parent, watcher,
standardIssueTypes()."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.simulator import Simulator
from tests.simulator.support import CASEY, CHRIS, SiteClient, adf, issue_body

Client = Callable[[str, str], SiteClient]
SEARCH = "/rest/api/3/search/jql"


def _keys(casey: SiteClient, jql: str) -> list[str]:
    found = casey.json("POST", SEARCH, json={"jql": jql + " ORDER BY key ASC", "fields": ["key"]})
    return [issue["key"] for issue in found["issues"]]


def _three_issues(casey: SiteClient) -> None:
    """ACME-1 To Do, ACME-2 In Progress, ACME-3 Done (resolution Done)."""
    for summary in ("open", "started", "finished"):
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", summary))
    for key, name in (("ACME-2", "In Progress"), ("ACME-3", "Done")):
        moves = casey.json("GET", f"/rest/api/3/issue/{key}/transitions")["transitions"]
        move = next(t["id"] for t in moves if t["name"] == name)
        casey.json(
            "POST", f"/rest/api/3/issue/{key}/transitions", 204, json={"transition": {"id": move}}
        )


def test_resolution_and_unresolved(client: Client) -> None:
    casey = client("customer", CASEY)
    _three_issues(casey)
    assert _keys(casey, "resolution = Unresolved") == ["ACME-1", "ACME-2"]
    assert _keys(casey, 'resolution = "Unresolved"') == ["ACME-1", "ACME-2"]
    assert _keys(casey, "resolution is EMPTY") == ["ACME-1", "ACME-2"]
    assert _keys(casey, "resolution != Unresolved") == ["ACME-3"]
    assert _keys(casey, "resolution = Done") == ["ACME-3"]
    assert _keys(casey, "resolution in (Unresolved, Duplicate)") == ["ACME-1", "ACME-2"]
    unknown = casey.json("POST", SEARCH, 400, json={"jql": "resolution = Fixed"})
    assert unknown["errorMessages"] == [
        "The value 'Fixed' does not exist for the field 'resolution'."
    ]


def test_status_category(client: Client) -> None:
    casey = client("customer", CASEY)
    _three_issues(casey)
    assert _keys(casey, "statusCategory = Done") == ["ACME-3"]
    assert _keys(casey, 'statusCategory = "In Progress"') == ["ACME-2"]
    assert _keys(casey, "statusCategory in (new, 4)") == ["ACME-1", "ACME-2"]
    assert _keys(casey, "statusCategory != Done") == ["ACME-1", "ACME-2"]
    casey.json("POST", SEARCH, 400, json={"jql": "statusCategory = Blocked"})


def test_comment_contains(client: Client) -> None:
    casey = client("customer", CASEY)
    for summary in ("one", "two"):
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", summary))
    casey.json(
        "POST", "/rest/api/3/issue/ACME-2/comment", 201, json={"body": adf("Printer jammed again")}
    )
    assert _keys(casey, 'comment ~ "jammed"') == ["ACME-2"]
    assert _keys(casey, 'comment !~ "jammed"') == ["ACME-1"]
    refused = casey.json("POST", SEARCH, 400, json={"jql": 'comment = "jammed"'})
    assert refused["errorMessages"] == ["The operator '=' is not supported by the 'comment' field."]


def test_parent_and_watcher(simulator: Simulator, client: Client) -> None:
    casey = client("customer", CASEY)
    for summary in ("epic", "child", "other"):
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", summary))
    site = simulator.site("customer")
    child, other = site.issue("ACME-2"), site.issue("ACME-3")
    assert child is not None and other is not None
    child.fields["parent"] = site.issue("ACME-1").id  # type: ignore[union-attr]
    other.watchers.append(casey.account_id)
    for changed in (child, other):
        site.index.record(changed.id, changed)
    assert _keys(casey, "parent = ACME-1") == ["ACME-2"]
    assert _keys(casey, "parent in (10000)") == ["ACME-2"]
    assert _keys(casey, "watcher = currentUser()") == ["ACME-3"]
    assert _keys(casey, f'watcher = "{casey.account_id}"') == ["ACME-3"]
    chris = client("customer", CHRIS)
    assert _keys(chris, "watcher = currentUser()") == []
    casey.json("POST", SEARCH, 400, json={"jql": "parent = ACME-99"})


@pytest.mark.parametrize(
    ("jql", "expected"),
    [
        ("issuetype in standardIssueTypes()", ["ACME-1", "ACME-2"]),
        ("issuetype not in standardIssueTypes()", []),
        ("issuetype in subTaskIssueTypes()", []),
    ],
)
def test_issue_type_functions(client: Client, jql: str, expected: list[str]) -> None:
    casey = client("customer", CASEY)
    for kind in ("Task", "Bug"):
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", kind, kind))
    assert _keys(casey, f"project = ACME AND {jql}") == expected
