"""Synchronization services: requests, states, configuration versions and the audit log.

The caller owns the transaction; these functions add and flush.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.sync.models import (
    AuditEntry,
    ConfigKind,
    Configuration,
    Side,
    Synchronization,
    SyncState,
)
from tandem.sync.schemas import SyncConfig
from tandem.tenants.models import Tenant


class SyncError(Exception):
    """An action that cannot be done; ``status`` is the HTTP status that says why."""

    def __init__(self, reason: str, status: int = 409) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


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


async def transition(
    *, session: AsyncSession, sync: Synchronization, action: str, account_id: str | None
) -> Synchronization:
    """Apply ``action`` (accept, reject, start, pause, delete) if the state allows it."""
    allowed_from, target = TRANSITIONS[action]
    if sync.state not in allowed_from:
        raise SyncError(f"cannot {action} a synchronization that is {sync.state.value}")
    if (
        action == "start"
        and await configuration(session=session, sync=sync, kind=ConfigKind.PUBLISHED) is None
    ):
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


async def _configuration_row(
    session: AsyncSession, sync: Synchronization, kind: ConfigKind
) -> Configuration | None:
    return await session.scalar(
        select(Configuration).where(
            Configuration.synchronization_id == sync.id, Configuration.kind == kind
        )
    )


async def configuration(
    *, session: AsyncSession, sync: Synchronization, kind: ConfigKind
) -> SyncConfig | None:
    row = await _configuration_row(session, sync, kind)
    return None if row is None else SyncConfig.model_validate(row.document)


async def draft(*, session: AsyncSession, sync: Synchronization) -> SyncConfig:
    return await configuration(session=session, sync=sync, kind=ConfigKind.DRAFT) or SyncConfig()


async def _store_version(
    session: AsyncSession,
    sync: Synchronization,
    kind: ConfigKind,
    config: SyncConfig,
    account_id: str | None,
) -> int | None:
    """Write ``config`` as the ``kind`` version (audited); None if it was that already."""
    row = await _configuration_row(session, sync, kind)
    document = config.model_dump(mode="json")
    if row is None:
        row = Configuration(synchronization_id=sync.id, kind=kind, revision=0)
        session.add(row)
    elif row.document == document and kind is ConfigKind.DRAFT:
        return None
    row.document = document
    row.revision += 1
    row.updated_by = account_id
    action = "draft_saved" if kind is ConfigKind.DRAFT else "published"
    detail = f"{kind.value} revision {row.revision}"
    await audit(session=session, sync=sync, account_id=account_id, action=action, detail=detail)
    await session.flush()
    return row.revision


class DraftChanged(SyncError):
    """The draft is no longer the revision an edit was made on."""

    def __init__(self, row: Configuration | None, status: int = 409) -> None:
        self.row = row
        self.revision = row.revision if row is not None else 0
        by = "it is gone"
        if row is not None:
            by = f"by {row.updated_by or 'Tandem'} at {row.updated_at:%Y-%m-%d %H:%M} UTC"
        super().__init__(
            f"the draft was changed since this page was loaded ({by}; now revision "
            f"{self.revision}): reload to see the current draft; nothing was changed",
            status,
        )


async def draft_row(*, session: AsyncSession, sync: Synchronization) -> Configuration | None:
    return await _configuration_row(session, sync, ConfigKind.DRAFT)


async def draft_revision(*, session: AsyncSession, sync: Synchronization) -> int:
    """The draft's revision (0 before there is one): what an edit must be based on."""
    row = await _configuration_row(session, sync, ConfigKind.DRAFT)
    return row.revision if row is not None else 0


async def _hold_revision(session: AsyncSession, sync: Synchronization, expected: int) -> None:
    """Lock the draft row if it is still at ``expected`` (a write that changes nothing, so that
    concurrent edits queue on PostgreSQL and SQLite's write lock); ``DraftChanged`` if not."""
    held = await session.execute(
        update(Configuration)
        .where(
            Configuration.synchronization_id == sync.id,
            Configuration.kind == ConfigKind.DRAFT,
            Configuration.revision == expected,
        )
        .values(revision=Configuration.revision, updated_at=Configuration.updated_at)
        .execution_options(synchronize_session=False)
    )
    if held.rowcount == 1:  # type: ignore[attr-defined]
        return
    row = await _configuration_row(session, sync, ConfigKind.DRAFT)
    if row is None and expected == 0:
        return
    if row is not None:
        await session.refresh(row)
    raise DraftChanged(row)


async def replace_draft(
    *,
    session: AsyncSession,
    sync: Synchronization,
    config: SyncConfig,
    account_id: str | None,
    expected_revision: int | None = None,
) -> int:
    """Store ``config`` as the draft; the published version is untouched. With
    ``expected_revision``, only if the draft is still that revision (``DraftChanged``
    otherwise, and nothing is written). Returns the draft's revision afterwards."""
    if expected_revision is not None:
        await _hold_revision(session, sync, expected_revision)
    await _store_version(session, sync, ConfigKind.DRAFT, config, account_id)
    return await draft_revision(session=session, sync=sync)


async def publish(*, session: AsyncSession, sync: Synchronization, account_id: str | None) -> int:
    """Make the draft the configuration the engine runs; returns the published revision."""
    if sync.state not in (SyncState.ACCEPTED, SyncState.ACTIVE, SyncState.PAUSED):
        raise SyncError(f"cannot publish the configuration of a {sync.state.value} synchronization")
    config = await draft(session=session, sync=sync)
    revision = await _store_version(session, sync, ConfigKind.PUBLISHED, config, account_id)
    assert revision is not None  # a published version is always written
    return revision


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
