"""Synchronizations between two projects: listing, requesting, and the state changes (accept,
reject, start, pause, delete)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from tandem.jira.errors import JiraNotFound
from tandem.jira.pool import ClientPool
from tandem.jira.schemas import Project
from tandem.store.db import Database
from tandem.sync import service as syncs
from tandem.sync.config.schemas import NewSyncIn, SyncOut, SyncSideOut
from tandem.sync.errors import SyncError
from tandem.sync.models import (
    Event,
    IssueLink,
    Side,
    Synchronization,
)
from tandem.sync.queue import events as queue
from tandem.sync.service import ACTION_SIDES, ProjectSide
from tandem.tenants import service as tenants
from tandem.tenants.models import Tenant
from tandem.usecases.caller import Caller

BROWSE_PROJECTS = "BROWSE_PROJECTS"
PERMISSION_CHUNK = 100  # projects asked about in one permissions/check


async def list_syncs(*, db: Database, caller: Caller) -> list[SyncOut]:
    """The synchronizations of the caller's project, newest first."""
    async with db.transaction() as session:
        found = await syncs.list_for_project(
            session=session, tenant_id=caller.tenant.id, project_id=caller.project_id
        )
    return [await describe(db=db, sync=sync, caller=caller) for sync in found]


async def describe(*, db: Database, sync: Synchronization, caller: Caller) -> SyncOut:
    """A synchronization as the caller's side sees it, with its counts."""
    async with db.transaction() as session:
        linked = await session.scalar(
            select(func.count(IssueLink.id)).where(IssueLink.synchronization_id == sync.id)
        )
        counts = await queue.counts(session=session, sync=sync)
        last = await session.scalar(
            select(func.max(Event.created_at)).where(Event.synchronization_id == sync.id)
        )
        published = await syncs.is_published(session=session, sync=sync)
    return SyncOut(
        id=sync.id,
        name=sync.name,
        state=sync.state.value,
        first=_side_out(sync, Side.FIRST),
        second=_side_out(sync, Side.SECOND),
        my_side=sync.side_of(caller.tenant.id, caller.project_id) or Side.FIRST,
        requested_by=sync.requested_by,
        accepted_by=sync.accepted_by,
        published=published,
        linked_issues=int(linked or 0),
        events=counts,
        last_event_at=last.isoformat() if last else None,
    )


def _side_out(sync: Synchronization, side: Side) -> SyncSideOut:
    tenant = sync.tenant(side)
    return SyncSideOut(
        site=tenant.display_url or tenant.base_url,
        project_id=sync.project_id(side),
        project_key=sync.project_key(side),
        project_type=sync.project_type(side),
    )


async def browsable(
    *, jira: ClientPool[Tenant], tenant: Tenant, account_id: str, project_ids: list[str]
) -> set[str]:
    """Which of ``project_ids`` Jira lets ``account_id`` browse."""
    client = jira.for_tenant(tenant)
    allowed: set[str] = set()
    for start in range(0, len(project_ids), PERMISSION_CHUNK):
        chunk = project_ids[start : start + PERMISSION_CHUNK]
        grants = await client.check_permissions(account_id, [BROWSE_PROJECTS], chunk)
        allowed |= {p for p in chunk if grants.has_project_permission(BROWSE_PROJECTS, p)}
    return allowed


async def site_projects(*, jira: ClientPool[Tenant], caller: Caller) -> list[Project]:
    """The projects of the caller's site that the caller may browse in Jira, by key: the
    choices for the other side of a synchronization within that site."""
    found = await jira.for_tenant(caller.tenant).search_projects()
    allowed = await browsable(
        jira=jira,
        tenant=caller.tenant,
        account_id=caller.account_id,
        project_ids=[p.id for p in found],
    )
    return sorted((p for p in found if p.id in allowed), key=lambda project: project.key)


async def _other_site(db: Database, caller: Caller, site_url: str | None) -> Tenant:
    if not site_url or site_url.rstrip("/") == caller.tenant.base_url:
        return caller.tenant
    async with db.transaction() as session:
        tenant = await tenants.get_by_base_url(session=session, base_url=site_url)
    if tenant is None or not tenant.is_active:
        raise SyncError(f"Tandem is not installed on {site_url}: install it there first", 404)
    return tenant


async def _target_project(
    jira: ClientPool[Tenant], caller: Caller, tenant: Tenant, key: str
) -> Project:
    """The project a request names; on the caller's own site only if they may browse it, and
    "not found" either way, so that a request cannot tell hidden projects from missing ones."""
    refused = SyncError(f"project {key} was not found on that site, or you may not browse it", 404)
    try:
        project = await jira.for_tenant(tenant).get_project(key)
    except JiraNotFound as exc:
        raise refused from exc
    if tenant.id == caller.tenant.id and not await browsable(
        jira=jira, tenant=tenant, account_id=caller.account_id, project_ids=[project.id]
    ):
        raise refused
    return project


async def request_sync(
    *, db: Database, jira: ClientPool[Tenant], caller: Caller, body: NewSyncIn
) -> Synchronization:
    """Send a synchronization request from the caller's project to another project."""
    other_tenant = await _other_site(db, caller, body.site_url)
    other = await _target_project(jira, caller, other_tenant, body.project)
    mine = await jira.for_tenant(caller.tenant).get_project(caller.project_id)
    async with db.transaction() as session:
        return await syncs.request(
            session=session,
            name=body.name,
            first=ProjectSide(
                caller.tenant, mine.id, mine.key, mine.project_type_key or "software"
            ),
            second=ProjectSide(
                other_tenant, other.id, other.key, other.project_type_key or "software"
            ),
            requested_by=caller.account_id,
        )


async def act(
    *,
    db: Database,
    caller: Caller,
    sync: Synchronization,
    action: str,
    wake_worker: Callable[[], None],
) -> Synchronization:
    """Apply ``action`` if the caller's side may: the second project accepts or rejects a
    request; either side starts, pauses or deletes. Starting wakes the worker."""
    if sync.side_of(caller.tenant.id, caller.project_id) not in ACTION_SIDES[action]:
        second = sync.project_key(Side.SECOND)
        raise SyncError(f"only administrators of {second} can {action} this request", 403)
    async with db.transaction() as session:
        attached = await session.get(Synchronization, sync.id)
        assert attached is not None
        await syncs.transition(
            session=session, sync=attached, action=action, account_id=caller.account_id
        )
    if action == "start":
        wake_worker()
    return attached
