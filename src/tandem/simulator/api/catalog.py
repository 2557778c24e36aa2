"""Platform v3 site catalogues: projects, issue types, priorities, statuses, resolutions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import represent
from ..defaults import RESOLUTIONS
from ..errors import not_found
from ..permissions import has
from .deps import SITE_PREFIX, ActorDep, SiteDep, ok, values

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3")


@router.get("/project")
async def get_projects(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    """Every project the caller may browse (the unpaginated list Jira still serves)."""
    full = bool({"description", "lead", "issueTypes"} & set(values(request, "expand")))
    projects = [
        p
        for p in sorted(site.state.projects, key=lambda p: p.key)
        if has(site, p, actor.user, "BROWSE_PROJECTS")
    ]
    return ok([represent.project(site, p, viewer=actor.user, full=full) for p in projects])


@router.get("/issuetype")
async def get_issue_types(site: SiteDep, actor: ActorDep) -> JSONResponse:
    return ok([represent.issue_type(site, kind) for kind in site.state.issue_types])


@router.get("/issuetype/{id}")
async def get_issue_type(id: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    kind = site.issue_type(id)
    if kind is None:
        raise not_found(f"The issue type with id '{id}' does not exist.")
    return ok(represent.issue_type(site, kind))


@router.get("/priority")
async def get_priorities(site: SiteDep, actor: ActorDep) -> JSONResponse:
    return ok([represent.priority(site, level) for level in site.state.priorities])


@router.get("/priority/{id}")
async def get_priority(id: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    level = site.priority(id)
    if level is None or level.id != id:
        raise not_found(f"The priority with id '{id}' does not exist.")
    return ok(represent.priority(site, level))


@router.get("/status")
async def get_statuses(site: SiteDep, actor: ActorDep) -> JSONResponse:
    return ok([represent.status(site, state) for state in site.state.statuses])


@router.get("/status/{idOrName}")
async def get_status(idOrName: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    wanted = idOrName.lower()
    state = next(
        (s for s in site.state.statuses if wanted in (s.id, s.name.lower())),
        None,
    )
    if state is None:
        raise not_found(f"The status with id or name '{idOrName}' does not exist.")
    return ok(represent.status(site, state))


@router.get("/resolution")
async def get_resolutions(site: SiteDep, actor: ActorDep) -> JSONResponse:
    return ok([represent.resolution(site, dict(r)) for r in RESOLUTIONS])


@router.get("/resolution/{id}")
async def get_resolution(id: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    found = next((r for r in RESOLUTIONS if r["id"] == id), None)
    if found is None:
        raise not_found(f"The resolution with id '{id}' does not exist.")
    return ok(represent.resolution(site, dict(found)))
