"""Webhooks to installed apps: signed, shaped like Jira's, retried, observable through idle."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import jwt
from atlassian_jwt.url_utils import hash_url

from tests.simulator.support import CASEY, SAM, SiteClient, adf, idle, issue_body
from tests.simulator.tiny_app import TinyApp, install, running
from tests.support.samples import webhook_sample

Client = Callable[[str, str], SiteClient]
INTERNAL = [{"key": "sd.public.comment", "value": {"internal": True}}]


def use_adf_bodies(sim_url: str, site: str) -> None:
    response = httpx.put(f"{sim_url}/sites/{site}/_sim/settings", json={"webhookBodies": "adf"})
    assert response.json() == {"webhookBodies": "adf"}, response.text


def test_issue_created_delivery_is_signed_and_shaped(sim_url: str, client: Client) -> None:
    with running(TinyApp()) as app:
        result = install(sim_url, "customer", app)
        use_adf_bodies(sim_url, "customer")
        casey = client("customer", CASEY)
        casey.json(
            "POST",
            "/rest/api/3/issue",
            201,
            json=issue_body("ACME", "Task", "Hooked", description=adf("Body text")),
        )
        idle(sim_url)
        call = app.calls("/webhooks/jira-issue_created")[0]
    claims = jwt.decode(call.token, result["sharedSecret"], algorithms=["HS256"])
    assert claims["iss"] == result["clientKey"]
    assert claims["qsh"] == hash_url("POST", "/webhooks/jira-issue_created")
    assert call.headers["x-atlassian-webhook-identifier"]
    assert "x-atlassian-webhook-retry" not in call.headers
    payload = call.json()
    assert payload["webhookEvent"] == "jira:issue_created"
    assert payload["issue_event_type_name"] == "issue_created"
    assert payload["user"]["accountId"] == casey.account_id
    fields = payload["issue"]["fields"]
    assert fields["summary"] == "Hooked" and fields["description"] == adf("Body text")
    assert fields["project"]["key"] == "ACME" and fields["issuetype"]["name"] == "Task"
    assert isinstance(payload["timestamp"], int)
    items = {i["fieldId"]: i for i in payload["changelog"]["items"]}
    assert items["summary"]["toString"] == "Hooked"


def test_updates_deletes_and_the_apps_own_changes(sim_url: str, client: Client) -> None:
    with running(TinyApp()) as app:
        result = install(sim_url, "customer", app)
        casey = client("customer", CASEY)
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Old"))
        casey.json("PUT", "/rest/api/3/issue/ACME-1", 204, json={"fields": {"summary": "New"}})
        own = _as_app(
            sim_url, result, "PUT", "/rest/api/3/issue/ACME-1", {"fields": {"summary": "By app"}}
        )
        assert own.status_code == 204, own.text
        casey.json("DELETE", "/rest/api/3/issue/ACME-1", 204)
        idle(sim_url)
        updates = app.events("jira:issue_updated")
        deleted = app.events("jira:issue_deleted")
    assert [u["changelog"]["items"] for u in updates] == [
        [
            {
                "field": "summary",
                "fieldtype": "jira",
                "fieldId": "summary",
                "from": None,
                "fromString": "Old",
                "to": None,
                "toString": "New",
            }
        ],
        [
            {
                "field": "summary",
                "fieldtype": "jira",
                "fieldId": "summary",
                "from": None,
                "fromString": "New",
                "to": None,
                "toString": "By app",
            }
        ],
    ]
    assert updates[1]["user"]["accountId"] == result["accountId"]
    assert updates[1]["user"]["accountType"] == "app"
    assert deleted[0]["issue"]["key"] == "ACME-1"


def _as_app(
    sim_url: str, result: dict[str, str], method: str, path: str, body: object
) -> httpx.Response:
    from tests.simulator.support import app_jwt

    token = app_jwt(
        key=result["key"], secret=result["sharedSecret"], method=method, relative_url=path
    )
    return httpx.request(
        method,
        f"{sim_url}/sites/{_site(result)}{path}",
        json=body,
        headers={"Authorization": f"JWT {token}"},
    )


def _site(result: dict[str, str]) -> str:
    return result["baseUrl"].rsplit("/", 1)[-1]


def test_comment_events_carry_visibility(sim_url: str, client: Client) -> None:
    with running(TinyApp()) as app:
        result = install(sim_url, "support", app)
        use_adf_bodies(sim_url, "support")
        sam = client("support", SAM)
        sam.json(
            "POST",
            "/rest/api/3/issue",
            201,
            json=issue_body("SUP", "IT Help", "Help", customfield_10010="sup/getithelp"),
        )
        note = sam.json(
            "POST",
            "/rest/api/3/issue/SUP-1/comment",
            201,
            json={"body": adf("Internal"), "properties": INTERNAL},
        )
        sam.json(
            "PUT",
            f"/rest/api/3/issue/SUP-1/comment/{note['id']}",
            200,
            json={"body": adf("Internal, edited")},
        )
        app_note = _as_app(
            sim_url,
            result,
            "POST",
            "/rest/api/3/issue/SUP-1/comment",
            {"body": adf("From the app")},
        )
        assert app_note.status_code == 201, app_note.text
        sam.json("DELETE", f"/rest/api/3/issue/SUP-1/comment/{note['id']}", 204)
        idle(sim_url)
        created = app.events("comment_created")
        updated = app.events("comment_updated")
        deleted = app.events("comment_deleted")
        legacy = app.events("jira:issue_updated")
    assert [c["comment"]["jsdPublic"] for c in created] == [False, True]
    assert created[0]["comment"]["body"] == adf("Internal")
    assert created[1]["comment"]["author"]["accountId"] == result["accountId"]
    assert set(created[0]["issue"]["fields"]) == {
        "summary",
        "issuetype",
        "project",
        "assignee",
        "priority",
        "status",
    }
    assert created[0]["issue"]["key"] == "SUP-1" and "user" not in created[0]
    assert updated[0]["comment"]["body"] == adf("Internal, edited")
    assert deleted[0]["comment"]["id"] == note["id"]
    assert [e["issue_event_type_name"] for e in legacy] == [
        "issue_commented",
        "issue_comment_edited",
        "issue_commented",
        "issue_comment_deleted",
    ]
    assert legacy[0]["comment"]["id"] == note["id"]


def test_failed_delivery_is_retried_with_the_same_identifier(sim_url: str, client: Client) -> None:
    with running(TinyApp(failures={"/webhooks/jira-issue_created": 2})) as app:
        install(sim_url, "customer", app)
        casey = client("customer", CASEY)
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Retry"))
        summary = idle(sim_url)
        calls = app.calls("/webhooks/jira-issue_created")
    assert len(calls) == 3 and summary["delivered"] == 1
    assert len({c.headers["x-atlassian-webhook-identifier"] for c in calls}) == 1
    assert [c.headers.get("x-atlassian-webhook-retry") for c in calls] == [None, "1", "2"]
    log = httpx.get(f"{sim_url}/_sim/webhooks").json()["deliveries"]
    assert log[0]["statuses"] == [500, 500, 204] and log[0]["outcome"] == "delivered"


def test_unreachable_app_fails_after_retries(sim_url: str, client: Client) -> None:
    with running(TinyApp()) as app:
        install(sim_url, "customer", app)
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Nobody"))
    summary = idle(sim_url)
    assert summary["failed"] == 1 and summary["pending"] == 0


def test_exclude_body_and_filters(sim_url: str, client: Client) -> None:
    hooks = [
        {"event": "jira:issue_created", "url": "/bare", "excludeBody": True},
        {
            "event": "jira:issue_created",
            "url": "/bugs?kind=bug",
            "filter": "project = ACME AND issuetype = Bug",
        },
    ]
    with running(TinyApp(webhooks=hooks)) as app:
        install(sim_url, "customer", app)
        casey = client("customer", CASEY)
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Task"))
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Bug", "Bug"))
        idle(sim_url)
        bare = app.calls("/bare")
        bugs = app.calls("/bugs")
    assert len(bare) == 2 and bare[0].body == b""
    assert [b.json()["issue"]["fields"]["summary"] for b in bugs] == ["Bug"]
    assert bugs[0].query == "kind=bug"
    claims = jwt.decode(bugs[0].token, options={"verify_signature": False})
    assert claims["qsh"] == hash_url("POST", "/bugs?kind=bug")


def _para(text: str, *marks: str) -> dict[str, object]:
    node: dict[str, object] = {"type": "text", "text": text}
    if marks:
        node["marks"] = [{"type": mark} for mark in marks]
    return {"type": "paragraph", "content": [node]}


RICH = {
    "type": "doc",
    "version": 1,
    "content": [
        _para("Steps", "strong"),
        {
            "type": "bulletList",
            "content": [{"type": "listItem", "content": [_para(t)]} for t in ("one", "two")],
        },
        {
            "type": "codeBlock",
            "attrs": {"language": "sh"},
            "content": [{"type": "text", "text": "make test"}],
        },
    ],
}
RICH_WIKI = "*Steps*\n\n* one\n* two\n\n{code:sh}\nmake test\n{code}"


def test_webhooks_are_shaped_as_jira_cloud_sends_them(sim_url: str, client: Client) -> None:
    """By default, as the genuine samples: wiki markup for rich text, v2 links, legacy names."""
    with running(TinyApp()) as app:
        result = install(sim_url, "customer", app)
        casey = client("customer", CASEY)
        casey.json(
            "POST",
            "/rest/api/3/issue",
            201,
            json=issue_body("ACME", "Task", "Hooked", description=RICH),
        )
        casey.json("POST", "/rest/api/3/issue/ACME-1/comment", 201, json={"body": RICH})
        idle(sim_url)
        created = app.events("jira:issue_created")[0]
        commented = app.events("comment_created")[0]
        legacy = app.events("jira:issue_updated")[0]
    issue = created["issue"]
    assert issue["fields"]["description"] == RICH_WIKI
    assert "/rest/api/2/issue/" in issue["self"]
    assert "/rest/api/2/issuetype/" in issue["fields"]["issuetype"]["self"]
    user = created["user"]
    assert (user["name"], user["key"]) == ("casey", "casey")
    assert "/rest/api/2/user?accountId=" in user["self"]
    assert commented["comment"]["body"] == RICH_WIKI
    assert "/rest/api/2/issue/" in commented["comment"]["self"]
    assert commented["comment"]["author"]["name"] == "casey"
    assert legacy["issue_event_type_name"] == "issue_commented" and "changelog" not in legacy
    assert legacy["issue"]["fields"]["description"] == RICH_WIKI
    assert legacy["comment"]["body"] == RICH_WIKI
    assert result["key"]
    _same_keys(commented, webhook_sample("comment_created.jsdPublic.cloud.json"))


def _same_keys(sent: object, genuine: object, where: str = "") -> None:
    """Every key of the genuine sample is in what the simulator sent, at every level."""
    if isinstance(genuine, dict) and genuine.get("type") != "doc":
        assert isinstance(sent, dict), where
        for key, value in genuine.items():
            if key in ("avatarUrls", "assignee", "priority") and sent.get(key) is None:
                continue  # unset on the simulated issue
            assert key in sent, f"{where}.{key}"
            _same_keys(sent[key], value, f"{where}.{key}")
    elif isinstance(genuine, str | int | bool):
        assert type(sent) is type(genuine), where


def test_the_apps_user_has_its_legacy_name(sim_url: str, client: Client) -> None:
    with running(TinyApp()) as app:
        result = install(sim_url, "customer", app)
        client("customer", CASEY).json(
            "POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Old")
        )
        own = _as_app(
            sim_url, result, "PUT", "/rest/api/3/issue/ACME-1", {"fields": {"summary": "By app"}}
        )
        assert own.status_code == 204, own.text
        idle(sim_url)
        update = app.events("jira:issue_updated")[0]
    assert update["user"]["name"] == f"addon_{result['key']}"
    assert update["user"]["accountId"] == result["accountId"]


def test_webhook_bodies_setting_is_checked(sim_url: str) -> None:
    url = f"{sim_url}/sites/customer/_sim/settings"
    assert httpx.get(url).json() == {"webhookBodies": "wiki"}
    assert httpx.put(url, json={"webhookBodies": "html"}).status_code == 400
    assert httpx.put(url, json={"webhookBodies": "adf"}).json() == {"webhookBodies": "adf"}
