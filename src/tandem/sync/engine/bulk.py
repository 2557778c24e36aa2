"""Copies of many existing issues at once, for "Synchronize existing issues".

Per page of source issues: claim their link rows, look for copies made before (one JQL search
on the link property), create the rest with bulk create (50 per call), record the links. An
issue Jira refused is queued as an ordinary event, so the engine retries it and says why; each
new link gets an event that copies its existing comments, in order, through the engine.

Creates are guarded as in ``tandem.sync.engine.pending``: an issue whose create is under way or was
not confirmed is left to the engine (an ordinary event), and a bulk create that failed without
saying what it made is not repeated here: Jira's announcements bind the copies it made, and the
engine's events for its issues wait for them before they search or create.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tandem.jira.client import JiraClient, NewIssue
from tandem.jira.pool import ClientPool
from tandem.jira.schemas import CreatedIssue, Issue
from tandem.store.db import Database
from tandem.sync.config.schemas import SyncConfig
from tandem.sync.engine import linkprop, mapping, pending
from tandem.sync.engine.context import find_link, now_ms
from tandem.sync.engine.scope import in_scope
from tandem.sync.models import IssueLink, Side, Synchronization
from tandem.sync.queue import events as queue
from tandem.sync.queue.eventtypes import INITIAL_COMMENTS, ISSUE_UPDATED
from tandem.tenants.models import Tenant

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Planned:
    issue: Issue
    write: mapping.Write
    link_id: int
    tag: str


def issue_payload(event: str, issue: Issue) -> dict[str, Any]:
    """A webhook-shaped payload for an event Tandem queues itself."""
    return {
        "webhookEvent": event,
        "timestamp": now_ms(),
        "issue": issue.model_dump(by_alias=True, mode="json", exclude_none=True),
    }


async def queue_issue_event(
    session: AsyncSession,
    sync: Synchronization,
    side: Side,
    issue: Issue,
    *,
    event: str,
    dedupe_key: str,
) -> bool:
    new = queue.NewEvent(
        side=side,
        dedupe_key=dedupe_key,
        webhook_event=event,
        issue_id=issue.id,
        issue_key=issue.key,
        comment_id=None,
        actor_account_id=None,
        payload=issue_payload(event, issue),
        redelivered=True,
    )
    return await queue.enqueue(session=session, sync=sync, new=new) is not None


class BulkCopier:
    def __init__(self, *, database: Database, clients: ClientPool[Tenant]) -> None:
        self.database = database
        self.clients = clients

    async def copy(
        self,
        sync: Synchronization,
        config: SyncConfig,
        source: Side,
        issues: list[Issue],
        prefix: str,
    ) -> int:
        """Copies for unlinked ``issues`` of ``source``; returns how many were created.
        Only issues of the synchronization's source project are ever copied."""
        planned, under_way = await self._plan(sync, config, source, in_scope(sync, source, issues))
        if not planned:
            await self._record(sync, source, config, {}, [], under_way, prefix)
            return 0
        client = self.clients.for_tenant(sync.tenant(source.other))
        found = await self._existing(client, sync, source, planned)
        fresh, taken = await self._mark(sync, source, [p for p in planned if p.tag not in found])
        created, refused = await self._create(client, sync, source, fresh)
        copies = {**found, **created}
        left = [*under_way, *taken, *refused]
        await self._record(sync, source, config, copies, planned, left, prefix)
        return len(created)

    async def _plan(
        self, sync: Synchronization, config: SyncConfig, source: Side, issues: list[Issue]
    ) -> tuple[list[Planned], list[Planned]]:
        """Issues to copy, and those whose create is under way or unconfirmed."""
        target_project = sync.project_id(source.other)
        planned: list[Planned] = []
        under_way: list[Planned] = []
        async with self.database.transaction() as session:
            for issue in issues:
                write = mapping.create_write(
                    config, source, mapping.source_issue(issue), target_project
                )
                if write is None:
                    continue
                link = await find_link(session, sync.id, source, issue.id)
                if link is None:
                    link = IssueLink(synchronization_id=sync.id, origin=source, field_state={})
                    link.set_issue(source, issue.id, issue.key)
                    session.add(link)
                elif link.issue_id(source.other) is not None:
                    continue
                await session.flush()
                plan = Planned(issue, write, link.id, linkprop.peer_tag(sync, source, issue.id))
                (planned if link.create_attempted_at is None else under_way).append(plan)
        return planned, under_way

    async def _mark(
        self, sync: Synchronization, source: Side, fresh: list[Planned]
    ) -> tuple[list[Planned], list[Planned]]:
        """Record the create attempts; an issue another create took meanwhile is left out."""
        mine: list[Planned] = []
        taken: list[Planned] = []
        async with self.database.transaction() as session:
            for plan in fresh:
                marked = await pending.mark_attempt(session, plan.link_id, source.other, None)
                (mine if marked else taken).append(plan)
        return mine, taken

    async def _existing(
        self, client: JiraClient, sync: Synchronization, source: Side, planned: list[Planned]
    ) -> dict[str, CreatedIssue]:
        jql = linkprop.copies_jql(sync, source, [p.issue.id for p in planned])
        found: dict[str, CreatedIssue] = {}
        async for copy in client.search(jql, fields=("summary",), properties=(linkprop.KEY,)):
            for tag in (copy.properties.get(linkprop.KEY) or {}).get("peers", []):
                found[str(tag)] = CreatedIssue(id=copy.id, key=copy.key)
        return found

    async def _create(
        self, client: JiraClient, sync: Synchronization, source: Side, fresh: list[Planned]
    ) -> tuple[dict[str, CreatedIssue], list[Planned]]:
        """The copies made, and the issues left to the engine: refused by Jira (their attempt
        forgotten), or all of them if Jira did not say what it made."""
        if not fresh:
            return {}, []
        try:
            result = await client.create_issues(
                [
                    NewIssue(
                        p.write.fields,
                        {linkprop.KEY: linkprop.value(sync, source, p.issue.id, p.issue.key)},
                    )
                    for p in fresh
                ]
            )
        except Exception as exc:
            if pending.may_have_created(exc):
                log.warning("a bulk create of %d copies was not confirmed: %s", len(fresh), exc)
                return {}, fresh
            await self._forget(source, fresh)
            raise
        failed = {error.failed_element_number for error in result.errors}
        accepted = [p for index, p in enumerate(fresh) if index not in failed]
        created = {p.tag: issue for p, issue in zip(accepted, result.issues, strict=True)}
        refused = [p for index, p in enumerate(fresh) if index in failed]
        await self._forget(source, refused)
        return created, refused

    async def _forget(self, source: Side, refused: list[Planned]) -> None:
        async with self.database.transaction() as session:
            for plan in refused:
                await pending.forget_attempt(session, plan.link_id, source.other)

    async def _record(
        self,
        sync: Synchronization,
        source: Side,
        config: SyncConfig,
        copies: dict[str, CreatedIssue],
        planned: list[Planned],
        refused: list[Planned],
        prefix: str,
    ) -> None:
        written = now_ms()
        async with self.database.transaction() as session:
            for plan in planned:
                copy = copies.get(plan.tag)
                if copy is None:
                    continue
                link = await session.get(IssueLink, plan.link_id)
                assert link is not None
                if link.issue_id(source.other) not in (None, copy.id):
                    continue  # Jira's announcement recorded another copy first
                link.set_issue(source.other, copy.id, copy.key)
                link.field_state = mapping.record_write({}, plan.write, source.other, written)
                await session.flush()
                await queue.join_pair(session=session, link=link)
                if config.comments.enabled:
                    await queue_issue_event(
                        session,
                        sync,
                        source,
                        plan.issue,
                        event=INITIAL_COMMENTS,
                        dedupe_key=f"{prefix}:comments:{plan.issue.id}",
                    )
            for plan in refused:  # the engine tries these one by one and says why
                await queue_issue_event(
                    session,
                    sync,
                    source,
                    plan.issue,
                    event=ISSUE_UPDATED,
                    dedupe_key=f"{prefix}:retry:{plan.issue.id}",
                )
