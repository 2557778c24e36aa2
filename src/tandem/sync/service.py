"""Synchronizations: requests, states and the audit log.

The caller owns the transaction; these functions add and flush.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.sync.config.schemas import SyncConfig
from tandem.sync.errors import SyncError
from tandem.sync.models import (
    AuditEntry,
    ConfigKind,
    Configuration,
    Side,
    Synchronization,
    SyncState,
)
from tandem.tenants.models import Tenant


@dataclass(frozen=True)
class ProjectSide:
    """One side of a new synchronization: a project on a tenant."""

    tenant: Tenant
    project_id: str
    project_key: str
    project_type: str


# action -> (states it is allowed from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[SyncState], SyncState]] = {
    "accept": (frozenset({SyncState.REQUESTED}), SyncState.ACCEPTED),
    "reject": (frozenset({SyncState.REQUESTED}), SyncState.REJECTED),
    "start": (frozenset({SyncState.ACCEPTED, SyncState.PAUSED}), SyncState.ACTIVE),
    "pause": (frozenset({SyncState.ACTIVE}), SyncState.PAUSED),
    "delete": (frozenset(set(SyncState) - {SyncState.DELETED}), SyncState.DELETED),
}
# Which side's admins may take each action: a request is accepted by the second project.
ACTION_SIDES: dict[str, frozenset[Side]] = {
    "accept": frozenset({Side.SECOND}),
    "reject": frozenset({Side.SECOND}),
    "start": frozenset(Side),
    "pause": frozenset(Side),
    "delete": frozenset(Side),
}


async def request(
    *,
    session: AsyncSession,
    name: str,
    first: ProjectSide,
    second: ProjectSide,
    requested_by: str,
) -> Synchronization:
    """A new synchronization in state ``requested``, with an empty draft."""
    if (first.tenant.id, first.project_id) == (second.tenant.id, second.project_id):
        raise SyncError("a project cannot be synchronized with itself", status=400)
    sync = Synchronization(
        name=name.strip(),
        state=SyncState.REQUESTED,
        first_tenant=first.tenant,
        first_project_id=first.project_id,
        first_project_key=first.project_key,
        first_project_type=first.project_type,
        second_tenant=second.tenant,
        second_project_id=second.project_id,
        second_project_key=second.project_key,
        second_project_type=second.project_type,
        requested_by=requested_by,
    )
    session.add(sync)
    await session.flush()
    session.add(
        Configuration(
            synchronization_id=sync.id,
            kind=ConfigKind.DRAFT,
            document=SyncConfig().model_dump(mode="json"),
            updated_by=requested_by,
        )
    )
    await audit(session=session, sync=sync, account_id=requested_by, action="requested")
    return sync


async def get(*, session: AsyncSession, sync_id: int) -> Synchronization | None:
    sync = await session.get(Synchronization, sync_id)
    return None if sync is None or sync.state is SyncState.DELETED else sync


async def list_for_project(
    *, session: AsyncSession, tenant_id: int, project_id: str
) -> list[Synchronization]:
    """Synchronizations either side of which is this project, newest first."""
    query = (
        select(Synchronization)
        .where(
            or_(
                (Synchronization.first_tenant_id == tenant_id)
                & (Synchronization.first_project_id == project_id),
                (Synchronization.second_tenant_id == tenant_id)
                & (Synchronization.second_project_id == project_id),
            ),
            Synchronization.state != SyncState.DELETED,
        )
        .order_by(Synchronization.id.desc())
    )
    return list((await session.scalars(query)).all())


async def receiving_for_project(
    *, session: AsyncSession, tenant_id: int, project_id: str
) -> list[Synchronization]:
    """Synchronizations that keep this project's events: active ones, and paused ones (their
    events wait in the queue until they are started again)."""
    syncs = await list_for_project(session=session, tenant_id=tenant_id, project_id=project_id)
    return [sync for sync in syncs if sync.state in (SyncState.ACTIVE, SyncState.PAUSED)]


async def list_active(*, session: AsyncSession) -> list[Synchronization]:
    query = select(Synchronization).where(Synchronization.state == SyncState.ACTIVE)
    return list((await session.scalars(query)).all())


async def is_published(*, session: AsyncSession, sync: Synchronization) -> bool:
    """Whether a configuration has been published (a synchronization can only start then)."""
    published = select(Configuration.id).where(
        Configuration.synchronization_id == sync.id, Configuration.kind == ConfigKind.PUBLISHED
    )
    return await session.scalar(published) is not None


async def transition(
    *, session: AsyncSession, sync: Synchronization, action: str, account_id: str | None
) -> Synchronization:
    """Apply ``action`` (accept, reject, start, pause, delete) if the state allows it."""
    allowed_from, target = TRANSITIONS[action]
    if sync.state not in allowed_from:
        raise SyncError(f"cannot {action} a synchronization that is {sync.state.value}")
    if action == "start" and not await is_published(session=session, sync=sync):
        raise SyncError("publish the draft before starting the synchronization")
    sync.state = target
    if action == "accept":
        sync.accepted_by = account_id
    await audit(session=session, sync=sync, account_id=account_id, action=action)
    await session.flush()
    return sync


async def pause_for_tenant(*, session: AsyncSession, tenant: Tenant) -> int:
    """Pause every active synchronization of an uninstalled tenant; returns how many."""
    query = select(Synchronization).where(
        or_(
            Synchronization.first_tenant_id == tenant.id,
            Synchronization.second_tenant_id == tenant.id,
        ),
        Synchronization.state == SyncState.ACTIVE,
    )
    paused = 0
    for sync in (await session.scalars(query)).all():
        sync.state = SyncState.PAUSED
        await audit(
            session=session,
            sync=sync,
            account_id=None,
            action="pause",
            detail=f"Tandem was uninstalled from {tenant.base_url}",
        )
        paused += 1
    await session.flush()
    return paused


async def audit(
    *,
    session: AsyncSession,
    sync: Synchronization,
    account_id: str | None,
    action: str,
    detail: str = "",
) -> None:
    session.add(
        AuditEntry(synchronization_id=sync.id, account_id=account_id, action=action, detail=detail)
    )


async def audit_log(
    *, session: AsyncSession, sync: Synchronization, limit: int = 100
) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.synchronization_id == sync.id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())
