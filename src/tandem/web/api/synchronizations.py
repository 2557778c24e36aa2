"""/api/synchronizations: list, request, read, accept, reject, start, pause, delete."""

from __future__ import annotations

from fastapi import APIRouter, Response

from tandem.sync.config.schemas import NewSyncIn, SyncOut
from tandem.sync.errors import SyncError
from tandem.sync.models import Synchronization
from tandem.usecases import synchronizations as usecase
from tandem.usecases.caller import Caller
from tandem.web.deps import CallerDep, ServicesDep, SyncDep

router = APIRouter()

POSTED_ACTIONS = ("accept", "reject", "start", "pause")


@router.get("/synchronizations")
async def list_synchronizations(caller: CallerDep, services: ServicesDep) -> list[SyncOut]:
    return await usecase.list_syncs(db=services.database, caller=caller)


@router.post("/synchronizations", status_code=201)
async def request_synchronization(
    body: NewSyncIn, caller: CallerDep, services: ServicesDep
) -> SyncOut:
    sync = await usecase.request_sync(
        db=services.database, jira=services.clients, caller=caller, body=body
    )
    return await usecase.describe(db=services.database, sync=sync, caller=caller)


@router.get("/synchronizations/{sync_id}")
async def get_synchronization(sync: SyncDep, caller: CallerDep, services: ServicesDep) -> SyncOut:
    return await usecase.describe(db=services.database, sync=sync, caller=caller)


async def _act(
    action: str, sync: Synchronization, caller: Caller, services: ServicesDep
) -> Synchronization:
    return await usecase.act(
        db=services.database,
        caller=caller,
        sync=sync,
        action=action,
        wake_worker=services.wake_worker,
    )


@router.delete("/synchronizations/{sync_id}", status_code=204)
async def delete_synchronization(
    sync: SyncDep, caller: CallerDep, services: ServicesDep
) -> Response:
    await _act("delete", sync, caller, services)
    return Response(status_code=204)


@router.post("/synchronizations/{sync_id}/{action}")
async def act(action: str, sync: SyncDep, caller: CallerDep, services: ServicesDep) -> SyncOut:
    if action not in POSTED_ACTIONS:
        raise SyncError(f"unknown action {action!r}", 404)
    changed = await _act(action, sync, caller, services)
    return await usecase.describe(db=services.database, sync=changed, caller=caller)
