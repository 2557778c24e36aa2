"""Multi-step work behind the API: steps that read Jira, then change the database."""

from __future__ import annotations

from sqlalchemy import func, select

from tandem.deps import Caller
from tandem.jira.errors import JiraNotFound
from tandem.jira.schemas import Project
from tandem.services import Services
from tandem.sync import metadata, queue
from tandem.sync import service as syncs
from tandem.sync.metadata import ProjectMeta
from tandem.sync.models import ConfigKind, Event, IssueLink, Side, Synchronization
from tandem.sync.schemas import NewSyncIn, PublishOut, SyncOut, SyncSideOut
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


async def site_projects(services: Services, tenant: Tenant) -> list[Project]:
    """The projects Tandem sees on a site, by key: the choices for the other side of a
    synchronization within that site."""
    found = await services.clients.for_tenant(tenant).search_projects()
    return sorted(found, key=lambda project: project.key)


async def request_sync(services: Services, caller: Caller, body: NewSyncIn) -> Synchronization:
    """Send a synchronization request from the caller's project to another project."""
    other_tenant = await _other_site(services, caller, body.site_url)
    try:
        other = await services.clients.for_tenant(other_tenant).get_project(body.project)
    except JiraNotFound as exc:
        raise SyncError(f"project {body.project} was not found on that site", 404) from exc
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


async def project_metadata(services: Services, sync: Synchronization) -> dict[Side, ProjectMeta]:
    """Both projects' metadata, read from Jira."""
    return {
        side: await metadata.read_project(
            services.clients.for_tenant(sync.tenant(side)), sync.project_id(side)
        )
        for side in Side
    }


async def publish(services: Services, caller: Caller, sync: Synchronization) -> PublishOut:
    """Check the draft against both projects; publish it if nothing is wrong."""
    meta = await project_metadata(services, sync)
    async with services.database.transaction() as session:
        draft = await syncs.draft(session=session, sync=sync)
        problems = metadata.validate(draft, meta[Side.FIRST], meta[Side.SECOND])
        if problems:
            return PublishOut(published=False, problems=problems)
        before = await syncs.configuration(session=session, sync=sync, kind=ConfigKind.PUBLISHED)
        attached = await session.get(Synchronization, sync.id)
        assert attached is not None
        revision = await syncs.publish(session=session, sync=attached, account_id=caller.account_id)
        return PublishOut(
            published=True, revision=revision, changes=syncs.describe_changes(before, draft)
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
