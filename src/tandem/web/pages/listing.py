"""The project's synchronizations: one row each, with what can be done from this side."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tandem.sync.config.schemas import SyncOut, SyncSideOut
from tandem.sync.models import Side, SyncState
from tandem.usecases import synchronizations as usecase
from tandem.web.pages.errors import PageRoute
from tandem.web.pages.page import PageDep
from tandem.web.pages.render import render

router = APIRouter(route_class=PageRoute)

STATE_LABELS = {
    SyncState.REQUESTED.value: "Requested",
    SyncState.ACCEPTED.value: "Accepted, not started",
    SyncState.REJECTED.value: "Rejected",
    SyncState.ACTIVE.value: "Active",
    SyncState.PAUSED.value: "Paused",
}


@dataclass(frozen=True)
class Action:
    """A link to a page, or a button posting ``action`` to the synchronization."""

    label: str
    page: str | None = None
    action: str | None = None


def actions(sync: SyncOut) -> list[Action]:
    """What an admin of this side may do with the synchronization in its state (starting
    needs a published configuration)."""
    state = SyncState(sync.state)
    found: list[Action] = []
    if state in (SyncState.REQUESTED, SyncState.REJECTED):
        found.append(Action("View request", page="request"))
    if state is SyncState.REQUESTED and sync.my_side is Side.SECOND:
        found += [Action("Accept", action="accept"), Action("Reject", action="reject")]
    if state in (SyncState.ACCEPTED, SyncState.ACTIVE, SyncState.PAUSED):
        found.append(Action("Configure", page="configure"))
    if state in (SyncState.ACCEPTED, SyncState.PAUSED) and sync.published:
        found.append(Action("Start", action="start"))
    if state is SyncState.ACTIVE:
        found.append(Action("Pause", action="pause"))
    if state in (SyncState.ACCEPTED, SyncState.ACTIVE, SyncState.PAUSED):
        found.append(Action("Monitor", page="monitor"))
    found.append(Action("Delete", page="delete"))
    return found


def other_side(sync: SyncOut) -> SyncSideOut:
    return sync.second if sync.my_side is Side.FIRST else sync.first


@router.get("/ui/syncs", response_class=HTMLResponse)
async def list_page(page: PageDep) -> HTMLResponse:
    """The synchronizations of the project, newest first."""
    rows = await usecase.list_syncs(db=page.db, caller=page.caller)
    context = {
        "rows": [(row, actions(row)) for row in rows],
        "other_side": other_side,
        "state_labels": STATE_LABELS,
        "home": True,
    }
    return render(page, "syncs.html", context)
