"""Projects, issue types, create metadata, fields, users and permissions."""

from __future__ import annotations

from collections.abc import Callable

from tests.simulator.support import ALEX, CASEY, CHRIS, PAT, SAM, SiteClient

Client = Callable[[str, str], SiteClient]


def test_projects(client: Client) -> None:
    casey = client("customer", CASEY)
    page = casey.json("GET", "/rest/api/3/project/search")
    assert [p["key"] for p in page["values"]] == ["ACME"]
    assert page["total"] == 1 and page["isLast"] is True
    project = casey.json("GET", "/rest/api/3/project/ACME")
    assert project["id"] == "10000" and project["projectTypeKey"] == "software"
    assert project["lead"]["displayName"] == "Casey Customer"
    assert [t["name"] for t in project["issueTypes"]][:2] == ["Task", "Bug"]
    missing = casey.json("GET", "/rest/api/3/project/NOPE", 404)
    assert missing["errorMessages"] == ["No project could be found with key 'NOPE'."]
    sam = client("support", SAM)
    support = sam.json("GET", "/rest/api/3/project/search", params={"typeKey": "service_desk"})
    assert [p["key"] for p in support["values"]] == ["SUP"]


def test_issue_types_and_create_metadata(client: Client) -> None:
    sam = client("support", SAM)
    kinds = sam.json("GET", "/rest/api/3/issuetype/project", params={"projectId": "10000"})
    it_help = next(k for k in kinds if k["name"] == "IT Help")
    assert it_help["id"] == "10101"
    page = sam.json("GET", "/rest/api/3/issue/createmeta/SUP/issuetypes")
    assert page["total"] == 6 and page["issueTypes"][0]["name"] == "IT Help"
    fields = sam.json("GET", "/rest/api/3/issue/createmeta/SUP/issuetypes/10101")["fields"]
    by_id = {f["fieldId"]: f for f in fields}
    assert by_id["summary"]["required"] is True
    request_type = by_id["customfield_10010"]
    assert request_type["schema"]["custom"] == "com.atlassian.servicedesk:vp-origin"
    assert [v["name"] for v in request_type["allowedValues"]] == ["Get IT Help"]
    casey = client("customer", CASEY)
    acme = casey.json("GET", "/rest/api/3/issue/createmeta/ACME/issuetypes/10001")["fields"]
    assert "customfield_10010" not in {f["fieldId"] for f in acme}
    casey.json("GET", "/rest/api/3/issuetype/project", 404, params={"projectId": "99"})


def test_project_statuses_by_issue_type(client: Client) -> None:
    sam = client("support", SAM)
    kinds = sam.json("GET", "/rest/api/3/project/SUP/statuses")
    assert [k["name"] for k in kinds][:3] == ["IT Help", "Purchase", "Access"]
    it_help = kinds[0]
    assert it_help["id"] == "10101" and it_help["subtask"] is False
    assert it_help["self"] == f"{sam.base_url}/rest/api/3/issuetype/10101"
    assert [s["name"] for s in it_help["statuses"]] == [
        "Waiting for support",
        "In Progress",
        "Waiting for customer",
        "Resolved",
        "Canceled",
    ]
    resolved = it_help["statuses"][3]
    assert resolved["id"] == "10012"
    assert resolved["self"] == f"{sam.base_url}/rest/api/3/status/10012"
    assert resolved["statusCategory"]["key"] == "done"
    assert sam.json("GET", "/rest/api/3/project/10000/statuses") == kinds
    missing = sam.json("GET", "/rest/api/3/project/NOPE/statuses", 404)
    assert missing["errorMessages"] == ["No project could be found with key 'NOPE'."]
    pat = client("support", PAT)
    pat.json("GET", "/rest/api/3/project/SUP/statuses", 404)
    casey = client("customer", CASEY)
    acme = casey.json("GET", "/rest/api/3/project/ACME/statuses")
    assert {s["name"] for k in acme for s in k["statuses"]} == {"To Do", "In Progress", "Done"}


def test_fields(client: Client) -> None:
    casey = client("customer", CASEY)
    fields = {f["id"]: f for f in casey.json("GET", "/rest/api/3/field")}
    assert fields["summary"]["schema"] == {"type": "string", "system": "summary"}
    request_type = fields["customfield_10010"]
    assert request_type["name"] == "Request Type" and request_type["custom"] is True
    assert request_type["schema"] == {
        "type": "sd-customerrequesttype",
        "custom": "com.atlassian.servicedesk:vp-origin",
        "customId": 10010,
    }


def test_myself_and_users(client: Client) -> None:
    casey = client("customer", CASEY)
    me = casey.json("GET", "/rest/api/3/myself")
    assert me["displayName"] == "Casey Customer" and me["emailAddress"] == CASEY
    chris = client("customer", CHRIS)
    other = chris.json("GET", "/rest/api/3/user", params={"accountId": casey.account_id})
    assert other["displayName"] == "Casey Customer" and "emailAddress" not in other
    chris.json("GET", "/rest/api/3/user", 404, params={"accountId": "nobody"})
    found = chris.json("GET", "/rest/api/3/user/search", params={"query": "cas"})
    assert [u["accountId"] for u in found] == [casey.account_id]


def test_my_permissions(client: Client) -> None:
    casey = client("customer", CASEY)
    mine = casey.json(
        "GET",
        "/rest/api/3/mypermissions",
        params={"projectKey": "ACME", "permissions": "ADMINISTER_PROJECTS,BROWSE_PROJECTS"},
    )["permissions"]
    assert mine["ADMINISTER_PROJECTS"]["havePermission"] is True
    chris = client("customer", CHRIS)
    theirs = chris.json(
        "GET",
        "/rest/api/3/mypermissions",
        params={"projectKey": "ACME", "permissions": "ADMINISTER_PROJECTS"},
    )["permissions"]
    assert theirs["ADMINISTER_PROJECTS"]["havePermission"] is False
    chris.json("GET", "/rest/api/3/mypermissions", 400)


def test_bulk_permission_check(client: Client) -> None:
    sam = client("support", SAM)
    alex = client("support", ALEX)
    body = {
        "accountId": alex.account_id,
        "projectPermissions": [
            {"projects": [10000], "permissions": ["ADMINISTER_PROJECTS", "BROWSE_PROJECTS"]}
        ],
        "globalPermissions": ["ADMINISTER"],
    }
    result = sam.json("POST", "/rest/api/3/permissions/check", json=body)
    grants = {g["permission"]: g["projects"] for g in result["projectPermissions"]}
    assert grants == {"ADMINISTER_PROJECTS": [], "BROWSE_PROJECTS": [10000]}
    assert result["globalPermissions"] == []
    body["accountId"] = sam.account_id
    admin = sam.json("POST", "/rest/api/3/permissions/check", json=body)
    assert {g["permission"]: g["projects"] for g in admin["projectPermissions"]} == {
        "ADMINISTER_PROJECTS": [10000],
        "BROWSE_PROJECTS": [10000],
    }
    denied = alex.json("POST", "/rest/api/3/permissions/check", 403, json=body)
    assert denied["errorMessages"]
    pat = client("support", PAT)
    mine = pat.json(
        "POST",
        "/rest/api/3/permissions/check",
        json={"projectPermissions": [{"projects": [10000], "permissions": ["BROWSE_PROJECTS"]}]},
    )
    assert mine["projectPermissions"][0]["projects"] == []


def test_server_info(client: Client) -> None:
    casey = client("customer", CASEY)
    info = casey.json("GET", "/rest/api/3/serverInfo")
    assert info["baseUrl"] == casey.base_url and info["deploymentType"] == "Cloud"
