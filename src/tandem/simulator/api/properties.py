"""Issue entity properties."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import issues
from ..errors import not_found
from .deps import SITE_PREFIX, ActorDep, SiteDep, json_body, no_content, ok

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3/issue/{issueIdOrKey}/properties")


@router.get("")
async def get_property_keys(issueIdOrKey: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    base = f"/rest/api/3/issue/{issue.id}/properties/"
    keys = [{"key": key, "self": site.url(base + quote(key))} for key in issue.properties]
    return ok({"keys": keys})


@router.get("/{propertyKey}")
async def get_property(
    issueIdOrKey: str, propertyKey: str, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    if propertyKey not in issue.properties:
        raise not_found(f"The property with key '{propertyKey}' does not exist.")
    return ok({"key": propertyKey, "value": issue.properties[propertyKey]})


@router.put("/{propertyKey}")
async def set_property(
    issueIdOrKey: str, propertyKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> Response:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    value = await json_body(request)
    created = issues.set_property(site, actor.user, issue, propertyKey, value)
    return Response(status_code=201 if created else 200)


@router.delete("/{propertyKey}")
async def delete_property(
    issueIdOrKey: str, propertyKey: str, site: SiteDep, actor: ActorDep
) -> Response:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    issues.delete_property(site, actor.user, issue, propertyKey)
    return no_content()
