"""Configuration versions of a synchronization: the draft admins edit (with a revision that
guards against lost updates) and the published version the engine runs.

The caller owns the transaction; these functions add and flush.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.sync.config.schemas import SyncConfig
from tandem.sync.errors import DraftChanged, SyncError
from tandem.sync.models import ConfigKind, Configuration, Synchronization, SyncState
from tandem.sync.service import audit


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
