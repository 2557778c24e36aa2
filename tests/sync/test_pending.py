"""Copies being created: which failures may have created an issue, one create attempt at a
time, how long events of a copy wait, and the pair's order once the link is recorded."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from tandem.jira.errors import JiraBadRequest, JiraRateLimited, JiraUnavailable
from tandem.store.base import utcnow
from tandem.store.db import Database
from tandem.sync.engine import pending
from tandem.sync.models import Event, EventStatus, IssueLink, Side, Synchronization
from tandem.sync.queue import events as queue


async def source_link(database: Database, sync: Synchronization, issue_id: str) -> int:
    async with database.transaction() as session:
        link = IssueLink(synchronization_id=sync.id, origin=Side.FIRST, field_state={})
        link.set_issue(Side.FIRST, issue_id, f"ACME-{issue_id}")
        session.add(link)
        await session.flush()
        return link.id


def event(side: Side, issue_id: str, name: str, number: int = 0) -> queue.NewEvent:
    return queue.NewEvent(
        side=side,
        dedupe_key=f"{side}-{issue_id}-{name}-{number}",
        webhook_event=name,
        issue_id=issue_id,
        issue_key=None,
        comment_id=None,
        actor_account_id=None,
        payload={"webhookEvent": name},
    )


def test_only_a_refusal_proves_that_nothing_was_created() -> None:
    refused = JiraBadRequest("Bad Request", status=400)
    turned_away = JiraRateLimited("Too Many Requests", status=429)
    assert not pending.may_have_created(refused)
    assert not pending.may_have_created(turned_away)
    never_sent = JiraUnavailable("No response")
    never_sent.__cause__ = httpx.ConnectError("refused")
    assert not pending.may_have_created(never_sent)
    reset = JiraUnavailable("No response")
    reset.__cause__ = httpx.ReadError("reset by peer")
    assert pending.may_have_created(reset)
    assert pending.may_have_created(JiraUnavailable("Internal server error", status=500))
    assert pending.may_have_created(httpx.ReadTimeout("slow"))


async def test_one_create_attempt_at_a_time(database: Database, sync: Synchronization) -> None:
    link_id = await source_link(database, sync, "1")
    async with database.transaction() as session:
        assert await pending.mark_attempt(session, link_id, Side.SECOND, None)
        assert not await pending.mark_attempt(session, link_id, Side.SECOND, None)
        assert await pending.under_way(session, sync.id, Side.SECOND)
        assert not await pending.under_way(session, sync.id, Side.FIRST)
    async with database.transaction() as session:
        link = await session.get(IssueLink, link_id)
        assert link is not None and link.create_attempted_at is not None
        attempted = link.create_attempted_at
    async with database.transaction() as session:  # the holder of the last attempt may retry
        assert await pending.mark_attempt(session, link_id, Side.SECOND, attempted)
        await pending.forget_attempt(session, link_id, Side.SECOND)
        assert not await pending.under_way(session, sync.id, Side.SECOND)


async def test_events_of_a_copy_wait_only_while_its_create_can_still_finish(
    database: Database, sync: Synchronization
) -> None:
    link_id = await source_link(database, sync, "1")
    long_ago = utcnow() - timedelta(seconds=pending.ANNOUNCE_WAIT_SECONDS + 60)
    async with database.transaction() as session:
        await pending.mark_attempt(session, link_id, Side.SECOND, None)
        link = await session.get(IssueLink, link_id)
        assert link is not None
        assert await pending.still_creating(session, link)  # tried moments ago
        link.create_attempted_at = long_ago
        await session.flush()
        assert not await pending.still_creating(session, link)  # over, nothing recorded
        stored = await queue.enqueue(
            session=session, sync=sync, new=event(Side.FIRST, "1", "jira:issue_created")
        )
        assert stored is not None
        assert await pending.still_creating(session, link)  # its create will try again
        stored.status = EventStatus.FAILED
        await session.flush()
        assert not await pending.still_creating(session, link)


async def test_a_recorded_link_joins_both_issues_events_in_the_pairs_order(
    database: Database, sync: Synchronization, worker: int
) -> None:
    link_id = await source_link(database, sync, "1")
    async with database.transaction() as session:
        await queue.enqueue(session=session, sync=sync, new=event(Side.FIRST, "1", "create"))
        await queue.enqueue(session=session, sync=sync, new=event(Side.SECOND, "9", "reply"))
        waiting = await session.scalar(select(Event).where(Event.issue_id == "9"))
        assert waiting is not None
        waiting.next_attempt_at = utcnow() + timedelta(minutes=5)
        link = await session.get(IssueLink, link_id)
        assert link is not None
        link.set_issue(Side.SECOND, "9", "SUP-9")
        await session.flush()
        await queue.join_pair(session=session, link=link)
    async with database.transaction() as session:
        claimed = await queue.claim(session=session, limit=10, claimer=worker)
        keys = {e.order_key for e in (await session.scalars(select(Event))).all()}
    assert [e.webhook_event for e in claimed] == ["create"]  # the reply waits behind it
    assert keys == {f"{sync.id}:first:1"}


async def test_a_wait_that_does_not_count_gives_the_attempt_back(
    database: Database, sync: Synchronization, worker: int
) -> None:
    async with database.transaction() as session:
        await queue.enqueue(session=session, sync=sync, new=event(Side.SECOND, "9", "reply"))
    for _ in range(queue.MAX_ATTEMPTS + 2):
        async with database.transaction() as session:
            (claimed,) = await queue.claim(session=session, limit=1, claimer=worker)
            status = await queue.wait(
                session=session,
                event_id=claimed.id,
                seconds=0,
                reason="later",
                counts=False,
                claimer=worker,
            )
        assert status is EventStatus.PENDING
    async with database.transaction() as session:
        (claimed,) = await queue.claim(session=session, limit=1, claimer=worker)
        assert claimed.attempts == 1
        claimed.attempts = queue.MAX_ATTEMPTS
        await session.flush()
        status = await queue.wait(
            session=session,
            event_id=claimed.id,
            seconds=0,
            reason="unconfirmed",
            counts=True,
            claimer=worker,
        )
    assert status is EventStatus.FAILED
