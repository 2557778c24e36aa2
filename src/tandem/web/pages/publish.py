"""Publish Draft: what publishing changes, the validation report, then the published revision."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tandem.sync.config import sections
from tandem.usecases import configuration as usecase
from tandem.web.pages.configure import configuring, render_config
from tandem.web.pages.errors import PageRoute
from tandem.web.pages.page import FormPageDep, PageDep
from tandem.web.pages.render import redirect

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
    result = await usecase.publish(db=page.db, jira=page.jira, sync=sync, caller=page.caller)
    if not result.published:
        config = await configuring(page, sync_id)
        changes = sections.describe_changes(config.published, config.draft)
        context = {"changes": changes, "tab": None, "refused": True}
        return render_config(page, config, "publish.html", context, status=422)
    return redirect(
        page, f"/ui/syncs/{sync_id}/configure", notice="published", n=result.revision or 0
    )
