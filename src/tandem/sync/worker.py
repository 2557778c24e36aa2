"""The worker: claims due events and applies them, different issues in parallel."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from tandem.store.db import Database
from tandem.sync import queue
from tandem.sync.engine import Engine
from tandem.sync.models import Event

log = logging.getLogger(__name__)


class Worker:
    """Runs until stopped; ``wake()`` makes it look at the queue at once."""

    def __init__(
        self,
        *,
        database: Database,
        engine: Engine,
        concurrency: int = 8,
        poll_seconds: float = 1.0,
    ) -> None:
        self.database = database
        self.engine = engine
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self._wakeup = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wakeup.set()

    def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()

    async def run_once(self) -> int:
        """Claim one batch of due events and apply them; returns how many were claimed."""
        async with self.database.transaction() as session:
            events = await queue.claim(session=session, limit=self.concurrency)
        if events:
            await asyncio.gather(*(self._process(event) for event in events))
        return len(events)

    async def _process(self, event: Event) -> None:
        try:
            await self.engine.process(event)
        except Exception:  # the queue itself failed: the lease makes the event due again
            log.exception("event %s could not be recorded", event.id)

    async def run(self) -> None:
        log.info("worker started (concurrency %d)", self.concurrency)
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
        log.info("worker stopped")
