"""Comment reconciliation: the comments of linked issues, compared with what was synced.

A lost comment webhook would otherwise be lost for good, and one of them matters more than
the others: a comment made internal in a service desk after it was copied stays public on the
other side. Each reconciliation pass finds the linked issues updated in its window (on either
side: adding, editing, deleting a comment or changing its visibility updates the issue) and
queues one ``tandem:reconcile_comments`` event per pair, in the pair's order, so it never
races the pair's other events. Applying it lists the comments of both issues and makes every
copy agree: new -> copied, edited -> updated, deleted, internal or restricted -> copy removed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.jira.pool import ClientPool
from tandem.jira.schemas import Comment, Issue
from tandem.store.db import Database
from tandem.sync.config.schemas import SyncConfig
from tandem.sync.engine.comments import COMMENT_PROPERTY, CommentSync
from tandem.sync.engine.context import Context, Result, done, find_link, now_ms, skipped
from tandem.sync.engine.window import updated_since
from tandem.sync.models import (
    CommentLink,
    Event,
    EventStatus,
    IssueLink,
    Side,
    Synchronization,
)
from tandem.sync.queue import events as queue
from tandem.sync.queue.eventtypes import RECONCILE_COMMENTS
from tandem.tenants.models import Tenant

BATCH_SIZE = 50


def touched_jql(
    sync: Synchronization, side: Side, since: datetime, *, now: datetime | None = None
) -> str:
    """Issues of ``side``'s project updated since ``since`` (built from ids and a time only;
    the time as a relative period, so the app user's time zone cannot shift it)."""
    project_id = int(sync.project_id(side))
    return f"project = {project_id} AND {updated_since(since, now=now)} ORDER BY key ASC"


async def _check_waiting(session: AsyncSession, sync: Synchronization, link: IssueLink) -> bool:
    """Whether a comment check of the pair is queued and not started yet."""
    query = select(
        exists().where(
            Event.synchronization_id == sync.id,
            Event.webhook_event == RECONCILE_COMMENTS,
            Event.issue_id == link.first_issue_id,
            Event.status == EventStatus.PENDING,
        )
    )
    return bool(await session.scalar(query))


def _payload(link: IssueLink) -> dict[str, object]:
    issue = {"id": link.first_issue_id, "key": link.first_issue_key}
    return {"webhookEvent": RECONCILE_COMMENTS, "timestamp": now_ms(), "issue": issue}


class CommentChecks:
    """Finds the linked pairs a reconciliation window touched and queues their checks."""

    def __init__(self, *, database: Database, clients: ClientPool[Tenant]) -> None:
        self.database = database
        self.clients = clients

    async def queue(
        self, sync: Synchronization, config: SyncConfig, since: datetime, run_id: int
    ) -> int:
        """Queue one comment check per linked pair touched since ``since``; returns how many."""
        if not config.comments.enabled:
            return 0
        queued = 0
        for side in Side:
            client = self.clients.for_tenant(sync.tenant(side))
            batch: list[Issue] = []
            async for issue in client.search(touched_jql(sync, side, since), fields=("project",)):
                batch.append(issue)
                if len(batch) == BATCH_SIZE:
                    queued += await self._queue_batch(sync, side, batch, run_id)
                    batch = []
            if batch:
                queued += await self._queue_batch(sync, side, batch, run_id)
        return queued

    async def _queue_batch(
        self, sync: Synchronization, side: Side, issues: list[Issue], run_id: int
    ) -> int:
        queued = 0
        async with self.database.transaction() as session:
            for issue in issues:
                project = issue.fields.project
                if project is None or project.id != sync.project_id(side):
                    continue  # never act on an issue of another project
                link = await find_link(session, sync.id, side, issue.id)
                if link is None or link.first_issue_id is None or link.second_issue_id is None:
                    continue
                if await _check_waiting(session, sync, link):
                    continue  # it reads the comments when it runs: one is enough
                new = queue.NewEvent(
                    side=Side.FIRST,  # the pair's order key
                    dedupe_key=f"reconcile:comments:{run_id}:{link.id}",
                    webhook_event=RECONCILE_COMMENTS,
                    issue_id=link.first_issue_id,
                    issue_key=link.first_issue_key,
                    comment_id=None,
                    actor_account_id=None,
                    payload=_payload(link),
                    redelivered=True,
                )
                if await queue.enqueue(session=session, sync=sync, new=new) is not None:
                    queued += 1
        return queued


def _as_source(ctx: Context, side: Side) -> Context:
    """The same check, seen from the comments of ``side``."""
    event = ctx.event
    view = Event(
        id=event.id,
        synchronization_id=event.synchronization_id,
        side=side,
        dedupe_key=event.dedupe_key,
        webhook_event=event.webhook_event,
        issue_id=event.issue_id,
        order_key=event.order_key,
        payload={},
        attempts=event.attempts,
        redelivered=True,
    )
    return replace(ctx, event=view)


class CommentReconciler:
    """Applies a ``tandem:reconcile_comments`` event."""

    def __init__(self, *, database: Database, clients: ClientPool[Tenant], comments: CommentSync):
        self.database = database
        self.clients = clients
        self.comments = comments

    async def apply(self, ctx: Context) -> Result:
        link = ctx.link
        if link is None or link.first_issue_id is None or link.second_issue_id is None:
            return skipped("the issue is no longer linked")
        if not ctx.config.comments.enabled:
            return skipped("comments are not synchronized")
        changes: list[str] = []
        for source in Side:
            if ctx.config.comments.rule(source).enabled:
                changes += await self._side(_as_source(ctx, source), link)
        if not changes:
            return skipped("the comments of both issues agree with their copies")
        return done("; ".join(changes))

    async def _side(self, ctx: Context, link: IssueLink) -> list[str]:
        """Make the copies of ``ctx.source``'s comments agree with them; what changed."""
        client = self.clients.for_tenant(ctx.sync.tenant(ctx.source))
        current: dict[str, Comment] = {}
        async for comment in client.iter_comments(str(link.issue_id(ctx.source))):
            current[comment.id] = comment
        records = await self._records(link)
        originals = {r.comment_id(ctx.source): r for r in records if r.origin is ctx.source}
        copies = {r.comment_id(ctx.source) for r in records if r.origin is not ctx.source}
        changes = []
        for comment_id, record in originals.items():
            if record.origin_deleted and record.comment_id(ctx.target) is None:
                continue
            result = await self.comments.converge(ctx, link, record, current.get(str(comment_id)))
            if result.status is EventStatus.DONE:
                changes.append(result.reason)
        for comment in current.values():
            if comment.id in originals or comment.id in copies:
                continue
            if comment.property_value(COMMENT_PROPERTY) is not None:
                continue  # a copy written by Tandem (perhaps for another synchronization)
            result = await self.comments.converge(ctx, link, None, comment)
            if result.status is EventStatus.DONE:
                changes.append(result.reason)
        return changes

    async def _records(self, link: IssueLink) -> list[CommentLink]:
        async with self.database.transaction() as session:
            rows = await session.scalars(
                select(CommentLink)
                .where(CommentLink.issue_link_id == link.id)
                .order_by(CommentLink.id)
            )
            return list(rows.all())
