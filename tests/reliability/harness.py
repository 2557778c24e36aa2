"""Crash and fault-storm runs over separate processes, shared by tests/reliability and
bench/crash.py.

    Cluster      `tandem sim`, `tandem serve` (TANDEM_RUN_WORKER=false) and `tandem worker`
                 processes on one fresh database (PostgreSQL, or a SQLite file), on 127.0.0.1
    connect()    installs Tandem in both simulated sites and starts the Power Customer
                 synchronization with the demo's own set-up (tandem.demo.story.set_up)
    run_crash()  a seeded workload while workers and serve are SIGKILLed and restarted
    run_storm()  a seeded workload under one set of simulator faults
    settle()     quiescence: no webhook in flight, no open event, then a reconciliation pass
                 that started after the workload, then quiet again
    then the oracle compares both projects through GET /_sim/state.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from tandem.connect.session import Session, SessionTokens
from tandem.demo import story
from tandem.demo.stack import Site
from tandem.settings import Settings
from tandem.store.db import sync_url
from tandem.store.secrets import new_key
from tests.reliability.oracle import Findings, WorkloadLog, check
from tests.reliability.workload import AGENT, CUSTOMER, Workload

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
LOOPBACK = "127.0.0.1"
START_TIMEOUT = 30.0
# TANDEM_CREATE_CONFIRM_SECONDS of the short runs (see Cluster).
CI_CREATE_CONFIRM_SECONDS = 30.0
Echo = Callable[[str], None]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def tandem_command() -> str:
    """The venv's `tandem` console script, beside the running interpreter."""
    return str(Path(sys.executable).with_name("tandem"))


# Databases


@dataclass
class TestDatabase:
    backend: str
    url: str
    name: str | None = None

    @classmethod
    def create(cls, backend: str, directory: Path) -> TestDatabase:
        if backend == "sqlite":
            return cls(backend, f"sqlite:///{directory / 'tandem.db'}")
        name = f"tandem_reliability_{uuid.uuid4().hex[:10]}"
        _admin(f'CREATE DATABASE "{name}"')
        return cls(backend, POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", name)

    def drop(self) -> None:
        if self.name is not None:
            _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _admin(statement: str) -> None:
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


# Processes


@dataclass
class Process:
    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        self.starts += 1
        with self.log.open("ab") as out:
            out.write(f"\n--- start {self.starts} at {time.strftime('%H:%M:%S')}\n".encode())
            out.flush()
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.log.parent,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up, exactly as a crash."""
        if self.popen is not None and self.alive:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen is None or not self.alive:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Cluster:
    """The simulator, serve and workers as separate processes on one database."""

    backend: str
    directory: Path
    workers: int = 2
    reconcile_seconds: float = 6.0
    # Shorter than Tandem's default so that a storm of 5xx settles within minutes; longer than
    # the search-lag storm's lag, so the duplicate guard still meets a lagging search.
    create_confirm_seconds: float = CI_CREATE_CONFIRM_SECONDS
    database: TestDatabase | None = None
    sim: Process | None = None
    serve: Process | None = None
    worker_processes: list[Process] = field(default_factory=list)
    secret_key: str = field(default_factory=new_key)
    sim_url: str = ""
    tandem_url: str = ""
    sites: dict[str, Site] = field(default_factory=dict)
    app_ids: dict[str, str] = field(default_factory=dict)
    sync_id: int = 0
    _engine: Engine | None = None

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.database = TestDatabase.create(self.backend, self.directory)
        self.sim_url = f"http://{LOOPBACK}:{free_port()}"
        tandem_port = free_port()
        self.tandem_url = f"http://{LOOPBACK}:{tandem_port}"
        env = self._env()
        subprocess.run(
            [tandem_command(), "db", "upgrade"],
            env=env,
            cwd=self.directory,
            check=True,
            capture_output=True,
            timeout=120,
        )
        sim_port = self.sim_url.rsplit(":", 1)[1]
        self.sim = self._process("sim", ["sim", "--host", LOOPBACK, "--port", sim_port], env)
        self.sim.start()
        _wait_http(f"{self.sim_url}/_sim/sites", self.sim)
        self.serve = self._process(
            "serve", ["serve", "--host", LOOPBACK, "--port", str(tandem_port)], env
        )
        self.serve.start()
        _wait_http(f"{self.tandem_url}/healthz", self.serve)
        for number in range(self.workers):
            worker = self._process(f"worker{number + 1}", ["worker"], env)
            worker.start()
            self.worker_processes.append(worker)

    def _env(self) -> dict[str, str]:
        assert self.database is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
        env.update(
            TANDEM_DATABASE_URL=self.database.url,
            TANDEM_BASE_URL=self.tandem_url,
            TANDEM_SECRET_KEY=self.secret_key,
            TANDEM_INSTALL_KEYS_URL=f"{self.sim_url}/connect-install-keys",
            TANDEM_ALLOWED_HOSTS=f"{LOOPBACK},localhost",
            TANDEM_RUN_WORKER="false",
            TANDEM_RECONCILE_MINUTES=str(self.reconcile_seconds / 60),
            TANDEM_CREATE_CONFIRM_SECONDS=str(self.create_confirm_seconds),
            TANDEM_LOG_LEVEL="INFO",
            NO_PROXY=f"{LOOPBACK},localhost",
            no_proxy=f"{LOOPBACK},localhost",
        )
        return env

    def _process(self, name: str, args: list[str], env: dict[str, str]) -> Process:
        return Process(name, [tandem_command(), *args], env, self.directory / f"{name}.log")

    def restart_serve(self) -> None:
        assert self.serve is not None
        self.serve.start()
        _wait_http(f"{self.tandem_url}/healthz", self.serve)

    def revive(self) -> None:
        """Start again any process that is not running (after a crash or a cancelled run)."""
        for worker in self.worker_processes:
            if not worker.alive:
                worker.start()
        if self.serve is not None and not self.serve.alive:
            self.restart_serve()

    def stop(self) -> None:
        for process in [*self.worker_processes, self.serve, self.sim]:
            if process is not None:
                process.stop()
        if self._engine is not None:
            self._engine.dispose()
        if self.database is not None:
            self.database.drop()

    # Tandem's queue, read only to know when it is quiet (never by the oracle)

    def _sql(self, statement: str) -> int:
        if self._engine is None:
            assert self.database is not None
            self._engine = create_engine(sync_url(self.database.url))
        with self._engine.connect() as connection:
            return int(connection.execute(text(statement)).scalar() or 0)

    def open_events(self) -> int:
        return self._sql("SELECT count(*) FROM events WHERE status IN ('pending', 'processing')")

    def describe_open(self, limit: int = 8) -> list[str]:
        """The open events that hold the others back (each order key's oldest), for the report."""
        query = text(
            "SELECT e.id, e.status, e.webhook_event, e.issue_key, e.attempts, e.claimed_at, "
            "e.next_attempt_at, substr(coalesce(e.last_error, ''), 1, 100), "
            "(SELECT count(*) FROM events w WHERE w.order_key = e.order_key "
            "AND w.status IN ('pending', 'processing')) "
            "FROM events e WHERE e.status IN ('pending', 'processing') AND NOT EXISTS ("
            "SELECT 1 FROM events o WHERE o.order_key = e.order_key AND o.id < e.id "
            "AND o.status IN ('pending', 'processing')) ORDER BY e.id LIMIT :limit"
        )
        assert self._engine is not None
        with self._engine.connect() as connection:
            rows = connection.execute(query, {"limit": limit}).all()
        return [
            f"event {r[0]} {r[2]} {r[3]}: {r[1]} (attempts {r[4]}, claimed {r[5]}, "
            f"due {r[6]}) {r[7]!r}, {r[8] - 1} waiting behind it"
            for r in rows
        ]

    def failed_events(self) -> int:
        return self._sql("SELECT count(*) FROM events WHERE status = 'failed'")

    def last_run(self) -> int:
        return self._sql("SELECT coalesce(max(id), 0) FROM sync_runs WHERE kind = 'reconcile'")

    def finished_runs_after(self, run_id: int) -> int:
        return self._sql(
            "SELECT count(*) FROM sync_runs WHERE kind = 'reconcile' "
            f"AND id > {int(run_id)} AND status <> 'running'"
        )

    # Set-up: the demo's own steps, against the processes

    @property
    def settings(self) -> Settings:
        """What the demo's set-up reads of a stack's settings (the app key)."""
        assert self.database is not None
        return Settings(database_url=self.database.url, base_url=self.tandem_url)

    async def connect(self, echo: Echo) -> None:
        for name in ("customer", "support"):
            self.sites[name] = await self._install(name)
        self.sync_id = await story.set_up(self, echo)  # type: ignore[arg-type]

    async def _install(self, name: str) -> Site:
        async with httpx.AsyncClient(base_url=self.sim_url, timeout=30) as control:
            installed = await control.post(
                f"/sites/{name}/_sim/install",
                json={"descriptorUrl": f"{self.tandem_url}/atlassian-connect.json"},
            )
            installed.raise_for_status()
            users = (await control.get(f"/sites/{name}/_sim/users")).json()["users"]
        body = installed.json()
        self.app_ids[name] = str(body["accountId"])
        return Site(
            name=name,
            base_url=body["baseUrl"],
            client_key=body["clientKey"],
            users={u["emailAddress"]: u for u in users if u.get("emailAddress")},
        )

    def jira(self, site: str, email: str) -> httpx.AsyncClient:
        handle = self.sites[site]
        token = handle.users[email]["apiToken"]
        return httpx.AsyncClient(base_url=handle.base_url, auth=(email, token), timeout=30)

    async def api(self, site: str, project_key: str, email: str) -> httpx.AsyncClient:
        """Tandem's API as that project's admin, with the session its admin page would hold."""
        handle = self.sites[site]
        async with self.jira(site, email) as jira:
            project = (await jira.get(f"/rest/api/3/project/{project_key}")).json()
        token = SessionTokens(self.secret_key).mint(
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

    # The simulator's control API

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        async with httpx.AsyncClient(base_url=self.sim_url, timeout=120) as control:
            response = await control.request(method, path, json=body)
            if response.status_code >= 400 and response.status_code != 504:
                raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
            return response.json() if response.content else None

    async def set_faults(self, faults: dict[str, Any] | None) -> None:
        for site in ("customer", "support"):
            if faults is None:
                await self.control("DELETE", f"/sites/{site}/_sim/faults")
            else:
                await self.control("PUT", f"/sites/{site}/_sim/faults", faults)

    async def fault_counts(self) -> dict[str, int]:
        """Error answers the simulator gave (429, 5xx) and webhooks it dropped or gave up on."""
        counters = await self.control("GET", "/_sim/counters")
        answered: dict[str, int] = {}
        for endpoints in counters.values():
            for statuses in endpoints.values():
                for status, count in statuses.items():
                    if status == "429" or status.startswith("5"):
                        answered[status] = answered.get(status, 0) + int(count)
        hooks = await self.control("GET", "/_sim/webhooks/pending")
        calls = sum(int(n) for e in counters.values() for s in e.values() for n in s.values())
        return {
            "REST calls": calls,
            **{f"HTTP {k}": v for k, v in sorted(answered.items())},
            "webhooks dropped": int(hooks.get("dropped", 0)),
            "webhooks given up": int(hooks.get("failed", 0)),
        }

    async def state(self) -> dict[str, Any]:
        result: dict[str, Any] = await self.control("GET", "/_sim/state")
        return result

    # Quiescence

    async def quiet(self, timeout: float) -> bool:
        """No webhook in flight and no open event, twice in a row, within ``timeout``."""
        deadline = time.monotonic() + timeout
        streak = 0
        while time.monotonic() < deadline:
            await self.control("POST", "/_sim/idle?timeout=10")
            opened = await asyncio.to_thread(self.open_events)
            streak = streak + 1 if opened == 0 else 0
            if streak >= 2:
                return True
            await asyncio.sleep(0.5)
        return False

    async def settle(self, timeout: float) -> list[str]:
        """Quiet, then one whole reconciliation started after the changes, then quiet again.

        Returns what did not happen in time (empty when settled)."""
        deadline = time.monotonic() + timeout
        problems = []
        if not await self.quiet(max(1.0, deadline - time.monotonic() - 20)):
            problems.append(f"not quiet: {await asyncio.to_thread(self.open_events)} open events")
            problems += await asyncio.to_thread(self.describe_open)
        before = await asyncio.to_thread(self.last_run)
        while time.monotonic() < deadline:
            if await asyncio.to_thread(self.finished_runs_after, before) > 0:
                break
            await asyncio.sleep(0.5)
        else:
            problems.append("no reconciliation finished in time")
        if not await self.quiet(max(1.0, deadline - time.monotonic())):
            problems.append(
                f"not quiet after reconciling: {await asyncio.to_thread(self.open_events)} "
                "open events"
            )
            problems += await asyncio.to_thread(self.describe_open)
        return problems


def _wait_http(url: str, process: Process) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if not process.alive:
            raise RuntimeError(f"{process.name} exited:\n{process.tail()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{process.name} did not answer {url}:\n{process.tail()}")


# Runs


@dataclass
class Outcome:
    name: str
    seed: int
    changes: int
    kills: dict[str, int]
    faults: dict[str, int]
    findings: Findings
    problems: list[str]
    failed_events: int
    seconds: float
    counts: dict[str, int]
    settle_seconds: float

    @property
    def clean(self) -> bool:
        return self.findings.clean and not self.problems

    def report(self) -> str:
        kills = ", ".join(f"{k} {v}" for k, v in self.kills.items()) or "none"
        faults = ", ".join(f"{k} {v}" for k, v in self.faults.items()) or "none"
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        lines = [
            f"== {self.name} (seed {self.seed}): {self.changes} changes in {self.seconds:.0f} s",
            f"kills: {kills}",
            f"faults injected: {faults}",
            f"changes by kind: {counts}",
            f"events parked as failed: {self.failed_events}",
            f"quiescence and a reconciliation took {self.settle_seconds:.0f} s",
            *(f"PROBLEM: {p}" for p in self.problems),
            self.findings.table(),
        ]
        return "\n".join(lines)


@dataclass
class Chaos:
    """SIGKILLs at seeded moments: workers (restarted after a moment) and serve once."""

    cluster: Cluster
    rng: random.Random
    worker_kills: int
    serve_kills: int
    seconds: float
    serve_down: float = 3.0
    done: dict[str, int] = field(default_factory=lambda: {"worker SIGKILL": 0, "serve SIGKILL": 0})

    async def run(self) -> None:
        plan = [
            (self.rng.uniform(0.05, 0.9) * self.seconds, "worker") for _ in range(self.worker_kills)
        ]
        plan += [
            ((0.3 + 0.4 * (n + 1) / (self.serve_kills + 1)) * self.seconds, "serve")
            for n in range(self.serve_kills)
        ]
        started = time.monotonic()
        for at, what in sorted(plan):
            await asyncio.sleep(max(0.0, started + at - time.monotonic()))
            if what == "serve":
                await self._serve()
            else:
                await self._worker()

    async def _worker(self) -> None:
        worker = self.rng.choice(self.cluster.worker_processes)
        worker.kill()
        self.done["worker SIGKILL"] += 1
        await asyncio.sleep(self.rng.uniform(0.2, 1.5))
        worker.start()

    async def _serve(self) -> None:
        assert self.cluster.serve is not None
        self.cluster.serve.kill()
        self.done["serve SIGKILL"] += 1
        await asyncio.sleep(self.serve_down)
        await asyncio.to_thread(self.cluster.restart_serve)


async def play(
    cluster: Cluster,
    *,
    name: str,
    seed: int,
    changes: int,
    seconds: float,
    worker_kills: int = 0,
    serve_kills: int = 0,
    faults: dict[str, Any] | None = None,
    fault_seconds: float | None = None,
    settle_timeout: float = 120.0,
) -> Outcome:
    """One seeded workload (with kills and/or faults), quiescence, then the oracle."""
    started = time.monotonic()
    tag = "".join(c for c in name.lower() if c.isalnum()) + str(seed)
    log = WorkloadLog(tag=tag)
    rng = random.Random(seed)
    await cluster.control("POST", "/_sim/counters/reset")
    hooks_before = await cluster.control("GET", "/_sim/webhooks/pending")
    chaos = Chaos(cluster, random.Random(seed + 1), worker_kills, serve_kills, seconds)
    async with cluster.jira("customer", CUSTOMER) as casey, cluster.jira("support", AGENT) as alex:
        workload = Workload(cluster.sim_url, casey, alex, rng, log)
        if faults is not None:
            await cluster.set_faults({"seed": seed, **faults})
        tasks = [asyncio.create_task(workload.run(changes, seconds))]
        tasks.append(asyncio.create_task(chaos.run()))
        if faults is not None:
            tasks.append(asyncio.create_task(_clear_after(cluster, fault_seconds or seconds)))
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await cluster.set_faults(None)
    crashed = [
        f"{process.name} died by itself:\n{process.tail()}"
        for process in [cluster.serve, *cluster.worker_processes]
        if process is not None and not process.alive
    ]
    await asyncio.to_thread(cluster.revive)
    injected = await cluster.fault_counts()
    injected["webhooks dropped"] -= int(hooks_before.get("dropped", 0))
    injected["webhooks given up"] -= int(hooks_before.get("failed", 0))
    settling = time.monotonic()
    problems = crashed + await cluster.settle(settle_timeout)
    settled = time.monotonic() - settling
    findings = check(await cluster.state(), cluster.app_ids, log)
    return Outcome(
        name=name,
        seed=seed,
        changes=log.changes,
        kills={k: v for k, v in chaos.done.items() if v},
        faults={k: v for k, v in injected.items() if v},
        findings=findings,
        problems=problems,
        failed_events=await asyncio.to_thread(cluster.failed_events),
        seconds=time.monotonic() - started,
        counts=dict(log.counts),
        settle_seconds=settled,
    )


async def _clear_after(cluster: Cluster, seconds: float) -> None:
    await asyncio.sleep(seconds)
    await cluster.set_faults(None)


# Fault storms: name -> (faults, seconds the faults last in CI)

STORMS: dict[str, dict[str, Any]] = {
    "errors-5xx": {"serverErrors": {"rate": 0.2, "status": 500}},
    "errors-after-write": {"serverErrors": {"rate": 0.2, "status": 500, "afterWrite": True}},
    "rate-limited": {"rateLimit": {"rate": 0.2, "retryAfter": 1}},
    "latency-spikes": {"latency": {"minMs": 0, "maxMs": 1500}},
    "outage": {"outage": {"seconds": 30}},
    "search-lag": {
        "searchLagSeconds": 20,
        "serverErrors": {"rate": 0.3, "status": 500, "afterWrite": True},
    },
    "webhook-chaos": {"webhooks": {"dropRate": 0.1, "duplicateRate": 0.1, "reorderWindowMs": 2000}},
}


def storm(name: str, *, outage_seconds: float | None = None) -> dict[str, Any]:
    faults = dict(STORMS[name])
    if name == "outage" and outage_seconds is not None:
        faults["outage"] = {"seconds": outage_seconds}
    return faults


async def started_cluster(
    backend: str,
    directory: Path,
    workers: int,
    echo: Echo,
    create_confirm_seconds: float = CI_CREATE_CONFIRM_SECONDS,
) -> Cluster:
    cluster = Cluster(
        backend, directory, workers=workers, create_confirm_seconds=create_confirm_seconds
    )
    try:
        await asyncio.to_thread(cluster.start)
        await cluster.connect(echo)
    except BaseException:
        await asyncio.to_thread(cluster.stop)
        raise
    return cluster
