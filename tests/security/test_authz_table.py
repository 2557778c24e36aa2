"""Table 2: people who hold a perfectly good session, but not the right one, against every
route that names a synchronization (the JSON API and the admin pages, metadata and
suggestions included) and the routes that list or request projects -> refused.

One synchronization, ACME (customer site) <-> SUP (support site), active and configured;
the people: the admin of a project on a third organisation's site, the admin of another
project of the same site, a member who does not administer ACME, a customer-only (portal)
account of the support site, and a user of the customer site who may not even browse ACME.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tandem.app import create_app
from tandem.connect.session import Session, SessionTokens
from tandem.simulator import Simulator
from tandem.simulator import create_app as create_simulator_app
from tests.conftest import TEST_SECRET_KEY, _empty_tables
from tests.security.conftest import CASEY, CHRIS, DANA, PAT, PRIV_ID, scenario
from tests.security.routes import REFUSED, Route, app_routes
from tests.support.e2e import Stack, build_stack, tandem_settings
from tests.support.servers import free_port, serve
from tests.sync.scenario import power_customer_sync
from tests.web.sites import add_site

IVAN = "ivan@intruder.example"
PRINCIPALS = (
    "other-organisation-admin",
    "other-project-admin",
    "non-admin",
    "customer-only",
    "no-browse-permission",
)
ROUTES = [
    r
    for r in app_routes()
    if r.kind in ("api", "page")
    and (r.names_sync or r.id in ("POST /api/synchronizations", "POST /ui/syncs/new/{mode}"))
]
JSON_BODIES: dict[str, Any] = {
    "POST /api/synchronizations": {"name": "x", "project": "ACME"},
    "POST /api/synchronizations/{sync_id}/events/retry": {},
    "POST /api/synchronizations/{sync_id}/initial-sync": {},
    "PUT /api/synchronizations/{sync_id}/draft": {},
}
NOT_ADMINS = ("non-admin", "customer-only", "no-browse-permission")


def intruder() -> dict[str, Any]:
    return {
        "name": "intruder",
        "title": "Intruder Inc",
        "users": [{"displayName": "Ivan Intruder", "email": IVAN, "siteAdmin": True}],
        "issueTypes": [{"id": "10001", "name": "Task"}],
        "projects": [
            {
                "id": "10000",
                "key": "INT",
                "name": "Intruder",
                "type": "software",
                "roles": {"administrators": [IVAN]},
            }
        ],
    }


@dataclass(frozen=True)
class World:
    tandem_url: str
    sync_id: int
    tokens: dict[str, str]
    casey: str


async def _build(sim_url: str, tandem_url: str, simulator: Simulator, db_url: str) -> World:
    stack: Stack = await build_stack(sim_url, tandem_url, simulator, db_url)
    try:
        await add_site(stack, intruder())
        sync_id = await power_customer_sync(stack)
        async with httpx.AsyncClient(base_url=sim_url) as control:
            intruders = (await control.get("/sites/intruder/_sim/users")).json()["users"]
            installed = (await control.get("/sites/intruder/_sim/installations")).json()
        ivan = next(u for u in intruders if u["emailAddress"] == IVAN)["accountId"]

        def person(site: str, email: str) -> str:
            return str(stack.site(site).user(email)["accountId"])

        customer, support = stack.customer.client_key, stack.support.client_key
        sessions = {
            "other-organisation-admin": Session(
                installed["installations"][0]["clientKey"], ivan, "10000", "INT"
            ),
            "other-project-admin": Session(customer, person("customer", CHRIS), PRIV_ID, "PRIV"),
            "non-admin": Session(customer, person("customer", CHRIS), "10000", "ACME"),
            "customer-only": Session(support, person("support", PAT), "10000", "SUP"),
            "no-browse-permission": Session(customer, person("customer", DANA), "10000", "ACME"),
        }
        tokens = SessionTokens(TEST_SECRET_KEY)
        casey = tokens.mint(Session(customer, person("customer", CASEY), "10000", "ACME"))
        return World(tandem_url, sync_id, {k: tokens.mint(s) for k, s in sessions.items()}, casey)
    finally:
        await stack.aclose()
        await stack.database.dispose()


@pytest.fixture(scope="module")
def world(migrated_database: str) -> Iterator[World]:
    simulator = Simulator.from_scenario(scenario(), webhook_time_scale=0.001)
    try:
        with serve(create_simulator_app(simulator)) as sim_url:
            port = free_port()
            tandem_url = f"http://127.0.0.1:{port}"
            app = create_app(tandem_settings(migrated_database, tandem_url, sim_url))
            with serve(app, port=port):
                yield asyncio.run(_build(sim_url, tandem_url, simulator, migrated_database))
    finally:
        _empty_tables(migrated_database)


async def send(http: httpx.AsyncClient, route: Route, url: str, token: str) -> httpx.Response:
    if route.kind == "api":
        headers = {"Authorization": f"Bearer {token}"}
        return await http.request(
            route.method, url, json=JSON_BODIES.get(route.id), headers=headers
        )
    if route.method == "GET":
        return await http.get(url, params={"s": token})
    form = {"s": token, "revision": "1", "project": "ACME", "name": "x", "jql": ""}
    return await http.request(route.method, url, data=form)


# An admin of their own project may request synchronizations: those two cells are not refusals.
CELLS = [
    pytest.param(route, principal, id=f"{route.id}-{principal}")
    for route in ROUTES
    for principal in PRINCIPALS
    if route.names_sync or principal in NOT_ADMINS
]


@pytest.mark.parametrize(("route", "principal"), CELLS)
async def test_nobody_but_the_two_projects_admins_gets_in(
    world: World, route: Route, principal: str
) -> None:
    async with httpx.AsyncClient(base_url=world.tandem_url, timeout=30) as http:
        response = await send(http, route, route.url(world.sync_id), world.tokens[principal])
        assert response.status_code in REFUSED, (response.status_code, response.text[:300])
        check = await http.get(
            f"/api/synchronizations/{world.sync_id}",
            headers={"Authorization": f"Bearer {world.casey}"},
        )
    assert check.status_code == 200 and check.json()["state"] == "active"


def test_the_table_covers_the_metadata_endpoints_and_pages() -> None:
    ids = {r.id for r in ROUTES}
    assert "GET /api/synchronizations/{sync_id}/metadata" in ids
    assert "GET /api/synchronizations/{sync_id}/suggestions" in ids
    assert "GET /ui/syncs/{sync_id:int}/configure" in ids
    assert len(ROUTES) >= 35
