"""A worker killed mid-apply holds nothing: another one takes its event over at once.

Real processes: `tandem worker` runs as a subprocess against the simulator over HTTP; the
support site makes the copy but holds the answer to the worker's create, so the event stays
claimed while the worker waits.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tandem.app import create_app
from tandem.services import WORKER_GRACE_SECONDS
from tandem.settings import Settings
from tandem.simulator import Simulator
from tandem.simulator import create_app as create_simulator_app
from tandem.store.base import utcnow
from tandem.sync.models import Event, EventStatus, WorkerProcess
from tandem.sync.queue import events as queue
from tests.support.e2e import Stack, build_stack, tandem_settings
from tests.support.servers import free_port, serve
from tests.sync.scenario import AGENT, CUSTOMER_ADMIN, create_issue, power_customer_sync

pytestmark = [pytest.mark.reliability, pytest.mark.xdist_group("processes")]

WAIT = 60.0
# Longer than a stopping worker's grace period, shorter than the Jira client's timeout.
SLOW_CREATE_SECONDS = WORKER_GRACE_SECONDS + 8


@dataclass
class Servers:
    settings: Settings
    sim_url: str
    simulator: Simulator


@pytest.fixture
def servers(database_url: str) -> Iterator[Servers]:
    """The simulator and `tandem serve` (receiving webhooks) with no worker of its own."""
    simulator = Simulator.from_scenario(webhook_time_scale=0.001)
    with serve(create_simulator_app(simulator)) as sim_url:
        port = free_port()
        settings = tandem_settings(database_url, f"http://127.0.0.1:{port}", sim_url)
        settings = settings.model_copy(update={"run_worker": False})
        with serve(create_app(settings), port=port):
            yield Servers(settings, sim_url, simulator)


@pytest.fixture
async def stack(servers: Servers, database_url: str) -> AsyncIterator[Stack]:
    settings = servers.settings
    built = await build_stack(servers.sim_url, settings.base_url, servers.simulator, database_url)
    yield built
    await built.aclose()
    await built.database.dispose()


class WorkerProcesses:
    """`tandem worker` subprocesses, each logging to a file of the test."""

    def __init__(self, settings: Settings, logs: Path) -> None:
        assert settings.secret_key is not None
        self.env = os.environ | {
            "TANDEM_DATABASE_URL": settings.database_url,
            "TANDEM_BASE_URL": settings.base_url,
            "TANDEM_SECRET_KEY": settings.secret_key.get_secret_value(),
            "TANDEM_INSTALL_KEYS_URL": settings.install_keys_url,
            "TANDEM_ALLOWED_HOSTS": ",".join(settings.allowed_hosts),
            "TANDEM_RECONCILE_MINUTES": "60",
        }
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        with (self.logs / f"worker-{len(self.started) + 1}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "tandem", "worker"], env=self.env, stdout=log, stderr=log
            )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def workers(servers: Servers, tmp_path: Path) -> Iterator[WorkerProcesses]:
    processes = WorkerProcesses(servers.settings, tmp_path)
    yield processes
    processes.stop_all()


async def eventually(what: str, check: Callable[[], Awaitable[bool]]) -> None:
    deadline = time.monotonic() + WAIT
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        await asyncio.sleep(0.1)


async def the_event(stack: Stack) -> Event:
    """The customer's issue_created (later events are the copy's own, skipped)."""
    async with stack.database.transaction() as session:
        event = await session.scalar(select(Event).order_by(Event.id).limit(1))
        assert event is not None
        return event


async def an_event_held_by_a_slow_create(stack: Stack, workers: WorkerProcesses) -> Event:
    """A new customer issue whose copy the first worker is creating: Jira makes the copy at
    once and holds its answer for longer than a stopping worker's grace period."""
    await power_customer_sync(stack)
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        slow = {"latency": {"minMs": SLOW_CREATE_SECONDS * 1000, "afterWrite": True}}
        assert (await control.put("/sites/support/_sim/faults", json=slow)).is_success
    async with stack.jira("customer", CUSTOMER_ADMIN) as casey:
        await create_issue(casey, "Task", "The invoice run stopped")
    async with httpx.AsyncClient(base_url=stack.sim_url, timeout=WAIT) as control:
        await control.post("/_sim/idle")
    workers.start()

    async def claimed() -> bool:
        event = await the_event(stack)
        return event.status is EventStatus.PROCESSING and event.claimed_by is not None

    await eventually("the first worker is applying the event", claimed)
    await asyncio.sleep(1.0)  # its create is on its way to Jira
    return await the_event(stack)


async def claimable_now(stack: Stack) -> list[int]:
    """The events a fresh worker would claim this instant (the claim is rolled back)."""
    async with stack.database.sessions() as session, session.begin() as transaction:
        taken = [event.id for event in await queue.claim(session=session, limit=10, claimer=0)]
        await transaction.rollback()
    return taken


async def support_copies(stack: Stack) -> int:
    async with stack.jira("support", AGENT) as alex:
        found = await alex.post(
            "/rest/api/3/search/jql",
            json={"jql": 'project = SUP AND summary ~ "invoice run"', "maxResults": 10},
        )
    assert found.status_code == 200, found.text
    return len(found.json()["issues"])


async def test_a_killed_worker_s_event_is_taken_over_at_once(
    backend: str, stack: Stack, workers: WorkerProcesses
) -> None:
    if backend != "postgresql":
        pytest.skip("a SQLite worker's claims end with its heartbeat lease (see test_queue)")
    stuck = await an_event_held_by_a_slow_create(stack, workers)
    first = workers.started[0]

    first.send_signal(signal.SIGKILL)
    first.wait()
    after_the_kill = await the_event(stack)
    claimable = await claimable_now(stack)

    assert after_the_kill.status is EventStatus.PROCESSING
    assert after_the_kill.claimed_by == stuck.claimed_by is not None
    assert after_the_kill.claimed_at is not None
    assert after_the_kill.claimed_at > utcnow() - queue.UNOWNED_LEASE  # a lease would still hold
    assert stuck.id in claimable  # beside the announcement of the copy the first worker made

    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        assert (await control.delete("/sites/support/_sim/faults")).is_success
    second = workers.start()

    async def applied() -> bool:
        return (await the_event(stack)).status is EventStatus.DONE

    await eventually("the second worker applies the event", applied)
    assert await support_copies(stack) == 1
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=WAIT) == 0
    async with stack.database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(WorkerProcess)) == 0


async def test_a_stopped_worker_puts_its_unfinished_event_back(
    stack: Stack, workers: WorkerProcesses
) -> None:
    stuck = await an_event_held_by_a_slow_create(stack, workers)
    first = workers.started[0]

    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=WAIT) == 0
    event = await the_event(stack)

    assert event.status is EventStatus.PENDING
    assert event.claimed_by is None and stuck.claimed_by is not None
    async with stack.database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(WorkerProcess)) == 0
