"""Monitor: events and their outcome, retrying failed ones, synchronizing existing issues, and
the audit log of who changed what."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tandem.sync.config.schemas import InitialSyncIn
from tandem.sync.errors import SyncError
from tandem.sync.models import EventStatus, Synchronization
from tandem.usecases import monitoring
from tandem.usecases import synchronizations as usecase
from tandem.web.pages.errors import PageRoute
from tandem.web.pages.listing import STATE_LABELS
from tandem.web.pages.page import FormPageDep, Page, PageDep
from tandem.web.pages.people import display_names
from tandem.web.pages.render import redirect, render, sentence

router = APIRouter(route_class=PageRoute)

EVENT_LIMIT = 100
OPEN = (EventStatus.PENDING.value, EventStatus.PROCESSING.value)
JQL_LIMIT = 2000


async def monitor_page(
    page: Page,
    sync: Synchronization,
    status: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    http_status: int = 200,
) -> HTMLResponse:
    described = await usecase.describe(db=page.db, sync=sync, caller=page.caller)
    chosen = EventStatus(status) if status in set(EventStatus) else None
    events = await monitoring.list_events(db=page.db, sync=sync, status=chosen, limit=EVENT_LIMIT)
    audit = await monitoring.audit_log(db=page.db, sync=sync)
    found_runs = await monitoring.list_runs(db=page.db, sync=sync)
    busy = any(described.events.get(s) for s in OPEN) or any(
        r.run.status == "running" for r in found_runs
    )
    context = {
        "sync": described,
        "events": events,
        "status": chosen.value if chosen else "",
        "statuses": [s.value for s in EventStatus],
        "runs": found_runs,
        "audit": audit,
        "people": await display_names(page.jira, sync, (e.account_id for e in audit)),
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
    count = await monitoring.retry_failed(
        db=page.db,
        sync=sync,
        caller=page.caller,
        event_ids=[int(event)] if event.isascii() and event.isdigit() else None,
        wake_worker=page.services.wake_worker,
    )
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
        await monitoring.start_initial_sync(
            db=page.db,
            runner=page.services.runner,
            background=page.services.background,
            sync=sync,
            caller=page.caller,
            jql=body.jql,
        )
    except SyncError as exc:
        if exc.status != 422:
            raise
        errors = {"jql": sentence(exc.reason)}
        return await monitor_page(page, sync, values={"jql": jql}, errors=errors, http_status=422)
    return redirect(page, f"/ui/syncs/{sync_id}/monitor", notice="run")
