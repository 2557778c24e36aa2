"""A synchronization's request and state: view and accept or reject it, start, pause, delete."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tandem.usecases import synchronizations as usecase
from tandem.web.pages.errors import PageRoute
from tandem.web.pages.listing import STATE_LABELS
from tandem.web.pages.page import FormPageDep, Page, PageDep
from tandem.web.pages.people import display_names
from tandem.web.pages.render import redirect, render

router = APIRouter(route_class=PageRoute)

POSTED_ACTIONS = ("accept", "reject", "start", "pause")
NOTICES = {"accept": "accepted", "reject": "rejected", "start": "started", "pause": "paused"}
# Where a button sends the admin back to after the change (a fixed list: never a URL).
BACK = {"list": "", "request": "/request", "configure": "/configure", "monitor": "/monitor"}


async def act(page: Page, sync_id: int, action: str) -> None:
    await usecase.act(
        db=page.db,
        caller=page.caller,
        sync=await page.sync(sync_id),
        action=action,
        wake_worker=page.services.wake_worker,
    )


def back_path(sync_id: int, back: str) -> str:
    return f"/ui/syncs/{sync_id}{BACK[back]}" if BACK.get(back) else "/ui/syncs"


@router.get("/ui/syncs/{sync_id:int}/request", response_class=HTMLResponse)
async def view_request(sync_id: int, page: PageDep) -> HTMLResponse:
    sync = await page.sync(sync_id)
    described = await usecase.describe(db=page.db, sync=sync, caller=page.caller)
    people = await display_names(page.jira, sync, (sync.requested_by, sync.accepted_by))
    context = {"sync": described, "people": people, "state_labels": STATE_LABELS}
    return render(page, "request.html", context)


def _state_route(action: str) -> None:
    async def change_state(sync_id: int, page: FormPageDep) -> Response:
        await act(page, sync_id, action)
        form = await page.request.form()
        return redirect(page, back_path(sync_id, str(form.get("back"))), notice=NOTICES[action])

    change_state.__name__ = f"{action}_sync"
    router.add_api_route(
        f"/ui/syncs/{{sync_id:int}}/{action}", change_state, methods=["POST"], name=f"{action}_sync"
    )


for posted in POSTED_ACTIONS:
    _state_route(posted)


@router.get("/ui/syncs/{sync_id:int}/delete", response_class=HTMLResponse)
async def confirm_delete(sync_id: int, page: PageDep) -> HTMLResponse:
    sync = await page.sync(sync_id)
    described = await usecase.describe(db=page.db, sync=sync, caller=page.caller)
    return render(page, "delete.html", {"sync": described, "state_labels": STATE_LABELS})


@router.post("/ui/syncs/{sync_id:int}/delete", response_class=HTMLResponse)
async def delete(sync_id: int, page: FormPageDep) -> Response:
    await act(page, sync_id, "delete")
    return redirect(page, "/ui/syncs", notice="deleted")
