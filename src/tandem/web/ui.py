"""The admin UI pages, framed by Jira in the project settings."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tandem.deps import ServicesDep

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(tags=["ui"])


@router.get("/ui/project", response_class=HTMLResponse)
async def project_page(
    request: Request,
    projectKey: str,
    services: ServicesDep,  # noqa: N803 (Jira's name)
) -> HTMLResponse:
    """The project's "Issue Synchronization" tab, loaded with a page-load JWT."""
    async with services.database.transaction() as session:
        context = await services.verifier.verify_tenant_request(session, request)
    return TEMPLATES.TemplateResponse(
        request,
        "project.html",
        {
            "project_key": projectKey,
            "site_url": context.tenant.display_url or context.tenant.base_url,
            "static_url": "/static",
            "all_js_url": f"{context.tenant.base_url}/atlassian-connect/all.js",
        },
    )
