"""New synchronization: with a project of this Jira site, or of another site with Tandem."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tandem.jira.errors import JiraError
from tandem.jira.schemas import Project
from tandem.sync.config.schemas import NewSyncIn
from tandem.sync.errors import SyncError
from tandem.usecases import synchronizations as usecase
from tandem.web.pages.errors import PageRoute
from tandem.web.pages.page import FormPageDep, Page, PageDep
from tandem.web.pages.render import redirect, render, sentence

router = APIRouter(route_class=PageRoute)

MODES = ("local", "remote")
FIELD_NAMES = {"name": "name", "project": "project", "site_url": "site_url"}


def normalize_site_url(text: str) -> str:
    """What people paste for a site (``acme.atlassian.net/``) as a base URL."""
    url = text.strip().rstrip("/")
    if url and "://" not in url:
        url = f"https://{url}"
    return url


def field_of(reason: str) -> str:
    """Which field a refused request is about, so that the message shows next to it."""
    if "not installed" in reason:
        return "site_url"
    return "project"


def validation_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        where = str(error["loc"][0]) if error["loc"] else "form"
        errors.setdefault(FIELD_NAMES.get(where, "form"), _message(where, error["msg"]))
    return errors


def _message(where: str, message: str) -> str:
    if where == "name":
        return "Give the synchronization a name (up to 255 characters)."
    if where == "project":
        return "Choose the project to synchronize with."
    return message


async def _local_projects(page: Page) -> list[Project]:
    found = await usecase.site_projects(jira=page.jira, caller=page.caller)
    return [p for p in found if p.id != page.caller.project_id]


async def _form(
    page: Page, mode: str, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> HTMLResponse:
    context: dict[str, Any] = {"mode": mode, "values": values, "errors": errors}
    if mode == "local":
        context["projects"] = await _local_projects(page)
    return render(page, "new_sync.html", context, status=status)


@router.get("/ui/syncs/new", response_class=HTMLResponse)
async def choose(page: PageDep) -> HTMLResponse:
    return render(page, "new_sync_choose.html")


@router.get("/ui/syncs/new/{mode}", response_class=HTMLResponse)
async def new_form(mode: str, page: PageDep) -> HTMLResponse:
    if mode not in MODES:
        raise SyncError(f"unknown kind of synchronization {mode!r}", 404)
    return await _form(page, mode, {}, {})


@router.post("/ui/syncs/new/{mode}", response_class=HTMLResponse)
async def send_request(mode: str, page: FormPageDep) -> Response:
    """Send Request: the synchronization appears as pending on the other project's page."""
    if mode not in MODES:
        raise SyncError(f"unknown kind of synchronization {mode!r}", 404)
    form = await page.request.form()
    values = {key: str(form.get(key, "")).strip() for key in ("name", "project", "site_url")}
    values["project"] = values["project"].upper()  # Jira project keys are upper case
    site_url = normalize_site_url(values["site_url"]) if mode == "remote" else None
    if mode == "remote" and not site_url:
        errors = {"site_url": "Enter the address of the Jira site."}
        return await _form(page, mode, values, errors, 400)
    try:
        body = NewSyncIn(name=values["name"], project=values["project"], site_url=site_url)
        await usecase.request_sync(db=page.db, jira=page.jira, caller=page.caller, body=body)
    except ValidationError as exc:
        return await _form(page, mode, values, validation_errors(exc), 400)
    except SyncError as exc:
        return await _form(page, mode, values, {field_of(exc.reason): sentence(exc.reason)}, 400)
    except JiraError as exc:
        return await _form(page, mode, values, {"form": f"Jira answered: {exc}"}, 502)
    return redirect(page, "/ui/syncs", notice="requested")
