"""Multi-step work behind the API: steps that read Jira, then change the database."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from tandem.deps import Caller
from tandem.jira.errors import JiraNotFound
from tandem.jira.schemas import Project
from tandem.services import Services
from tandem.sync import service as syncs
from tandem.sync.config import drafts, metadata, sections
from tandem.sync.config.metadata import ProjectMeta
from tandem.sync.config.schemas import NewSyncIn, PublishOut, SyncOut, SyncSideOut
from tandem.sync.engine.jql import JqlRefused
from tandem.sync.engine.jql import check as check_jql
from tandem.sync.models import ConfigKind, Event, IssueLink, RunKind, Side, Synchronization
from tandem.sync.queue import events as queue
from tandem.sync.service import ProjectSide, SyncError
from tandem.tenants import service as tenants
from tandem.tenants.models import Tenant


async def _other_site(services: Services, caller: Caller, site_url: str | None) -> Tenant:
    if not site_url or site_url.rstrip("/") == caller.tenant.base_url:
        return caller.tenant
    async with services.database.transaction() as session:
        tenant = await tenants.get_by_base_url(session=session, base_url=site_url)
    if tenant is None or not tenant.is_active:
        raise SyncError(f"Tandem is not installed on {site_url}: install it there first", 404)
    return tenant


BROWSE_PROJECTS = "BROWSE_PROJECTS"
PERMISSION_CHUNK = 100  # projects asked about in one permissions/check
NOT_ACCEPTED = ("requested", "rejected")


async def browsable(
    services: Services, tenant: Tenant, account_id: str, project_ids: list[str]
) -> set[str]:
    """Which of ``project_ids`` Jira lets ``account_id`` browse."""
    client = services.clients.for_tenant(tenant)
    allowed: set[str] = set()
    for start in range(0, len(project_ids), PERMISSION_CHUNK):
        chunk = project_ids[start : start + PERMISSION_CHUNK]
        grants = await client.check_permissions(account_id, [BROWSE_PROJECTS], chunk)
        allowed |= {p for p in chunk if grants.has_project_permission(BROWSE_PROJECTS, p)}
    return allowed


async def site_projects(services: Services, caller: Caller) -> list[Project]:
    """The projects of the caller's site that the caller may browse in Jira, by key: the
    choices for the other side of a synchronization within that site."""
    found = await services.clients.for_tenant(caller.tenant).search_projects()
    allowed = await browsable(services, caller.tenant, caller.account_id, [p.id for p in found])
    return sorted((p for p in found if p.id in allowed), key=lambda project: project.key)


async def _target_project(services: Services, caller: Caller, tenant: Tenant, key: str) -> Project:
    """The project a request names; on the caller's own site only if they may browse it, and
    "not found" either way, so that a request cannot tell hidden projects from missing ones."""
    refused = SyncError(f"project {key} was not found on that site, or you may not browse it", 404)
    try:
        project = await services.clients.for_tenant(tenant).get_project(key)
    except JiraNotFound as exc:
        raise refused from exc
    same_site = tenant.id == caller.tenant.id
    if same_site and not await browsable(services, tenant, caller.account_id, [project.id]):
        raise refused
    return project


async def request_sync(services: Services, caller: Caller, body: NewSyncIn) -> Synchronization:
    """Send a synchronization request from the caller's project to another project."""
    other_tenant = await _other_site(services, caller, body.site_url)
    other = await _target_project(services, caller, other_tenant, body.project)
    mine = await services.clients.for_tenant(caller.tenant).get_project(caller.project_id)
    async with services.database.transaction() as session:
        sync = await syncs.request(
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
        return sync


def accepted(sync: Synchronization) -> bool:
    return sync.state.value not in NOT_ACCEPTED


async def _read_meta(services: Services, sync: Synchronization, side: Side) -> ProjectMeta:
    client = services.clients.for_tenant(sync.tenant(side))
    return await metadata.read_project(client, sync.project_id(side))


async def project_metadata(services: Services, sync: Synchronization) -> dict[Side, ProjectMeta]:
    """Both projects' metadata, read from Jira; only once the other side has accepted, since
    until then neither organisation has agreed to show the other its project."""
    if not accepted(sync):
        raise SyncError("the request must be accepted before both projects can be read", 409)
    return {side: await _read_meta(services, sync, side) for side in Side}


async def visible_metadata(
    services: Services, sync: Synchronization, caller: Caller
) -> dict[Side, ProjectMeta]:
    """What the caller may read: both projects once accepted, before that their own only."""
    if accepted(sync):
        return await project_metadata(services, sync)
    side = own_side(sync, caller)
    return {side: await _read_meta(services, sync, side)}


async def publish(services: Services, caller: Caller, sync: Synchronization) -> PublishOut:
    """Check the draft against both projects; publish it if nothing is wrong."""
    meta = await project_metadata(services, sync)
    async with services.database.transaction() as session:
        draft = await drafts.draft(session=session, sync=sync)
        problems = metadata.validate(draft, meta[Side.FIRST], meta[Side.SECOND])
        if problems:
            return PublishOut(published=False, problems=problems)
        before = await drafts.configuration(session=session, sync=sync, kind=ConfigKind.PUBLISHED)
        attached = await session.get(Synchronization, sync.id)
        assert attached is not None
        revision = await drafts.publish(
            session=session, sync=attached, account_id=caller.account_id
        )
        return PublishOut(
            published=True, revision=revision, changes=sections.describe_changes(before, draft)
        )


async def describe(services: Services, sync: Synchronization, caller: Caller) -> SyncOut:
    async with services.database.transaction() as session:
        linked = await session.scalar(
            select(func.count(IssueLink.id)).where(IssueLink.synchronization_id == sync.id)
        )
        counts = await queue.counts(session=session, sync=sync)
        last = await session.scalar(
            select(func.max(Event.created_at)).where(Event.synchronization_id == sync.id)
        )
    my_side = sync.side_of(caller.tenant.id, caller.project_id) or Side.FIRST
    return SyncOut(
        id=sync.id,
        name=sync.name,
        state=sync.state.value,
        first=_side_out(sync, Side.FIRST),
        second=_side_out(sync, Side.SECOND),
        my_side=my_side,
        requested_by=sync.requested_by,
        accepted_by=sync.accepted_by,
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


def own_side(sync: Synchronization, caller: Caller) -> Side:
    side = sync.side_of(caller.tenant.id, caller.project_id)
    if side is None:
        raise SyncError(f"synchronization {sync.id} not found", 404)
    return side


async def start_initial_sync(
    services: Services, caller: Caller, sync: Synchronization, jql: str | None
) -> Side:
    """Synchronize the existing issues of the caller's own project (the side they administer),
    those the JQL finds among them if given; returns that side. The other organisation's
    issues are theirs to start copying."""
    side = own_side(sync, caller)
    try:
        extra = check_jql(jql) if jql and jql.strip() else None
    except JqlRefused as exc:
        raise SyncError(f"the JQL was refused: {exc.reason}", 422) from exc
    async with services.database.transaction() as session:
        await syncs.audit(
            session=session,
            sync=sync,
            account_id=caller.account_id,
            action="initial_sync",
            detail=f"{sync.project_key(side)}: {extra}" if extra else sync.project_key(side),
        )
    task = asyncio.create_task(services.runner.run(sync.id, RunKind.INITIAL, extra, sides=(side,)))
    services.background(task)
    return side
