"""The demo's processes in one event loop: the Jira simulator and Tandem, on free ports."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from tandem.app import create_app
from tandem.connect.session import Session
from tandem.services import Services
from tandem.settings import Settings
from tandem.simulator import Simulator
from tandem.simulator import create_app as create_simulator_app
from tandem.store import migrate
from tandem.sync.queue import events as queue

SITES = ("customer", "support")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Site:
    name: str
    base_url: str
    client_key: str
    users: dict[str, dict[str, Any]]


class DemoStack:
    """Starts both servers, installs Tandem in both sites, and knows how to wait for them."""

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int | None,
        sim_port: int | None,
        database_url: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.tandem_url = f"http://127.0.0.1:{port or free_port()}"
        self.sim_url = f"http://127.0.0.1:{sim_port or free_port()}"
        self.settings = Settings(
            database_url=database_url or f"sqlite:///{data_dir / 'tandem.db'}",
            base_url=self.tandem_url,
            install_keys_url=f"{self.sim_url}/connect-install-keys",
            allowed_hosts=["127.0.0.1", "localhost"],
            reconcile_minutes=5,
        )
        self.simulator = Simulator.from_scenario(public_url=self.sim_url)
        self.app = create_app(self.settings)
        self.sites: dict[str, Site] = {}
        self._servers: list[uvicorn.Server] = []
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    async def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(migrate.upgrade, self.settings.database_url)
        for app, url in (
            (create_simulator_app(self.simulator), self.sim_url),
            (self.app, self.tandem_url),
        ):
            port = int(url.rsplit(":", 1)[1])
            config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
            server = uvicorn.Server(config)
            self._servers.append(server)
            self._tasks.append(asyncio.create_task(server.serve()))
        while not all(server.started for server in self._servers):
            if any(task.done() for task in self._tasks):
                raise RuntimeError(
                    f"a demo server could not start (ports {self.sim_url}, {self.tandem_url} free?)"
                )
            await asyncio.sleep(0.05)
        for name in SITES:
            self.sites[name] = await self._install(name)

    async def _install(self, name: str) -> Site:
        async with httpx.AsyncClient(base_url=self.sim_url, timeout=30) as control:
            installed = await control.post(
                f"/sites/{name}/_sim/install",
                json={"descriptorUrl": f"{self.tandem_url}/atlassian-connect.json"},
            )
            installed.raise_for_status()
            users = (await control.get(f"/sites/{name}/_sim/users")).json()["users"]
        body = installed.json()
        return Site(
            name=name,
            base_url=body["baseUrl"],
            client_key=body["clientKey"],
            users={u["emailAddress"]: u for u in users if u.get("emailAddress")},
        )

    def jira(self, site: str, email: str) -> httpx.AsyncClient:
        """A REST client acting as a seeded person, with their API token."""
        handle = self.sites[site]
        token = handle.users[email]["apiToken"]
        return httpx.AsyncClient(base_url=handle.base_url, auth=(email, token), timeout=30)

    async def api(self, site: str, project_key: str, email: str) -> httpx.AsyncClient:
        """Tandem's API as that project's admin (the session the admin page would hold)."""
        handle = self.sites[site]
        async with self.jira(site, email) as jira:
            project = (await jira.get(f"/rest/api/3/project/{project_key}")).json()
        token = self.services.sessions.mint(
            Session(
                client_key=handle.client_key,
                account_id=handle.users[email]["accountId"],
                project_id=str(project["id"]),
                project_key=project_key,
            )
        )
        return httpx.AsyncClient(
            base_url=self.tandem_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    async def settle(self, timeout: float = 60) -> None:
        """Until the simulator has delivered every webhook and Tandem applied every event."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet = 0
        async with httpx.AsyncClient(base_url=self.sim_url, timeout=timeout) as control:
            while quiet < 2 and loop.time() < deadline:
                await control.post("/_sim/idle")
                async with self.services.database.transaction() as session:
                    open_events = await queue.pending_count(session=session)
                quiet = quiet + 1 if open_events == 0 else 0
                await asyncio.sleep(0.1)

    async def serve_forever(self) -> None:
        await asyncio.gather(*self._tasks)

    async def stop(self) -> None:
        for server in reversed(self._servers):
            server.should_exit = True
        await asyncio.gather(*self._tasks, return_exceptions=True)
