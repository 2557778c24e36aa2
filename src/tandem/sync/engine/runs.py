"""Passes over existing issues: the initial sync an admin starts, and the periodic
reconciliation that finds changes whose webhooks were lost. Both queue ordinary events, so
every change takes the same path through the engine (and the same duplicate checks)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.jira.client import JiraClient
from tandem.jira.pool import ClientPool
from tandem.jira.schemas import Issue
from tandem.store.base import utcnow
from tandem.store.db import Database
from tandem.sync import service as syncs
from tandem.sync.config import drafts
from tandem.sync.config.schemas import SyncConfig
from tandem.sync.engine.bulk import BulkCopier, queue_issue_event
from tandem.sync.engine.commentcheck import CommentChecks
from tandem.sync.engine.context import find_link
from tandem.sync.engine.jql import restrict
from tandem.sync.engine.scope import in_scope
from tandem.sync.engine.window import updated_since
from tandem.sync.models import ConfigKind, Event, RunKind, Side, Synchronization, SyncRun
from tandem.sync.queue.eventtypes import ISSUE_UPDATED
from tandem.tenants.models import Tenant

ISSUE_FIELDS = ("summary", "description", "issuetype", "project", "status", "updated")
# JQL search in Jira Cloud is eventually consistent: look back further than the last pass.
RECONCILE_OVERLAP = timedelta(minutes=5)
BATCH_SIZE = 50  # what one bulk create takes


def source_jql(
    sync: Synchronization, config: SyncConfig, side: Side, extra: str | None
) -> str | None:
    """Issues of ``side`` that Tandem synchronizes, or None if nothing flows from it; the
    admin's ``extra`` JQL narrows them (``JqlRefused`` if it could do anything else)."""
    type_ids = sorted(
        {ref.id for m in config.issue_types if m.direction.allows(side) for ref in m.types(side)}
    )
    if not type_ids:
        return None
    base = f"project = {sync.project_id(side)} AND issuetype in ({', '.join(type_ids)})"
    return restrict(base, extra) + " ORDER BY created ASC"


def _fields(config: SyncConfig, side: Side) -> list[str]:
    mapped = {m.field(side).id for m in config.field_mappings(side)}
    return sorted(set(ISSUE_FIELDS) | mapped)


class Runner:
    def __init__(self, *, database: Database, clients: ClientPool[Tenant]) -> None:
        self.database = database
        self.clients = clients
        self.bulk = BulkCopier(database=database, clients=clients)
        self.comment_checks = CommentChecks(database=database, clients=clients)

    async def run(
        self,
        sync_id: int,
        kind: RunKind,
        extra_jql: str | None = None,
        since: datetime | None = None,
        sides: tuple[Side, ...] = tuple(Side),
    ) -> SyncRun:
        """Search each source side of ``sides`` and queue an event per issue found; records
        progress."""
        async with self.database.transaction() as session:
            sync = await session.get(Synchronization, sync_id)
            assert sync is not None
            config = (
                await drafts.configuration(session=session, sync=sync, kind=ConfigKind.PUBLISHED)
                or SyncConfig()
            )
            if since is not None:
                window = updated_since(since - RECONCILE_OVERLAP)
                extra_jql = window + (f" AND ({extra_jql})" if extra_jql else "")
            run = SyncRun(synchronization_id=sync.id, kind=kind, jql=extra_jql or "")
            session.add(run)
            await session.flush()
            run_id = run.id
        prefix = kind.value if kind is RunKind.RECONCILE else f"initial:{run_id}"
        try:
            for side in sides:
                jql = source_jql(sync, config, side, extra_jql)
                if jql is not None:
                    await self._pass(sync, config, side, jql, prefix, run_id)
            if kind is RunKind.RECONCILE and since is not None:
                await self._comment_pass(sync, config, since - RECONCILE_OVERLAP, run_id)
        except Exception as exc:
            await self._finish(run_id, error=str(exc))
            raise
        return await self._finish(run_id, error=None)

    async def _pass(
        self,
        sync: Synchronization,
        config: SyncConfig,
        side: Side,
        jql: str,
        prefix: str,
        run_id: int,
    ) -> None:
        client: JiraClient = self.clients.for_tenant(sync.tenant(side))
        batch: list[Issue] = []
        async for issue in client.search(jql, fields=_fields(config, side)):
            batch.append(issue)
            if len(batch) == BATCH_SIZE:
                await self._batch(sync, config, side, batch, prefix, run_id)
                batch = []
        if batch:
            await self._batch(sync, config, side, batch, prefix, run_id)

    async def _batch(
        self,
        sync: Synchronization,
        config: SyncConfig,
        side: Side,
        issues: list[Issue],
        prefix: str,
        run_id: int,
    ) -> None:
        """Linked issues get an event (the engine compares them); unlinked ones are copied in
        bulk by an initial sync, or get an event too during reconciliation."""
        issues = in_scope(sync, side, issues)
        initial = not prefix.startswith(RunKind.RECONCILE.value)
        unlinked: list[Issue] = []
        queued = 0
        async with self.database.transaction() as session:
            for issue in issues:
                link = await find_link(session, sync.id, side, issue.id)
                if initial and (link is None or link.issue_id(side.other) is None):
                    unlinked.append(issue)
                    continue
                updated = issue.fields.updated.isoformat() if issue.fields.updated else "-"
                queued += await queue_issue_event(
                    session,
                    sync,
                    side,
                    issue,
                    event=ISSUE_UPDATED,
                    dedupe_key=f"{prefix}:{side.value}:{issue.id}:{updated}",
                )
        created = await self.bulk.copy(sync, config, side, unlinked, prefix) if unlinked else 0
        async with self.database.transaction() as session:
            run = await session.get(SyncRun, run_id)
            assert run is not None
            run.found += len(issues)
            run.queued += queued
            run.created += created

    async def _comment_pass(
        self, sync: Synchronization, config: SyncConfig, since: datetime, run_id: int
    ) -> None:
        """Linked issues touched on either side get their comments compared with the copies."""
        queued = await self.comment_checks.queue(sync, config, since, run_id)
        async with self.database.transaction() as session:
            run = await session.get(SyncRun, run_id)
            assert run is not None
            run.queued += queued

    async def _finish(self, run_id: int, *, error: str | None) -> SyncRun:
        async with self.database.transaction() as session:
            run = await session.get(SyncRun, run_id)
            assert run is not None
            run.status = "failed" if error else "finished"
            run.error = error
            run.finished_at = utcnow()
            return run

    async def reconcile_all(self) -> int:
        """One reconciliation pass over every active synchronization; returns how many."""
        async with self.database.transaction() as session:
            active = await syncs.list_active(session=session)
            due = [(sync.id, sync.reconciled_at or sync.updated_at) for sync in active]
        for sync_id, since in due:
            started = utcnow()
            await self.run(sync_id, RunKind.RECONCILE, since=since)
            async with self.database.transaction() as session:
                sync = await session.get(Synchronization, sync_id)
                if sync is not None:
                    sync.reconciled_at = started
        return len(due)


async def runs(*, session: AsyncSession, sync: Synchronization, limit: int = 20) -> list[SyncRun]:
    query = (
        select(SyncRun)
        .where(SyncRun.synchronization_id == sync.id)
        .order_by(SyncRun.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def progress(*, session: AsyncSession, run: SyncRun) -> dict[str, int]:
    """How the events an initial sync queued are doing, by status."""
    prefix = f"initial:{run.id}:%"
    rows = await session.execute(
        select(Event.status, func.count(Event.id))
        .where(Event.synchronization_id == run.synchronization_id, Event.dedupe_key.like(prefix))
        .group_by(Event.status)
    )
    return {status.value: int(count) for status, count in rows.all()}
