"""The engine: applies one stored event to the other side of its synchronization.

Each event is applied in three steps, so that no database transaction is open while Jira is
called: load what is needed (one transaction), write to Jira, record the outcome (another
transaction). Issue events are handled here; comment events by ``tandem.sync.engine.comments``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import delete

from tandem.jira.client import JiraClient
from tandem.jira.errors import JiraBadRequest, JiraError
from tandem.jira.pool import ClientPool
from tandem.jira.schemas import CreatedIssue
from tandem.jira.webhooks import WebhookEvent
from tandem.store.db import Database
from tandem.sync.config import drafts
from tandem.sync.engine import freshness, linkprop, mapping, pending, richtext
from tandem.sync.engine.commentcheck import CommentReconciler
from tandem.sync.engine.comments import CommentSync
from tandem.sync.engine.context import Context, Result, done, find_link, now_ms, skipped, waiting
from tandem.sync.engine.notify import QuietEdits
from tandem.sync.models import (
    ConfigKind,
    Event,
    EventStatus,
    IssueLink,
    Side,
    Synchronization,
    SyncState,
)
from tandem.sync.queue import events as queue
from tandem.sync.queue import eventtypes
from tandem.sync.queue.failures import NOT_ON_SCREEN, SCREEN_ADVICE, SyncFailure, classify
from tandem.tenants.models import Tenant

log = logging.getLogger(__name__)

ISSUE_CREATED = eventtypes.ISSUE_CREATED


@dataclass(frozen=True)
class Claim:
    """A source issue's link row before its copy is created."""

    link_id: int
    copy: CreatedIssue | None  # the copy, if the link is recorded already
    attempted_at: datetime | None  # an earlier create that was not confirmed


class Engine:
    """Applies events; ``comments`` handles comment events with the same machinery."""

    def __init__(
        self,
        *,
        database: Database,
        clients: ClientPool[Tenant],
        create_confirm_seconds: float = pending.ANNOUNCE_WAIT_SECONDS,
    ) -> None:
        self.database = database
        self.clients = clients
        self.comments = CommentSync(
            database=database, clients=clients, app_account=self.app_account_id
        )
        self.comment_checks = CommentReconciler(
            database=database, clients=clients, comments=self.comments
        )
        self.pending = pending.PendingCopies(
            database=database, clients=clients, wait=create_confirm_seconds
        )
        self._app_accounts: dict[int, str] = {}
        self._app_account_lock = asyncio.Lock()
        self.quiet = QuietEdits()

    async def process(self, event: Event) -> EventStatus:
        """Apply a claimed event and record the outcome; returns its new status."""
        try:
            result = await self._apply(event)
        except Exception as exc:  # every failure is recorded on the event
            outcome = classify(exc, where=event.issue_key or event.issue_id)
            unexpected = not isinstance(exc, (JiraError, SyncFailure, httpx.TransportError))
            log.warning(
                "event %s (%s): %s",
                event.id,
                event.webhook_event,
                outcome.message,
                exc_info=unexpected,
            )
            async with self.database.transaction() as session:
                return await queue.fail(
                    session=session,
                    event_id=event.id,
                    error=outcome.message,
                    transient=outcome.transient,
                    claimer=event.claimed_by,
                )
        async with self.database.transaction() as session:
            if result.status is EventStatus.PENDING:
                return await queue.wait(
                    session=session,
                    event_id=event.id,
                    seconds=result.wait_seconds,
                    reason=result.reason,
                    counts=result.counts,
                    claimer=event.claimed_by,
                )
            await queue.finish(
                session=session,
                event_id=event.id,
                status=result.status,
                reason=result.reason,
                claimer=event.claimed_by,
            )
        return result.status

    async def _apply(self, event: Event) -> Result:
        kind = eventtypes.handler(event.webhook_event)
        if kind is None:
            return skipped(f"Tandem does not apply {event.webhook_event} events")
        loaded = await self._load(event)
        if isinstance(loaded, Result):
            return loaded
        project_id = loaded.webhook.project_id
        if project_id is not None and project_id != loaded.sync.project_id(event.side):
            return skipped(f"the issue is not in {loaded.sync.project_key(event.side)}")
        if await self._made_by_tandem(loaded):
            if event.webhook_event == ISSUE_CREATED and loaded.link is None:
                return await self.pending.announced(loaded)
            return skipped(pending.ECHO)
        if loaded.link is None:  # perhaps a copy whose link is being recorded
            held = await self.pending.hold(loaded)
            if isinstance(held, Result):
                return held
            loaded = held
        return await self._handler(kind)(loaded)

    def _handler(self, kind: eventtypes.Handler) -> Callable[[Context], Awaitable[Result]]:
        handlers: dict[eventtypes.Handler, Callable[[Context], Awaitable[Result]]] = {
            eventtypes.Handler.ISSUE: self._issue_changed,
            eventtypes.Handler.ISSUE_DELETED: self._issue_deleted,
            eventtypes.Handler.COMMENT: self.comments.apply,
            eventtypes.Handler.INITIAL_COMMENTS: self._initial_comments,
            eventtypes.Handler.RECONCILE_COMMENTS: self.comment_checks.apply,
        }
        return handlers[kind]

    async def _load(self, event: Event) -> Context | Result:
        async with self.database.transaction() as session:
            sync = await session.get(Synchronization, event.synchronization_id)
            if sync is None or sync.state is SyncState.DELETED:
                return skipped("the synchronization was deleted")
            config = await drafts.configuration(
                session=session, sync=sync, kind=ConfigKind.PUBLISHED
            )
            if config is None:
                return skipped("the synchronization has no published configuration")
            link = await find_link(session, sync.id, event.side, event.issue_id)
        webhook = WebhookEvent.model_validate(event.payload)
        return Context(event=event, sync=sync, config=config, webhook=webhook, link=link)

    def client(self, sync: Synchronization, side: Side) -> JiraClient:
        return self.clients.for_tenant(sync.tenant(side))

    async def app_account_id(self, tenant: Tenant) -> str:
        """The accountId Tandem acts as on a site: asked once, then kept on the tenant."""
        if tenant.app_account_id is not None:
            return tenant.app_account_id
        known = self._app_accounts.get(tenant.id)
        if known is not None:
            return known
        async with self._app_account_lock:
            if tenant.id not in self._app_accounts:
                me = await self.clients.for_tenant(tenant).myself()
                async with self.database.transaction() as session:
                    stored = await session.get(Tenant, tenant.id)
                    if stored is not None:
                        stored.app_account_id = me.account_id
                self._app_accounts[tenant.id] = me.account_id
        return self._app_accounts[tenant.id]

    async def _made_by_tandem(self, ctx: Context) -> bool:
        actor = ctx.event.actor_account_id
        if actor is None:
            return False
        return actor == await self.app_account_id(ctx.sync.tenant(ctx.source))

    # --- issues ---

    async def _issue_changed(self, ctx: Context) -> Result:
        if ctx.webhook.issue is None:
            return skipped("the webhook carries no issue")
        issue = mapping.source_issue(ctx.webhook.issue)
        if ctx.link is not None and ctx.link.issue_id(ctx.target) is not None:
            return await self._update(ctx, issue, ctx.link)
        return await self._create(ctx, issue)

    async def _create(self, ctx: Context, issue: mapping.SourceIssue) -> Result:
        """Create the copy of ``issue`` on the other side, exactly once (see ``pending``)."""
        write = mapping.create_write(ctx.config, ctx.source, issue, ctx.sync.project_id(ctx.target))
        if write is None:
            type_name = ctx.webhook.issue.fields.issuetype if ctx.webhook.issue else None
            return skipped(
                f"issue type {type_name.name if type_name else issue.issue_type_id} is not "
                f"mapped from the {ctx.source.value} project"
            )
        source = self.client(ctx.sync, ctx.source)
        readable = await richtext.with_documents(source, ctx, issue, read=None)
        if readable is None:
            return skipped("the source issue no longer exists")
        issue = readable
        write = mapping.create_write(ctx.config, ctx.source, issue, ctx.sync.project_id(ctx.target))
        assert write is not None  # its issue type is mapped, as above
        claim = await self._claim_link(ctx, issue)
        client = self.client(ctx.sync, ctx.target)
        found = claim.copy
        if found is None and claim.attempted_at is not None:
            left = pending.announce_seconds_left(claim.attempted_at, self.pending.wait)
            if left > 0:
                return waiting(
                    f"Jira did not confirm an earlier create of the copy of {issue.key}: "
                    "waiting for Jira to announce it",
                    left,
                )
            fresh = await self._announced_since(ctx, claim.attempted_at)
            found = await self._find_copy(ctx, client, issue, fresh)
        elif found is None and (
            ctx.event.redelivered or ctx.event.webhook_event != ISSUE_CREATED
        ):  # an issue that existed before: its copy may have been made before
            found = await self._find_copy(ctx, client, issue)
        created = found or await self._create_copy(ctx, client, claim, write, issue)
        if isinstance(created, Result):
            return created
        note = await self._record_copy(ctx, claim.link_id, created, write)
        if ctx.config.comments.enabled and ctx.event.webhook_event != ISSUE_CREATED:
            await self.comments.initial_sync(ctx, claim.link_id)
        verb = "found the copy created earlier" if found else "created"
        return done(f"{verb} {created.key}{note}")

    async def _create_copy(
        self,
        ctx: Context,
        client: JiraClient,
        claim: Claim,
        write: mapping.Write,
        issue: mapping.SourceIssue,
    ) -> CreatedIssue | Result:
        async with self.database.transaction() as session:
            mine = await pending.mark_attempt(
                session, claim.link_id, ctx.target, claim.attempted_at
            )
        if not mine:
            return waiting(f"another create of the copy of {issue.key} is under way", 1.0)
        try:
            return await client.create_issue(
                write.fields,
                properties={
                    linkprop.KEY: linkprop.value(ctx.sync, ctx.source, issue.id, issue.key)
                },
            )
        except Exception as exc:
            if not pending.may_have_created(exc):
                async with self.database.transaction() as session:
                    await pending.forget_attempt(session, claim.link_id, ctx.target)
                raise
            log.warning("the create of the copy of %s was not confirmed: %s", issue.key, exc)
            return waiting(
                f"Jira did not confirm the create of the copy of {issue.key} ({exc}): "
                "waiting for Jira to announce it",
                self.pending.wait,
                counts=True,
            )

    async def _record_copy(
        self, ctx: Context, link_id: int, created: CreatedIssue, write: mapping.Write
    ) -> str:
        async with self.database.transaction() as session:
            link = await session.get(IssueLink, link_id)
            assert link is not None
            bound = link.issue_id(ctx.target)
            if bound is not None and bound != created.id:
                first = link.issue_key(ctx.target) or bound
                log.warning("%s is a second copy of %s", created.key, link.issue_key(ctx.source))
                return f", a second copy: {first} was recorded first and stays the copy"
            link.set_issue(ctx.target, created.id, created.key)
            link.field_state = mapping.record_write({}, write, ctx.target, now_ms())
            await session.flush()
            await queue.join_pair(session=session, link=link)
        return ""

    async def _claim_link(self, ctx: Context, issue: mapping.SourceIssue) -> Claim:
        """The link row for ``issue`` (made if new), as it stands."""
        async with self.database.transaction() as session:
            link = await find_link(session, ctx.sync.id, ctx.source, issue.id)
            if link is None:
                link = IssueLink(synchronization_id=ctx.sync.id, origin=ctx.source, field_state={})
                link.set_issue(ctx.source, issue.id, issue.key)
                session.add(link)
                await session.flush()
            copy_id, copy_key = link.issue_id(ctx.target), link.issue_key(ctx.target)
            copy = CreatedIssue(id=copy_id, key=copy_key or copy_id) if copy_id else None
            return Claim(link.id, copy, link.create_attempted_at)

    async def _announced_since(self, ctx: Context, since: datetime) -> list[str]:
        account = await self.app_account_id(ctx.sync.tenant(ctx.target))
        async with self.database.transaction() as session:
            return await pending.announced_since(session, ctx.sync.id, ctx.target, account, since)

    async def _find_copy(
        self,
        ctx: Context,
        client: JiraClient,
        issue: mapping.SourceIssue,
        fresh: list[str] | None = None,
    ) -> CreatedIssue | None:
        jql = linkprop.copies_jql(ctx.sync, ctx.source, [issue.id])
        async for found in client.search(jql, fields=("summary",), reconcile_issues=fresh or ()):
            return CreatedIssue(id=found.id, key=found.key)
        return None

    async def _update(self, ctx: Context, issue: mapping.SourceIssue, link: IssueLink) -> Result:
        changed = mapping.changed_field_ids(ctx.webhook.changelog_dict())
        values = await self._values(ctx, issue, link, changed)
        if values is None:
            return skipped("the source issue no longer exists")
        issue, changed_at = values
        write = mapping.edit_write(
            ctx.config,
            ctx.source,
            issue,
            changed=changed,
            field_state=link.field_state,
            changed_at_ms=changed_at,
        )
        target_key = link.issue_key(ctx.target) or str(link.issue_id(ctx.target))
        notes = list(write.conflicts)
        transitioned = await self._transition(ctx, issue, target_key, changed)
        if transitioned:
            notes.append(transitioned)
        if not write:
            if transitioned:
                return done("; ".join(notes))
            return skipped("; ".join(notes) or "no mapped field changed")
        await self._edit(ctx, target_key, write.fields)
        async with self.database.transaction() as session:
            stored = await session.get(IssueLink, link.id)
            assert stored is not None
            stored.field_state = mapping.record_write(
                stored.field_state, write, ctx.target, now_ms(), changed_ms=changed_at
            )
        names = ", ".join(sorted(write.fields))
        return done("; ".join([f"updated {names} on {target_key}", *notes]))

    async def _values(
        self, ctx: Context, issue: mapping.SourceIssue, link: IssueLink, changed: set[str] | None
    ) -> tuple[mapping.SourceIssue, int | None] | None:
        """The source values to compare and the time of their change: the event's snapshot
        (its wiki markup read as ADF, ``richtext``), or the issue read again when the snapshot
        may be stale (``freshness``). None: the source issue no longer exists."""
        source = self.client(ctx.sync, ctx.source)
        if freshness.may_be_stale(ctx, link, changed):
            current = await freshness.current_issue(source, ctx, issue.id)
            return (current.issue, current.changed_at_ms) if current else None
        readable = await richtext.with_documents(source, ctx, issue, read=changed or ())
        return (readable, ctx.event.jira_timestamp) if readable else None

    async def _edit(self, ctx: Context, key: str, fields: dict[str, Any]) -> None:
        """One edit of the copy. A field missing from its edit screen fails with advice: the
        ``overrideScreenSecurity`` retry needs *Administer Jira*, which Tandem does not ask for
        (docs/ARCHITECTURE.md, "The scopes Tandem asks for")."""
        client = self.client(ctx.sync, ctx.target)
        site = ctx.sync.tenant(ctx.target).client_key
        try:
            await self.quiet.edit(client, site, ctx.sync.project_id(ctx.target), key, fields=fields)
        except JiraBadRequest as exc:
            missing = sorted(f for f, message in exc.errors.items() if NOT_ON_SCREEN in message)
            if not missing:
                raise
            raise SyncFailure(
                f"{', '.join(missing)} is not on the edit screen of {key}: {SCREEN_ADVICE}"
            ) from exc

    async def _transition(
        self, ctx: Context, issue: mapping.SourceIssue, target_key: str, changed: set[str] | None
    ) -> str | None:
        if changed is None or "status" not in changed:
            return None
        status = issue.fields.get("status") or {}
        wanted = next(
            (
                m.status(ctx.target)
                for m in ctx.config.status_mappings(ctx.source)
                if m.status(ctx.source).id == str(status.get("id"))
            ),
            None,
        )
        if wanted is None:
            return None
        client = self.client(ctx.sync, ctx.target)
        transitions = await client.get_transitions(target_key)
        match = next((t for t in transitions if t.to is not None and t.to.id == wanted.id), None)
        if match is None:
            return f"no transition of {target_key} leads to status {wanted}"
        await client.transition_issue(target_key, match.id)
        return f"moved {target_key} to {wanted}"

    async def _initial_comments(self, ctx: Context) -> Result:
        if ctx.link is None or ctx.link.issue_id(ctx.target) is None:
            return skipped("the issue is not linked")
        copied = await self.comments.initial_sync(ctx, ctx.link.id)
        return done(f"copied {copied} existing comments to {ctx.link.issue_key(ctx.target)}")

    async def _issue_deleted(self, ctx: Context) -> Result:
        if ctx.link is None:
            return skipped("the deleted issue was not synchronized")
        kept = ctx.link.issue_key(ctx.target)
        async with self.database.transaction() as session:
            await session.execute(delete(IssueLink).where(IssueLink.id == ctx.link.id))
        return done(f"link removed; {kept} is kept on the {ctx.target.value} project")
