"""Platform v3 project components and versions: the project's lists, and creating one.

Listing needs Browse Projects; creating needs Administer Projects (or Administer Jira).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import represent
from ..errors import bad_request, forbidden
from ..models import Component, Project, User, Version
from ..permissions import global_permissions, has
from ..site import Site
from .deps import SITE_PREFIX, ActorDep, SiteDep, json_body, ok
from .meta import browsable_project

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3")


@router.get("/project/{projectIdOrKey}/components")
async def get_components(projectIdOrKey: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    project = browsable_project(site, actor.user, projectIdOrKey)
    found = [c for c in site.state.components if c.project_id == project.id]
    return ok([_component(site, project, c, actor.user) for c in found])


@router.get("/project/{projectIdOrKey}/versions")
async def get_versions(projectIdOrKey: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    project = browsable_project(site, actor.user, projectIdOrKey)
    found = [v for v in site.state.versions if v.project_id == project.id]
    return ok([_version(site, v) for v in found])


@router.post("/component")
async def create_component(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    """Body: ``name``, ``project`` (key), optional ``description`` and ``leadAccountId``."""
    body = await _object(request, "ProjectComponent")
    project = _administered_project(site, actor.user, body.get("project"))
    name = _name(body)
    if any(c.project_id == project.id and c.name == name for c in site.state.components):
        raise bad_request(f"A component with the name {name} already exists in this project.")
    lead = body.get("leadAccountId")
    component = Component(
        id=site.allocate_object_id(),
        project_id=project.id,
        name=name,
        description=str(body.get("description") or ""),
        lead_account_id=str(lead) if lead and site.user(str(lead)) else None,
    )
    site.state.components.append(component)
    return ok(_component(site, project, component, actor.user), 201)


@router.post("/version")
async def create_version(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    """Body: ``name``, ``projectId`` (or ``project`` key), optional ``description``,
    ``startDate``, ``releaseDate`` (yyyy-MM-dd), ``released``, ``archived``."""
    body = await _object(request, "Version")
    project = _administered_project(site, actor.user, body.get("projectId") or body.get("project"))
    name = _name(body)
    if any(v.project_id == project.id and v.name == name for v in site.state.versions):
        raise bad_request("A version with this name already exists in this project.")
    version = Version(
        id=site.allocate_object_id(),
        project_id=project.id,
        name=name,
        description=str(body.get("description") or ""),
        archived=bool(body.get("archived", False)),
        released=bool(body.get("released", False)),
        start_date=body.get("startDate"),
        release_date=body.get("releaseDate"),
    )
    site.state.versions.append(version)
    return ok(_version(site, version), 201)


async def _object(request: Request, bean: str) -> dict[str, Any]:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request(f"Can not deserialize instance of {bean}")
    return body


def _name(body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("The name is required.")
    return name.strip()


def _administered_project(site: Site, user: User, reference: Any) -> Project:
    if reference is None:
        raise bad_request("The project is required.")
    project = browsable_project(site, user, str(reference))
    admin = "ADMINISTER" in global_permissions(site, user)
    if not admin and not has(site, project, user, "ADMINISTER_PROJECTS"):
        raise forbidden("You do not have permission to administer this project.")
    return project


def _component(site: Site, project: Project, component: Component, viewer: User) -> Any:
    body: dict[str, Any] = {
        "self": site.url(f"/rest/api/3/component/{component.id}"),
        "id": component.id,
        "name": component.name,
        "description": component.description,
        "project": project.key,
        "projectId": int(project.id),
        "assigneeType": "PROJECT_DEFAULT",
        "realAssigneeType": "PROJECT_DEFAULT",
        "isAssigneeTypeValid": False,
    }
    lead = represent.user_or_none(site, component.lead_account_id, viewer)
    if lead is not None:
        body["lead"] = lead  # leadAccountId is write-only in the spec
    return body


def _version(site: Site, version: Version) -> dict[str, Any]:
    body: dict[str, Any] = {
        "self": site.url(f"/rest/api/3/version/{version.id}"),
        "id": version.id,
        "name": version.name,
        "description": version.description,
        "archived": version.archived,
        "released": version.released,
        "projectId": int(version.project_id),
    }
    if version.start_date:
        body["startDate"] = version.start_date
    if version.release_date:
        body["releaseDate"] = version.release_date
    return body
