"""The worker: claims due events and applies them, different issues in parallel.

It registers itself (``liveness``) before its first claim, and puts back the events of workers
that died. When stopped it lets what it is applying finish, and puts back whatever was
cut short (or never started) so that another worker takes it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from tandem.store.db import Database
from tandem.sync.models import Event, EventStatus
from tandem.sync.queue import events as queue
from tandem.sync.queue import liveness

log = logging.getLogger(__name__)


class Applier(Protocol):
    """What applies one claimed event (the engine); the queue knows nothing more of it."""

    async def process(self, event: Event) -> EventStatus: ...


class Worker:
    """Runs until stopped; ``wake()`` makes it look at the queue at once."""

    def __init__(
        self,
        *,
        database: Database,
        engine: Applier,
        concurrency: int = 8,
        poll_seconds: float = 1.0,
    ) -> None:
        self.database = database
        self.engine = engine
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._registration: liveness.Registration | None = None
        self._beats: asyncio.Task[None] | None = None
        self._unrecorded: set[int] = set()

    def wake(self) -> None:
        self._wakeup.set()

    def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()

    @property
    def worker_id(self) -> int | None:
        return None if self._registration is None else self._registration.id

    async def run_once(self) -> int:
        """Claim one batch of due events and apply them; returns how many were claimed."""
        claimer = await self._registered()
        async with self.database.transaction() as session:
            if self._unrecorded:
                await queue.release(session=session, claimer=claimer, event_ids=self._unrecorded)
            events = await queue.claim(session=session, limit=self.concurrency, claimer=claimer)
        self._unrecorded.clear()
        if events:
            await asyncio.gather(*(self._process(event) for event in events))
        return len(events)

    async def _process(self, event: Event) -> None:
        try:
            await self.engine.process(event)
        except Exception:  # the queue itself failed: put the event back before the next claim
            log.exception("event %s could not be recorded", event.id)
            self._unrecorded.add(event.id)

    async def run(self) -> None:
        log.info("worker started (concurrency %d)", self.concurrency)
        try:
            while not self._stopping:
                try:
                    claimed = await self.run_once()
                except Exception:
                    log.exception("the worker could not read the queue; retrying")
                    claimed = 0
                if claimed == 0:
                    self._wakeup.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wakeup.wait(), self.poll_seconds)
        finally:
            await self._leave()
        log.info("worker stopped")

    async def _registered(self) -> int:
        """This worker's id, registering (again, if the registration was lost) first."""
        if self._registration is not None and not self._registration.lost:
            return self._registration.id
        await self._leave()
        registration = await liveness.Registration.open(self.database)
        self._registration = registration
        self._beats = asyncio.create_task(self._beat(registration), name="worker-heartbeat")
        async with self.database.transaction() as session:
            released = await queue.release_abandoned(session=session)
            await liveness.forget_dead(session=session)
        log.info("worker %s registered", registration.id)
        if released:
            log.warning("put back %d events claimed by workers that stopped", released)
        return registration.id

    async def _beat(self, registration: liveness.Registration) -> None:
        while await registration.beat():
            await asyncio.sleep(liveness.HEARTBEAT.total_seconds())

    async def _leave(self) -> None:
        """Put back the events this worker holds, then unregister."""
        registration, self._registration = self._registration, None
        if self._beats is not None:
            self._beats.cancel()
            self._beats = None
        if registration is None:
            return
        try:
            async with self.database.transaction() as session:
                released = await queue.release(session=session, claimer=registration.id)
            if released:
                log.info("worker %s put back %d unfinished events", registration.id, released)
        except Exception:
            log.exception("worker %s could not put its events back", registration.id)
        await registration.close()
