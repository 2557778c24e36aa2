"""Copies being created: one copy per source issue without trusting search, and no event of a
new copy lost while its link is being recorded.

A copy's link row is claimed before the create call (``create_attempted_at`` set, the other
side's id empty): the link is *under way* until the create's answer records the copy's id.

Knowing whether a create happened. A create that Jira refused (a 4xx, or a connection that
never carried the request) made nothing: the attempt is forgotten and the event fails or
retries as usual. Any other failure (a 5xx, a timeout, a connection reset after sending) may
have created the issue, so the create is not repeated blindly. The create carries the
``tandem-link`` entity property, and Jira announces every issue with ``jira:issue_created``,
whose actor is Tandem's own account for its copies. That announcement, otherwise an echo, reads
the new issue's property by id (reads by id are consistent; JQL search is not) and binds the
link under way to it, which wakes the waiting create: it records the copy it did not hear
about. Only when no announcement has bound the link ``ANNOUNCE_WAIT_SECONDS`` after the attempt
does the create search for a copy (with ``reconcileIssues`` for the issues Tandem saw announced
since, which search reads fresh), and create again if none is found.

The residual risk: a duplicate needs an unconfirmed create that did create the issue, *and*
the loss of its announcement (Jira redelivers webhooks that fail) or an announcement later
than ``ANNOUNCE_WAIT_SECONDS`` (two minutes), *and* a search index still lagging that long
after the create. Jira's index usually follows within seconds, so the wait makes lag
irrelevant in practice. The price is on the unhappy path only: a create refused with a 5xx
before any write (an outage) is made again two minutes later, not at the next retry. An
announcement that finds its source already linked to another issue skips it and logs the
second copy; Tandem never deletes an issue in Jira.

Measured on the simulator with 10 s of search lag, retries within a second and 30% of writes
answering 500 after the write: 40 creates made 40 copies (the JQL-only guard made 8 duplicate
pairs), and 20 comments one copy each. Jira calls per synced change on the happy path stay at
1.027 (``bench/calls_per_change.py``): a confirmed create costs no extra call, since its
announcement finds the link recorded (after a short grace) and is an echo as before; only
announcements and events of unlinked issues that come while a create toward their side is
under way read one property.

Events of a copy. An event of an issue with no link, while a create toward that issue's side
is under way, reads the issue's ``tandem-link`` property: if it names a source issue whose
link is under way, the event waits (not counted as a failed attempt) until the link is
recorded; then it joins the pair's order and applies. If that create is over without a
recorded copy (parked, abandoned), the event fails with advice instead of waiting forever.

Comment copies need none of this: their guard lists the target issue's comments with their
properties, a direct read that is consistent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.jira.errors import JiraError, JiraNotFound, JiraUnavailable
from tandem.jira.pool import ClientPool
from tandem.store.base import utcnow
from tandem.store.db import Database
from tandem.sync.engine import linkprop
from tandem.sync.engine.context import Context, Result, done, find_link, skipped, waiting
from tandem.sync.models import Event, EventStatus, IssueLink, Side
from tandem.sync.queue import events as queue
from tandem.sync.queue.eventtypes import ISSUE_CREATED, ISSUE_EVENTS
from tandem.sync.queue.failures import SyncFailure
from tandem.tenants.models import Tenant

log = logging.getLogger(__name__)

ECHO = "change made by Tandem itself"
# How long an unconfirmed create waits for Jira's announcement before it trusts search, unless
# TANDEM_CREATE_CONFIRM_SECONDS says otherwise.
ANNOUNCE_WAIT_SECONDS = 120.0
# An announcement this fresh first lets the create's own answer record the copy (no call).
ANNOUNCE_GRACE_SECONDS = 2.0
# How often an event of a copy looks again while the copy's link is being recorded.
COPY_WAIT_SECONDS = 5.0
RECONCILE_MAX = 50  # what Jira's reconcileIssues takes
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_OPEN = (EventStatus.PENDING, EventStatus.PROCESSING)


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their (UTC) zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def may_have_created(exc: BaseException) -> bool:
    """Whether a create that raised ``exc`` may have created the issue all the same."""
    if isinstance(exc, JiraError) and exc.status is not None and 400 <= exc.status < 500:
        return False  # refused, or turned away unprocessed (429)
    cause = exc.__cause__ if isinstance(exc, JiraUnavailable) else exc
    return not isinstance(cause, _NOT_SENT)


def announce_seconds_left(attempted_at: datetime, wait: float = ANNOUNCE_WAIT_SECONDS) -> float:
    """How long an unconfirmed create attempted at ``attempted_at`` still waits."""
    return wait - (utcnow() - aware(attempted_at)).total_seconds()


def _issue_column(side: Side) -> object:
    return IssueLink.first_issue_id if side is Side.FIRST else IssueLink.second_issue_id


async def mark_attempt(
    session: AsyncSession, link_id: int, target: Side, previous: datetime | None
) -> bool:
    """Record a create attempt, unless another one was recorded since ``previous``."""
    column = _issue_column(target)
    unchanged = (
        IssueLink.create_attempted_at.is_(None)
        if previous is None
        else IssueLink.create_attempted_at == previous
    )
    result = await session.execute(
        update(IssueLink)
        .where(IssueLink.id == link_id, column.is_(None), unchanged)  # type: ignore[attr-defined]
        .values(create_attempted_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def forget_attempt(session: AsyncSession, link_id: int, target: Side) -> None:
    """Jira refused the create: nothing was made, so nothing is under way."""
    await session.execute(
        update(IssueLink)
        .where(IssueLink.id == link_id, _issue_column(target).is_(None))  # type: ignore[attr-defined]
        .values(create_attempted_at=None)
        .execution_options(synchronize_session=False)
    )


async def under_way(session: AsyncSession, sync_id: int, side: Side) -> bool:
    """Whether a copy toward ``side`` is being created, or its create was not confirmed."""
    query = select(
        exists().where(
            IssueLink.synchronization_id == sync_id,
            _issue_column(side).is_(None),  # type: ignore[attr-defined]
            IssueLink.create_attempted_at.is_not(None),
        )
    )
    return bool(await session.scalar(query))


async def still_creating(
    session: AsyncSession, link: IssueLink, wait: float = ANNOUNCE_WAIT_SECONDS
) -> bool:
    """Whether the create of ``link``'s copy may still record it: tried lately, or an issue
    event of its source is still open (it will try again)."""
    if link.create_attempted_at is None:
        return False
    if announce_seconds_left(link.create_attempted_at, wait) > 0:
        return True
    source = link.origin
    query = select(
        exists().where(
            Event.synchronization_id == link.synchronization_id,
            Event.side == source,
            Event.issue_id == link.issue_id(source),
            Event.status.in_(_OPEN),
            Event.webhook_event.in_(ISSUE_EVENTS),
        )
    )
    return bool(await session.scalar(query))


async def announced_since(
    session: AsyncSession, sync_id: int, side: Side, account_id: str, since: datetime
) -> list[str]:
    """Issues of ``side`` Jira announced as created by Tandem since ``since``, newest first."""
    query = (
        select(Event.issue_id)
        .where(
            Event.synchronization_id == sync_id,
            Event.side == side,
            Event.webhook_event == ISSUE_CREATED,
            Event.actor_account_id == account_id,
            Event.created_at >= aware(since) - timedelta(seconds=5),
        )
        .order_by(Event.id.desc())
        .limit(RECONCILE_MAX)
    )
    return list((await session.scalars(query)).all())


@dataclass(frozen=True)
class _Source:
    side: Side
    issue_id: str


class PendingCopies:
    """Decides what an event of an issue without a link does while copies are being made."""

    def __init__(
        self,
        *,
        database: Database,
        clients: ClientPool[Tenant],
        wait: float = ANNOUNCE_WAIT_SECONDS,
    ) -> None:
        self.database = database
        self.clients = clients
        self.wait = wait

    async def announced(self, ctx: Context) -> Result:
        """Jira announced an issue Tandem created: bind it to the link under way it is the
        copy of, if its create was not confirmed; otherwise it is an echo."""
        held = await self._check(ctx, announced=True)
        return held if isinstance(held, Result) else skipped(ECHO)

    async def hold(self, ctx: Context) -> Context | Result:
        """The context to apply an event of an unlinked issue with, or what to do instead
        (wait while the issue is a copy whose link is being recorded)."""
        return await self._check(ctx, announced=False)

    async def _check(self, ctx: Context, *, announced: bool) -> Context | Result:
        async with self.database.transaction() as session:
            link = await find_link(session, ctx.sync.id, ctx.source, ctx.event.issue_id)
            busy = link is None and await under_way(session, ctx.sync.id, ctx.source)
        if link is not None:
            return replace(ctx, link=link)
        if not busy:
            return ctx
        age = (utcnow() - aware(ctx.event.created_at)).total_seconds()
        if announced and age < ANNOUNCE_GRACE_SECONDS:
            return waiting(
                "waiting for Tandem's create to record this copy", ANNOUNCE_GRACE_SECONDS
            )
        source = await self._source_of(ctx)
        if source is None or source.side is not ctx.source.other:
            return ctx
        return await self._bind_or_wait(ctx, source, announced=announced)

    async def _source_of(self, ctx: Context) -> _Source | None:
        client = self.clients.for_tenant(ctx.sync.tenant(ctx.source))
        try:
            found = await client.get_issue_property(ctx.event.issue_id, linkprop.KEY)
        except JiraNotFound:
            return None
        named = linkprop.source_of(found.value, ctx.sync.id)
        return _Source(*named) if named else None

    async def _bind_or_wait(
        self, ctx: Context, source: _Source, *, announced: bool
    ) -> Context | Result:
        copy_id = ctx.event.issue_id
        copy_key = ctx.event.issue_key or copy_id
        async with self.database.transaction() as session:
            link = await find_link(session, ctx.sync.id, source.side, source.issue_id)
            if link is None:
                return ctx
            original = link.issue_key(source.side) or source.issue_id
            bound = link.issue_id(ctx.source)
            if bound == copy_id:
                return replace(ctx, link=link)
            if bound is not None:
                log.warning("%s is a second copy of %s (its copy is %s)", copy_key, original, bound)
                return skipped(
                    f"{copy_key} is a second copy of {original}, whose copy is "
                    f"{link.issue_key(ctx.source) or bound}: it is not synchronized"
                )
            if announced:
                link.set_issue(ctx.source, copy_id, copy_key)
                await session.flush()
                await queue.join_pair(session=session, link=link)
                return done(f"recorded {copy_key} as the copy of {original}")
            creating = await still_creating(session, link, self.wait)
        if creating:
            return waiting(
                f"{copy_key} is the copy of {original} being created: waiting for its link",
                COPY_WAIT_SECONDS,
            )
        raise SyncFailure(
            f"{copy_key} is the copy of {original}, but the create of that copy did not "
            f"finish: retry the failed event of {original}, then this one"
        )
