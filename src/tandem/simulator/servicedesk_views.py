"""Service desk (``/rest/servicedeskapi``) representations, and the Request Type field value."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from . import adf
from .clock import epoch_millis, friendly, jira_time
from .defaults import REQUEST_TYPE_FIELD_ID
from .models import Comment, Issue, Project, RequestType, RequestTypeField, ServiceDesk, User
from .site import Site

CATEGORY = {"new": "NEW", "indeterminate": "INDETERMINATE", "done": "DONE"}


def date(moment: datetime) -> dict[str, Any]:
    return {
        "iso8601": moment.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "jira": jira_time(moment),
        "friendly": friendly(moment),
        "epochMillis": epoch_millis(moment),
    }


def user(site: Site, account: User) -> dict[str, Any]:
    body: dict[str, Any] = {
        "accountId": account.account_id,
        "displayName": account.display_name,
        "active": account.active,
        "timeZone": account.time_zone,
        "_links": {
            "jiraRest": site.url(f"/rest/api/2/user?accountId={quote(account.account_id)}"),
            "avatarUrls": {
                f"{s}x{s}": site.url(f"/secure/useravatar?user={account.account_id}&size={s}")
                for s in (48, 24, 16, 32)
            },
            "self": site.url(f"/rest/api/2/user?accountId={quote(account.account_id)}"),
        },
    }
    if account.email and account.email_public:
        body["emailAddress"] = account.email
    return body


def service_desk(site: Site, project: Project, desk: ServiceDesk) -> dict[str, Any]:
    return {
        "id": desk.id,
        "projectId": project.id,
        "projectName": project.name,
        "projectKey": project.key,
        "_links": {"self": site.url(f"/rest/servicedeskapi/servicedesk/{desk.id}")},
    }


def request_type(site: Site, desk: ServiceDesk, kind: RequestType) -> dict[str, Any]:
    return {
        "_expands": ["field"],
        "id": kind.id,
        "_links": {
            "self": site.url(f"/rest/servicedeskapi/servicedesk/{desk.id}/requesttype/{kind.id}")
        },
        "name": kind.name,
        "description": kind.description,
        "helpText": kind.help_text,
        "issueTypeId": kind.issue_type_id,
        "serviceDeskId": desk.id,
        "portalId": desk.portal_id,
        "groupIds": list(kind.group_ids),
        "icon": {
            "id": str(10500 + int(kind.id)),
            "_links": {
                "iconUrls": {
                    f"{s}x{s}": site.url(f"/secure/viewavatar?avatarType=SD_REQTYPE&size={s}")
                    for s in (48, 24, 16, 32)
                }
            },
        },
    }


def request_type_field(site: Site, field: RequestTypeField) -> dict[str, Any]:
    definition = site.field(field.field_id)
    return {
        "fieldId": field.field_id,
        "name": field.label,
        "description": "",
        "required": field.required,
        "visible": True,
        "validValues": [],
        "defaultValues": [],
        "presetValues": [],
        "jiraSchema": definition.type_schema if definition else {"type": "string"},
    }


def request_links(site: Site, desk: ServiceDesk, issue: Issue) -> dict[str, str]:
    return {
        "jiraRest": site.url(f"/rest/api/2/issue/{issue.id}"),
        "web": site.url(f"/servicedesk/customer/portal/{desk.portal_id}/{issue.key}"),
        "agent": site.url(f"/browse/{issue.key}"),
        "self": site.url(f"/rest/servicedeskapi/request/{issue.id}"),
    }


def current_status(site: Site, issue: Issue) -> dict[str, Any]:
    state = site.status(issue.fields.get("status"))
    return {
        "status": state.name if state else "",
        "statusCategory": CATEGORY[state.category] if state else "UNDEFINED",
        "statusDate": date(issue.status_changed),
    }


def request_type_field_value(site: Site, issue: Issue) -> dict[str, Any] | None:
    """The Request Type field as read: an object, though it is written as a key string."""
    found = site.request_type(issue.fields.get(REQUEST_TYPE_FIELD_ID))
    if found is None:
        return None
    project, kind = found
    desk = project.service_desk
    assert desk is not None
    return {
        "_links": request_links(site, desk, issue),
        "requestType": request_type(site, desk, kind),
        "currentStatus": current_status(site, issue),
    }


def comment(site: Site, issue: Issue, note: Comment, *, expand: set[str]) -> dict[str, Any]:
    author = site.user(note.author_id)
    body: dict[str, Any] = {
        "id": note.id,
        "body": adf.to_text(note.body),
        "public": not note.internal,
        "created": date(note.created),
        "_links": {"self": site.url(f"/rest/servicedeskapi/request/{issue.id}/comment/{note.id}")},
    }
    if author is not None:
        body["author"] = user(site, author)
    if "renderedBody" in expand:
        body["renderedBody"] = {"html": adf.to_html(note.body)}
    return body


def customer_request(site: Site, issue: Issue, *, labels: dict[str, str]) -> dict[str, Any]:
    project = site.project_of(issue)
    desk = project.service_desk
    assert desk is not None
    reporter = site.user(issue.fields.get("reporter"))
    description = issue.fields.get("description")
    values: list[dict[str, Any]] = [
        {
            "fieldId": "summary",
            "label": labels.get("summary", "Summary"),
            "value": issue.fields.get("summary", ""),
        },
    ]
    if description:
        values.append(
            {
                "fieldId": "description",
                "label": labels.get("description", "Description"),
                "value": adf.to_text(description),
                "renderedValue": {"html": adf.to_html(description)},
            }
        )
    body: dict[str, Any] = {
        "_expands": [
            "participant",
            "status",
            "sla",
            "requestType",
            "serviceDesk",
            "attachment",
            "action",
            "comment",
        ],
        "issueId": issue.id,
        "issueKey": issue.key,
        "requestTypeId": str(issue.fields.get(REQUEST_TYPE_FIELD_ID) or ""),
        "serviceDeskId": desk.id,
        "createdDate": date(issue.created),
        "requestFieldValues": values,
        "currentStatus": current_status(site, issue),
        "_links": request_links(site, desk, issue),
    }
    if reporter is not None:
        body["reporter"] = user(site, reporter)
    return body


def page(
    values: list[dict[str, Any]], *, start: int, limit: int, total: int, self_url: str
) -> dict[str, Any]:
    return {
        "_expands": [],
        "size": len(values),
        "start": start,
        "limit": limit,
        "isLastPage": start + len(values) >= total,
        "_links": {"base": self_url.split("/rest/")[0], "context": "", "self": self_url},
        "values": values,
    }
