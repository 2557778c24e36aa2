"""The composition root: everything a running Tandem shares (settings, database, secrets, HTTP
clients, the worker), built once by the app's lifespan or by `tandem worker` (never at import
time) and closed when it ends. The parts are handed narrow dependencies from here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.connect.auth import RequestVerifier
from tandem.connect.clientauth import ConnectSigner
from tandem.connect.door import ConnectDoor
from tandem.connect.install_keys import InstallKeys
from tandem.connect.session import SessionTokens
from tandem.doors.door import Doors
from tandem.jira.pool import ClientPool
from tandem.keys import resolve_secret_key
from tandem.settings import Settings
from tandem.store.db import Database
from tandem.store.secrets import SecretBox
from tandem.sync import service as syncs
from tandem.sync.engine.apply import Engine
from tandem.sync.engine.runs import Runner
from tandem.sync.queue import events as queue
from tandem.sync.queue.worker import Worker
from tandem.tenants.models import Tenant, TenantState

log = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 60.0
WORKER_GRACE_SECONDS = 10.0


@dataclass
class Services:
    settings: Settings
    database: Database
    box: SecretBox
    http: httpx.AsyncClient
    verifier: RequestVerifier
    doors: Doors
    clients: ClientPool[Tenant]
    worker: Worker
    sessions: SessionTokens
    runner: Runner
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set, repr=False)
    _admins: dict[tuple[int, str, str], tuple[bool, float]] = field(default_factory=dict)
    _worker_task: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls, settings: Settings, *, jira_transport: httpx.AsyncBaseTransport | None = None
    ) -> Services:
        secret_key = resolve_secret_key(settings)
        box = SecretBox(secret_key)
        database = Database(settings.database_url)
        http = httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False)
        verifier = RequestVerifier(
            base_url=settings.base_url,
            allowed_hosts=settings.allowed_hosts,
            install_keys=InstallKeys(settings.install_keys_url, http),
            box=box,
        )
        signer = ConnectSigner(app_key=settings.app_key, box=box)
        doors = Doors([ConnectDoor(verifier=verifier, signer=signer)])
        clients = doors.client_pool(
            calls_per_second=settings.jira_calls_per_second, transport=jira_transport
        )
        engine = Engine(
            database=database,
            clients=clients,
            create_confirm_seconds=settings.create_confirm_seconds,
        )
        return cls(
            settings=settings,
            database=database,
            box=box,
            http=http,
            verifier=verifier,
            doors=doors,
            clients=clients,
            worker=Worker(database=database, engine=engine),
            sessions=SessionTokens(secret_key),
            runner=Runner(database=database, clients=clients),
        )

    def start_worker(self) -> None:
        """Apply events as they arrive, and reconcile active synchronizations periodically."""
        if self._worker_task is None:
            self._worker_task = asyncio.create_task(self.worker.run(), name="tandem-worker")
            self.background(asyncio.create_task(self._reconcile_forever(), name="reconcile"))

    def background(self, task: asyncio.Task[Any]) -> None:
        """Keep a task alive until it ends (or the app stops)."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reconcile_forever(self) -> None:
        interval = self.settings.reconcile_minutes * 60
        while True:
            await asyncio.sleep(interval)
            try:
                await self.runner.reconcile_all()
                await self.purge_events()
            except Exception:
                log.exception("reconciliation failed; trying again in %s s", interval)
            self.wake_worker()

    async def purge_events(self) -> int:
        """Forget applied and skipped events past TANDEM_EVENT_RETENTION_DAYS."""
        retention = timedelta(days=self.settings.event_retention_days)
        async with self.database.transaction() as session:
            return await queue.purge(session=session, older_than=retention)

    def wake_worker(self) -> None:
        self.worker.wake()

    async def is_project_admin(self, tenant: Tenant, account_id: str, project_id: str) -> bool:
        """Asked of Jira, remembered for a minute (rights come from Jira, never the page)."""
        key = (tenant.id, account_id, project_id)
        cached = self._admins.get(key)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        allowed = await self.clients.for_tenant(tenant).is_project_admin(account_id, project_id)
        self._admins[key] = (allowed, time.monotonic() + ADMIN_CACHE_SECONDS)
        return allowed

    async def on_tenant_state(self, session: AsyncSession, tenant: Tenant) -> None:
        """An uninstalled site's synchronizations pause; their configuration is kept."""
        if tenant.state is TenantState.UNINSTALLED:
            await syncs.pause_for_tenant(session=session, tenant=tenant)

    async def aclose(self) -> None:
        if self._worker_task is not None:
            self.worker.stop()
            # Past the grace period the worker is cancelled; it still puts its events back.
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._worker_task, timeout=WORKER_GRACE_SECONDS)
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.clients.aclose()
        await self.http.aclose()
        await self.database.dispose()


async def run_worker(settings: Settings) -> None:
    """The worker and reconciliation of `tandem serve`, alone, until SIGINT or SIGTERM."""
    services = Services.build(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    services.start_worker()
    try:
        await stop.wait()
    finally:
        await services.aclose()
