"""Site catalogues and issue parts common clients call, checked against the spec in v3 and v2."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.simulator.support import CASEY, CHRIS, SiteClient, issue_body

Client = Callable[[str, str], SiteClient]


@pytest.mark.parametrize("version", ["3", "2"])
def test_catalogues(client: Client, version: str) -> None:
    casey = client("customer", CASEY)
    api = f"/rest/api/{version}"
    assert [p["key"] for p in casey.json("GET", f"{api}/project")] == ["ACME"]
    kinds = casey.json("GET", f"{api}/issuetype")
    assert "Bug" in [k["name"] for k in kinds]
    assert casey.json("GET", f"{api}/issuetype/{kinds[0]['id']}")["name"] == kinds[0]["name"]
    casey.json("GET", f"{api}/issuetype/999", 404)
    priorities = casey.json("GET", f"{api}/priority")
    assert [p["name"] for p in priorities][:2] == ["Highest", "High"]
    assert casey.json("GET", f"{api}/priority/3")["name"] == "Medium"
    statuses = casey.json("GET", f"{api}/status")
    assert "To Do" in [s["name"] for s in statuses]
    assert casey.json("GET", f"{api}/status/to do")["statusCategory"]["key"] == "new"
    casey.json("GET", f"{api}/status/nowhere", 404)
    resolutions = casey.json("GET", f"{api}/resolution")
    assert [r["name"] for r in resolutions] == ["Done", "Won't Do", "Duplicate", "Cannot Reproduce"]
    assert casey.json("GET", f"{api}/resolution/10000")["name"] == "Done"
    assert resolutions[0]["self"].split("/rest/api/")[1] == f"{version}/resolution/10000"


def test_assignee_watchers_and_changelog(client: Client) -> None:
    casey = client("customer", CASEY)
    chris = client("customer", CHRIS)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Assign me"))
    casey.json(
        "PUT", "/rest/api/3/issue/ACME-1/assignee", 204, json={"accountId": chris.account_id}
    )
    fields = casey.json("GET", "/rest/api/3/issue/ACME-1", params={"fields": "assignee"})["fields"]
    assert fields["assignee"]["accountId"] == chris.account_id
    casey.json("PUT", "/rest/api/3/issue/ACME-1/assignee", 400, json={"accountId": "nobody"})
    # Jira documents a null accountId as "unassign"; the spec's User schema says not nullable.
    unassigned = casey.http.put("/rest/api/3/issue/ACME-1/assignee", json={"accountId": None})
    assert unassigned.status_code == 204, unassigned.text
    changelog = casey.json("GET", "/rest/api/3/issue/ACME-1/changelog")
    assert changelog["total"] == 2
    assert [h["items"][0]["field"] for h in changelog["values"]] == ["assignee", "assignee"]

    casey.json("POST", "/rest/api/3/issue/ACME-1/watchers", 204, json=casey.account_id)
    chris.json("POST", "/rest/api/3/issue/ACME-1/watchers", 204, json=chris.account_id)
    watching = casey.json("GET", "/rest/api/3/issue/ACME-1/watchers")
    assert watching["isWatching"] is True and watching["watchCount"] == 2
    casey.json(
        "DELETE", "/rest/api/3/issue/ACME-1/watchers", 204, params={"accountId": casey.account_id}
    )
    assert casey.json("GET", "/rest/api/3/issue/ACME-1/watchers")["watchCount"] == 1
    found = chris.json(
        "POST", "/rest/api/3/search/jql", json={"jql": "watcher = currentUser()", "fields": ["key"]}
    )
    assert [i["key"] for i in found["issues"]] == ["ACME-1"]


@pytest.mark.parametrize("version", ["3", "2", "latest"])
def test_legacy_create_meta_is_not_an_issue(client: Client, version: str) -> None:
    casey = client("customer", CASEY)
    api = f"/rest/api/{version}"
    plain = casey.json("GET", f"{api}/issue/createmeta")
    assert [p["key"] for p in plain["projects"]] == ["ACME"]
    assert all("fields" not in t for t in plain["projects"][0]["issuetypes"])
    expanded = casey.json(
        "GET",
        f"{api}/issue/createmeta",
        params={
            "projectKeys": "ACME",
            "issuetypeNames": "Bug",
            "expand": "projects.issuetypes.fields",
        },
    )
    (bug,) = expanded["projects"][0]["issuetypes"]
    assert bug["name"] == "Bug" and bug["fields"]["summary"]["required"] is True
    types = casey.json("GET", f"{api}/issue/createmeta/ACME/issuetypes")
    assert bug["id"] in [t["id"] for t in types["issueTypes"]]
