"""The admin UI pages, framed by Jira in the project settings ("Issue Synchronization").

Jira loads ``/ui/project`` with a page-load JWT; that page mints Tandem's session token and
goes on to the synchronization list, which, like every later page, asks Jira whether the user
administers the project before showing anything.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tandem.connect.auth import AuthError
from tandem.usecases.caller import Caller
from tandem.web.deps import ServicesDep
from tandem.web.pages.actions import router as actions_router
from tandem.web.pages.configure import router as configure_router
from tandem.web.pages.draft import router as draft_router
from tandem.web.pages.errors import PageRoute
from tandem.web.pages.listing import router as listing_router
from tandem.web.pages.monitor import router as monitor_router
from tandem.web.pages.newsync import router as newsync_router
from tandem.web.pages.page import Page, session_of
from tandem.web.pages.publish import router as publish_router
from tandem.web.pages.render import all_js_url, render_plain

router = APIRouter(tags=["ui"], route_class=PageRoute)


@router.get("/ui/project", response_class=HTMLResponse)
async def project_page(
    request: Request,
    projectKey: str,  # noqa: N803 (Jira's name)
    projectId: str,  # noqa: N803
    services: ServicesDep,
) -> HTMLResponse:
    """The page Jira frames, loaded with a page-load JWT; it shows nothing but the way in."""
    async with services.database.transaction() as session:
        context = await services.verifier.verify_tenant_request(session, request)
    if not context.account_id:
        raise AuthError("log in to Jira to set up issue synchronization", status=403)
    caller = Caller(
        tenant=context.tenant,
        account_id=context.account_id,
        project_id=projectId,
        project_key=projectKey,
    )
    token = services.sessions.mint(session_of(caller))
    page = Page(request=request, services=services, caller=caller, token=token)
    return render_plain(
        request,
        "project.html",
        {
            "project_key": projectKey,
            "site_url": page.site_url,
            "continue_url": page.url("/ui/syncs"),
            "all_js_url": all_js_url(context.tenant.base_url),
        },
    )


for pages in (
    listing_router,
    newsync_router,
    actions_router,
    configure_router,
    draft_router,
    publish_router,
    monitor_router,
):
    router.include_router(pages)
