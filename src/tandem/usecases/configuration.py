"""A synchronization's configuration: what both projects offer, the draft, publishing."""

from __future__ import annotations

from tandem.jira.pool import ClientPool
from tandem.store.db import Database
from tandem.sync.config import drafts, metadata, sections
from tandem.sync.config.metadata import ProjectMeta
from tandem.sync.config.schemas import FieldMapping, PublishOut, SyncConfig
from tandem.sync.errors import DraftChanged, SyncError
from tandem.sync.models import ConfigKind, Side, Synchronization
from tandem.tenants.models import Tenant
from tandem.usecases.caller import Caller, own_side

NOT_ACCEPTED = ("requested", "rejected")


def accepted(sync: Synchronization) -> bool:
    return sync.state.value not in NOT_ACCEPTED


async def _read_meta(jira: ClientPool[Tenant], sync: Synchronization, side: Side) -> ProjectMeta:
    client = jira.for_tenant(sync.tenant(side))
    return await metadata.read_project(client, sync.project_id(side))


async def project_metadata(
    *, jira: ClientPool[Tenant], sync: Synchronization
) -> dict[Side, ProjectMeta]:
    """Both projects' metadata, read from Jira; only once the other side has accepted, since
    until then neither organisation has agreed to show the other its project."""
    if not accepted(sync):
        raise SyncError("the request must be accepted before both projects can be read", 409)
    return {side: await _read_meta(jira, sync, side) for side in Side}


async def visible_metadata(
    *, jira: ClientPool[Tenant], sync: Synchronization, caller: Caller
) -> dict[Side, ProjectMeta]:
    """What the caller may read: both projects once accepted, before that their own only."""
    if accepted(sync):
        return await project_metadata(jira=jira, sync=sync)
    side = own_side(sync, caller)
    return {side: await _read_meta(jira, sync, side)}


async def suggestions(*, jira: ClientPool[Tenant], sync: Synchronization) -> list[FieldMapping]:
    """Field mappings worth proposing between the two projects."""
    meta = await project_metadata(jira=jira, sync=sync)
    return metadata.suggestions(meta[Side.FIRST], meta[Side.SECOND])


async def read_draft(*, db: Database, sync: Synchronization) -> tuple[SyncConfig, int]:
    """The draft and its revision (what an edit must be based on)."""
    async with db.transaction() as session:
        draft = await drafts.draft(session=session, sync=sync)
        return draft, await drafts.draft_revision(session=session, sync=sync)


async def read_published(*, db: Database, sync: Synchronization) -> SyncConfig | None:
    async with db.transaction() as session:
        return await drafts.configuration(session=session, sync=sync, kind=ConfigKind.PUBLISHED)


async def replace_draft(
    *,
    db: Database,
    sync: Synchronization,
    caller: Caller,
    config: SyncConfig,
    expected_revision: int | None,
) -> int:
    """Store ``config`` as the draft; with ``expected_revision``, only if the draft is still
    that revision (``DraftChanged`` otherwise, nothing written). Returns the new revision."""
    async with db.transaction() as session:
        return await drafts.replace_draft(
            session=session,
            sync=sync,
            config=config,
            account_id=caller.account_id,
            expected_revision=expected_revision,
        )


async def draft_changed(*, db: Database, sync: Synchronization) -> DraftChanged:
    """The refusal of an edit made on an older revision, naming who changed the draft."""
    async with db.transaction() as session:
        return DraftChanged(await drafts.draft_row(session=session, sync=sync))


async def publish(
    *, db: Database, jira: ClientPool[Tenant], sync: Synchronization, caller: Caller
) -> PublishOut:
    """Check the draft against both projects; publish it if nothing is wrong."""
    meta = await project_metadata(jira=jira, sync=sync)
    async with db.transaction() as session:
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
