"""Comment synchronization: copies with the right visibility, edits, deletions, no echo.

The privacy promise: a comment whose visibility in a service desk project is internal, or
cannot be determined, never gets a copy on the other side; a copy whose original becomes
internal is deleted. A late delivery older than what was already seen of a comment is ignored,
so a stale "created (public)" cannot resurrect a comment made internal since.

Jira Cloud's comment webhooks carry the body as wiki markup: once the payload says the comment
may be copied, the comment is read again (``GET comment``, ADF) and the copy made from that
(``tandem.sync.engine.richtext``); a comment the payload shows internal costs no call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from tandem.jira import adf
from tandem.jira.client import JiraClient
from tandem.jira.errors import JiraNotFound
from tandem.jira.pool import ClientPool
from tandem.jira.schemas import SD_PUBLIC_COMMENT, Comment
from tandem.store.base import utcnow
from tandem.store.db import Database
from tandem.sync.engine import freshness
from tandem.sync.engine.context import Context, Result, done, skipped
from tandem.sync.engine.mapping import MAX_TEXT, capped_document, value_hash
from tandem.sync.models import CommentLink, IssueLink, Side, Synchronization
from tandem.sync.queue.eventtypes import COMMENT_DELETED
from tandem.tenants.models import Tenant

SERVICE_DESK = "service_desk"
COMMENT_PROPERTY = "tandem-comment"
RENAME_BATCH = 50
HEADER_ROOM = 1024  # the enriched header: an author name and a project


@dataclass(frozen=True)
class Visibility:
    syncable: bool
    reason: str = ""


def visibility(comment: Comment, sync: Synchronization, source: Side, sync_all: bool) -> Visibility:
    """Whether a comment may leave its project, read the way Jira exposes it."""
    if comment.visibility is not None and (comment.visibility.value or comment.visibility.type):
        restricted = comment.visibility.value or comment.visibility.type
        return Visibility(False, f"the comment is restricted to {restricted}")
    if sync.project_type(source) != SERVICE_DESK:
        return Visibility(True)
    if comment.jsd_public is None and comment.property_value(SD_PUBLIC_COMMENT) is None:
        return Visibility(False, "the comment's visibility is unknown: treated as internal")
    if comment.is_internal and not sync_all:
        return Visibility(False, "internal comments are not synchronized")
    return Visibility(True)


def copy_tag(ctx: Context, comment_id: str) -> str:
    """What the ``tandem-comment`` property of the copy of ``comment_id`` says."""
    return f"{ctx.sync.id}:{ctx.source.value}:{comment_id}"


def location(sync: Synchronization, side: Side) -> str:
    """Where a comment was written, as the enriched header names it."""
    tenant = sync.tenant(side)
    host = urlsplit(tenant.display_url or tenant.base_url).netloc
    return f"{sync.project_key(side)} ({host})"


class CommentSync:
    """Applies comment events of linked issues; ``app_account`` names Tandem's account on a
    site (its copies are the comments that account wrote)."""

    def __init__(
        self,
        *,
        database: Database,
        clients: ClientPool[Tenant],
        app_account: Callable[[Tenant], Awaitable[str]],
    ) -> None:
        self.database = database
        self.clients = clients
        self.app_account = app_account

    async def apply(self, ctx: Context) -> Result:
        settings = ctx.config.comments
        rule = settings.rule(ctx.source)
        if not (settings.enabled and rule.enabled):
            return skipped(f"comments from the {ctx.source.value} project are not synchronized")
        comment = ctx.webhook.comment
        if comment is None:
            return skipped("the webhook carries no comment")
        if ctx.link is None or ctx.link.issue_id(ctx.target) is None:
            return skipped("the comment's issue is not synchronized")
        record = await self._observe(ctx, ctx.link, comment.id)
        if record is None:
            return skipped("a newer change of this comment was applied already")
        if record.origin is not ctx.source:
            original = record.comment_id(ctx.target)
            return skipped(f"this is Tandem's copy of comment {original}: change the original")
        if freshness.retried(ctx.event):
            return await self.converge(ctx, ctx.link, record, await self._current(ctx, comment.id))
        if ctx.event.webhook_event == COMMENT_DELETED:
            return await self._remove(ctx, ctx.link, record, "the comment was deleted")
        seen = visibility(comment, ctx.sync, ctx.source, rule.source_filter == "all")
        if not seen.syncable:
            if record.comment_id(ctx.target) is not None:
                return await self._remove(ctx, ctx.link, record, seen.reason)
            return skipped(seen.reason)
        if isinstance(comment.body, str):
            return await self._from_document(ctx, ctx.link, record, comment.id)
        if record.comment_id(ctx.target) is None:
            result = await self._create(ctx, ctx.link, record, comment)
        else:
            result = await self._update(ctx, ctx.link, record, comment)
        return await self._with_renames(ctx, comment, result)

    async def _from_document(
        self, ctx: Context, link: IssueLink, record: CommentLink, comment_id: str
    ) -> Result:
        """A body in wiki markup (Jira Cloud's webhooks) is a flattened rendering of the comment:
        the copy is made from its ADF, read from Jira with its visibility as it is now."""
        current = await self._current(ctx, comment_id)
        result = await self.converge(ctx, link, record, current)
        return await self._with_renames(ctx, current, result) if current else result

    async def _with_renames(self, ctx: Context, comment: Comment, result: Result) -> Result:
        renamed = await self._refresh_author(ctx, comment)
        if renamed:
            return done(f"{result.reason}; renamed the author on {renamed} earlier copies")
        return result

    async def converge(
        self, ctx: Context, link: IssueLink, record: CommentLink | None, comment: Comment | None
    ) -> Result:
        """Bring the copy of one original comment of ``ctx.source`` in line with the comment as
        Jira shows it now (None: deleted). Reconciliation reads comments instead of events, so
        a lost webhook of any kind is made good here; when in doubt the copy is removed."""
        if record is None:
            if comment is None:
                return skipped("nothing to compare")
            record = await self._observe(ctx, link, comment.id)
            if record is None:
                return skipped("the comment was deleted")
        if comment is None:
            await self._mark_seen(record, deleted=True, updated_ms=None)
            return await self._remove(ctx, link, record, "the comment was deleted")
        rule = ctx.config.comments.rule(ctx.source)
        seen = visibility(comment, ctx.sync, ctx.source, rule.source_filter == "all")
        updated = comment.updated or comment.created
        await self._mark_seen(
            record, deleted=False, updated_ms=int(updated.timestamp() * 1000) if updated else None
        )
        if not seen.syncable:
            return await self._remove(ctx, link, record, seen.reason)
        if record.comment_id(ctx.target) is None:
            return await self._create(ctx, link, record, comment)
        return await self._update(ctx, link, record, comment)

    async def _current(self, ctx: Context, comment_id: str) -> Comment | None:
        """The original comment as Jira shows it now (with its visibility), None if gone."""
        assert ctx.link is not None
        issue = str(ctx.link.issue_key(ctx.source) or ctx.link.issue_id(ctx.source))
        client = self.clients.for_tenant(ctx.sync.tenant(ctx.source))
        try:
            return await client.get_comment(issue, comment_id)
        except JiraNotFound:
            return None

    async def _mark_seen(
        self, record: CommentLink, *, deleted: bool, updated_ms: int | None
    ) -> None:
        """What was read of the original, so that a later, older delivery is ignored."""
        async with self.database.transaction() as session:
            stored = await session.get(CommentLink, record.id)
            if stored is None:
                return
            stored.origin_deleted = stored.origin_deleted or deleted
            if updated_ms is not None:
                stored.origin_seen_ms = max(updated_ms, stored.origin_seen_ms or 0)

    async def _refresh_author(self, ctx: Context, comment: Comment) -> int:
        """Copies whose header names an author by an old display name get the new one."""
        author = comment.author
        if not ctx.config.comments.enriched or author is None or not author.display_name:
            return 0
        async with self.database.transaction() as session:
            stale = (
                await session.execute(
                    select(CommentLink, IssueLink)
                    .join(IssueLink, CommentLink.issue_link_id == IssueLink.id)
                    .where(
                        IssueLink.synchronization_id == ctx.sync.id,
                        CommentLink.origin == ctx.source,
                        CommentLink.author_account_id == author.account_id,
                        CommentLink.author_name != author.display_name,
                    )
                    .limit(RENAME_BATCH)
                )
            ).all()
        client = self._target_client(ctx)
        where = location(ctx.sync, ctx.source)
        renamed = 0
        for record, link in stale:
            copy_id = record.comment_id(ctx.target)
            target_issue = str(link.issue_key(ctx.target) or link.issue_id(ctx.target))
            if copy_id is None:
                continue
            copy = await client.get_comment(target_issue, copy_id, properties=False)
            body = adf.with_header(adf.strip_header(copy.body), author.display_name, where)
            await client.update_comment(target_issue, copy_id, body, notify_users=False)
            await self._save(
                record,
                target=ctx.target,
                copy_id=copy_id,
                body_hash=value_hash(body),
                author=author.account_id,
                author_name=author.display_name,
            )
            renamed += 1
        return renamed

    async def _observe(self, ctx: Context, link: IssueLink, comment_id: str) -> CommentLink | None:
        """The comment's link row, made if new; None if this event is older than one seen of
        the original comment."""
        stamp = ctx.event.jira_timestamp
        async with self.database.transaction() as session:
            column = (
                CommentLink.first_comment_id
                if ctx.source is Side.FIRST
                else CommentLink.second_comment_id
            )
            record = await session.scalar(
                select(CommentLink).where(
                    CommentLink.issue_link_id == link.id, column == comment_id
                )
            )
            if record is None:
                record = CommentLink(issue_link_id=link.id, origin=ctx.source)
                record.set_comment(ctx.source, comment_id)
                session.add(record)
            elif record.origin is not ctx.source:
                return record  # a change to Tandem's copy says nothing about the original
            elif record.origin_deleted or (
                stamp is not None
                and record.origin_seen_ms is not None
                and stamp < record.origin_seen_ms
            ):
                return None
            if stamp is not None:
                record.origin_seen_ms = stamp
            if ctx.event.webhook_event == COMMENT_DELETED:
                record.origin_deleted = True
            await session.flush()
            return record

    def _body(self, ctx: Context, comment: Comment) -> dict[str, Any]:
        """The copy's body, cut to Jira's length limit (room kept for the enriched header)."""
        if not ctx.config.comments.enriched:
            return capped_document(adf.ensure_doc(comment.body))
        author = comment.author.display_name if comment.author else "Someone"
        body = capped_document(adf.ensure_doc(comment.body), MAX_TEXT - HEADER_ROOM)
        return adf.with_header(body, author, location(ctx.sync, ctx.source))

    def _target_client(self, ctx: Context) -> JiraClient:
        return self.clients.for_tenant(ctx.sync.tenant(ctx.target))

    async def _create(
        self, ctx: Context, link: IssueLink, record: CommentLink, comment: Comment
    ) -> Result:
        target_issue = str(link.issue_key(ctx.target) or link.issue_id(ctx.target))
        client = self._target_client(ctx)
        tag = copy_tag(ctx, comment.id)
        existing = (
            await self._find_copy(ctx, client, target_issue, tag)
            if record.create_attempted_at
            else None
        )
        await self._mark_attempt(record)
        body = self._body(ctx, comment)
        internal = self._create_internal(ctx)
        copy = existing or await client.add_comment(
            target_issue, body, internal=internal, properties={COMMENT_PROPERTY: {"peer": tag}}
        )
        if existing is not None and value_hash(existing.body) != value_hash(body):
            # made by an earlier attempt from what the comment said then
            await client.update_comment(target_issue, existing.id, body, notify_users=False)
        await self._save(
            record,
            target=ctx.target,
            copy_id=copy.id,
            body_hash=value_hash(body),
            author=comment.author.account_id if comment.author else None,
            author_name=comment.author.display_name if comment.author else None,
        )
        kind = "internal" if internal else "public" if internal is False else ""
        return done(f"added {kind + ' ' if kind else ''}comment {copy.id} on {target_issue}")

    def _create_internal(self, ctx: Context) -> bool | None:
        if ctx.sync.project_type(ctx.target) != SERVICE_DESK:
            return None
        return ctx.config.comments.rule(ctx.source).create_as == "internal"

    async def _find_copy(
        self, ctx: Context, client: JiraClient, issue: str, tag: str
    ) -> Comment | None:
        """The copy an earlier attempt made: marked with ``tag`` and written by Tandem (anyone
        who may comment may write the marker)."""
        account = await self.app_account(ctx.sync.tenant(ctx.target))
        async for existing in client.iter_comments(issue):
            marker = existing.property_value(COMMENT_PROPERTY)
            author = existing.author.account_id if existing.author else None
            if isinstance(marker, dict) and marker.get("peer") == tag and author == account:
                return existing
        return None

    async def _update(
        self, ctx: Context, link: IssueLink, record: CommentLink, comment: Comment
    ) -> Result:
        body = self._body(ctx, comment)
        digest = value_hash(body)
        if digest == record.body_hash:
            return skipped("the synced copy is up to date")
        target_issue = str(link.issue_key(ctx.target) or link.issue_id(ctx.target))
        copy_id = str(record.comment_id(ctx.target))
        await self._target_client(ctx).update_comment(
            target_issue, copy_id, body, notify_users=False
        )
        await self._save(
            record,
            target=ctx.target,
            copy_id=copy_id,
            body_hash=digest,
            author=record.author_account_id,
            author_name=comment.author.display_name if comment.author else record.author_name,
        )
        return done(f"updated comment {copy_id} on {target_issue}")

    async def _remove(self, ctx: Context, link: IssueLink, record: CommentLink, why: str) -> Result:
        target_issue = str(link.issue_key(ctx.target) or link.issue_id(ctx.target))
        copy_id = record.comment_id(ctx.target)
        if copy_id is None and record.create_attempted_at is not None:
            # an attempt whose answer was lost may have made a copy all the same
            original = str(record.comment_id(ctx.source))
            found = await self._find_copy(
                ctx, self._target_client(ctx), target_issue, copy_tag(ctx, original)
            )
            copy_id = found.id if found else None
        if copy_id is None:
            return skipped(why)
        try:
            await self._target_client(ctx).delete_comment(target_issue, copy_id)
        except JiraNotFound:
            pass  # deleted on the other side already
        async with self.database.transaction() as session:
            stored = await session.get(CommentLink, record.id)
            if stored is not None:
                stored.set_comment(ctx.target, None)
                stored.body_hash = None
        return done(f"{why}: removed its copy {copy_id} from {target_issue}")

    async def _mark_attempt(self, record: CommentLink) -> None:
        async with self.database.transaction() as session:
            stored = await session.get(CommentLink, record.id)
            if stored is not None:
                stored.create_attempted_at = utcnow()

    async def _save(
        self,
        record: CommentLink,
        *,
        target: Side,
        copy_id: str,
        body_hash: str,
        author: str | None,
        author_name: str | None,
    ) -> None:
        async with self.database.transaction() as session:
            stored = await session.get(CommentLink, record.id)
            assert stored is not None
            stored.set_comment(target, copy_id)
            stored.body_hash = body_hash
            stored.author_account_id = author
            stored.author_name = author_name

    async def initial_sync(self, ctx: Context, link_id: int) -> int:
        """Copy the existing comments of a newly linked issue, oldest first."""
        rule = ctx.config.comments.rule(ctx.source)
        if not rule.enabled:
            return 0
        async with self.database.transaction() as session:
            link = await session.get(IssueLink, link_id)
        assert link is not None
        source_issue = str(link.issue_key(ctx.source) or link.issue_id(ctx.source))
        source_client = self.clients.for_tenant(ctx.sync.tenant(ctx.source))
        copied = 0
        async for comment in source_client.iter_comments(source_issue):
            if not visibility(comment, ctx.sync, ctx.source, rule.source_filter == "all").syncable:
                continue
            record = await self._observe(ctx, link, comment.id)
            if record is not None and record.comment_id(ctx.target) is None:
                await self._create(ctx, link, record, comment)
                copied += 1
        return copied
