"""Monitor: events and their outcome, retrying failed ones, synchronizing existing issues, and
the audit log of who changed what."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tandem.sync import flows
from tandem.sync import service as syncs
from tandem.sync.config.schemas import InitialSyncIn
from tandem.sync.engine import runs
from tandem.sync.models import EventStatus, Synchronization
from tandem.sync.queue import events as queue
from tandem.sync.service import SyncError
from tandem.sync.views import MAX_ID
from tandem.web.errors import PageRoute
from tandem.web.listing import STATE_LABELS
from tandem.web.page import FormPageDep, Page, PageDep
from tandem.web.people import display_names
from tandem.web.render import redirect, render, sentence

router = APIRouter(route_class=PageRoute)

EVENT_LIMIT = 100
OPEN = (EventStatus.PENDING.value, EventStatus.PROCESSING.value)
JQL_LIMIT = 2000


async def _runs(page: Page, sync: Synchronization) -> list[dict[str, Any]]:
    async with page.services.database.transaction() as session:
        found = await runs.runs(session=session, sync=sync)
        return [
            {"run": run, "events": await runs.progress(session=session, run=run)} for run in found
        ]


async def monitor_page(
    page: Page,
    sync: Synchronization,
    status: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    http_status: int = 200,
) -> HTMLResponse:
    described = await flows.describe(page.services, sync, page.caller)
    chosen = EventStatus(status) if status in set(EventStatus) else None
    async with page.services.database.transaction() as session:
        events = await queue.list_events(
            session=session, sync=sync, status=chosen, limit=EVENT_LIMIT
        )
        audit = await syncs.audit_log(session=session, sync=sync)
    found_runs = await _runs(page, sync)
    busy = any(described.events.get(s) for s in OPEN) or any(
        r["run"].status == "running" for r in found_runs
    )
    context = {
        "sync": described,
        "events": events,
        "status": chosen.value if chosen else "",
        "statuses": [s.value for s in EventStatus],
        "runs": found_runs,
        "audit": audit,
        "people": await display_names(page.services, sync, (e.account_id for e in audit)),
        "busy": busy,
        "state_labels": STATE_LABELS,
        "values": values or {},
        "errors": errors or {},
    }
    return render(page, "monitor.html", context, status=http_status)


@router.get("/ui/syncs/{sync_id:int}/monitor", response_class=HTMLResponse)
async def monitor(sync_id: int, page: PageDep, status: str = "") -> HTMLResponse:
    return await monitor_page(page, await page.sync(sync_id), status)


@router.post("/ui/syncs/{sync_id:int}/events/retry", response_class=HTMLResponse)
async def retry(sync_id: int, page: FormPageDep) -> Response:
    """Queue failed events again: the one posted as ``event``, or all of them."""
    sync = await page.sync(sync_id)
    form = await page.request.form()
    event = str(form.get("event", ""))
    event_ids = [int(event)] if event.isascii() and event.isdigit() else None
    if event_ids and not 0 < event_ids[0] <= MAX_ID:
        event_ids = []  # no event has that id
    async with page.services.database.transaction() as session:
        count = await queue.retry_failed(session=session, sync=sync, event_ids=event_ids)
        await syncs.audit(
            session=session,
            sync=sync,
            account_id=page.caller.account_id,
            action="retry",
            detail=f"{count} failed event(s) queued again",
        )
    page.services.wake_worker()
    return redirect(page, f"/ui/syncs/{sync_id}/monitor", notice="retried", n=count)


@router.post("/ui/syncs/{sync_id:int}/runs", response_class=HTMLResponse)
async def synchronize_existing(sync_id: int, page: FormPageDep) -> Response:
    """Synchronize existing issues (those the JQL finds, or all mapped ones) in the background."""
    sync = await page.sync(sync_id)
    form = await page.request.form()
    jql = str(form.get("jql", "")).strip()
    try:
        body = InitialSyncIn(jql=jql or None)
    except ValidationError:
        errors = {"jql": f"Keep the JQL under {JQL_LIMIT} characters."}
        return await monitor_page(page, sync, values={"jql": jql}, errors=errors, http_status=400)
    try:
        await flows.start_initial_sync(page.services, page.caller, sync, body.jql)
    except SyncError as exc:
        if exc.status != 422:
            raise
        errors = {"jql": sentence(exc.reason)}
        return await monitor_page(page, sync, values={"jql": jql}, errors=errors, http_status=422)
    return redirect(page, f"/ui/syncs/{sync_id}/monitor", notice="run")
