"""Platform v3 create metadata: the legacy ``issue/createmeta`` and its paged successors.

This router is included before the issue routes: ``GET issue/createmeta`` would otherwise be
read as ``GET issue/{issueIdOrKey}`` for an issue named "createmeta".
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import metadata, represent
from ..errors import bad_request, not_found
from ..models import IssueType, Project, User
from ..permissions import has
from ..site import Site
from .deps import SITE_PREFIX, ActorDep, SiteDep, integer, ok, values
from .meta import browsable_project

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3/issue/createmeta")

FIELDS_EXPAND = "projects.issuetypes.fields"


@router.get("")
async def create_meta(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    """Projects the caller may create issues in, filtered by the query; fields when expanded.

    Filters: ``projectIds``, ``projectKeys``, ``issuetypeIds``, ``issuetypeNames`` (each
    repeatable or comma-separated); ``expand=projects.issuetypes.fields`` adds each type's
    create-screen fields keyed by id.
    """
    ids, keys = (
        set(values(request, "projectIds")),
        {k.upper() for k in values(request, "projectKeys")},
    )
    projects = [
        p
        for p in sorted(site.state.projects, key=lambda p: p.key)
        if has(site, p, actor.user, "CREATE_ISSUES")
        and (not (ids or keys) or p.id in ids or p.key in keys)
    ]
    with_fields = FIELDS_EXPAND in values(request, "expand")
    return ok(
        {
            "expand": "projects",
            "projects": [_project(request, site, p, with_fields) for p in projects],
        }
    )


def _project(request: Request, site: Site, project: Project, with_fields: bool) -> dict[str, Any]:
    type_ids = set(values(request, "issuetypeIds"))
    names = {n.lower() for n in values(request, "issuetypeNames")}
    kinds = [
        k
        for k in represent.project_issue_types(site, project)
        if not (type_ids or names) or k.id in type_ids or k.name.lower() in names
    ]
    return {
        "expand": "issuetypes",
        "self": site.url(f"/rest/api/3/project/{project.id}"),
        "id": project.id,
        "key": project.key,
        "name": project.name,
        "avatarUrls": represent.avatar_urls(site, "project", project.id),
        "issuetypes": [_issue_type(site, project, k, with_fields) for k in kinds],
    }


def _issue_type(site: Site, project: Project, kind: IssueType, with_fields: bool) -> dict[str, Any]:
    body = {**represent.issue_type(site, kind), "expand": "fields"}
    if with_fields:
        screen = metadata.screen_fields(site, project.create_screen)
        body["fields"] = {
            f.id: metadata.field_metadata(site, project, kind, f, create=True) for f in screen
        }
    return body


def _creatable_project(site: Site, user: User, reference: str) -> Project:
    project = browsable_project(site, user, reference)
    if not has(site, project, user, "CREATE_ISSUES"):
        raise not_found(f"No project could be found with key '{reference}'.")
    return project


def _page(request: Request, items: list[Any], name: str) -> dict[str, Any]:
    start = max(0, integer(request, "startAt", 0))
    limit = max(1, min(integer(request, "maxResults", 50), 200))
    return {
        name: items[start : start + limit],
        "maxResults": limit,
        "startAt": start,
        "total": len(items),
    }


@router.get("/{projectIdOrKey}/issuetypes")
async def create_meta_issue_types(
    projectIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    project = _creatable_project(site, actor.user, projectIdOrKey)
    kinds = [represent.issue_type(site, t) for t in represent.project_issue_types(site, project)]
    return ok(_page(request, kinds, "issueTypes"))


@router.get("/{projectIdOrKey}/issuetypes/{issueTypeId}")
async def create_meta_fields(
    projectIdOrKey: str, issueTypeId: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    project = _creatable_project(site, actor.user, projectIdOrKey)
    kind = site.issue_type(issueTypeId)
    if kind is None or kind.id not in project.issue_type_ids:
        raise bad_request(f"The issue type with id '{issueTypeId}' does not exist in the project.")
    return ok(_page(request, metadata.create_fields(site, project, kind), "fields"))
