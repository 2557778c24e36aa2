"""The webhook receiver over HTTP: authenticated like Jira, stored before the answer, once."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tandem.connect.jwt import CONTEXT_QSH
from tandem.store.db import Database
from tandem.sync.models import Event, Synchronization, SyncState
from tandem.tenants import service as tenants
from tests.support.connect import JiraSite
from tests.support.samples import webhook_sample as captured
from tests.sync import factories

PATH = "/webhooks/jira"


@pytest.fixture
async def site(installed_site: JiraSite, database: Database) -> JiraSite:
    site = installed_site
    async with database.transaction() as session:
        tenant = await tenants.get_by_client_key(session=session, client_key=site.client_key)
    assert tenant is not None
    support = await factories.tenant(database, "https://support.atlassian.net")
    # The captured comment payload is from project 10000 on this site.
    sync = await factories.synchronization(database, tenant, support)
    async with database.transaction() as session:
        stored = await session.get(Synchronization, sync.id)
        assert stored is not None
        stored.state = SyncState.ACTIVE
    return site


async def deliver(
    client: httpx.AsyncClient,
    site: JiraSite,
    payload: dict[str, Any],
    *,
    identifier: str = "wh-1",
    token: str | None = None,
) -> httpx.Response:
    token = token if token is not None else site.request_token("POST", PATH)
    return await client.post(
        PATH,
        content=json.dumps(payload),
        headers={
            "Authorization": f"JWT {token}",
            "Content-Type": "application/json",
            "X-Atlassian-Webhook-Identifier": identifier,
        },
    )


async def stored_events(database: Database) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count(Event.id))) or 0)


async def test_a_webhook_is_stored_before_it_is_acknowledged(
    client: httpx.AsyncClient, site: JiraSite, database: Database
) -> None:
    response = await deliver(client, site, captured("comment_created.jsdPublic.cloud.json"))

    assert response.status_code == 204, response.text
    async with database.transaction() as session:
        (event,) = (await session.scalars(select(Event))).all()
    assert event.webhook_event == "comment_created"
    assert event.comment_id == "10019"
    assert event.status.value == "pending"


async def test_a_redelivery_is_stored_once(
    client: httpx.AsyncClient, site: JiraSite, database: Database
) -> None:
    payload = captured("comment_created.jsdPublic.cloud.json")
    for _ in range(3):
        assert (await deliver(client, site, payload)).status_code == 204
    assert await stored_events(database) == 1
    assert (await deliver(client, site, payload, identifier="wh-2")).status_code == 204
    assert await stored_events(database) == 2


async def test_a_webhook_for_a_project_without_synchronization_is_acknowledged_and_dropped(
    client: httpx.AsyncClient, site: JiraSite, database: Database
) -> None:
    payload = captured("jira_issue_created.cloud.json")  # project 10008
    assert (await deliver(client, site, payload)).status_code == 204
    assert await stored_events(database) == 0


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda s: "", "no JWT"),
        (lambda s: s.request_token("POST", PATH, qsh=CONTEXT_QSH), "context token"),
        (lambda s: s.request_token("POST", PATH, secret="w" * 40), "signature"),
        (lambda s: s.request_token("POST", "/webhooks/other"), "qsh"),
        (lambda s: s.request_token("POST", PATH, expires_in=-300), "expired"),
    ],
    ids=["missing-token", "context-qsh", "wrong-secret", "wrong-qsh", "expired"],
)
async def test_unauthenticated_webhooks_are_refused_and_not_stored(
    client: httpx.AsyncClient, site: JiraSite, database: Database, make_token: Any, reason: str
) -> None:
    payload = captured("comment_created.jsdPublic.cloud.json")
    response = await deliver(client, site, payload, token=make_token(site))
    assert response.status_code == 401
    assert reason in response.json()["error"]
    assert await stored_events(database) == 0


async def test_a_body_that_is_not_a_webhook_is_a_bad_request(
    client: httpx.AsyncClient, site: JiraSite, database: Database
) -> None:
    response = await deliver(client, site, {"hello": "world"})
    assert response.status_code == 400
    assert "not a Jira webhook" in response.json()["error"]


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    payload = captured("comment_created.jsdPublic.cloud.json")
    target = payload
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return payload


async def deliver_raw(client: httpx.AsyncClient, site: JiraSite, body: bytes) -> httpx.Response:
    token = site.request_token("POST", PATH)
    return await client.post(PATH, content=body, headers={"Authorization": f"JWT {token}"})


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"webhookEvent": "comment_created", "timestamp": Infinity}', "Infinity"),
        (b'{"webhookEvent": "comment_created", "timestamp": NaN}', "NaN"),
        (b"[" * 50_000 + b"]" * 50_000, "nests deeper"),
        (b'{"webhookEvent": ' + b"[" * 100 + b"]" * 100 + b"}", "nests deeper"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1, 2]", "JSON with webhookEvent"),
        (b'{"webhookEvent": "comment_created", "x": "\\u0000"}', "NUL"),
    ],
    ids=["infinity", "nan", "50000-deep", "100-deep", "not-utf8", "array", "nul"],
)
async def test_junk_json_is_a_bad_request_with_a_reason(
    client: httpx.AsyncClient, site: JiraSite, database: Database, body: bytes, reason: str
) -> None:
    response = await deliver_raw(client, site, body)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert await stored_events(database) == 0


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (("issue", "id"), "1" * 300, "issue.id"),
        (("issue", "id"), "10001; drop", "issue.id"),
        (("issue", "key"), "acme-1", "issue.key"),
        (("issue", "key"), "A" * 300 + "-1", "issue.key"),
        (("comment", "id"), "x" * 300, "comment.id"),
        (("comment", "author", "accountId"), "a" * 300, "accountId"),
        (("timestamp",), 10**30, "timestamp"),
        (("webhookEvent",), "e" * 300, "webhookEvent"),
    ],
    ids=lambda value: str(value)[:20],
)
async def test_ids_and_lengths_outside_what_jira_sends_are_refused(
    client: httpx.AsyncClient,
    site: JiraSite,
    database: Database,
    path: tuple[str, ...],
    value: Any,
    reason: str,
) -> None:
    response = await deliver(client, site, _with(path, value))
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert await stored_events(database) == 0


async def test_a_long_webhook_identifier_is_refused(
    client: httpx.AsyncClient, site: JiraSite, database: Database
) -> None:
    payload = captured("comment_created.jsdPublic.cloud.json")
    response = await deliver(client, site, payload, identifier="i" * 300)
    assert response.status_code == 400
    assert "X-Atlassian-Webhook-Identifier" in response.json()["error"]
    assert await stored_events(database) == 0
