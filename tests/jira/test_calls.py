"""Every call of the client, against respx: the request it sends and what it reads back."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
import respx

from tandem.jira import JiraBadRequest, JiraClient, JiraNotFound, NewIssue, adf
from tests.jira.conftest import API_TOKEN, EMAIL

API = "/rest/api/3"
SD = "/rest/servicedeskapi"
DOC = adf.from_text("Hello")


def sent(route: respx.Route, index: int = -1) -> httpx.Request:
    request: httpx.Request = route.calls[index].request
    return request


def body_of(route: respx.Route, index: int = -1) -> Any:
    return json.loads(sent(route, index).content)


def user_json(account_id: str = "557058:ann", name: str = "Ann") -> dict[str, Any]:
    return {"accountId": account_id, "displayName": name, "active": True, "timeZone": "UTC"}


def comment_json(comment_id: str = "10010", **extra: Any) -> dict[str, Any]:
    return {
        "id": comment_id,
        "body": DOC,
        "author": user_json(),
        "created": "2024-05-01T10:15:30.123+0000",
        "jsdPublic": True,
        **extra,
    }


async def test_requests_carry_basic_auth_and_accept_json(
    jira: JiraClient, mock: respx.MockRouter
) -> None:
    route = mock.get(f"{API}/myself").respond(json=user_json())
    me = await jira.myself()
    expected = base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
    assert sent(route).headers["Authorization"] == f"Basic {expected}"
    assert sent(route).headers["Accept"] == "application/json"
    assert me.account_id == "557058:ann" and me.display_name == "Ann"


async def test_get_user(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.get(f"{API}/user", params={"accountId": "557058:bob"}).respond(
        json={**user_json("557058:bob", "Bob"), "emailAddress": "bob@example.com", "extra": 1}
    )
    user = await jira.get_user("557058:bob")
    assert route.called
    assert (user.display_name, user.email_address) == ("Bob", "bob@example.com")


async def test_search_projects_follows_pages(jira: JiraClient, mock: respx.MockRouter) -> None:
    first = {"values": [{"id": "10000", "key": "ACME", "name": "Acme"}], "isLast": False}
    last = {"values": [{"id": "10001", "key": "SUP", "name": "Support"}], "isLast": True}
    route = mock.get(f"{API}/project/search").mock(
        side_effect=[httpx.Response(200, json=first), httpx.Response(200, json=last)]
    )
    projects = await jira.search_projects("ac", type_key="software")
    assert [p.key for p in projects] == ["ACME", "SUP"]
    assert sent(route, 0).url.params["query"] == "ac"
    assert sent(route, 0).url.params["typeKey"] == "software"
    assert sent(route, 1).url.params["startAt"] == "1"


async def test_search_projects_stops_at_limit(jira: JiraClient, mock: respx.MockRouter) -> None:
    page = {"values": [{"id": str(i), "key": f"P{i}"} for i in range(3)], "isLast": False}
    route = mock.get(f"{API}/project/search").respond(json=page)
    assert len(await jira.search_projects(limit=2)) == 2
    assert route.call_count == 1


async def test_get_project(jira: JiraClient, mock: respx.MockRouter) -> None:
    mock.get(f"{API}/project/ACME").respond(
        json={
            "id": "10000",
            "key": "ACME",
            "name": "Acme",
            "projectTypeKey": "software",
            "issueTypes": [{"id": "1", "name": "Task", "subtask": False}],
        }
    )
    project = await jira.get_project("ACME")
    assert project.project_type_key == "software"
    assert [t.name for t in project.issue_types] == ["Task"]


async def test_project_issue_types(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.get(f"{API}/issuetype/project", params={"projectId": "10000"}).respond(
        json=[{"id": "1", "name": "Task", "hierarchyLevel": 0}, {"id": "2", "name": "Epic"}]
    )
    types = await jira.project_issue_types(10000)
    assert route.called and [t.name for t in types] == ["Task", "Epic"]


async def test_project_statuses(jira: JiraClient, mock: respx.MockRouter) -> None:
    def status(status_id: str, name: str, category: str) -> dict[str, Any]:
        return {
            "self": f"https://x.atlassian.net{API}/status/{status_id}",
            "id": status_id,
            "name": name,
            "description": "",
            "statusCategory": {"id": 2, "key": category, "name": category.title()},
        }

    route = mock.get(f"{API}/project/SUP/statuses").respond(
        json=[
            {
                "self": f"https://x.atlassian.net{API}/issuetype/10101",
                "id": "10101",
                "name": "IT Help",
                "subtask": False,
                "statuses": [status("10010", "Waiting for support", "new")],
            },
            {
                "id": "10104",
                "name": "Sub-task",
                "subtask": True,
                "statuses": [status("10012", "Resolved", "done")],
            },
        ]
    )
    kinds = await jira.project_statuses("SUP")
    assert route.called
    assert [(k.id, k.name, k.subtask) for k in kinds] == [
        ("10101", "IT Help", False),
        ("10104", "Sub-task", True),
    ]
    resolved = kinds[1].statuses[0]
    assert (resolved.id, resolved.name) == ("10012", "Resolved")
    assert resolved.status_category is not None and resolved.status_category.key == "done"


async def test_create_meta_fields_follow_pages(jira: JiraClient, mock: respx.MockRouter) -> None:
    def meta(field_id: str) -> dict[str, Any]:
        return {
            "fieldId": field_id,
            "key": field_id,
            "name": field_id.title(),
            "required": field_id == "summary",
            "operations": ["set"],
            "schema": {"type": "string", "system": field_id},
        }

    route = mock.get(f"{API}/issue/createmeta/ACME/issuetypes/10001").mock(
        side_effect=[
            httpx.Response(200, json={"fields": [meta("summary")], "total": 2, "startAt": 0}),
            httpx.Response(200, json={"fields": [meta("description")], "total": 2, "startAt": 1}),
        ]
    )
    fields = await jira.create_meta_fields("ACME", "10001")
    assert [(f.field_id, f.required) for f in fields] == [("summary", True), ("description", False)]
    assert fields[0].type_schema is not None and fields[0].type_schema.system == "summary"
    assert sent(route, 1).url.params["startAt"] == "1"


async def test_get_fields(jira: JiraClient, mock: respx.MockRouter) -> None:
    mock.get(f"{API}/field").respond(
        json=[
            {"id": "summary", "name": "Summary", "schema": {"type": "string", "system": "summary"}},
            {
                "id": "customfield_10010",
                "name": "Request Type",
                "custom": True,
                "schema": {"type": "sd-customerrequesttype", "custom": "x", "customId": 10010},
            },
        ]
    )
    fields = await jira.get_fields()
    assert fields[1].custom and fields[1].type_schema is not None
    assert fields[1].type_schema.custom_id == 10010


async def test_my_permissions(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.get(f"{API}/mypermissions").respond(
        json={
            "permissions": {
                "ADMINISTER_PROJECTS": {"key": "ADMINISTER_PROJECTS", "havePermission": True},
                "BROWSE_PROJECTS": {"key": "BROWSE_PROJECTS", "havePermission": False},
            }
        }
    )
    granted = await jira.my_permissions(["ADMINISTER_PROJECTS", "BROWSE_PROJECTS"], project="ACME")
    assert granted.has("ADMINISTER_PROJECTS") and not granted.has("BROWSE_PROJECTS")
    assert dict(sent(route).url.params) == {
        "permissions": "ADMINISTER_PROJECTS,BROWSE_PROJECTS",
        "projectKey": "ACME",
    }
    await jira.my_permissions(["BROWSE_PROJECTS"], project="10000")
    assert sent(route).url.params["projectId"] == "10000"


@pytest.mark.parametrize(("granted", "expected"), [([10000], True), ([], False)])
async def test_is_project_admin(
    jira: JiraClient, mock: respx.MockRouter, granted: list[int], expected: bool
) -> None:
    grants = [{"permission": "ADMINISTER_PROJECTS", "projects": granted, "issues": []}]
    route = mock.post(f"{API}/permissions/check").respond(
        json={"globalPermissions": [], "projectPermissions": grants if granted else []}
    )
    assert await jira.is_project_admin("557058:ann", "10000") is expected
    assert body_of(route) == {
        "accountId": "557058:ann",
        "projectPermissions": [{"permissions": ["ADMINISTER_PROJECTS"], "projects": [10000]}],
    }


async def test_is_project_admin_by_key(jira: JiraClient, mock: respx.MockRouter) -> None:
    mock.get(f"{API}/project/ACME").respond(json={"id": "10000", "key": "ACME"})
    grants = [{"permission": "ADMINISTER_PROJECTS", "projects": [10000], "issues": []}]
    route = mock.post(f"{API}/permissions/check").respond(
        json={"globalPermissions": [], "projectPermissions": grants}
    )
    assert await jira.is_project_admin("557058:ann", "ACME")
    assert body_of(route)["projectPermissions"][0]["projects"] == [10000]


async def test_create_issue_with_properties(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.post(f"{API}/issue").respond(
        201, json={"id": "10001", "key": "SUP-1", "self": "https://x/rest/api/3/issue/10001"}
    )
    fields = {"project": {"key": "SUP"}, "summary": "Printer", "issuetype": {"id": "10005"}}
    created = await jira.create_issue(fields, properties={"tandem.link": {"sync": 1}})
    assert (created.id, created.key) == ("10001", "SUP-1")
    assert body_of(route) == {
        "fields": fields,
        "properties": [{"key": "tandem.link", "value": {"sync": 1}}],
    }


async def test_bulk_create_reports_failed_positions_across_batches(
    jira: JiraClient, mock: respx.MockRouter
) -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        updates = json.loads(request.content)["issueUpdates"]
        issues = [{"id": str(i), "key": f"SUP-{i}"} for i in range(len(updates) - 1)]
        error = {
            "failedElementNumber": len(updates) - 1,
            "status": 400,
            "elementErrors": {"errorMessages": [], "errors": {"summary": "Required"}},
        }
        return httpx.Response(201, json={"issues": issues, "errors": [error]})

    route = mock.post(f"{API}/issue/bulk").mock(side_effect=reply)
    issues = [NewIssue({"summary": f"n{i}"}, {"tandem.link": i}) for i in range(60)]
    result = await jira.create_issues(issues)
    assert route.call_count == 2
    assert len(body_of(route, 0)["issueUpdates"]) == 50
    assert body_of(route, 1)["issueUpdates"][0] == {
        "fields": {"summary": "n50"},
        "properties": [{"key": "tandem.link", "value": 50}],
    }
    assert len(result.issues) == 58
    assert [e.failed_element_number for e in result.errors] == [49, 59]
    assert result.errors[0].element_errors.errors == {"summary": "Required"}


async def test_bulk_create_all_failed_is_a_result(jira: JiraClient, mock: respx.MockRouter) -> None:
    error = {"failedElementNumber": 0, "status": 400, "elementErrors": {"errors": {"a": "b"}}}
    mock.post(f"{API}/issue/bulk").respond(400, json={"issues": [], "errors": [error]})
    result = await jira.create_issues([NewIssue({"summary": "x"})])
    assert result.issues == [] and result.errors[0].failed_element_number == 0


async def test_bulk_create_bad_request_is_an_error(
    jira: JiraClient, mock: respx.MockRouter
) -> None:
    mock.post(f"{API}/issue/bulk").respond(400, json={"errorMessages": ["Too many"], "errors": {}})
    with pytest.raises(JiraBadRequest, match="Too many"):
        await jira.create_issues([NewIssue({"summary": "x"})])


async def test_get_issue(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.get(f"{API}/issue/ACME-1").respond(
        json={
            "id": "10000",
            "key": "ACME-1",
            "fields": {
                "summary": "Printer on fire",
                "description": DOC,
                "issuetype": {"id": "10001", "name": "Task"},
                "project": {"id": "10000", "key": "ACME"},
                "status": {"id": "1", "name": "Open", "statusCategory": {"key": "new"}},
                "updated": "2024-05-01T10:15:30.123+0000",
                "customfield_10010": {"value": "x"},
            },
            "properties": {"tandem.link": {"sync": 1}},
        }
    )
    issue = await jira.get_issue(
        "ACME-1", fields=["summary", "customfield_10010"], properties=["tandem.link"]
    )
    assert dict(sent(route).url.params) == {
        "fields": "summary,customfield_10010",
        "properties": "tandem.link",
    }
    assert issue.fields.summary == "Printer on fire" and issue.fields.description == DOC
    assert issue.fields.get("customfield_10010") == {"value": "x"}
    assert issue.fields.status is not None and issue.fields.status.status_category is not None
    assert issue.fields.updated is not None and issue.fields.updated.year == 2024
    assert issue.properties == {"tandem.link": {"sync": 1}}


async def test_get_issue_not_found(jira: JiraClient, mock: respx.MockRouter) -> None:
    mock.get(f"{API}/issue/ACME-9").respond(
        404, json={"errorMessages": ["Issue does not exist"], "errors": {}}
    )
    with pytest.raises(JiraNotFound) as caught:
        await jira.get_issue("ACME-9")
    assert caught.value.status == 404 and caught.value.error_messages == ["Issue does not exist"]


async def test_edit_issue_options(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.put(f"{API}/issue/SUP-1").respond(204)
    await jira.edit_issue(
        "SUP-1",
        fields={"summary": "New"},
        properties={"tandem.echo": "abc"},
        notify_users=False,
        override_screen_security=True,
    )
    assert dict(sent(route).url.params) == {
        "notifyUsers": "false",
        "overrideScreenSecurity": "true",
    }
    assert body_of(route) == {
        "fields": {"summary": "New"},
        "properties": [{"key": "tandem.echo", "value": "abc"}],
    }
    await jira.edit_issue("SUP-1", fields={"summary": "Plain"})
    assert not sent(route).url.params


async def test_edit_issue_field_errors(jira: JiraClient, mock: respx.MockRouter) -> None:
    mock.put(f"{API}/issue/SUP-1").respond(
        400, json={"errorMessages": [], "errors": {"summary": "Summary is too long"}}
    )
    with pytest.raises(JiraBadRequest) as caught:
        await jira.edit_issue("SUP-1", fields={"summary": "x" * 300})
    assert caught.value.errors == {"summary": "Summary is too long"}
    assert "summary: Summary is too long" in str(caught.value)


async def test_delete_issue(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.delete(f"{API}/issue/SUP-1").respond(204)
    await jira.delete_issue("SUP-1", delete_subtasks=True)
    assert sent(route).url.params["deleteSubtasks"] == "true"


async def test_transitions(jira: JiraClient, mock: respx.MockRouter) -> None:
    mock.get(f"{API}/issue/SUP-1/transitions").respond(
        json={
            "transitions": [
                {"id": "31", "name": "Done", "to": {"id": "3", "name": "Done"}, "hasScreen": False}
            ]
        }
    )
    route = mock.post(f"{API}/issue/SUP-1/transitions").respond(204)
    transitions = await jira.get_transitions("SUP-1")
    assert transitions[0].to is not None and transitions[0].to.name == "Done"
    await jira.transition_issue("SUP-1", "31", fields={"resolution": {"name": "Done"}})
    assert body_of(route) == {
        "transition": {"id": "31"},
        "fields": {"resolution": {"name": "Done"}},
    }


async def test_add_internal_comment(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.post(f"{API}/issue/SUP-1/comment").respond(
        201,
        json=comment_json(
            jsdPublic=False,
            properties=[{"key": "sd.public.comment", "value": {"internal": True}}],
        ),
    )
    comment = await jira.add_comment("SUP-1", DOC, internal=True)
    assert body_of(route) == {
        "body": DOC,
        "properties": [{"key": "sd.public.comment", "value": {"internal": True}}],
    }
    assert comment.is_internal and comment.author is not None


async def test_add_comment_converts_wiki_markup(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.post(f"{API}/issue/ACME-1/comment").respond(201, json=comment_json())
    comment = await jira.add_comment("ACME-1", "Hello *there*")
    sent_body = body_of(route)
    assert "properties" not in sent_body
    assert sent_body["body"]["content"][0]["content"][1] == {
        "type": "text",
        "text": "there",
        "marks": [{"type": "strong"}],
    }
    assert not comment.is_internal


async def test_iter_comments_follows_pages(jira: JiraClient, mock: respx.MockRouter) -> None:
    pages = [
        {"comments": [comment_json("1"), comment_json("2")], "startAt": 0, "total": 3},
        {"comments": [comment_json("3", jsdPublic=False)], "startAt": 2, "total": 3},
    ]
    route = mock.get(f"{API}/issue/SUP-1/comment").mock(
        side_effect=[httpx.Response(200, json=page) for page in pages]
    )
    comments = [c async for c in jira.iter_comments("SUP-1", page_size=2)]
    assert [(c.id, c.is_internal) for c in comments] == [("1", False), ("2", False), ("3", True)]
    assert dict(sent(route, 1).url.params) == {
        "startAt": "2",
        "maxResults": "2",
        "orderBy": "created",
        "expand": "properties",
    }


async def test_get_update_delete_comment(jira: JiraClient, mock: respx.MockRouter) -> None:
    get = mock.get(f"{API}/issue/SUP-1/comment/7").respond(json=comment_json("7"))
    put = mock.put(f"{API}/issue/SUP-1/comment/7").respond(json=comment_json("7"))
    delete = mock.delete(f"{API}/issue/SUP-1/comment/7").respond(204)
    assert (await jira.get_comment("SUP-1", "7")).id == "7"
    assert sent(get).url.params["expand"] == "properties"
    await jira.update_comment("SUP-1", "7", DOC, internal=False, notify_users=False)
    assert body_of(put) == {
        "body": DOC,
        "properties": [{"key": "sd.public.comment", "value": {"internal": False}}],
    }
    assert sent(put).url.params["notifyUsers"] == "false"
    await jira.delete_comment("SUP-1", "7")
    assert delete.called


async def test_issue_properties(jira: JiraClient, mock: respx.MockRouter) -> None:
    base = f"{API}/issue/SUP-1/properties"
    mock.get(base).respond(json={"keys": [{"key": "tandem.link", "self": "x"}]})
    mock.get(f"{base}/tandem.link").respond(json={"key": "tandem.link", "value": {"a": 1}})
    put = mock.put(f"{base}/tandem.link").respond(201)
    delete = mock.delete(f"{base}/tandem.link").respond(204)
    assert await jira.issue_property_keys("SUP-1") == ["tandem.link"]
    assert (await jira.get_issue_property("SUP-1", "tandem.link")).value == {"a": 1}
    await jira.set_issue_property("SUP-1", "tandem.link", {"a": 2})
    assert body_of(put) == {"a": 2}
    await jira.delete_issue_property("SUP-1", "tandem.link")
    assert delete.called


async def test_property_keys_are_quoted_in_paths(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.get(url__regex=r".*/properties/a%2Fb%20c$").respond(json={"key": "a/b c"})
    await jira.get_issue_property("SUP-1", "a/b c")
    assert route.called


async def test_search_iterates_next_page_tokens(jira: JiraClient, mock: respx.MockRouter) -> None:
    pages = [
        {"issues": [{"id": "1", "key": "ACME-1"}], "nextPageToken": "t2", "isLast": False},
        {"issues": [{"id": "2", "key": "ACME-2"}], "isLast": True},
    ]
    route = mock.post(f"{API}/search/jql").mock(
        side_effect=[httpx.Response(200, json=page) for page in pages]
    )
    keys = [i.key async for i in jira.search("project = ACME", fields=["summary"], page_size=1)]
    assert keys == ["ACME-1", "ACME-2"]
    assert body_of(route, 0) == {"jql": "project = ACME", "fields": ["summary"], "maxResults": 1}
    assert body_of(route, 1)["nextPageToken"] == "t2"


async def test_search_with_properties_and_expand(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.post(f"{API}/search/jql").respond(json={"issues": []})
    found = [
        i
        async for i in jira.search(
            "updated > -5m", properties=["tandem.link"], expand=["names", "changelog"]
        )
    ]
    assert found == []
    assert body_of(route)["properties"] == ["tandem.link"]
    assert body_of(route)["expand"] == "names,changelog"


async def test_service_desks_and_request_types(jira: JiraClient, mock: respx.MockRouter) -> None:
    desks = mock.get(f"{SD}/servicedesk").mock(
        side_effect=[
            httpx.Response(
                200, json={"values": [{"id": "1", "projectId": "10001"}], "isLastPage": False}
            ),
            httpx.Response(
                200, json={"values": [{"id": "2", "projectId": "10002"}], "isLastPage": True}
            ),
        ]
    )
    mock.get(f"{SD}/servicedesk/1/requesttype").respond(
        json={
            "values": [{"id": "11", "name": "Get IT help", "issueTypeId": "10005"}],
            "isLastPage": True,
        }
    )
    assert [d.project_id for d in await jira.service_desks()] == ["10001", "10002"]
    assert dict(sent(desks, 1).url.params) == {"start": "1", "limit": "50"}
    types = await jira.request_types("1")
    assert (types[0].name, types[0].issue_type_id) == ("Get IT help", "10005")


async def test_create_customer_request(jira: JiraClient, mock: respx.MockRouter) -> None:
    route = mock.post(f"{SD}/request").respond(
        201,
        json={
            "issueId": "10020",
            "issueKey": "SUP-20",
            "requestTypeId": "11",
            "serviceDeskId": "1",
            "createdDate": {"iso8601": "2024-05-01T10:15:30+0000", "epochMillis": 1714558530000},
            "reporter": {"accountId": "557058:ann", "displayName": "Ann"},
        },
    )
    request = await jira.create_customer_request(
        "1",
        "11",
        {"summary": "Printer", "description": DOC},
        raise_on_behalf_of="557058:ann",
        adf_fields=True,
    )
    assert (request.issue_key, request.request_type_id) == ("SUP-20", "11")
    assert body_of(route) == {
        "serviceDeskId": "1",
        "requestTypeId": "11",
        "requestFieldValues": {"summary": "Printer", "description": DOC},
        "raiseOnBehalfOf": "557058:ann",
        "isAdfRequest": True,
    }


async def test_request_comments(jira: JiraClient, mock: respx.MockRouter) -> None:
    post = mock.post(f"{SD}/request/SUP-20/comment").respond(
        201, json={"id": "5", "body": "Hi", "public": False, "author": {"displayName": "Ann"}}
    )
    listing = mock.get(f"{SD}/request/SUP-20/comment").respond(
        json={"values": [{"id": "5", "body": "Hi", "public": True}], "isLastPage": True}
    )
    added = await jira.add_request_comment("SUP-20", "Hi", public=False)
    assert body_of(post) == {"body": "Hi", "public": False} and not added.public
    comments = await jira.request_comments("SUP-20", public=True, internal=False)
    assert [c.id for c in comments] == ["5"]
    assert sent(listing).url.params["public"] == "true"
    assert sent(listing).url.params["internal"] == "false"


async def test_unexpected_body_is_a_jira_error(jira: JiraClient, mock: respx.MockRouter) -> None:
    mock.get(f"{API}/myself").respond(200, text="<html>login</html>")
    with pytest.raises(Exception, match="Unexpected response body") as caught:
        await jira.myself()
    assert type(caught.value).__name__ == "JiraError"
