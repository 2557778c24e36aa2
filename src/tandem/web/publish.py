"""Publish Draft: what publishing changes, the validation report, then the published revision."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tandem.sync import flows
from tandem.sync.config import sections
from tandem.web.configure import configuring, render_config
from tandem.web.errors import PageRoute
from tandem.web.page import FormPageDep, PageDep
from tandem.web.render import redirect

router = APIRouter(route_class=PageRoute)


@router.get("/ui/syncs/{sync_id:int}/publish", response_class=HTMLResponse)
async def review(sync_id: int, page: PageDep) -> HTMLResponse:
    config = await configuring(page, sync_id)
    changes = sections.describe_changes(config.published, config.draft)
    return render_config(page, config, "publish.html", {"changes": changes, "tab": None})


@router.post("/ui/syncs/{sync_id:int}/publish", response_class=HTMLResponse)
async def publish(sync_id: int, page: FormPageDep) -> Response:
    """Publish if the draft passes every check against both projects; else show what fails."""
    sync = await page.sync(sync_id)
    result = await flows.publish(page.services, page.caller, sync)
    if not result.published:
        config = await configuring(page, sync_id)
        changes = sections.describe_changes(config.published, config.draft)
        context = {"changes": changes, "tab": None, "refused": True}
        return render_config(page, config, "publish.html", context, status=422)
    return redirect(
        page, f"/ui/syncs/{sync_id}/configure", notice="published", n=result.revision or 0
    )
