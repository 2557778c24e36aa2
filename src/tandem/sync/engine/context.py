"""What the engine knows about one event while applying it, and what it says about it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.jira.webhooks import WebhookEvent
from tandem.sync.config.schemas import SyncConfig
from tandem.sync.models import Event, EventStatus, IssueLink, Side, Synchronization


@dataclass(frozen=True)
class Result:
    status: EventStatus
    reason: str
    # A pending result: look at the event again in ``wait_seconds``; a wait that ``counts`` is
    # a failed attempt (the last one parks the event), any other gives its attempt back.
    wait_seconds: float = 0.0
    counts: bool = False


def waiting(reason: str, seconds: float, *, counts: bool = False) -> Result:
    """The event cannot be applied yet; it stays in the queue, ahead of its issue's later ones."""
    return Result(EventStatus.PENDING, reason, max(seconds, 0.0), counts)


def done(reason: str) -> Result:
    return Result(EventStatus.DONE, reason)


def skipped(reason: str) -> Result:
    return Result(EventStatus.SKIPPED, reason)


@dataclass
class Context:
    """Everything loaded for one event before Jira is called."""

    event: Event
    sync: Synchronization
    config: SyncConfig
    webhook: WebhookEvent
    link: IssueLink | None

    @property
    def source(self) -> Side:
        return self.event.side

    @property
    def target(self) -> Side:
        return self.event.side.other


def now_ms() -> int:
    return int(time.time() * 1000)


async def find_link(
    session: AsyncSession, sync_id: int, side: Side, issue_id: str
) -> IssueLink | None:
    column = IssueLink.first_issue_id if side is Side.FIRST else IssueLink.second_issue_id
    return await session.scalar(
        select(IssueLink).where(IssueLink.synchronization_id == sync_id, column == issue_id)
    )
