"""Service desk REST: the caller's requests, participants, customer transitions, status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import servicedesk, servicedesk_parts, servicedesk_views
from .deps import SITE_PREFIX, ActorDep, SiteDep, json_body, no_content, ok, values
from .servicedesk import paged, request_body

router = APIRouter(prefix=SITE_PREFIX + "/rest/servicedeskapi/request")


@router.get("")
async def my_requests(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    """The caller's requests (every request of their desks for agents), newest activity first."""
    params = request.query_params
    filters: dict[str, Any] = {
        "ownership": set(values(request, "requestOwnership")),
        "status": params.get("requestStatus"),
        "desk": params.get("serviceDeskId"),
        "request_type": params.get("requestTypeId"),
        "text": params.get("searchTerm"),
    }
    found = servicedesk_parts.my_requests(site, actor.user, filters)
    return ok(paged(request, [request_body(site, issue) for issue in found]))


@router.get("/{issueIdOrKey}/participant")
async def get_participants(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = servicedesk.request(site, actor.user, issueIdOrKey)
    people = servicedesk_parts.participants(site, issue)
    return ok(paged(request, [servicedesk_views.user(site, u) for u in people]))


@router.post("/{issueIdOrKey}/participant")
async def add_participants(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    return await _change_participants(issueIdOrKey, request, site, actor, add=True)


@router.delete("/{issueIdOrKey}/participant")
async def remove_participants(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    return await _change_participants(issueIdOrKey, request, site, actor, add=False)


async def _change_participants(
    reference: str, request: Request, site: SiteDep, actor: ActorDep, *, add: bool
) -> JSONResponse:
    issue = servicedesk.request(site, actor.user, reference)
    body = await json_body(request)
    people = servicedesk_parts.change_participants(site, actor.user, issue, body, add=add)
    return ok(paged(request, [servicedesk_views.user(site, u) for u in people]))


@router.get("/{issueIdOrKey}/transition")
async def get_transitions(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = servicedesk.request(site, actor.user, issueIdOrKey)
    return ok(paged(request, servicedesk_parts.customer_transitions(site, actor.user, issue)))


@router.post("/{issueIdOrKey}/transition")
async def perform_transition(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> Response:
    issue = servicedesk.request(site, actor.user, issueIdOrKey)
    servicedesk_parts.perform_transition(site, actor.user, issue, await json_body(request))
    return no_content()


@router.get("/{issueIdOrKey}/status")
async def status_history(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = servicedesk.request(site, actor.user, issueIdOrKey)
    return ok(paged(request, servicedesk_parts.status_history(site, issue)))
