"""Service desk operations: who may see and act on requests, creating requests and comments.

Agents see and do everything; customers see the requests they reported and comment publicly.
"""

from __future__ import annotations

from typing import Any

from . import adf, comments, issues
from .defaults import REQUEST_TYPE_FIELD_ID
from .errors import JiraError
from .models import ROLE_CUSTOMERS, Comment, Issue, Project, RequestType, ServiceDesk, User
from .permissions import has, is_agent
from .site import Site


def sd_error(status: int, message: str, key: str = "sd.error") -> JiraError:
    return JiraError(status, [message], i18n_key=key)


def can_access_desk(site: Site, project: Project, user: User) -> bool:
    return has(site, project, user, "BROWSE_PROJECTS") or user.account_id in project.roles.get(
        ROLE_CUSTOMERS, []
    )


def desk(site: Site, user: User, desk_id: str) -> tuple[Project, ServiceDesk]:
    found = site.service_desk(desk_id)
    if found is None or not can_access_desk(site, found[0], user):
        raise sd_error(
            404,
            f"Service Desk with ID {desk_id} does not exist.",
            "sd.admin.servicedesk.error.not.found",
        )
    return found


def visible_desks(site: Site, user: User) -> list[tuple[Project, ServiceDesk]]:
    return [
        (project, project.service_desk)
        for project in site.state.projects
        if project.service_desk is not None and can_access_desk(site, project, user)
    ]


def request_type(desk_tuple: tuple[Project, ServiceDesk], type_id: str) -> RequestType:
    kind = next((r for r in desk_tuple[1].request_types if r.id == str(type_id)), None)
    if kind is None:
        raise sd_error(
            404,
            f"The request type with ID {type_id} does not exist.",
            "sd.requesttype.error.not.found",
        )
    return kind


def request(site: Site, user: User, id_or_key: str) -> Issue:
    """A customer request the user may see: agents see all, customers those they reported or
    take part in."""
    issue = site.issue(id_or_key)
    project = site.project_of(issue) if issue else None
    if issue is None or project is None or project.service_desk is None:
        raise sd_error(404, "The request could not be found.", "sd.request.error.not.found")
    if not (has(site, project, user, "BROWSE_PROJECTS") or involves(issue, user)):
        raise sd_error(404, "The request could not be found.", "sd.request.error.not.found")
    return issue


def _reporter(issue: Issue, user: User) -> bool:
    return bool(issue.fields.get("reporter") == user.account_id)


def involves(issue: Issue, user: User) -> bool:
    """Whether ``user`` reported the request or participates in it."""
    return _reporter(issue, user) or user.account_id in issue.participants


def create_request(site: Site, caller: User, body: Any) -> Issue:
    if not isinstance(body, dict):
        raise sd_error(400, "The request body is not valid.")
    desk_id, type_id = body.get("serviceDeskId"), body.get("requestTypeId")
    if not desk_id or not type_id:
        raise sd_error(400, "The service desk ID and request type ID are required.")
    try:
        project, service_desk = desk(site, caller, str(desk_id))
        kind = request_type((project, service_desk), str(type_id))
    except JiraError as error:
        raise sd_error(400, error.messages[0], error.i18n_key or "sd.error") from None
    reporter = _on_behalf_of(site, caller, project, body.get("raiseOnBehalfOf"))
    values = _field_values(kind, body.get("requestFieldValues"), bool(body.get("isAdfRequest")))
    values[REQUEST_TYPE_FIELD_ID] = kind.id
    issue_type = site.issue_type(kind.issue_type_id)
    if issue_type is None:
        raise sd_error(400, f"The request type {kind.name} has no issue type.")
    return issues.insert_issue(
        site, caller, project, issue_type, values, reporter=reporter.account_id
    )


def _on_behalf_of(site: Site, caller: User, project: Project, account_id: Any) -> User:
    if account_id is None or account_id == caller.account_id:
        return caller
    if not is_agent(site, project, caller):
        raise sd_error(403, "You do not have permission to raise requests on behalf of others.")
    reporter = site.user(str(account_id))
    if reporter is None or reporter.account_type == "app":
        raise sd_error(
            400, f"The user '{account_id}' does not exist.", "sd.customer.error.user.does.not.exist"
        )
    customers = project.roles.setdefault(ROLE_CUSTOMERS, [])
    if not is_agent(site, project, reporter) and reporter.account_id not in customers:
        customers.append(reporter.account_id)
    return reporter


def _field_values(kind: RequestType, raw: Any, adf_request: bool) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise sd_error(400, "requestFieldValues must be an object.")
    allowed = {f.field_id: f for f in kind.fields}
    values: dict[str, Any] = {}
    for field_id, value in raw.items():
        if field_id not in allowed:
            raise sd_error(
                400,
                f"The field '{field_id}' is not available for request type '{kind.name}'.",
                "sd.request.create.error.field.invalid",
            )
        values[field_id] = _field_value(field_id, value, adf_request)
    missing = [f.label for f in kind.fields if f.required and not values.get(f.field_id)]
    if missing:
        raise sd_error(
            400,
            f"{missing[0]}: You must specify a value for this field.",
            "sd.request.create.error.field.required",
        )
    return values


def _field_value(field_id: str, value: Any, adf_request: bool) -> Any:
    if field_id == "summary":
        if not isinstance(value, str):
            raise sd_error(400, "summary: the value must be a string.")
        return value
    if field_id == "description":
        if adf_request:
            if not adf.is_document(value):
                raise sd_error(400, "description: the value must be an ADF document.")
            return value
        if not isinstance(value, str):
            raise sd_error(400, "description: the value must be a string.")
        return adf.from_text(value)
    return value


def add_comment(site: Site, caller: User, issue: Issue, body: Any) -> Comment:
    if not isinstance(body, dict) or not isinstance(body.get("body"), str):
        raise sd_error(400, "The comment body must be a string.")
    text = body["body"]
    if not text.strip():
        raise sd_error(400, "The comment body cannot be empty.", "sd.comment.error.empty")
    public = body.get("public", True)
    if not isinstance(public, bool):
        raise sd_error(400, "'public' must be true or false.")
    project = site.project_of(issue)
    agent = is_agent(site, project, caller)
    if not agent and (not public or not _reporter(issue, caller)):
        raise sd_error(
            403,
            "You do not have permission to add this comment to the request.",
            "sd.comment.error.no.permission",
        )
    return comments.add_comment(
        site, caller, issue, adf.from_text(text), internal=not public, portal=True
    )


def visible_request_comments(
    site: Site, user: User, issue: Issue, *, public: bool, internal: bool
) -> list[Comment]:
    agent = is_agent(site, site.project_of(issue), user)
    return [
        note
        for note in issue.comments
        if (public and not note.internal) or (internal and note.internal and agent)
    ]
