"""The event queue: once per delivery, oldest first per order key, shared by many workers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import update

from tandem.store.db import Database
from tandem.sync import queue
from tandem.sync.models import Event, EventStatus, Side, Synchronization, SyncState
from tests.sync import factories


@pytest.fixture
async def sync(database: Database) -> Synchronization:
    customer = await factories.tenant(database)
    support = await factories.tenant(database, "https://support.atlassian.net")
    created = await factories.synchronization(database, customer, support)
    async with database.transaction() as session:
        await session.execute(
            update(Synchronization)
            .where(Synchronization.id == created.id)
            .values(state=SyncState.ACTIVE)
        )
    return created


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
    database: Database, sync: Synchronization
) -> None:
    await enqueue(database, sync, issues=3, per_issue=2)

    async with database.transaction() as session:
        first_round = await queue.claim(session=session, limit=10)
    async with database.transaction() as session:
        blocked = await queue.claim(session=session, limit=10)
        for event in first_round:
            await queue.finish(session=session, event_id=event.id, status=EventStatus.DONE)
    async with database.transaction() as session:
        second_round = await queue.claim(session=session, limit=10)

    assert sorted(e.issue_id for e in first_round) == ["0", "1", "2"]
    assert all(e.dedupe_key.endswith("-0") for e in first_round)
    assert blocked == []
    assert all(e.dedupe_key.endswith("-1") for e in second_round)
    assert len(second_round) == 3


async def test_a_transient_failure_comes_back_later_and_a_permanent_one_is_parked(
    database: Database, sync: Synchronization
) -> None:
    await enqueue(database, sync, issues=2, per_issue=1)
    async with database.transaction() as session:
        transient, permanent = await queue.claim(session=session, limit=10)
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
        assert await queue.claim(session=session, limit=10) == []  # not due yet
        assert await queue.retry_failed(session=session, sync=sync) == 1
    async with database.transaction() as session:
        (again,) = await queue.claim(session=session, limit=10)
    assert again.id == permanent.id


async def test_concurrent_workers_never_claim_the_same_event_or_break_issue_order(
    database: Database, sync: Synchronization
) -> None:
    await enqueue(database, sync, issues=12, per_issue=3)
    applied: list[Event] = []
    databases = [Database(database.url) for _ in range(4)]

    async def work(db: Database) -> None:
        while True:
            async with db.transaction() as session:
                claimed = await queue.claim(session=session, limit=3)
            if not claimed:
                async with db.transaction() as session:
                    if await queue.pending_count(session=session) == 0:
                        return
                await asyncio.sleep(0.01)
                continue
            applied.extend(claimed)
            async with db.transaction() as session:
                for event in claimed:
                    await queue.finish(session=session, event_id=event.id, status=EventStatus.DONE)

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
    database: Database, sync: Synchronization
) -> None:
    await enqueue(database, sync, issues=3, per_issue=1)
    async with database.transaction() as session:
        done, skipped, failed = await queue.claim(session=session, limit=10)
        await queue.finish(session=session, event_id=done.id, status=EventStatus.DONE)
        await queue.finish(session=session, event_id=skipped.id, status=EventStatus.SKIPPED)
        await queue.fail(session=session, event_id=failed.id, error="gone", transient=False)
    async with database.transaction() as session:
        assert await queue.purge(session=session, older_than=timedelta(days=1)) == 0
        assert await queue.purge(session=session, older_than=timedelta(seconds=-1)) == 2
        (kept,) = await queue.list_events(session=session, sync=sync)
    assert kept.id == failed.id
