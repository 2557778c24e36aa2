"""The durable event queue: store once, claim in order per issue, finish, retry or park.

Events sharing an ``order_key`` are applied one at a time, oldest first; different keys run in
parallel. On PostgreSQL, claims use ``FOR UPDATE SKIP LOCKED`` so that many workers share the
queue; SQLite serializes writers by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from tandem.store.base import utcnow
from tandem.sync.models import Event, EventStatus, IssueLink, Side, Synchronization, SyncState

LEASE = timedelta(minutes=5)
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


def _claimable(now: datetime) -> object:
    earlier = aliased(Event)
    blocked = exists().where(
        earlier.order_key == Event.order_key,
        earlier.id < Event.id,
        or_(
            earlier.status == EventStatus.PENDING,
            and_(earlier.status == EventStatus.PROCESSING, earlier.claimed_at > now - LEASE),
        ),
    )
    ready = or_(
        and_(Event.status == EventStatus.PENDING, Event.next_attempt_at <= now),
        and_(Event.status == EventStatus.PROCESSING, Event.claimed_at <= now - LEASE),
    )
    active = select(Synchronization.id).where(Synchronization.state == SyncState.ACTIVE)
    return and_(ready, ~blocked, Event.synchronization_id.in_(active))


async def claim(*, session: AsyncSession, limit: int) -> list[Event]:
    """Up to ``limit`` events that are due, each the oldest open one of its order key.

    Each candidate is taken with a conditional UPDATE that repeats the conditions, so that two
    workers never both take one event, even where the database cannot lock rows (SQLite).
    """
    now = utcnow()
    query = select(Event.id).where(_claimable(now)).order_by(Event.id).limit(limit)  # type: ignore[arg-type]
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Event)
    claimed = []
    for event_id in (await session.scalars(query)).all():
        taken = await session.execute(
            update(Event)
            .where(Event.id == event_id, _claimable(now))  # type: ignore[arg-type]
            .values(status=EventStatus.PROCESSING, claimed_at=now, attempts=Event.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(event_id)
    if not claimed:
        return []
    events = await session.scalars(
        select(Event)
        .where(Event.id.in_(claimed))
        .order_by(Event.id)
        .execution_options(populate_existing=True)
    )
    return list(events.all())


def retry_delay(attempts: int) -> float:
    """Exponential backoff: 5 s, 10 s, 20 s ... capped at 10 minutes."""
    return float(min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS))


async def finish(
    *, session: AsyncSession, event_id: int, status: EventStatus, reason: str | None = None
) -> None:
    """Mark an event done or skipped (with the reason)."""
    await session.execute(
        update(Event)
        .where(Event.id == event_id)
        .values(status=status, reason=reason, claimed_at=None, last_error=None)
    )


async def fail(*, session: AsyncSession, event_id: int, error: str, transient: bool) -> EventStatus:
    """Retry a transient failure later, or park the event as failed; returns the new status."""
    event = await session.get(Event, event_id)
    if event is None:
        return EventStatus.FAILED
    if transient and event.attempts < MAX_ATTEMPTS:
        event.status = EventStatus.PENDING
        event.next_attempt_at = utcnow() + timedelta(seconds=retry_delay(event.attempts))
    else:
        event.status = EventStatus.FAILED
    event.last_error = error
    event.claimed_at = None
    await session.flush()
    return event.status


async def wait(
    *, session: AsyncSession, event_id: int, seconds: float, reason: str, counts: bool
) -> EventStatus:
    """Look at an event again in ``seconds``. A wait that ``counts`` is a failed attempt and
    the last one parks the event; any other wait gives the attempt back."""
    event = await session.get(Event, event_id)
    if event is None:
        return EventStatus.FAILED
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
