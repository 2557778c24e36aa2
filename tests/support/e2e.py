"""End-to-end stack: the Jira simulator and Tandem, each on its own loopback port, talking
real HTTP (installs, webhooks, REST calls), with Tandem's worker running.

    stack.customer / stack.support   the two simulated sites (base URL, clientKey, users)
    stack.jira(site, email)          an httpx client acting as a seeded user (API token)
    stack.api(site, project, email)  an httpx client on Tandem's /api as that project admin
    await stack.settle()             wait until no webhook is in flight and no event is open
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tandem.app import create_app
from tandem.connect.session import Session, SessionTokens
from tandem.settings import Settings
from tandem.simulator import Simulator
from tandem.simulator import create_app as create_simulator_app
from tandem.store.db import Database
from tandem.sync.queue import events as queue
from tandem.tenants import service as tenants
from tests.conftest import TEST_SECRET_KEY
from tests.support.servers import free_port, serve

SETTLE_TIMEOUT = 30.0


@dataclass
class SiteHandle:
    name: str
    base_url: str
    client_key: str
    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    def user(self, email: str) -> dict[str, Any]:
        return self.users[email]


@dataclass
class Stack:
    sim_url: str
    tandem_url: str
    simulator: Simulator
    database: Database
    customer: SiteHandle
    support: SiteHandle
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def site(self, name: str) -> SiteHandle:
        return self.customer if name == "customer" else self.support

    def jira(
        self, site: str, email: str, transport: httpx.AsyncBaseTransport | None = None
    ) -> httpx.AsyncClient:
        handle = self.site(site)
        token = handle.user(email)["apiToken"]
        client = httpx.AsyncClient(
            base_url=handle.base_url, auth=(email, token), timeout=20, transport=transport
        )
        self.clients.append(client)
        return client

    async def api(self, site: str, project_key: str, email: str) -> httpx.AsyncClient:
        handle = self.site(site)
        async with self.jira(site, email) as jira:
            project = (await jira.get(f"/rest/api/3/project/{project_key}")).json()
        session = Session(
            client_key=handle.client_key,
            account_id=handle.user(email)["accountId"],
            project_id=str(project["id"]),
            project_key=project_key,
        )
        token = SessionTokens(TEST_SECRET_KEY).mint(session)
        client = httpx.AsyncClient(
            base_url=self.tandem_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        self.clients.append(client)
        return client

    async def open_events(self) -> int:
        async with self.database.transaction() as session:
            return await queue.pending_count(session=session)

    async def settle(self, timeout: float = SETTLE_TIMEOUT) -> None:
        """Until webhooks are delivered and Tandem's events applied, twice in a row."""
        deadline = time.monotonic() + timeout
        quiet = 0
        async with httpx.AsyncClient(base_url=self.sim_url, timeout=timeout) as control:
            while quiet < 2:
                if time.monotonic() > deadline:
                    raise AssertionError(f"not settled: {await self.open_events()} open events")
                await control.post("/_sim/idle")
                quiet = quiet + 1 if await self.open_events() == 0 else 0
                await asyncio.sleep(0.05)

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


async def _install(sim_url: str, site: str, tandem_url: str) -> str:
    async with httpx.AsyncClient(base_url=sim_url, timeout=30) as control:
        response = await control.post(
            f"/sites/{site}/_sim/install",
            json={"descriptorUrl": f"{tandem_url}/atlassian-connect.json"},
        )
        assert response.status_code == 200, response.text
        return str(response.json()["clientKey"])


async def _users(sim_url: str, site: str) -> dict[str, dict[str, Any]]:
    async with httpx.AsyncClient(base_url=sim_url) as control:
        response = await control.get(f"/sites/{site}/_sim/users")
        response.raise_for_status()
        return {
            user["emailAddress"]: user for user in response.json()["users"] if user["emailAddress"]
        }


def tandem_settings(database_url: str, tandem_url: str, sim_url: str, **overrides: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        database_url=database_url,
        base_url=tandem_url,
        secret_key=TEST_SECRET_KEY,
        install_keys_url=f"{sim_url}/connect-install-keys",
        allowed_hosts=["127.0.0.1", "localhost"],
        run_worker=True,
        reconcile_minutes=60,
        **overrides,
    )


@pytest.fixture
def servers(
    database_url: str, request: pytest.FixtureRequest
) -> Iterator[tuple[str, str, Simulator]]:
    """The simulator and Tandem; ``@pytest.mark.tandem_settings(name=value)`` sets Tandem's."""
    marker = request.node.get_closest_marker("tandem_settings")
    overrides = marker.kwargs if marker else {}
    simulator = Simulator.from_scenario(webhook_time_scale=0.001)
    with serve(create_simulator_app(simulator)) as sim_url:
        tandem_port = free_port()
        tandem_url = f"http://127.0.0.1:{tandem_port}"
        app = create_app(tandem_settings(database_url, tandem_url, sim_url, **overrides))
        with serve(app, port=tandem_port):
            yield sim_url, tandem_url, simulator


async def build_stack(
    sim_url: str, tandem_url: str, simulator: Simulator, database_url: str
) -> Stack:
    """Install Tandem in both simulated sites; the stack knows their keys and people."""
    database = Database(database_url)
    handles = []
    for name in ("customer", "support"):
        client_key = await _install(sim_url, name, tandem_url)
        async with database.transaction() as session:
            tenant = await tenants.get_by_client_key(session=session, client_key=client_key)
        assert tenant is not None
        handles.append(SiteHandle(name, tenant.base_url, client_key, await _users(sim_url, name)))
    return Stack(sim_url, tandem_url, simulator, database, handles[0], handles[1])


@pytest.fixture
async def stack(servers: tuple[str, str, Simulator], database_url: str) -> AsyncIterator[Stack]:
    built = await build_stack(*servers, database_url)
    yield built
    await built.aclose()
    await built.database.dispose()
