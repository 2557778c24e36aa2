"""A second door plugs into the site seam beside Connect, with no change to the engine.

The door here is made up for the test: its sites sign webhooks with an HMAC of the body under
their secret (at a path naming the site), and its calls carry a header of its own. A tenant of
that door is called through the app's one client pool with the door's auth, and its webhooks
are verified by the door and stored by the same intake as Connect's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import AsyncIterator, Generator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from tandem.connect.auth import AuthError
from tandem.doors.door import Doors, UnknownDoor
from tandem.jira.pool import SiteAddress
from tandem.services import Services
from tandem.settings import Settings
from tandem.store.db import Database
from tandem.store.secrets import SecretBox
from tandem.sync.models import Event, Synchronization, SyncState
from tandem.tenants import service as tenants
from tandem.tenants.models import CONNECT_DOOR, Tenant, TenantState
from tandem.web.webhooks import add_receiver
from tests.conftest import APP_BASE_URL, TEST_SECRET_KEY
from tests.support.connect import JiraSite
from tests.support.samples import webhook_sample as captured
from tests.sync import factories

KIND = "hmac-test"
PATH = "/webhooks/hmac-test/{site}"


class HeaderAuth(httpx.Auth):
    def __init__(self, site: str) -> None:
        self.site = site

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Test {self.site}"
        yield request


class HmacDoor:
    """Sites named in the path, webhooks signed ``sha256=<hex HMAC of the body>``."""

    kind = KIND

    def __init__(self, box: SecretBox) -> None:
        self._box = box

    def auth(self, tenant: Tenant) -> httpx.Auth:
        return HeaderAuth(tenant.client_key)

    def address(self, tenant: Tenant) -> SiteAddress:
        return SiteAddress(tenant.id, tenant.base_url, tenant.shared_secret_encrypted)

    async def verify_event(self, session: AsyncSession, request: Request) -> Tenant:
        tenant = await tenants.get_by_client_key(
            session=session, client_key=request.path_params["site"]
        )
        if tenant is None or not tenant.is_active:
            raise AuthError("no such site")
        secret = tenants.shared_secret(tenant=tenant, box=self._box).encode()
        expected = "sha256=" + hmac.new(secret, await request.body(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("X-Hub-Signature", ""), expected):
            raise AuthError("the webhook signature does not match")
        return tenant


SECRET = "s" * 32


async def site_of(database: Database, base_url: str, door: str = KIND) -> Tenant:
    """A site of ``door`` whose secret is ``SECRET``."""
    async with database.transaction() as session:
        row = Tenant(
            client_key=f"client-{secrets.token_hex(4)}",
            base_url=base_url,
            shared_secret_encrypted=SecretBox(TEST_SECRET_KEY).encrypt(SECRET),
            state=TenantState.INSTALLED,
            door=door,
        )
        session.add(row)
    return row


def signature(body: bytes, secret: bytes = SECRET.encode()) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


async def stored(database: Database) -> list[Event]:
    async with database.transaction() as session:
        return list((await session.scalars(select(Event))).all())


async def test_a_tenant_is_called_with_the_auth_of_its_door(
    settings: Settings, database: Database
) -> None:
    seen: dict[str, str] = {}

    def jira(request: httpx.Request) -> httpx.Response:
        seen[request.url.host] = request.headers["Authorization"]
        return httpx.Response(200, json={"accountId": "tandem", "accountType": "app"})

    services = Services.build(settings, jira_transport=httpx.MockTransport(jira))
    try:
        services.doors.add(HmacDoor(services.box))
        door_site = await site_of(database, "https://door.example.test")
        connect_site = await site_of(database, "https://acme.atlassian.net", CONNECT_DOOR)

        await services.clients.for_tenant(door_site).myself()
        await services.clients.for_tenant(connect_site).myself()
    finally:
        await services.aclose()

    assert seen["door.example.test"] == f"Test {door_site.client_key}"
    assert seen["acme.atlassian.net"].startswith("JWT ")


@pytest.fixture
async def door_app(app: FastAPI) -> AsyncIterator[FastAPI]:
    services: Services = app.state.services
    services.doors.add(HmacDoor(services.box))
    add_receiver(app.router, PATH, KIND)
    yield app


@pytest.fixture
async def door_site(door_app: FastAPI, database: Database) -> Tenant:
    """A site of the test door, whose project 10000 is synchronized with a Connect site."""
    site = await site_of(database, "https://door.example.test")
    other = await factories.tenant(database, "https://support.atlassian.net")
    sync = await factories.synchronization(database, site, other)
    async with database.transaction() as session:
        row = await session.get(Synchronization, sync.id)
        assert row is not None
        row.state = SyncState.ACTIVE
    return site


async def deliver(
    client: httpx.AsyncClient, site: Tenant, body: bytes, sign: str
) -> httpx.Response:
    return await client.post(
        PATH.format(site=site.client_key),
        content=body,
        headers={"X-Hub-Signature": sign, "X-Atlassian-Webhook-Identifier": "wh-1"},
    )


async def test_a_webhook_of_another_door_is_verified_by_it_and_stored_by_the_same_intake(
    client: httpx.AsyncClient, door_site: Tenant, database: Database
) -> None:
    body = json.dumps(captured("comment_created.jsdPublic.cloud.json")).encode()

    response = await deliver(client, door_site, body, signature(body))

    assert response.status_code == 204, response.text
    (event,) = await stored(database)
    assert event.webhook_event == "comment_created"
    assert event.comment_id == "10019"


@pytest.mark.parametrize(
    "sign",
    [lambda body: "", lambda body: signature(body, b"wrong"), lambda body: signature(body + b" ")],
    ids=["missing", "wrong-secret", "body-changed"],
)
async def test_a_webhook_the_door_does_not_verify_is_refused_and_not_stored(
    client: httpx.AsyncClient, door_site: Tenant, database: Database, sign: Any
) -> None:
    body = json.dumps(captured("comment_created.jsdPublic.cloud.json")).encode()

    response = await deliver(client, door_site, body, sign(body))

    assert response.status_code == 401
    assert "signature" in response.json()["error"]
    assert await stored(database) == []


async def test_a_site_of_another_door_cannot_be_spoken_for_through_connect(
    client: httpx.AsyncClient, door_site: Tenant, database: Database
) -> None:
    """Its secret signs a valid Connect JWT, yet the Connect receiver does not speak for it."""
    connect = JiraSite(
        app_base_url=APP_BASE_URL, client_key=door_site.client_key, shared_secret=SECRET
    )
    token = connect.request_token("POST", "/webhooks/jira")
    response = await client.post(
        "/webhooks/jira",
        content=json.dumps(captured("comment_created.jsdPublic.cloud.json")),
        headers={"Authorization": f"JWT {token}"},
    )

    assert response.status_code == 401
    assert "not connected through connect" in response.json()["error"]
    assert await stored(database) == []


def test_a_tenant_of_a_door_not_open_has_no_client() -> None:
    doors = Doors([HmacDoor(SecretBox(TEST_SECRET_KEY))])
    tenant = Tenant(id=1, client_key="c", base_url="https://x.test", door="forge")
    tenant.shared_secret_encrypted = "v1"

    with pytest.raises(UnknownDoor, match="forge"):
        doors.client_pool().for_tenant(tenant)
    with pytest.raises(ValueError, match="already open"):
        doors.add(HmacDoor(SecretBox(TEST_SECRET_KEY)))


def test_a_site_that_changes_door_gets_a_new_client_address() -> None:
    doors = Doors([HmacDoor(SecretBox(TEST_SECRET_KEY))])
    tenant = Tenant(id=1, client_key="c", base_url="https://x.test", door=KIND)
    tenant.shared_secret_encrypted = "v1"

    assert doors.address(tenant) == SiteAddress(1, "https://x.test", f"{KIND}:v1")
