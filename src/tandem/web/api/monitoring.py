"""A synchronization at work: events and retries, initial sync runs, the audit log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tandem.sync.config.schemas import AuditOut, EventOut, InitialSyncIn, RetryIn
from tandem.sync.models import Event, EventStatus
from tandem.usecases import monitoring as usecase
from tandem.web.deps import CallerDep, ServicesDep, SyncDep

router = APIRouter()


def _event_out(event: Event) -> EventOut:
    return EventOut(
        id=event.id,
        side=event.side,
        webhook_event=event.webhook_event,
        issue_key=event.issue_key,
        comment_id=event.comment_id,
        status=event.status.value,
        reason=event.reason,
        attempts=event.attempts,
        last_error=event.last_error,
        created_at=event.created_at.isoformat(),
        next_attempt_at=event.next_attempt_at.isoformat()
        if event.status is EventStatus.PENDING
        else None,
    )


@router.get("/synchronizations/{sync_id}/events")
async def list_events(
    sync: SyncDep, services: ServicesDep, status: EventStatus | None = None, limit: int = 100
) -> list[EventOut]:
    found = await usecase.list_events(db=services.database, sync=sync, status=status, limit=limit)
    return [_event_out(event) for event in found]


@router.post("/synchronizations/{sync_id}/events/retry")
async def retry_events(
    body: RetryIn, sync: SyncDep, caller: CallerDep, services: ServicesDep
) -> dict[str, int]:
    count = await usecase.retry_failed(
        db=services.database,
        sync=sync,
        caller=caller,
        event_ids=body.event_ids,
        wake_worker=services.wake_worker,
    )
    return {"retried": count}


@router.get("/synchronizations/{sync_id}/audit")
async def audit_log(sync: SyncDep, services: ServicesDep) -> list[AuditOut]:
    entries = await usecase.audit_log(db=services.database, sync=sync)
    return [
        AuditOut(account_id=e.account_id, action=e.action, detail=e.detail, at=e.at.isoformat())
        for e in entries
    ]


@router.post("/synchronizations/{sync_id}/initial-sync", status_code=202)
async def initial_sync(
    body: InitialSyncIn, sync: SyncDep, caller: CallerDep, services: ServicesDep
) -> dict[str, str]:
    """Copies the existing issues of the caller's own project (narrowed by ``jql``)."""
    side = await usecase.start_initial_sync(
        db=services.database,
        runner=services.runner,
        background=services.background,
        sync=sync,
        caller=caller,
        jql=body.jql,
    )
    return {"status": "started", "side": side.value, "project": sync.project_key(side)}


@router.get("/synchronizations/{sync_id}/runs")
async def list_runs(sync: SyncDep, services: ServicesDep) -> list[dict[str, Any]]:
    return [
        usecase.run_out(run) for run in await usecase.list_runs(db=services.database, sync=sync)
    ]
