"""The JSON API under /api: what the admin UI (and scripts) use to manage synchronizations.

Every route needs a session token of a project admin; a synchronization is visible only from
the two projects it links (anything else answers 404).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Response
from fastapi.responses import JSONResponse

from tandem.deps import Caller, CallerDep, ServicesDep
from tandem.services import Services
from tandem.sync import flows
from tandem.sync import service as syncs
from tandem.sync.config import drafts, metadata
from tandem.sync.config.schemas import (
    AuditOut,
    EventOut,
    FieldMapping,
    InitialSyncIn,
    NewSyncIn,
    PublishOut,
    RetryIn,
    SyncConfig,
    SyncOut,
)
from tandem.sync.engine import runs
from tandem.sync.models import ConfigKind, EventStatus, Side, Synchronization
from tandem.sync.queue import events as queue
from tandem.sync.service import ACTION_SIDES, SyncError

router = APIRouter(prefix="/api", tags=["api"])


MAX_ID = 2**31 - 1  # ids are INTEGER columns: no row has a larger one


async def visible_sync(sync_id: int, caller: CallerDep, services: ServicesDep) -> Synchronization:
    if not 0 < sync_id <= MAX_ID:
        raise SyncError(f"synchronization {sync_id} not found", 404)
    async with services.database.transaction() as session:
        sync = await syncs.get(session=session, sync_id=sync_id)
    if sync is None or sync.side_of(caller.tenant.id, caller.project_id) is None:
        raise SyncError(f"synchronization {sync_id} not found", 404)
    return sync


SyncDep = Annotated[Synchronization, Depends(visible_sync)]


@router.get("/synchronizations")
async def list_synchronizations(caller: CallerDep, services: ServicesDep) -> list[SyncOut]:
    async with services.database.transaction() as session:
        found = await syncs.list_for_project(
            session=session, tenant_id=caller.tenant.id, project_id=caller.project_id
        )
    return [await flows.describe(services, sync, caller) for sync in found]


@router.post("/synchronizations", status_code=201)
async def request_synchronization(
    body: NewSyncIn, caller: CallerDep, services: ServicesDep
) -> SyncOut:
    sync = await flows.request_sync(services, caller, body)
    return await flows.describe(services, sync, caller)


@router.get("/synchronizations/{sync_id}")
async def get_synchronization(sync: SyncDep, caller: CallerDep, services: ServicesDep) -> SyncOut:
    return await flows.describe(services, sync, caller)


async def _act(action: str, sync: Synchronization, caller: Caller, services: Services) -> SyncOut:
    side = sync.side_of(caller.tenant.id, caller.project_id)
    if side not in ACTION_SIDES[action]:
        raise SyncError(f"only the {sync.project_key(Side.SECOND)} project can {action} it", 403)
    async with services.database.transaction() as session:
        attached = await session.get(Synchronization, sync.id)
        assert attached is not None
        await syncs.transition(
            session=session, sync=attached, action=action, account_id=caller.account_id
        )
    if action == "start":
        services.wake_worker()
    return await flows.describe(services, attached, caller)


@router.delete("/synchronizations/{sync_id}", status_code=204)
async def delete_synchronization(
    sync: SyncDep, caller: CallerDep, services: ServicesDep
) -> Response:
    await _act("delete", sync, caller, services)
    return Response(status_code=204)


def _etag(revision: int) -> str:
    return f'"{revision}"'


def _if_match(header: str | None) -> int | None:
    """The draft revision an ``If-Match`` header names (``"7"``, ``W/"7"``), or None."""
    if header is None:
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise SyncError('If-Match must be the ETag of the draft (its revision, e.g. "7")', 400)
    return int(tag)


@router.get("/synchronizations/{sync_id}/draft")
async def get_draft(sync: SyncDep, services: ServicesDep, response: Response) -> SyncConfig:
    """The draft; its ETag is its revision, to send back as If-Match when replacing it."""
    async with services.database.transaction() as session:
        response.headers["ETag"] = _etag(await drafts.draft_revision(session=session, sync=sync))
        return await drafts.draft(session=session, sync=sync)


@router.put("/synchronizations/{sync_id}/draft")
async def replace_draft(
    config: SyncConfig,
    sync: SyncDep,
    caller: CallerDep,
    services: ServicesDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> SyncConfig:
    """Replace the draft; with If-Match, only if it is still that revision (412 otherwise)."""
    async with services.database.transaction() as session:
        try:
            revision = await drafts.replace_draft(
                session=session,
                sync=sync,
                config=config,
                account_id=caller.account_id,
                expected_revision=_if_match(if_match),
            )
        except drafts.DraftChanged as exc:
            raise drafts.DraftChanged(exc.row, status=412) from exc
    response.headers["ETag"] = _etag(revision)
    return config


@router.get("/synchronizations/{sync_id}/published")
async def get_published(sync: SyncDep, services: ServicesDep) -> SyncConfig | None:
    async with services.database.transaction() as session:
        return await drafts.configuration(session=session, sync=sync, kind=ConfigKind.PUBLISHED)


@router.post("/synchronizations/{sync_id}/publish", response_model=PublishOut)
async def publish(sync: SyncDep, caller: CallerDep, services: ServicesDep) -> Any:
    result = await flows.publish(services, caller, sync)
    if not result.published:
        return JSONResponse(result.model_dump(mode="json"), status_code=422)
    return result


@router.get("/synchronizations/{sync_id}/metadata")
async def project_metadata(
    sync: SyncDep, caller: CallerDep, services: ServicesDep
) -> dict[str, Any]:
    """Both projects once the request is accepted; before that only the caller's own."""
    meta = await flows.visible_metadata(services, sync, caller)
    return {side.value: found.model_dump(mode="json") for side, found in meta.items()}


@router.get("/synchronizations/{sync_id}/suggestions")
async def suggestions(sync: SyncDep, services: ServicesDep) -> list[FieldMapping]:
    meta = await flows.project_metadata(services, sync)
    return metadata.suggestions(meta[Side.FIRST], meta[Side.SECOND])


@router.get("/synchronizations/{sync_id}/events")
async def list_events(
    sync: SyncDep, services: ServicesDep, status: EventStatus | None = None, limit: int = 100
) -> list[EventOut]:
    async with services.database.transaction() as session:
        events = await queue.list_events(
            session=session, sync=sync, status=status, limit=min(max(limit, 1), 500)
        )
    return [
        EventOut(
            id=e.id,
            side=e.side,
            webhook_event=e.webhook_event,
            issue_key=e.issue_key,
            comment_id=e.comment_id,
            status=e.status.value,
            reason=e.reason,
            attempts=e.attempts,
            last_error=e.last_error,
            created_at=e.created_at.isoformat(),
            next_attempt_at=e.next_attempt_at.isoformat()
            if e.status is EventStatus.PENDING
            else None,
        )
        for e in events
    ]


@router.post("/synchronizations/{sync_id}/events/retry")
async def retry_events(
    body: RetryIn, sync: SyncDep, caller: CallerDep, services: ServicesDep
) -> dict[str, int]:
    async with services.database.transaction() as session:
        count = await queue.retry_failed(session=session, sync=sync, event_ids=body.event_ids)
        await syncs.audit(
            session=session,
            sync=sync,
            account_id=caller.account_id,
            action="retry",
            detail=f"{count} failed event(s) queued again",
        )
    services.wake_worker()
    return {"retried": count}


@router.get("/synchronizations/{sync_id}/audit")
async def audit_log(sync: SyncDep, services: ServicesDep) -> list[AuditOut]:
    async with services.database.transaction() as session:
        entries = await syncs.audit_log(session=session, sync=sync)
    return [
        AuditOut(account_id=e.account_id, action=e.action, detail=e.detail, at=e.at.isoformat())
        for e in entries
    ]


@router.post("/synchronizations/{sync_id}/initial-sync", status_code=202)
async def initial_sync(
    body: InitialSyncIn, sync: SyncDep, caller: CallerDep, services: ServicesDep
) -> dict[str, str]:
    """Copies the existing issues of the caller's own project (narrowed by ``jql``)."""
    side = await flows.start_initial_sync(services, caller, sync, body.jql)
    return {"status": "started", "side": side.value, "project": sync.project_key(side)}


@router.get("/synchronizations/{sync_id}/runs")
async def list_runs(sync: SyncDep, services: ServicesDep) -> list[dict[str, Any]]:
    async with services.database.transaction() as session:
        found = await runs.runs(session=session, sync=sync)
        return [
            {
                "id": run.id,
                "kind": run.kind.value,
                "status": run.status,
                "jql": run.jql,
                "found": run.found,
                "queued": run.queued,
                "created": run.created,
                "error": run.error,
                "events": await runs.progress(session=session, run=run),
                "started_at": run.created_at.isoformat(),
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            }
            for run in found
        ]


# Last, so that the routes above (publish, initial-sync...) are matched first.
@router.post("/synchronizations/{sync_id}/{action}")
async def act(action: str, sync: SyncDep, caller: CallerDep, services: ServicesDep) -> SyncOut:
    if action not in ("accept", "reject", "start", "pause"):
        raise SyncError(f"unknown action {action!r}", 404)
    return await _act(action, sync, caller, services)
