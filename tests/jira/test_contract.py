"""Contract tests: every call of the client against the Jira simulator over real HTTP.

Each request the client sends is checked against Atlassian's published OpenAPI specs on its
way out, so the client speaks Jira as documented, not as the simulator happens to accept.
Every test runs twice: signed as an installed Connect app (JWT with the qsh of the request,
relative to the site's ``/sites/{name}`` path) and with a seeded user's API token.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

from tandem.connect.clientauth import ConnectJwtAuth
from tandem.jira import (
    ApiTokenAuth,
    JiraAuthError,
    JiraBadRequest,
    JiraClient,
    JiraNotFound,
    JiraPermissionError,
    JiraRateLimited,
    JiraUnavailable,
    NewIssue,
    RetryPolicy,
    adf,
)
from tandem.simulator.app import create_app
from tandem.simulator.simulator import Simulator
from tests.jira.conftest import FakeClock
from tests.support.openapi import validate_request
from tests.support.servers import free_port, serve

APP_KEY = "io.tandem.contract-tests"
SITE_USERS = {"customer": "casey@acme.example", "support": "sam@support.example"}
TASK = "10001"


@dataclass
class Site:
    name: str
    base_url: str
    email: str
    api_token: str
    account_id: str
    shared_secret: str = ""
    users: dict[str, str] = field(default_factory=dict)  # email -> accountId

    @property
    def base_path(self) -> str:
        return httpx.URL(self.base_url).path


def _connect_app(base_url: str) -> FastAPI:
    app = FastAPI()
    descriptor = {
        "key": APP_KEY,
        "name": "Tandem contract tests",
        "baseUrl": base_url,
        "authentication": {"type": "jwt"},
        "lifecycle": {"installed": "/installed"},
        "scopes": ["READ", "WRITE", "DELETE", "ADMIN"],
    }

    @app.get("/atlassian-connect.json")
    async def get_descriptor() -> JSONResponse:
        return JSONResponse(descriptor)

    @app.post("/installed")
    async def installed() -> Response:
        return Response(status_code=204)

    return app


def _site(root: str, name: str, app_url: str) -> Site:
    with httpx.Client(base_url=f"{root}/sites/{name}/_sim", timeout=10) as control:
        users = control.get("/users").raise_for_status().json()["users"]
        install = control.post(
            "/install", json={"descriptorUrl": f"{app_url}/atlassian-connect.json"}
        )
        secret = install.raise_for_status().json()["sharedSecret"]
    me = next(u for u in users if u["emailAddress"] == SITE_USERS[name])
    return Site(
        name=name,
        base_url=f"{root}/sites/{name}",
        email=me["emailAddress"],
        api_token=me["apiToken"],
        account_id=me["accountId"],
        shared_secret=secret,
        users={u["emailAddress"]: u["accountId"] for u in users if u["emailAddress"]},
    )


@pytest.fixture(scope="module")
def sites() -> Iterator[dict[str, Site]]:
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    simulator = Simulator.from_scenario()
    app_port = free_port()
    app_url = f"http://127.0.0.1:{app_port}"
    with (
        serve(_connect_app(app_url), port=app_port),
        serve(create_app(simulator, public_url=root), port=port),
    ):
        yield {name: _site(root, name, app_url) for name in SITE_USERS}


class SpecCheckedTransport(httpx.AsyncBaseTransport):
    """Sends over real HTTP; each request must first be valid against the published spec."""

    def __init__(self, base_path: str) -> None:
        self.base_path = base_path
        self.inner = httpx.AsyncHTTPTransport()
        self.checked: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        validate_request(request, self.base_path)
        self.checked.append(f"{request.method} {request.url.path}")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_the_spec_check_rejects_what_jira_would() -> None:
    base = "http://127.0.0.1:1/sites/support"
    bad = httpx.Request(
        "POST", f"{base}/rest/servicedeskapi/request/SUP-1/comment", json={"public": "yes"}
    )
    with pytest.raises(Exception, match="(?i)invalid|validation"):
        validate_request(bad, "/sites/support")
    with pytest.raises(Exception, match="(?i)not found|path"):
        validate_request(httpx.Request("GET", f"{base}/rest/api/3/nowhere"), "/sites/support")


def _auth(site: Site, mode: str, *, wrong: bool = False) -> httpx.Auth:
    if mode == "connect":
        secret = "not-the-secret" * 4 if wrong else site.shared_secret
        return ConnectJwtAuth(app_key=APP_KEY, shared_secret=secret, base_url=site.base_url)
    return ApiTokenAuth(site.email, "wrong-token" if wrong else site.api_token)


@pytest.fixture(params=["connect", "api-token"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@asynccontextmanager
async def connected(site: Site, mode: str, **options: Any) -> AsyncIterator[JiraClient]:
    transport = SpecCheckedTransport(site.base_path)
    options.setdefault("auth", _auth(site, mode))
    async with JiraClient(site.base_url, transport=transport, **options) as client:
        yield client
    assert transport.checked, "no request was checked"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def task(summary: str, **fields: Any) -> dict[str, Any]:
    return {"project": {"key": "ACME"}, "issuetype": {"id": TASK}, "summary": summary, **fields}


async def test_users_projects_and_fields(sites: dict[str, Site], mode: str) -> None:
    site = sites["customer"]
    async with connected(site, mode) as jira:
        me = await jira.myself()
        assert (me.account_id == site.account_id) is (mode == "api-token")
        assert (await jira.get_user(site.account_id)).display_name
        projects = await jira.search_projects("ACME")
        assert "ACME" in [p.key for p in projects]
        project = await jira.get_project("ACME")
        assert TASK in [t.id for t in await jira.project_issue_types(project.id)]
        meta = {f.field_id: f for f in await jira.create_meta_fields("ACME", TASK)}
        assert meta["summary"].required
        fields = {f.id: f for f in await jira.get_fields()}
        assert fields["summary"].type_schema is not None


async def test_project_statuses(sites: dict[str, Site], mode: str) -> None:
    async with connected(sites["customer"], mode) as jira:
        project = await jira.get_project("ACME")
        for reference in ("ACME", project.id):
            kinds = {k.id: k for k in await jira.project_statuses(reference)}
            assert [s.name for s in kinds[TASK].statuses] == ["To Do", "In Progress", "Done"]
        with pytest.raises(JiraNotFound):
            await jira.project_statuses("NOPE")
    async with connected(sites["support"], mode) as jira:
        found = {s.id: s for k in await jira.project_statuses("SUP") for s in k.statuses}
        resolved = found["10012"]
        assert resolved.name == "Resolved"
        assert resolved.status_category is not None and resolved.status_category.key == "done"


async def test_permissions(sites: dict[str, Site], mode: str) -> None:
    site = sites["customer"]
    async with connected(site, mode) as jira:
        mine = await jira.my_permissions(["ADMINISTER_PROJECTS", "BROWSE_PROJECTS"], project="ACME")
        assert mine.has("BROWSE_PROJECTS")
        project = await jira.get_project("ACME")
        assert await jira.is_project_admin(site.users["casey@acme.example"], project.id)
        assert not await jira.is_project_admin(site.users["chris@acme.example"], project.id)
        assert await jira.is_project_admin(site.users["casey@acme.example"], "ACME")


async def test_issue_lifecycle(sites: dict[str, Site], mode: str) -> None:
    async with connected(sites["customer"], mode) as jira:
        created = await jira.create_issue(
            task("Printer on fire", description=adf.from_text("Smoke\n\nEverywhere")),
            properties={"tandem.link": {"sync": 1}},
        )
        issue = await jira.get_issue(
            created.key, fields=["summary", "description", "status"], properties=["tandem.link"]
        )
        assert issue.fields.summary == "Printer on fire"
        assert adf.to_text(issue.fields.description) == "Smoke\n\nEverywhere"
        assert issue.properties == {"tandem.link": {"sync": 1}}

        await jira.edit_issue(created.key, fields={"summary": "Printer fixed"}, notify_users=False)
        done = next(t for t in await jira.get_transitions(created.key) if t.name == "Done")
        await jira.transition_issue(created.key, done.id)
        issue = await jira.get_issue(created.key, fields=["summary", "status"], expand=["names"])
        assert issue.fields.summary == "Printer fixed"
        assert issue.fields.status is not None and issue.fields.status.status_category is not None
        assert issue.fields.status.status_category.key == "done"

        await jira.delete_issue(created.key)
        with pytest.raises(JiraNotFound):
            await jira.get_issue(created.key)


async def test_screen_security_override_is_for_apps(sites: dict[str, Site], mode: str) -> None:
    async with connected(sites["customer"], mode) as jira:
        created = await jira.create_issue(task("Override"))
        edit = jira.edit_issue(created.key, fields={"summary": "x"}, override_screen_security=True)
        if mode == "connect":
            await edit
        else:
            with pytest.raises(JiraPermissionError):
                await edit


async def test_bulk_create(sites: dict[str, Site], mode: str) -> None:
    async with connected(sites["customer"], mode) as jira:
        result = await jira.create_issues(
            [
                NewIssue(task("First"), {"tandem.link": 1}),
                NewIssue({"project": {"key": "ACME"}, "issuetype": {"id": TASK}}),
                NewIssue(task("Third"), {"tandem.link": 3}),
            ]
        )
        assert len(result.issues) == 2
        assert [e.failed_element_number for e in result.errors] == [1]
        assert "summary" in result.errors[0].element_errors.errors
        third = await jira.get_issue(result.issues[1].key, properties=["tandem.link"])
        assert third.properties == {"tandem.link": 3}


async def test_comments(sites: dict[str, Site], mode: str) -> None:
    async with connected(sites["customer"], mode) as jira:
        created = await jira.create_issue(task("Comments"))
        enriched = adf.with_header(adf.from_text("Hello from support"), "Sam Support", "SUP")
        first = await jira.add_comment(created.key, enriched)
        await jira.add_comment(created.key, "Wiki *markup* body")
        await jira.add_comment(created.key, adf.from_text("third"), properties={"tandem.c": 1})
        comments = [c async for c in jira.iter_comments(created.key, page_size=2)]
        assert len(comments) == 3
        assert adf.read_header(comments[0].body) == adf.Header("Sam Support", "SUP")
        assert comments[2].property_value("tandem.c") == 1

        fetched = await jira.get_comment(created.key, first.id)
        assert fetched.body == enriched
        updated = await jira.update_comment(created.key, first.id, adf.from_text("Edited"))
        assert adf.to_text(updated.body) == "Edited"
        await jira.delete_comment(created.key, first.id)
        with pytest.raises(JiraNotFound):
            await jira.get_comment(created.key, first.id)


async def test_issue_properties(sites: dict[str, Site], mode: str) -> None:
    async with connected(sites["customer"], mode) as jira:
        created = await jira.create_issue(task("Properties"))
        await jira.set_issue_property(created.key, "tandem.link", {"other": "SUP-1"})
        assert "tandem.link" in await jira.issue_property_keys(created.key)
        assert (await jira.get_issue_property(created.key, "tandem.link")).value == {
            "other": "SUP-1"
        }
        await jira.delete_issue_property(created.key, "tandem.link")
        with pytest.raises(JiraNotFound):
            await jira.get_issue_property(created.key, "tandem.link")


async def test_search_follows_page_tokens(sites: dict[str, Site], mode: str) -> None:
    label = unique("search")
    async with connected(sites["customer"], mode) as jira:
        keys = {(await jira.create_issue(task(f"S{n}", labels=[label]))).key for n in range(3)}
        found = [
            issue
            async for issue in jira.search(
                f'project = ACME AND labels = "{label}"', fields=["summary", "labels"], page_size=2
            )
        ]
        assert {issue.key for issue in found} == keys
        assert all(issue.fields.labels == [label] for issue in found)
        assert jira.stats.calls_to("POST /rest/api/3/search/jql") == 2


async def test_service_management(sites: dict[str, Site], mode: str) -> None:
    site = sites["support"]
    async with connected(site, mode) as jira:
        desk = next(d for d in await jira.service_desks() if d.project_key == "SUP")
        request_type = next(t for t in await jira.request_types(desk.id) if t.name == "Get IT Help")
        request = await jira.create_customer_request(
            desk.id,
            request_type.id,
            {"summary": "Printer on fire", "description": "It *smokes*"},
            raise_on_behalf_of=site.users["pat@acme.example"],
        )
        assert request.issue_key.startswith("SUP-")

        await jira.add_request_comment(request.issue_key, "We are on it", public=True)
        await jira.add_request_comment(request.issue_key, "Call facilities", public=False)
        await jira.add_comment(request.issue_key, adf.from_text("Escalated"), internal=True)
        seen = await jira.request_comments(request.issue_key)
        assert [c.public for c in seen] == [True, False, False]
        public_only = await jira.request_comments(request.issue_key, public=True, internal=False)
        assert [c.body for c in public_only] == ["We are on it"]

        comments = [c async for c in jira.iter_comments(request.issue_key)]
        assert [c.is_internal for c in comments] == [False, True, True]
        assert comments[2].property_value("sd.public.comment") == {"internal": True}


async def test_errors(sites: dict[str, Site], mode: str) -> None:
    site = sites["customer"]
    async with connected(site, mode) as jira:
        with pytest.raises(JiraNotFound):
            await jira.get_issue("ACME-99999")
        with pytest.raises(JiraBadRequest) as caught:
            await jira.create_issue({"project": {"key": "ACME"}, "issuetype": {"id": TASK}})
        assert "summary" in caught.value.errors
    async with connected(site, mode, auth=_auth(site, mode, wrong=True)) as jira:
        with pytest.raises(JiraAuthError) as refused:
            await jira.myself()
        assert site.api_token not in str(refused.value)


@asynccontextmanager
async def faults(site: Site, config: dict[str, Any]) -> AsyncIterator[None]:
    async with httpx.AsyncClient(base_url=f"{site.base_url}/_sim") as control:
        (await control.put("/faults", json=config)).raise_for_status()
        try:
            yield
        finally:
            (await control.delete("/faults")).raise_for_status()


async def test_rate_limits_are_honoured(sites: dict[str, Site], mode: str) -> None:
    site, clock = sites["customer"], FakeClock()
    policy = RetryPolicy(max_attempts=3, jitter=0.0)
    async with connected(site, mode, retry=policy, clock=clock, sleep=clock.sleep) as jira:
        async with faults(site, {"rateLimit": {"rate": 1.0, "retryAfter": 2}}):
            with pytest.raises(JiraRateLimited) as caught:
                await jira.myself()
        assert caught.value.retry_after == 2.0
        assert clock.sleeps == [2.0, 2.0]
        assert jira.stats.rate_limited_seconds == 4.0


async def test_per_issue_write_limit(sites: dict[str, Site], mode: str) -> None:
    site, clock = sites["customer"], FakeClock()
    policy = RetryPolicy(max_attempts=2, jitter=0.0)
    async with connected(site, mode, retry=policy, clock=clock, sleep=clock.sleep) as jira:
        created = await jira.create_issue(task("Hot issue"))
        limit = {"perIssueWriteLimit": {"limit": 1, "windowSeconds": 60, "retryAfter": 3}}
        async with faults(site, limit):
            await jira.edit_issue(created.key, fields={"summary": "one"})
            with pytest.raises(JiraRateLimited) as caught:
                await jira.edit_issue(created.key, fields={"summary": "two"})
        assert caught.value.retry_after == 3.0
        assert 3.0 in clock.sleeps


async def test_server_errors_and_non_idempotent_calls(sites: dict[str, Site], mode: str) -> None:
    site, clock = sites["customer"], FakeClock()
    policy = RetryPolicy(max_attempts=3, jitter=0.0)
    async with connected(site, mode, retry=policy, clock=clock, sleep=clock.sleep) as jira:
        async with faults(site, {"serverErrors": {"rate": 1.0, "status": 503}}):
            with pytest.raises(JiraUnavailable):
                await jira.myself()
            with pytest.raises(JiraUnavailable):
                await jira.create_issue(task("Not twice"))
        assert jira.stats.calls_to("GET /rest/api/3/myself") == 3
        assert jira.stats.calls_to("POST /rest/api/3/issue") == 1
        assert clock.sleeps == [0.5, 1.0]
