"""Everything a running Tandem shares: settings, database, secrets, HTTP clients, the worker.

Built once in the app's lifespan (never at import time) and closed when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.connect.auth import RequestVerifier
from tandem.connect.install_keys import InstallKeys
from tandem.settings import Settings
from tandem.store.db import Database
from tandem.store.secrets import SecretBox, secret_box
from tandem.sync import service as syncs
from tandem.sync.engine import Engine
from tandem.sync.worker import Worker
from tandem.tenants.clients import TenantClients
from tandem.tenants.models import Tenant, TenantState


@dataclass
class Services:
    settings: Settings
    database: Database
    box: SecretBox
    http: httpx.AsyncClient
    verifier: RequestVerifier
    clients: TenantClients
    worker: Worker
    _worker_task: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls, settings: Settings, *, jira_transport: httpx.AsyncBaseTransport | None = None
    ) -> Services:
        box = secret_box(settings)
        database = Database(settings.database_url)
        http = httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False)
        verifier = RequestVerifier(
            base_url=settings.base_url,
            allowed_hosts=settings.allowed_hosts,
            install_keys=InstallKeys(settings.install_keys_url, http),
            box=box,
        )
        clients = TenantClients(app_key=settings.app_key, box=box, transport=jira_transport)
        engine = Engine(database=database, clients=clients)
        return cls(
            settings=settings,
            database=database,
            box=box,
            http=http,
            verifier=verifier,
            clients=clients,
            worker=Worker(database=database, engine=engine),
        )

    def start_worker(self) -> None:
        if self._worker_task is None:
            self._worker_task = asyncio.create_task(self.worker.run(), name="tandem-worker")

    def wake_worker(self) -> None:
        self.worker.wake()

    async def on_tenant_state(self, session: AsyncSession, tenant: Tenant) -> None:
        """An uninstalled site's synchronizations pause; their configuration is kept."""
        if tenant.state is TenantState.UNINSTALLED:
            await syncs.pause_for_tenant(session=session, tenant=tenant)

    async def aclose(self) -> None:
        if self._worker_task is not None:
            self.worker.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._worker_task, timeout=10)
        await self.clients.aclose()
        await self.http.aclose()
        await self.database.dispose()
