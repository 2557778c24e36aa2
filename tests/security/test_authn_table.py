"""Table 1: every route of the app x every bent credential -> refused (401, 403 or 404;
never a success, never a 500). The routes are read from the app itself; only the few public
ones in ``routes.PUBLIC`` are left out."""

from __future__ import annotations

import time

import httpx
import pytest
from fastapi import FastAPI

from tandem.connect.session import Session
from tandem.store.db import Database
from tandem.store.secrets import SecretBox
from tandem.sync import service as syncs
from tandem.sync.service import ProjectSide
from tandem.tenants import service as tenants
from tests.conftest import APP_BASE_URL, TEST_SECRET_KEY
from tests.security.forge import VARIANTS, Forger
from tests.security.routes import REFUSED, Route, protected_routes
from tests.support.connect import JiraSite, RsaKey

ROUTES = protected_routes()
JSON_BODIES = {
    "POST /api/synchronizations": {"name": "x", "project": "SUP"},
    "POST /api/synchronizations/{sync_id}/events/retry": {},
    "POST /api/synchronizations/{sync_id}/initial-sync": {},
    "PUT /api/synchronizations/{sync_id}/draft": {},
}
WEBHOOK = {"webhookEvent": "jira:issue_updated", "timestamp": 1, "issue": {"id": "1", "key": "A-1"}}


@pytest.fixture
async def forger(client: httpx.AsyncClient, installed_site: JiraSite, rsa_key: RsaKey) -> Forger:
    other = JiraSite(app_base_url=APP_BASE_URL, base_url="https://partner.atlassian.net")
    assert (await other.post_lifecycle(client, rsa_key, "installed")).status_code == 204
    session = Session(installed_site.client_key, "acct-admin", "10000", "ACME")
    return Forger(installed_site, other, rsa_key, session)


async def a_synchronization(database: Database, forger: Forger) -> int:
    async with database.transaction() as session:
        mine = await tenants.get_by_client_key(session=session, client_key=forger.site.client_key)
        theirs = await tenants.get_by_client_key(
            session=session, client_key=forger.other.client_key
        )
        assert mine is not None and theirs is not None
        sync = await syncs.request(
            session=session,
            name="Target",
            first=ProjectSide(mine, "10000", "ACME", "software"),
            second=ProjectSide(theirs, "20000", "SUP", "service_desk"),
            requested_by="acct-admin",
        )
        return sync.id


async def send(
    client: httpx.AsyncClient, route: Route, url: str, forger: Forger, variant: str
) -> httpx.Response:
    if route.kind == "lifecycle":
        token = forger.install_token(variant, url)
        headers = {"Authorization": f"JWT {token}"} if token else {}
        event = url.strip("/")
        body = forger.site.lifecycle_body(event)
        if event == "installed":
            body["sharedSecret"] = "attacker-chosen-secret-" + "x" * 20
        return await client.post(url, json=body, headers=headers)
    if route.path == "/ui/project":
        url = f"{url}?projectKey=ACME&projectId=10000"
        token = forger.jira_token(variant, route.method, url)
        return await client.get(url + (f"&jwt={token}" if token else ""))
    if route.kind == "jira":
        token = forger.jira_token(variant, route.method, url)
        headers = {"Authorization": f"JWT {token}"} if token else {}
        return await client.request(route.method, url, json=WEBHOOK, headers=headers)
    token = forger.session_token(variant, route.method, url)
    if route.kind == "api":
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = JSON_BODIES.get(route.id)
        return await client.request(route.method, url, json=body, headers=headers)
    if route.method == "GET":
        return await client.get(url, params={"s": token} if token else {})
    form = {"s": token, "revision": "1"} if token else {"revision": "1"}
    return await client.request(route.method, url, data=form)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("route", ROUTES, ids=[r.id for r in ROUTES])
async def test_every_route_refuses_every_bent_credential(
    client: httpx.AsyncClient, database: Database, forger: Forger, route: Route, variant: str
) -> None:
    sync_id = await a_synchronization(database, forger)

    response = await send(client, route, route.url(sync_id), forger, variant)

    assert response.status_code in REFUSED, (response.status_code, response.text[:300])
    async with database.transaction() as session:
        tenant = await tenants.get_by_client_key(session=session, client_key=forger.site.client_key)
        assert tenant is not None and tenant.is_active
        secret = SecretBox(TEST_SECRET_KEY).decrypt(tenant.shared_secret_encrypted)
        assert secret == forger.site.shared_secret
        sync = await syncs.get(session=session, sync_id=sync_id)
        assert sync is not None and sync.state.value == "requested"


@pytest.mark.parametrize("route", ROUTES, ids=[r.id for r in ROUTES])
async def test_the_unbent_credential_passes_authentication(
    app: FastAPI, client: httpx.AsyncClient, database: Database, forger: Forger, route: Route
) -> None:
    """The control of the table: the same request with the credential intact gets past
    authentication (Jira's answer that the user administers the project is taken as given)."""
    sync_id = await a_synchronization(database, forger)
    async with database.transaction() as session:
        tenant = await tenants.get_by_client_key(session=session, client_key=forger.site.client_key)
    assert tenant is not None
    services = app.state.services
    services._admins[(tenant.id, "acct-admin", "10000")] = (True, time.monotonic() + 600)

    response = await send(client, route, route.url(sync_id), forger, "valid")

    assert response.status_code != 401, response.text[:300]
    # a 403 may only be the state machine's ("only administrators of SUP can accept this request")
    assert "can do this" not in response.text
    assert "You need to administer this project" not in response.text


def test_the_table_covers_every_protected_route() -> None:
    kinds = {r.kind for r in ROUTES}
    assert kinds == {"lifecycle", "jira", "api", "page"}
    assert len(ROUTES) >= 45
