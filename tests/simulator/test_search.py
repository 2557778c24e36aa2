"""Enhanced JQL search: the JQL subset, fields, pages, and indexed entity properties."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tandem.simulator import Simulator
from tandem.simulator.models import Installation, PropertyExtraction
from tests.simulator.support import CASEY, SiteClient, issue_body

Client = Callable[[str, str], SiteClient]
SEARCH = "/rest/api/3/search/jql"


def _create(casey: SiteClient, issue_type: str, summary: str) -> str:
    return str(
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", issue_type, summary))[
            "key"
        ]
    )


def test_search_by_project_type_and_key(client: Client) -> None:
    casey = client("customer", CASEY)
    for issue_type, summary in [("Task", "a"), ("Bug", "b"), ("New Feature", "c")]:
        _create(casey, issue_type, summary)
    ids_only = casey.json("GET", SEARCH, params={"jql": "project = ACME"})
    assert ids_only["issues"] == [{"id": "10002"}, {"id": "10001"}, {"id": "10000"}]
    assert ids_only["isLast"] is True and "nextPageToken" not in ids_only
    typed = casey.json(
        "GET",
        SEARCH,
        params={
            "jql": 'project = ACME AND issuetype in (Task, "New Feature") ORDER BY key ASC',
            "fields": "summary,issuetype",
        },
    )
    assert [i["key"] for i in typed["issues"]] == ["ACME-1", "ACME-3"]
    assert typed["issues"][0]["fields"] == {
        "summary": "a",
        "issuetype": typed["issues"][0]["fields"]["issuetype"],
    }
    by_name = casey.json("GET", SEARCH, params={"jql": 'project = "Acme Power Customer"'})
    assert len(by_name["issues"]) == 3
    by_key = casey.json("POST", SEARCH, json={"jql": "key = ACME-2", "fields": ["summary"]})
    assert [i["fields"]["summary"] for i in by_key["issues"]] == ["b"]


def test_search_updated_since(client: Client) -> None:
    casey = client("customer", CASEY)
    _create(casey, "Task", "recent")
    since = (datetime.now(UTC) - timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M")
    recent = casey.json("GET", SEARCH, params={"jql": f'project = ACME AND updated >= "{since}"'})
    assert len(recent["issues"]) == 1
    relative = casey.json("GET", SEARCH, params={"jql": "project = ACME AND updated >= -5m"})
    assert len(relative["issues"]) == 1
    future = casey.json("GET", SEARCH, params={"jql": "project = ACME AND created > 2099-01-01"})
    assert future["issues"] == []


def test_pagination_with_next_page_token(client: Client) -> None:
    casey = client("customer", CASEY)
    for number in range(5):
        _create(casey, "Task", f"n{number}")
    seen: list[str] = []
    params = {"jql": "project = ACME ORDER BY created ASC", "maxResults": "2", "fields": "summary"}
    while True:
        page = casey.json("GET", SEARCH, params=params)
        seen += [i["fields"]["summary"] for i in page["issues"]]
        if page["isLast"]:
            break
        params["nextPageToken"] = page["nextPageToken"]
    assert seen == ["n0", "n1", "n2", "n3", "n4"]


def test_jql_errors(client: Client) -> None:
    casey = client("customer", CASEY)
    unknown = casey.json("GET", SEARCH, 400, params={"jql": "project = NOPE"})
    assert unknown["errorMessages"] == ["The value 'NOPE' does not exist for the field 'project'."]
    no_field = casey.json("GET", SEARCH, 400, params={"jql": "colour = red"})
    assert no_field["errorMessages"] == [
        "Field 'colour' does not exist or you do not have permission to view it."
    ]
    unbounded = casey.json("GET", SEARCH, 400, params={"jql": "order by created"})
    assert "Unbounded" in unbounded["errorMessages"][0]
    casey.json("GET", SEARCH, 400, params={"jql": "project = ACME AND"})


def test_indexed_properties_are_searchable(simulator: Simulator, client: Client) -> None:
    casey = client("customer", CASEY)
    key = _create(casey, "Task", "linked")
    _create(casey, "Task", "unlinked")
    casey.json(
        "PUT",
        f"/rest/api/3/issue/{key}/properties/tandem.link",
        201,
        json={"syncId": "sync-1", "targets": [{"key": "SUP-7"}]},
    )
    jql = 'issue.property[tandem.link].syncId = "sync-1"'
    not_indexed = casey.json("GET", SEARCH, 400, params={"jql": jql})
    assert "does not exist" in not_indexed["errorMessages"][0]
    _index_property(simulator)
    found = casey.json("GET", SEARCH, params={"jql": jql, "fields": "summary"})
    assert [i["key"] for i in found["issues"]] == [key]
    nested = casey.json(
        "GET", SEARCH, params={"jql": 'issue.property[tandem.link].targets.key = "SUP-7"'}
    )
    assert len(nested["issues"]) == 1
    alias = casey.json("GET", SEARCH, params={"jql": 'tandemSync = "sync-1"'})
    assert len(alias["issues"]) == 1


def _index_property(simulator: Simulator) -> None:
    site = simulator.site("customer")
    site.state.installations["indexer"] = Installation(
        key="indexer",
        name="Indexer",
        client_key="c",
        shared_secret="s",
        base_url="https://indexer.example",
        account_id="app-1",
        descriptor={},
        extractions=[
            PropertyExtraction(
                property_key="tandem.link", object_name="syncId", type="string", alias="tandemSync"
            ),
            PropertyExtraction(
                property_key="tandem.link", object_name="targets.key", type="string"
            ),
        ],
    )
