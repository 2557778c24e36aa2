"""Service desk REST (``/rest/servicedeskapi``): desks, request types, requests, comments."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import servicedesk, servicedesk_views
from ..defaults import REQUEST_TYPE_FIELD_ID
from ..errors import bad_request
from ..models import Issue
from ..permissions import is_agent
from ..site import Site
from .deps import SITE_PREFIX, ActorDep, SiteDep, integer, json_body, ok, values

router = APIRouter(prefix=SITE_PREFIX + "/rest/servicedeskapi")
BUILD_DATE = datetime(2025, 1, 1, tzinfo=UTC)


def paged(request: Request, items: list[dict[str, object]]) -> dict[str, object]:
    start = max(0, integer(request, "start", 0))
    limit = max(1, integer(request, "limit", 50))
    return servicedesk_views.page(
        items[start : start + limit],
        start=start,
        limit=limit,
        total=len(items),
        self_url=str(request.url),
    )


@router.get("/servicedesk")
async def service_desks(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    desks = servicedesk.visible_desks(site, actor.user)
    return ok(paged(request, [servicedesk_views.service_desk(site, p, d) for p, d in desks]))


@router.get("/servicedesk/{serviceDeskId}")
async def service_desk(serviceDeskId: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    project, desk = servicedesk.desk(site, actor.user, serviceDeskId)
    return ok(servicedesk_views.service_desk(site, project, desk))


@router.get("/servicedesk/{serviceDeskId}/requesttype")
async def request_types(
    serviceDeskId: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    _, desk = servicedesk.desk(site, actor.user, serviceDeskId)
    text = request.query_params.get("searchQuery", "").lower()
    kinds = [k for k in desk.request_types if text in k.name.lower()]
    return ok(paged(request, [servicedesk_views.request_type(site, desk, k) for k in kinds]))


@router.get("/servicedesk/{serviceDeskId}/requesttype/{requestTypeId}")
async def request_type(
    serviceDeskId: str, requestTypeId: str, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    found = servicedesk.desk(site, actor.user, serviceDeskId)
    kind = servicedesk.request_type(found, requestTypeId)
    return ok(servicedesk_views.request_type(site, found[1], kind))


@router.get("/servicedesk/{serviceDeskId}/requesttype/{requestTypeId}/field")
async def request_type_fields(
    serviceDeskId: str, requestTypeId: str, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    """The request type's fields, and whether the caller may raise on behalf and add people."""
    found = servicedesk.desk(site, actor.user, serviceDeskId)
    kind = servicedesk.request_type(found, requestTypeId)
    agent = is_agent(site, found[0], actor.user)
    return ok(
        {
            "requestTypeFields": [
                servicedesk_views.request_type_field(site, f) for f in kind.fields
            ],
            "canRaiseOnBehalfOf": agent,
            "canAddRequestParticipants": True,
        }
    )


@router.get("/info")
async def info(site: SiteDep, actor: ActorDep) -> JSONResponse:
    return ok(
        {
            "version": "10.0.0",
            "platformVersion": "1001.0.0",
            "buildDate": servicedesk_views.date(BUILD_DATE),
            "buildChangeSet": "simulated",
            "isLicensedForUse": True,
            "_links": {"self": site.url("/rest/servicedeskapi/info")},
        }
    )


@router.post("/request")
async def create_request(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    issue = servicedesk.create_request(site, actor.user, await json_body(request))
    return ok(request_body(site, issue), 201)


def request_body(site: Site, issue: Issue) -> dict[str, object]:
    found = site.request_type(issue.fields.get(REQUEST_TYPE_FIELD_ID))
    labels = {f.field_id: f.label for f in found[1].fields} if found else {}
    return servicedesk_views.customer_request(site, issue, labels=labels)


@router.get("/request/{issueIdOrKey}")
async def get_request(issueIdOrKey: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    issue = servicedesk.request(site, actor.user, issueIdOrKey)
    return ok(request_body(site, issue))


@router.get("/request/{issueIdOrKey}/comment")
async def request_comments(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = servicedesk.request(site, actor.user, issueIdOrKey)
    public = request.query_params.get("public", "true").lower() != "false"
    internal = request.query_params.get("internal", "true").lower() != "false"
    notes = servicedesk.visible_request_comments(
        site, actor.user, issue, public=public, internal=internal
    )
    expand = set(values(request, "expand"))
    rendered = [servicedesk_views.comment(site, issue, n, expand=expand) for n in notes]
    return ok(paged(request, rendered))


@router.post("/request/{issueIdOrKey}/comment")
async def add_request_comment(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = servicedesk.request(site, actor.user, issueIdOrKey)
    note = servicedesk.add_comment(site, actor.user, issue, await json_body(request))
    return ok(servicedesk_views.comment(site, issue, note, expand=set()), 201)


@router.get("/request/{issueIdOrKey}/comment/{commentId}")
async def request_comment(
    issueIdOrKey: str, commentId: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    if not commentId.isdigit():
        raise bad_request(f"The comment ID '{commentId}' is not a number.")
    issue = servicedesk.request(site, actor.user, issueIdOrKey)
    notes = servicedesk.visible_request_comments(
        site, actor.user, issue, public=True, internal=True
    )
    note = next((n for n in notes if n.id == commentId), None)
    if note is None:
        raise servicedesk.sd_error(404, f"The comment with ID {commentId} does not exist.")
    expand = set(values(request, "expand"))
    return ok(servicedesk_views.comment(site, issue, note, expand=expand))
