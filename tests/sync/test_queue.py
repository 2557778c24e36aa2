"""The event queue: once per delivery, oldest first per order key, shared by many workers."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select, text, update

from tandem.store.base import utcnow
from tandem.store.db import Database
from tandem.sync.models import Event, EventStatus, Side, Synchronization, WorkerProcess
from tandem.sync.queue import events as queue
from tandem.sync.queue import liveness


def new_event(issue_id: str, number: int) -> queue.NewEvent:
    return queue.NewEvent(
        side=Side.FIRST,
        dedupe_key=f"wh-{issue_id}-{number}",
        webhook_event="jira:issue_updated",
        issue_id=issue_id,
        issue_key=f"ACME-{issue_id}",
        comment_id=None,
        actor_account_id=None,
        payload={"webhookEvent": "jira:issue_updated"},
    )


async def enqueue(database: Database, sync: Synchronization, issues: int, per_issue: int) -> None:
    async with database.transaction() as session:
        for number in range(per_issue):
            for issue in range(issues):
                await queue.enqueue(session=session, sync=sync, new=new_event(str(issue), number))


async def test_the_same_delivery_is_stored_once(database: Database, sync: Synchronization) -> None:
    async with database.transaction() as session:
        first = await queue.enqueue(session=session, sync=sync, new=new_event("1", 0))
        again = await queue.enqueue(session=session, sync=sync, new=new_event("1", 0))
    assert first is not None and again is None


async def test_one_issue_waits_for_its_older_event_while_others_proceed(
    database: Database, sync: Synchronization, worker: int
) -> None:
    await enqueue(database, sync, issues=3, per_issue=2)

    async with database.transaction() as session:
        first_round = await queue.claim(session=session, limit=10, claimer=worker)
    async with database.transaction() as session:
        blocked = await queue.claim(session=session, limit=10, claimer=worker)
        for event in first_round:
            await queue.finish(session=session, event_id=event.id, status=EventStatus.DONE)
    async with database.transaction() as session:
        second_round = await queue.claim(session=session, limit=10, claimer=worker)

    assert sorted(e.issue_id for e in first_round) == ["0", "1", "2"]
    assert all(e.dedupe_key.endswith("-0") for e in first_round)
    assert blocked == []
    assert all(e.dedupe_key.endswith("-1") for e in second_round)
    assert len(second_round) == 3


async def test_a_transient_failure_comes_back_later_and_a_permanent_one_is_parked(
    database: Database, sync: Synchronization, worker: int
) -> None:
    await enqueue(database, sync, issues=2, per_issue=1)
    async with database.transaction() as session:
        transient, permanent = await queue.claim(session=session, limit=10, claimer=worker)
        assert (
            await queue.fail(
                session=session, event_id=transient.id, error="Jira did not answer", transient=True
            )
            is EventStatus.PENDING
        )
        assert (
            await queue.fail(session=session, event_id=permanent.id, error="gone", transient=False)
            is EventStatus.FAILED
        )
    async with database.transaction() as session:
        assert await queue.claim(session=session, limit=10, claimer=worker) == []  # not due yet
        assert await queue.retry_failed(session=session, sync=sync) == 1
    async with database.transaction() as session:
        (again,) = await queue.claim(session=session, limit=10, claimer=worker)
    assert again.id == permanent.id


async def test_concurrent_workers_never_claim_the_same_event_or_break_issue_order(
    database: Database, sync: Synchronization
) -> None:
    await enqueue(database, sync, issues=12, per_issue=3)
    applied: list[Event] = []
    databases = [Database(database.url) for _ in range(4)]

    async def work(db: Database) -> None:
        registration = await liveness.Registration.open(db)
        try:
            await drain(db, registration.id)
        finally:
            await registration.close()

    async def drain(db: Database, claimer: int) -> None:
        while True:
            async with db.transaction() as session:
                claimed = await queue.claim(session=session, limit=3, claimer=claimer)
            if not claimed:
                async with db.transaction() as session:
                    if await queue.pending_count(session=session) == 0:
                        return
                await asyncio.sleep(0.01)
                continue
            applied.extend(claimed)
            async with db.transaction() as session:
                for event in claimed:
                    await queue.finish(
                        session=session,
                        event_id=event.id,
                        status=EventStatus.DONE,
                        claimer=claimer,
                    )

    try:
        await asyncio.wait_for(asyncio.gather(*(work(db) for db in databases)), timeout=60)
    finally:
        for db in databases:
            await db.dispose()

    assert len(applied) == 36
    assert len({e.id for e in applied}) == 36
    for issue in range(12):
        numbers = [e.dedupe_key for e in applied if e.issue_id == str(issue)]
        assert numbers == [f"wh-{issue}-{n}" for n in range(3)]


async def test_old_applied_events_are_purged_and_failed_ones_kept(
    database: Database, sync: Synchronization, worker: int
) -> None:
    await enqueue(database, sync, issues=3, per_issue=1)
    async with database.transaction() as session:
        done, skipped, failed = await queue.claim(session=session, limit=10, claimer=worker)
        await queue.finish(session=session, event_id=done.id, status=EventStatus.DONE)
        await queue.finish(session=session, event_id=skipped.id, status=EventStatus.SKIPPED)
        await queue.fail(session=session, event_id=failed.id, error="gone", transient=False)
    async with database.transaction() as session:
        assert await queue.purge(session=session, older_than=timedelta(days=1)) == 0
        assert await queue.purge(session=session, older_than=timedelta(seconds=-1)) == 2
        (kept,) = await queue.list_events(session=session, sync=sync)
    assert kept.id == failed.id


async def kill(database: Database, registration: liveness.Registration) -> None:
    """The worker dies: its connection drops (PostgreSQL), or it was last heard long ago."""
    async with database.transaction() as session:
        if database.is_sqlite:
            await session.execute(
                update(WorkerProcess)
                .where(WorkerProcess.id == registration.id)
                .values(heartbeat_at=utcnow() - 2 * liveness.LEASE)
            )
            return
        pid = await session.scalar(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2"
                " AND classid = CAST(:space AS oid) AND objid = CAST(:id AS oid)"
            ),
            {"space": liveness.LOCK_SPACE, "id": registration.id},
        )
        assert pid is not None, "the live worker holds its lock"
        await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


SHORT = timedelta(milliseconds=1)


async def claim(database: Database, claimer: int, lease: timedelta = liveness.LEASE) -> list[Event]:
    async with database.transaction() as session:
        return await queue.claim(session=session, limit=10, claimer=claimer, lease=lease)


async def test_a_claim_of_a_live_worker_holds_and_one_of_a_dead_worker_is_due_again(
    database: Database, sync: Synchronization, worker: int
) -> None:
    await enqueue(database, sync, issues=1, per_issue=2)
    doomed = await liveness.Registration.open(database)
    (first,) = await claim(database, doomed.id)
    assert await claim(database, worker) == []

    await kill(database, doomed)
    (again,) = await claim(database, worker)

    assert again.id == first.id
    assert again.claimed_by == worker and again.attempts == 2
    assert not await doomed.beat() or database.is_sqlite
    await doomed.close()


async def test_on_sqlite_a_worker_is_alive_while_its_heartbeat_is_younger_than_the_lease(
    database: Database, sync: Synchronization, worker: int
) -> None:
    if not database.is_sqlite:
        pytest.skip("PostgreSQL workers are alive while they hold their lock")
    await enqueue(database, sync, issues=1, per_issue=1)
    silent = await liveness.Registration.open(database)
    await claim(database, silent.id)
    async with database.transaction() as session:
        await session.execute(
            update(WorkerProcess)
            .where(WorkerProcess.id == silent.id)
            .values(heartbeat_at=utcnow() - liveness.LEASE + timedelta(seconds=5))
        )
    assert await claim(database, worker) == []  # heard from 25 s ago
    await asyncio.sleep(0.01)
    assert await silent.beat()
    assert await claim(database, worker, lease=timedelta(seconds=5)) == []  # it beat again
    await asyncio.sleep(0.01)
    assert len(await claim(database, worker, lease=SHORT)) == 1
    await silent.close()


async def test_an_abandoned_event_still_holds_back_the_later_events_of_its_issue(
    database: Database, sync: Synchronization, worker: int
) -> None:
    await enqueue(database, sync, issues=1, per_issue=3)
    doomed = await liveness.Registration.open(database)
    (first,) = await claim(database, doomed.id)
    await kill(database, doomed)

    taken = await claim(database, worker)

    assert [event.id for event in taken] == [first.id]
    await doomed.close()


async def test_a_worker_whose_event_was_taken_over_cannot_record_its_outcome(
    database: Database, sync: Synchronization, worker: int
) -> None:
    await enqueue(database, sync, issues=1, per_issue=1)
    doomed = await liveness.Registration.open(database)
    (event,) = await claim(database, doomed.id)
    await kill(database, doomed)
    await claim(database, worker)

    async with database.transaction() as session:
        await queue.finish(
            session=session, event_id=event.id, status=EventStatus.DONE, claimer=doomed.id
        )
        status = await queue.fail(
            session=session, event_id=event.id, error="late", transient=False, claimer=doomed.id
        )
    async with database.transaction() as session:
        row = await session.get(Event, event.id)

    assert status is EventStatus.PROCESSING
    assert row is not None and row.status is EventStatus.PROCESSING and row.claimed_by == worker
    await doomed.close()


async def test_a_stopping_worker_and_a_starting_one_put_unfinished_events_back(
    database: Database, sync: Synchronization, worker: int
) -> None:
    await enqueue(database, sync, issues=3, per_issue=1)
    stopping = await liveness.Registration.open(database)
    doomed = await liveness.Registration.open(database)
    async with database.transaction() as session:
        mine = await queue.claim(session=session, limit=1, claimer=stopping.id)
        theirs = await queue.claim(session=session, limit=1, claimer=doomed.id)
        kept = await queue.claim(session=session, limit=1, claimer=worker)
    await kill(database, doomed)

    async with database.transaction() as session:
        assert await queue.release(session=session, claimer=stopping.id, event_ids=[0]) == 0
        assert await queue.release(session=session, claimer=stopping.id) == 1
        assert await queue.release_abandoned(session=session) == 1
        assert await liveness.forget_dead(session=session) == 1
    async with database.transaction() as session:
        rows = {row.id: row for row in (await session.scalars(select(Event))).all()}
        workers = set((await session.scalars(select(WorkerProcess.id))).all())

    for event in (*mine, *theirs):
        assert rows[event.id].status is EventStatus.PENDING and rows[event.id].claimed_by is None
    assert rows[kept[0].id].claimed_by == worker
    assert doomed.id not in workers and worker in workers
    await stopping.close()
    await doomed.close()


async def test_a_batch_is_claimed_in_one_statement_and_never_beyond_its_limit(
    database: Database, sync: Synchronization, worker: int
) -> None:
    await enqueue(database, sync, issues=5, per_issue=1)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    sa_event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with database.transaction() as session:
            claimed = await queue.claim(session=session, limit=2, claimer=worker)
    finally:
        sa_event.remove(database.engine.sync_engine, "before_cursor_execute", count)

    assert [event.issue_id for event in claimed] == ["0", "1"]
    assert len(statements) == 1, statements
