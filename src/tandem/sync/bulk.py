"""Copies of many existing issues at once, for "Synchronize existing issues".

Per page of source issues: claim their link rows, look for copies made before (one JQL search
on the link property), create the rest with bulk create (50 per call), record the links. An
issue Jira refused is queued as an ordinary event, so the engine retries it and says why; each
new link gets an event that copies its existing comments, in order, through the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tandem.jira.client import JiraClient, NewIssue
from tandem.jira.schemas import CreatedIssue, Issue
from tandem.store.base import utcnow
from tandem.store.db import Database
from tandem.sync import linkprop, mapping, queue
from tandem.sync.context import find_link, now_ms
from tandem.sync.eventtypes import INITIAL_COMMENTS, ISSUE_UPDATED
from tandem.sync.models import IssueLink, Side, Synchronization
from tandem.sync.schemas import SyncConfig
from tandem.sync.scope import in_scope
from tandem.tenants.clients import TenantClients


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
    def __init__(self, *, database: Database, clients: TenantClients) -> None:
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
        planned = await self._plan(sync, config, source, in_scope(sync, source, issues))
        if not planned:
            return 0
        client = self.clients.for_tenant(sync.tenant(source.other))
        found = await self._existing(client, sync, source, planned)
        fresh = [p for p in planned if p.tag not in found]
        created, refused = await self._create(client, sync, source, fresh)
        await self._record(sync, source, config, {**found, **created}, planned, refused, prefix)
        return len(created)

    async def _plan(
        self, sync: Synchronization, config: SyncConfig, source: Side, issues: list[Issue]
    ) -> list[Planned]:
        target_project = sync.project_id(source.other)
        planned = []
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
                link.create_attempted_at = utcnow()
                await session.flush()
                planned.append(
                    Planned(issue, write, link.id, linkprop.peer_tag(sync, source, issue.id))
                )
        return planned

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
        if not fresh:
            return {}, []
        result = await client.create_issues(
            [
                NewIssue(
                    p.write.fields,
                    {linkprop.KEY: linkprop.value(sync, source, p.issue.id, p.issue.key)},
                )
                for p in fresh
            ]
        )
        failed = {error.failed_element_number for error in result.errors}
        accepted = [p for index, p in enumerate(fresh) if index not in failed]
        created = {p.tag: issue for p, issue in zip(accepted, result.issues, strict=True)}
        return created, [p for index, p in enumerate(fresh) if index in failed]

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
                link.set_issue(source.other, copy.id, copy.key)
                link.field_state = mapping.record_write({}, plan.write, source.other, written)
                await session.flush()
                if config.comments.enabled:
                    await queue_issue_event(
                        session,
                        sync,
                        source,
                        plan.issue,
                        event=INITIAL_COMMENTS,
                        dedupe_key=f"{prefix}:comments:{plan.issue.id}",
                    )
            for plan in refused:  # the engine retries these one by one and says why
                await queue_issue_event(
                    session,
                    sync,
                    source,
                    plan.issue,
                    event=ISSUE_UPDATED,
                    dedupe_key=f"{prefix}:retry:{plan.issue.id}",
                )
