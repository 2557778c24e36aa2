"""Platform v3 issues: create (one, bulk), get, edit, delete, transitions, edit metadata."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import issues, metadata, notifications, represent
from ..errors import JiraError, bad_request, forbidden
from ..permissions import global_permissions
from .deps import (
    SITE_PREFIX,
    ActorDep,
    SiteDep,
    flag,
    json_body,
    no_content,
    notify_users,
    ok,
    values,
)

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3")

BULK_LIMIT = 50
OVERRIDE_DENIED = (
    "Connect and Forge app users with Administer Jira global permission can override "
    "screen security and the editable flag."
)


def _created(site: SiteDep, issue: Any) -> dict[str, str]:
    return {"id": issue.id, "key": issue.key, "self": site.url(f"/rest/api/3/issue/{issue.id}")}


@router.post("/issue")
async def create_issue(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    issue = issues.create_issue(site, actor.user, await json_body(request))
    return ok(_created(site, issue), 201)


@router.post("/issue/bulk")
async def create_issues(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    body = await json_body(request)
    updates = body.get("issueUpdates") if isinstance(body, dict) else None
    if not isinstance(updates, list):
        raise bad_request("Can not deserialize instance of IssuesUpdateBean")
    if len(updates) > BULK_LIMIT:
        failure = JiraError(400, [f"Too many issues: at most {BULK_LIMIT} can be created."])
        return ok({"issues": [], "errors": [_failure(failure, BULK_LIMIT)]}, 400)
    created: list[dict[str, str]] = []
    errors: list[dict[str, Any]] = []
    for number, update in enumerate(updates):
        try:
            created.append(_created(site, issues.create_issue(site, actor.user, update)))
        except JiraError as error:
            errors.append(_failure(error, number))
    return ok({"issues": created, "errors": errors}, 201 if created else 400)


def _failure(error: JiraError, number: int) -> dict[str, Any]:
    return {
        "status": error.status,
        "elementErrors": {**error.platform_body(), "status": error.status},
        "failedElementNumber": number,
    }


@router.get("/issue/{issueIdOrKey}")
async def get_issue(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    return ok(_issue_body(request, site, actor, issue))


def _issue_body(request: Request, site: SiteDep, actor: ActorDep, issue: Any) -> dict[str, Any]:
    return represent.issue(
        site,
        issue,
        viewer=actor.user,
        selection=represent.FieldSelection.parse(values(request, "fields"), "*all"),
        expand=values(request, "expand"),
        properties=values(request, "properties"),
    )


def _override_screen(request: Request, site: SiteDep, actor: ActorDep) -> bool:
    wanted = flag(request, "overrideScreenSecurity") or flag(request, "overrideEditableFlag")
    if not wanted:
        return False
    if actor.installation is None or "ADMINISTER" not in global_permissions(site, actor.user):
        raise forbidden(OVERRIDE_DENIED)
    return True


@router.put("/issue/{issueIdOrKey}")
async def edit_issue(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> Response:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    override = _override_screen(request, site, actor)
    issues.edit_issue(site, actor.user, issue, await json_body(request), override_screen=override)
    quiet = not notify_users(request) and notifications.may_silence_edit(site, issue, actor.user)
    notifications.record(site, issue, "updated", actor.user, notify=not quiet)
    if flag(request, "returnIssue"):
        return ok(_issue_body(request, site, actor, issue))
    return no_content()


@router.delete("/issue/{issueIdOrKey}")
async def delete_issue(issueIdOrKey: str, site: SiteDep, actor: ActorDep) -> Response:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    issues.delete_issue(site, actor.user, issue)
    return no_content()


@router.get("/issue/{issueIdOrKey}/transitions")
async def get_transitions(issueIdOrKey: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    transitions = []
    for transition in issues.available_transitions(site, issue):
        status = site.status(transition.to)
        transitions.append(
            {
                "id": transition.id,
                "name": transition.name,
                "to": represent.status(site, status) if status else None,
                "hasScreen": False,
                "isGlobal": not transition.sources,
                "isInitial": False,
                "isAvailable": True,
                "isConditional": False,
                "isLooped": False,
            }
        )
    return ok({"expand": "transitions", "transitions": transitions})


@router.post("/issue/{issueIdOrKey}/transitions")
async def do_transition(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> Response:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    issues.transition_issue(site, actor.user, issue, await json_body(request))
    notifications.record(site, issue, "transitioned", actor.user)
    return no_content()


@router.get("/issue/{issueIdOrKey}/editmeta")
async def edit_metadata(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    override = _override_screen(request, site, actor)
    kind = site.issue_type(issue.issue_type_id)
    assert kind is not None
    project = site.project_of(issue)
    fields = metadata.edit_fields(site, project, kind, override_screen=override)
    return ok({"fields": fields})
