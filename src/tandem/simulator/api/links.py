"""Platform v3 issue links and issue link types."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import links
from ..errors import not_found
from .deps import SITE_PREFIX, ActorDep, SiteDep, json_body, no_content, ok

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3")


@router.post("/issueLink")
async def create_link(request: Request, site: SiteDep, actor: ActorDep) -> Response:
    """201 with an empty body, as Jira answers (the link's id is on the issues)."""
    links.create_link(site, actor.user, await json_body(request))
    return Response(status_code=201)


@router.get("/issueLink/{linkId}")
async def get_link(linkId: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    link, inward, outward = links.visible_link(site, actor.user, linkId)
    return ok(links.link_view(site, link, inward, outward, actor.user))


@router.delete("/issueLink/{linkId}")
async def delete_link(linkId: str, site: SiteDep, actor: ActorDep) -> Response:
    links.delete_link(site, actor.user, linkId)
    return no_content()


@router.get("/issueLinkType")
async def get_link_types(site: SiteDep, actor: ActorDep) -> JSONResponse:
    kinds = [links.link_type_view(site, k) for k in site.state.link_types]
    return ok({"issueLinkTypes": kinds})


@router.get("/issueLinkType/{issueLinkTypeId}")
async def get_link_type(issueLinkTypeId: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    kind = next((k for k in site.state.link_types if k.id == issueLinkTypeId), None)
    if kind is None:
        raise not_found(f"No issue link type with id '{issueLinkTypeId}' found.")
    return ok(links.link_type_view(site, kind))
