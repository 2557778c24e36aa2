"""Webhook delivery: a background queue per app, signed POSTs, retries as Jira Cloud makes them.

Deliveries are at least once: a delivery that fails with 408/409/425/429/5xx or a connection
error is retried with the same ``X-Atlassian-Webhook-Identifier`` and
``X-Atlassian-Webhook-Retry: <n>``, after growing delays that add up to Jira Cloud's
documented horizon of 30 minutes (``JIRA_CLOUD_RETRY_DELAYS``), multiplied by ``time_scale``.
A delivery whose retries run out is kept as a failure the app can list
(``GET /rest/api/3/webhook/failed``) for 72 hours. Sources: the simulator's README.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from .tokens import shared_secret_token

log = logging.getLogger(__name__)

RETRY_STATUSES = {408, 409, 425, 429}
# Seconds before retry 1..5: growing, and 30 minutes in all, Jira Cloud's documented horizon.
JIRA_CLOUD_RETRY_DELAYS = (60.0, 120.0, 240.0, 480.0, 900.0)
HISTORY_LIMIT = 1000
FAILURE_RETENTION_SECONDS = 72 * 3600
LOST_ACKNOWLEDGEMENT = "AcknowledgementLost"


@dataclass
class Delivery:
    site: str
    app_key: str
    event: str
    url: str
    body: dict[str, Any] | None
    identifier: str = field(default_factory=lambda: str(uuid.uuid4()))
    attempts: int = 0
    statuses: list[int | str] = field(default_factory=list)
    outcome: str = "pending"  # pending | delivered | failed | dropped
    lost_acknowledgements: int = 0  # attempts that reach the app but count as failed (a fault)

    def record(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "app": self.app_key,
            "event": self.event,
            "url": self.url,
            "identifier": self.identifier,
            "attempts": self.attempts,
            "statuses": list(self.statuses),
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class Target:
    """Where and how to sign: looked up at send time, so uninstalling stops deliveries."""

    client_key: str
    shared_secret: str
    base_url: str


TargetLookup = Callable[[Delivery], Target | None]


@dataclass(frozen=True)
class Failure:
    """A delivery whose retries ran out, as ``GET /rest/api/3/webhook/failed`` lists it."""

    site: str
    app_key: str
    identifier: str
    url: str
    body: dict[str, Any] | None
    failure_time: int  # milliseconds since the epoch: the time of the last failed retry

    def listed(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": self.identifier,
            "url": self.url,
            "failureTime": self.failure_time,
        }
        if self.body is not None:
            entry["body"] = json.dumps(self.body)
        return entry


class Lane:
    """One app's queue on one site, sent in order by one task."""

    def __init__(self) -> None:
        self.ready: deque[Delivery] = deque()
        self.wakeup = asyncio.Event()
        self.task: asyncio.Task[None] | None = None


class Dispatcher:
    def __init__(
        self,
        lookup: TargetLookup,
        *,
        retry_delays: Sequence[float] = JIRA_CLOUD_RETRY_DELAYS,
        time_scale: float = 1.0,
        timeout: float = 10.0,
    ) -> None:
        """``retry_delays`` (seconds before each retry) are multiplied by ``time_scale``."""
        self._lookup = lookup
        self.retry_delays = tuple(retry_delays)
        self.time_scale = time_scale
        self.timeout = timeout
        self.transport: httpx.AsyncBaseTransport | None = None
        self.history: deque[Delivery] = deque(maxlen=HISTORY_LIMIT)
        self.failures: deque[Failure] = deque(maxlen=HISTORY_LIMIT)
        self.outstanding = 0
        self.stats = {"delivered": 0, "failed": 0, "dropped": 0}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._lanes: dict[tuple[str, str], Lane] = {}
        self._parked: list[tuple[Delivery, float]] = []
        self._client: httpx.AsyncClient | None = None

    # Submitting (from the event loop's thread, or any other thread)

    def submit(self, delivery: Delivery, *, delay: float = 0) -> None:
        self.outstanding += 1
        self.history.append(delivery)
        self._schedule(delivery, delay)

    def drop(self, delivery: Delivery) -> None:
        delivery.outcome = "dropped"
        self.stats["dropped"] += 1
        self.history.append(delivery)

    def _schedule(self, delivery: Delivery, delay: float) -> None:
        loop = self._running_loop()
        if loop is None:
            self._parked.append((delivery, delay))
        elif threading.get_ident() != self._thread:
            loop.call_soon_threadsafe(self._schedule, delivery, delay)
        elif delay > 0:
            loop.call_later(delay, self._enqueue, delivery)
        else:
            self._enqueue(delivery)

    def _running_loop(self) -> asyncio.AbstractEventLoop | None:
        if self._loop is not None and not self._loop.is_closed():
            return self._loop
        try:
            self.start()
        except RuntimeError:
            return None
        return self._loop

    def _enqueue(self, delivery: Delivery) -> None:
        lane = self._lane(delivery)
        lane.ready.append(delivery)
        lane.wakeup.set()

    def _lane(self, delivery: Delivery) -> Lane:
        key = (delivery.site, delivery.app_key)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = Lane()
        if lane.task is None or lane.task.done():
            lane.task = asyncio.get_running_loop().create_task(self._run(lane))
        return lane

    # Lifecycle

    def start(self) -> None:
        """Bind to the running event loop (raises RuntimeError outside one)."""
        loop = asyncio.get_running_loop()
        if self._loop is loop:
            return
        self._loop, self._thread = loop, threading.get_ident()
        stranded = [(d, 0.0) for lane in self._lanes.values() for d in lane.ready]
        self._lanes = {}
        self._client = None
        parked, self._parked = [*self._parked, *stranded], []
        for delivery, delay in parked:
            self._schedule(delivery, delay)

    async def stop(self) -> None:
        for lane in self._lanes.values():
            if lane.task is not None:
                lane.task.cancel()
        self._lanes = {}
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        self._loop = None

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until every accepted delivery is delivered, failed for good, or dropped."""
        self.start()
        deadline = time.monotonic() + timeout
        while self.outstanding > 0:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    # Sending

    async def _run(self, lane: Lane) -> None:
        while True:
            await lane.wakeup.wait()
            lane.wakeup.clear()
            while lane.ready:
                await self._attempt(lane.ready.popleft())

    async def _attempt(self, delivery: Delivery) -> None:
        target = self._lookup(delivery)
        if target is None:
            self._finish(delivery, "dropped")
            return
        delivery.attempts += 1
        status = await self._post(delivery, target)
        if delivery.attempts <= delivery.lost_acknowledgements:
            status = LOST_ACKNOWLEDGEMENT
        delivery.statuses.append(status)
        if isinstance(status, int) and 200 <= status < 300:
            self._finish(delivery, "delivered")
        elif not _retryable(status):
            self._finish(delivery, "failed")
        elif delivery.attempts <= len(self.retry_delays):
            delay = self.retry_delays[delivery.attempts - 1] * self.time_scale
            asyncio.get_running_loop().call_later(delay, self._enqueue, delivery)
        else:
            self._keep_failure(delivery)
            self._finish(delivery, "failed")

    async def _post(self, delivery: Delivery, target: Target) -> int | str:
        token = shared_secret_token(
            target.shared_secret,
            client_key=target.client_key,
            app_base_url=target.base_url,
            method="POST",
            url=delivery.url,
        )
        headers = {
            "Authorization": f"JWT {token}",
            "X-Atlassian-Webhook-Identifier": delivery.identifier,
            "User-Agent": "Atlassian Webhook HTTP Client",
        }
        if delivery.attempts > 1:
            headers["X-Atlassian-Webhook-Retry"] = str(delivery.attempts - 1)
        content = b""
        if delivery.body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
            content = json.dumps(delivery.body).encode()
        try:
            response = await self._http().post(delivery.url, content=content, headers=headers)
        except httpx.HTTPError as error:
            log.info("webhook %s to %s failed: %s", delivery.event, delivery.url, error)
            return type(error).__name__
        return response.status_code

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(transport=self.transport, timeout=self.timeout)
        return self._client

    def _finish(self, delivery: Delivery, outcome: str) -> None:
        delivery.outcome = outcome
        self.stats[outcome] += 1
        self.outstanding -= 1

    def _keep_failure(self, delivery: Delivery) -> None:
        self.failures.append(
            Failure(
                site=delivery.site,
                app_key=delivery.app_key,
                identifier=delivery.identifier,
                url=delivery.url,
                body=delivery.body,
                failure_time=int(time.time() * 1000),
            )
        )

    def failed(self, site: str, app_key: str, *, after: int = -1) -> list[Failure]:
        """An app's failures on a site from the last 72 hours, oldest first, after ``after``
        (epoch milliseconds)."""
        floor = max(after + 1, int((time.time() - FAILURE_RETENTION_SECONDS) * 1000))
        found = [
            f
            for f in self.failures
            if f.site == site and f.app_key == app_key and f.failure_time >= floor
        ]
        return sorted(found, key=lambda f: f.failure_time)

    def summary(self) -> dict[str, Any]:
        return {"pending": self.outstanding, **self.stats}


def _retryable(status: int | str) -> bool:
    return isinstance(status, str) or status in RETRY_STATUSES or status >= 500
