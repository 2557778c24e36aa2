"""The durable event queue: store once, claim in order per issue, finish, retry or park.

Events sharing an ``order_key`` are applied one at a time, oldest first; different keys run in
parallel. Only the oldest open (pending or processing) event of a key is ever claimable, so a
later event waits even behind a claim whose worker died, until that event is taken over.

A claim names its worker (``claimed_by``) and stands while that worker is alive
(``liveness``): on PostgreSQL while the worker holds its advisory lock, which the server
drops when the worker's connection ends, so a killed worker's events are due again at once; on
SQLite while its heartbeat is younger than a short lease. The alternative on PostgreSQL, a
row or advisory lock per event held in a transaction for the whole apply, would keep one
connection idle in transaction per event in flight (8 per worker, across Jira calls that take
seconds); a lock per worker costs one connection per worker and nothing per event.

A batch is chosen and taken in one statement. Round trips to claim and finish N events on
PostgreSQL (BEGIN and COMMIT counted): before, 2 + N + 2 to claim (a SELECT, an UPDATE per
event, a SELECT of the rows) and 3 per finish: 8 per event alone, 4.5 each in a batch of 8;
now 3 to claim and 3 per finish: 6 alone, 3.4 each in a batch of 8. Liveness is read inside the
claim statement; heartbeats are one statement per worker every few seconds.

A worker that was taken over (its connection dropped, but it lives on) cannot record an outcome
over the new claim: ``finish`` and ``fail`` given the claimer change only an event it still holds.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    exists,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from tandem.store.base import utcnow
from tandem.sync.models import Event, EventStatus, IssueLink, Side, Synchronization, SyncState
from tandem.sync.queue import liveness

# Claims recorded without a claimer (by workers of an earlier version) keep their old lease.
UNOWNED_LEASE = timedelta(minutes=5)
OPEN = (EventStatus.PENDING, EventStatus.PROCESSING)
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 600.0


@dataclass(frozen=True)
class NewEvent:
    side: Side
    dedupe_key: str
    webhook_event: str
    issue_id: str
    issue_key: str | None
    comment_id: str | None
    actor_account_id: str | None
    payload: dict[str, object]
    redelivered: bool = False
    jira_timestamp: int | None = None


def _key(sync_id: int, side: Side, issue_id: str) -> str:
    return f"{sync_id}:{side.value}:{issue_id}"


async def order_key(session: AsyncSession, sync: Synchronization, side: Side, issue_id: str) -> str:
    """Both issues of a linked pair share one key, so their events never race."""
    column = IssueLink.first_issue_id if side is Side.FIRST else IssueLink.second_issue_id
    link = await session.scalar(
        select(IssueLink).where(IssueLink.synchronization_id == sync.id, column == issue_id)
    )
    if link is not None and link.first_issue_id is not None:
        return _key(sync.id, Side.FIRST, link.first_issue_id)
    return _key(sync.id, side, issue_id)


async def join_pair(*, session: AsyncSession, link: IssueLink) -> None:
    """Once both issues of ``link`` are known, the events stored for either of them before
    share the pair's order key (applied in the order they arrived), and are due at once."""
    if link.first_issue_id is None or link.second_issue_id is None:
        return
    pair = _key(link.synchronization_id, Side.FIRST, link.first_issue_id)
    keys = (pair, _key(link.synchronization_id, Side.SECOND, link.second_issue_id))
    mine = and_(Event.synchronization_id == link.synchronization_id, Event.order_key.in_(keys))
    open_statuses = (EventStatus.PENDING, EventStatus.PROCESSING)
    await session.execute(
        update(Event)
        .where(mine, Event.status.in_(open_statuses))
        .values(order_key=pair)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Event)
        .where(mine, Event.status == EventStatus.PENDING, Event.next_attempt_at > utcnow())
        .values(next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def enqueue(*, session: AsyncSession, sync: Synchronization, new: NewEvent) -> Event | None:
    """Store the event, or return None if the same event was stored before."""
    event = Event(
        synchronization_id=sync.id,
        side=new.side,
        dedupe_key=new.dedupe_key[:255],
        webhook_event=new.webhook_event,
        issue_id=new.issue_id,
        issue_key=new.issue_key,
        comment_id=new.comment_id,
        actor_account_id=new.actor_account_id,
        payload=new.payload,
        redelivered=new.redelivered,
        jira_timestamp=new.jira_timestamp,
        order_key=await order_key(session, sync, new.side, new.issue_id),
        status=EventStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    try:
        async with session.begin_nested():
            session.add(event)
    except IntegrityError:
        return None
    return event


def _claimable(event: type[Event], now: datetime, alive: Select[int]) -> ColumnElement[bool]:
    earlier = aliased(Event)
    blocked = exists().where(
        earlier.order_key == event.order_key,
        earlier.id < event.id,
        earlier.status.in_(OPEN),
    )
    abandoned = and_(
        event.status == EventStatus.PROCESSING,
        or_(
            event.claimed_by.not_in(alive),
            and_(event.claimed_by.is_(None), event.claimed_at <= now - UNOWNED_LEASE),
        ),
    )
    ready = or_(and_(event.status == EventStatus.PENDING, event.next_attempt_at <= now), abandoned)
    active = select(Synchronization.id).where(Synchronization.state == SyncState.ACTIVE)
    return and_(ready, ~blocked, event.synchronization_id.in_(active))


async def claim(
    *, session: AsyncSession, limit: int, claimer: int, lease: timedelta = liveness.LEASE
) -> list[Event]:
    """Up to ``limit`` events that are due, each the oldest open one of its order key.

    An event is due when it is pending and its time has come, or when the worker that claimed it
    is no longer alive (``lease`` is how long a SQLite worker's heartbeat counts). Candidates are
    chosen and taken in one UPDATE that repeats the conditions on each row it takes, so that two
    workers never both take one event: SQLite runs the statement under its single write lock;
    PostgreSQL locks the candidates (``SKIP LOCKED`` passes over those another worker is taking)
    and re-checks a row that changed since the statement began on its newest version.
    """
    now = utcnow()
    dialect = session.get_bind().dialect.name
    alive = liveness.alive(dialect, now, lease)
    candidate = aliased(Event)
    candidates = (
        select(candidate.id)
        .where(_claimable(candidate, now, alive))
        .order_by(candidate.id)
        .limit(limit)
    )
    if dialect == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True, of=candidate)
    # Materialized: chosen once. PostgreSQL may otherwise rescan the subquery per row, each scan
    # skipping the rows the statement just took and so taking more than ``limit``.
    chosen = candidates.cte("chosen").prefix_with("MATERIALIZED")
    taken = await session.scalars(
        update(Event)
        .where(Event.id.in_(select(chosen.c.id)), _claimable(Event, now, alive))
        .values(
            status=EventStatus.PROCESSING,
            claimed_at=now,
            claimed_by=claimer,
            attempts=Event.attempts + 1,
        )
        .returning(Event)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return sorted(taken.all(), key=lambda event: event.id)


async def release(
    *, session: AsyncSession, claimer: int, event_ids: Collection[int] | None = None
) -> int:
    """Put the events ``claimer`` has not finished (all, or those listed) back in the queue."""
    whose = Event.claimed_by == claimer
    if event_ids is not None:
        whose = and_(whose, Event.id.in_(event_ids))
    return await _unclaim(session, whose)


async def release_abandoned(*, session: AsyncSession, lease: timedelta = liveness.LEASE) -> int:
    """Put the events of workers that are no longer alive back in the queue."""
    alive = liveness.alive(session.get_bind().dialect.name, utcnow(), lease)
    return await _unclaim(session, Event.claimed_by.not_in(alive))


async def _unclaim(session: AsyncSession, whose: ColumnElement[bool]) -> int:
    result = await session.execute(
        update(Event)
        .where(Event.status == EventStatus.PROCESSING, whose)
        .values(status=EventStatus.PENDING, claimed_at=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def retry_delay(attempts: int) -> float:
    """Exponential backoff: 5 s, 10 s, 20 s ... capped at 10 minutes."""
    return float(min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS))


def _still_mine(claimer: int | None) -> ColumnElement[bool]:
    """True while the event is claimed by ``claimer`` (always, when no claimer is given)."""
    if claimer is None:
        return true()
    return and_(Event.status == EventStatus.PROCESSING, Event.claimed_by == claimer)


async def finish(
    *,
    session: AsyncSession,
    event_id: int,
    status: EventStatus,
    reason: str | None = None,
    claimer: int | None = None,
) -> None:
    """Mark an event done or skipped (with the reason), unless another worker took it over."""
    await session.execute(
        update(Event)
        .where(Event.id == event_id, _still_mine(claimer))
        .values(status=status, reason=reason, claimed_at=None, claimed_by=None, last_error=None)
    )


async def fail(
    *,
    session: AsyncSession,
    event_id: int,
    error: str,
    transient: bool,
    claimer: int | None = None,
) -> EventStatus:
    """Retry a transient failure later, or park the event as failed; returns the new status.

    An event another worker took over is left to that worker.
    """
    event = await session.scalar(select(Event).where(Event.id == event_id, _still_mine(claimer)))
    if event is None:
        current = await session.get(Event, event_id)
        return EventStatus.FAILED if current is None else current.status
    if transient and event.attempts < MAX_ATTEMPTS:
        event.status = EventStatus.PENDING
        event.next_attempt_at = utcnow() + timedelta(seconds=retry_delay(event.attempts))
    else:
        event.status = EventStatus.FAILED
    event.last_error = error
    event.claimed_at = None
    event.claimed_by = None
    await session.flush()
    return event.status


async def wait(
    *,
    session: AsyncSession,
    event_id: int,
    seconds: float,
    reason: str,
    counts: bool,
    claimer: int | None = None,
) -> EventStatus:
    """Look at an event again in ``seconds``. A wait that ``counts`` is a failed attempt and
    the last one parks the event; any other wait gives the attempt back. An event another
    worker took over is left to that worker."""
    event = await session.scalar(select(Event).where(Event.id == event_id, _still_mine(claimer)))
    if event is None:
        current = await session.get(Event, event_id)
        return EventStatus.FAILED if current is None else current.status
    if counts:
        event.last_error = reason
        if event.attempts >= MAX_ATTEMPTS:
            event.status = EventStatus.FAILED
    else:
        event.attempts = max(event.attempts - 1, 0)
    if event.status is not EventStatus.FAILED:
        event.status = EventStatus.PENDING
        event.next_attempt_at = utcnow() + timedelta(seconds=seconds)
    event.reason = reason
    event.claimed_at = None
    event.claimed_by = None
    await session.flush()
    return event.status


async def retry_failed(
    *, session: AsyncSession, sync: Synchronization, event_ids: list[int] | None = None
) -> int:
    """Put failed events back in the queue (all of them, or those listed)."""
    query = (
        update(Event)
        .where(Event.synchronization_id == sync.id, Event.status == EventStatus.FAILED)
        .values(status=EventStatus.PENDING, next_attempt_at=utcnow(), attempts=0)
    )
    if event_ids is not None:
        query = query.where(Event.id.in_(event_ids))
    result = await session.execute(query)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def list_events(
    *,
    session: AsyncSession,
    sync: Synchronization,
    status: EventStatus | None = None,
    limit: int = 100,
) -> list[Event]:
    query = select(Event).where(Event.synchronization_id == sync.id)
    if status is not None:
        query = query.where(Event.status == status)
    return list((await session.scalars(query.order_by(Event.id.desc()).limit(limit))).all())


async def counts(*, session: AsyncSession, sync: Synchronization) -> dict[str, int]:
    """How many events are in each status."""
    rows = await session.execute(
        select(Event.status, func.count())
        .where(Event.synchronization_id == sync.id)
        .group_by(Event.status)
    )
    return {status.value: int(count) for status, count in rows.all()}


async def purge(*, session: AsyncSession, older_than: timedelta) -> int:
    """Forget applied and skipped events older than ``older_than``; failed and open ones stay."""
    result = await session.execute(
        delete(Event).where(
            Event.status.in_((EventStatus.DONE, EventStatus.SKIPPED)),
            Event.updated_at < utcnow() - older_than,
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def pending_count(*, session: AsyncSession) -> int:
    """Events still to apply, across every active synchronization."""
    open_statuses = (EventStatus.PENDING, EventStatus.PROCESSING)
    active = select(Synchronization.id).where(Synchronization.state == SyncState.ACTIVE)
    total = await session.scalar(
        select(func.count(Event.id)).where(
            Event.status.in_(open_statuses), Event.synchronization_id.in_(active)
        )
    )
    return int(total or 0)
