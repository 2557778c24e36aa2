"""Watching a synchronization work: its events, retrying failed ones, copying existing issues
(initial sync runs) and the audit log of who changed what."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tandem.store.db import Database
from tandem.sync import service as syncs
from tandem.sync.config.schemas import MAX_ID
from tandem.sync.engine import runs
from tandem.sync.engine.jql import JqlRefused
from tandem.sync.engine.jql import check as check_jql
from tandem.sync.engine.runs import Runner
from tandem.sync.errors import SyncError
from tandem.sync.models import (
    AuditEntry,
    Event,
    EventStatus,
    RunKind,
    Side,
    Synchronization,
    SyncRun,
)
from tandem.sync.queue import events as queue
from tandem.usecases.caller import Caller, own_side

MAX_EVENTS = 500


async def list_events(
    *, db: Database, sync: Synchronization, status: EventStatus | None, limit: int
) -> list[Event]:
    """The newest events (of one status, if given); ``limit`` kept between 1 and 500."""
    async with db.transaction() as session:
        return await queue.list_events(
            session=session, sync=sync, status=status, limit=min(max(limit, 1), MAX_EVENTS)
        )


async def retry_failed(
    *,
    db: Database,
    sync: Synchronization,
    caller: Caller,
    event_ids: list[int] | None,
    wake_worker: Callable[[], None],
) -> int:
    """Queue failed events again (those of ``event_ids``, or all), audited; returns how many."""
    known = [i for i in event_ids if 0 < i <= MAX_ID] if event_ids is not None else None
    async with db.transaction() as session:
        count = await queue.retry_failed(session=session, sync=sync, event_ids=known)
        await syncs.audit(
            session=session,
            sync=sync,
            account_id=caller.account_id,
            action="retry",
            detail=f"{count} failed event(s) queued again",
        )
    wake_worker()
    return count


async def audit_log(*, db: Database, sync: Synchronization) -> list[AuditEntry]:
    async with db.transaction() as session:
        return await syncs.audit_log(session=session, sync=sync)


@dataclass(frozen=True)
class RunProgress:
    """A run, and how the events it queued are doing, by status."""

    run: SyncRun
    events: dict[str, int]


async def list_runs(*, db: Database, sync: Synchronization) -> list[RunProgress]:
    async with db.transaction() as session:
        found = await runs.runs(session=session, sync=sync)
        return [RunProgress(run, await runs.progress(session=session, run=run)) for run in found]


def run_out(progress: RunProgress) -> dict[str, Any]:
    """A run as the API shows it."""
    run = progress.run
    return {
        "id": run.id,
        "kind": run.kind.value,
        "status": run.status,
        "jql": run.jql,
        "found": run.found,
        "queued": run.queued,
        "created": run.created,
        "error": run.error,
        "events": progress.events,
        "started_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


async def start_initial_sync(
    *,
    db: Database,
    runner: Runner,
    background: Callable[[asyncio.Task[Any]], None],
    sync: Synchronization,
    caller: Caller,
    jql: str | None,
) -> Side:
    """Synchronize the existing issues of the caller's own project (the side they administer),
    those the JQL finds among them if given; returns that side. The other organisation's
    issues are theirs to start copying. A JQL that is not one clause group is refused (422)."""
    side = own_side(sync, caller)
    try:
        extra = check_jql(jql) if jql and jql.strip() else None
    except JqlRefused as exc:
        raise SyncError(f"the JQL was refused: {exc.reason}", 422) from exc
    async with db.transaction() as session:
        await syncs.audit(
            session=session,
            sync=sync,
            account_id=caller.account_id,
            action="initial_sync",
            detail=f"{sync.project_key(side)}: {extra}" if extra else sync.project_key(side),
        )
    background(asyncio.create_task(runner.run(sync.id, RunKind.INITIAL, extra, sides=(side,))))
    return side
