"""Who is acting: a verified Jira user administering one project, and what they may see."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.store.db import Database
from tandem.sync import service as syncs
from tandem.sync.config.schemas import MAX_ID
from tandem.sync.errors import SyncError
from tandem.sync.models import Side, Synchronization
from tandem.tenants.models import Tenant


@dataclass(frozen=True)
class Caller:
    """A Jira user acting on one project, verified, and an admin of that project."""

    tenant: Tenant
    account_id: str
    project_id: str
    project_key: str


def not_found(sync_id: int) -> SyncError:
    return SyncError(f"synchronization {sync_id} not found", 404)


async def visible_sync(*, db: Database, caller: Caller, sync_id: int) -> Synchronization:
    """A synchronization of the caller's project (either side); any other answers 404, so that
    nobody learns of synchronizations they are not part of."""
    if not 0 < sync_id <= MAX_ID:
        raise not_found(sync_id)
    async with db.transaction() as session:
        sync = await syncs.get(session=session, sync_id=sync_id)
    if sync is None or sync.side_of(caller.tenant.id, caller.project_id) is None:
        raise not_found(sync_id)
    return sync


def own_side(sync: Synchronization, caller: Caller) -> Side:
    """The side of ``sync`` the caller administers."""
    side = sync.side_of(caller.tenant.id, caller.project_id)
    if side is None:
        raise not_found(sync.id)
    return side
