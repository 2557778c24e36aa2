"""Platform v3 comments (ADF bodies) and comment properties."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import comments, issues, notifications, represent
from ..errors import bad_request, not_found
from ..models import Comment, Issue
from ..site import Site
from .deps import (
    SITE_PREFIX,
    ActorDep,
    SiteDep,
    integer,
    json_body,
    no_content,
    notify_users,
    ok,
    values,
)

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3")


@router.get("/issue/{issueIdOrKey}/comment")
async def get_comments(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    notes = represent.visible_comments(site, issue, actor.user)
    order = request.query_params.get("orderBy", "created")
    if order not in ("created", "+created", "-created"):
        raise bad_request(f"Invalid orderBy value '{order}'.")
    if order == "-created":
        notes = list(reversed(notes))
    start = max(0, integer(request, "startAt", 0))
    limit = max(0, min(integer(request, "maxResults", 100), 5000))
    page = notes[start : start + limit]
    expand = values(request, "expand")
    return ok(
        {
            "startAt": start,
            "maxResults": limit,
            "total": len(notes),
            "comments": [
                represent.comment(site, issue, note, viewer=actor.user, expand=expand)
                for note in page
            ],
        }
    )


@router.post("/issue/{issueIdOrKey}/comment")
async def add_comment(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    note = comments.add_platform_comment(site, actor.user, issue, await json_body(request))
    notifications.record(site, issue, "commented", actor.user)
    expand = values(request, "expand")
    return ok(represent.comment(site, issue, note, viewer=actor.user, expand=expand), 201)


@router.get("/issue/{issueIdOrKey}/comment/{id}")
async def get_comment(
    issueIdOrKey: str, id: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    note = comments.visible_comment(site, actor.user, issue, id)
    expand = values(request, "expand")
    return ok(represent.comment(site, issue, note, viewer=actor.user, expand=expand))


@router.put("/issue/{issueIdOrKey}/comment/{id}")
async def update_comment(
    issueIdOrKey: str, id: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    note = comments.visible_comment(site, actor.user, issue, id)
    comments.update_comment(site, actor.user, issue, note, await json_body(request))
    notify = notify_users(request)
    notifications.record(site, issue, "comment_updated", actor.user, notify=notify)
    expand = values(request, "expand")
    return ok(represent.comment(site, issue, note, viewer=actor.user, expand=expand))


@router.delete("/issue/{issueIdOrKey}/comment/{id}")
async def delete_comment(issueIdOrKey: str, id: str, site: SiteDep, actor: ActorDep) -> Response:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    note = comments.visible_comment(site, actor.user, issue, id)
    comments.delete_comment(site, actor.user, issue, note)
    return no_content()


def _comment_anywhere(site: Site, actor: ActorDep, comment_id: str) -> tuple[Issue, Comment]:
    for issue in site.state.issues.values():
        if any(c.id == comment_id for c in issue.comments):
            visible = issues.visible_issue(site, actor.user, issue.id)
            return visible, comments.visible_comment(site, actor.user, visible, comment_id)
    raise not_found(f"Can not find a comment for the id: {comment_id}.")


@router.get("/comment/{commentId}/properties/{propertyKey}")
async def get_comment_property(
    commentId: str, propertyKey: str, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    _, note = _comment_anywhere(site, actor, commentId)
    if propertyKey not in note.properties:
        raise not_found(f"The property with key '{propertyKey}' does not exist.")
    return ok({"key": propertyKey, "value": note.properties[propertyKey]})


@router.put("/comment/{commentId}/properties/{propertyKey}")
async def set_comment_property(
    commentId: str, propertyKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> Response:
    issue, note = _comment_anywhere(site, actor, commentId)
    value = await json_body(request)
    created = comments.set_comment_property(site, actor.user, issue, note, propertyKey, value)
    return Response(status_code=201 if created else 200)
