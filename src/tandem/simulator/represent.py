"""Platform REST v3 representations: users, projects, issue types, statuses, issues, comments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from . import adf
from .clock import jira_time
from .defaults import REQUEST_TYPE_FIELD_ID, RESOLUTION_DONE, STATUS_CATEGORIES
from .models import Comment, History, Issue, IssueType, Priority, Project, Status, User
from .permissions import is_agent
from .servicedesk_views import request_type_field_value
from .site import Site

ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
_CATEGORIES = STATUS_CATEGORIES
_EXTRA_FIELDS = ("statuscategorychangedate",)


def avatar_urls(site: Site, kind: str, owner: str) -> dict[str, str]:
    base = site.url(f"/secure/{kind}avatar?{kind}={quote(owner)}")
    return {f"{size}x{size}": f"{base}&size={size}" for size in (48, 24, 16, 32)}


def user(site: Site, account: User, *, viewer: User | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "self": site.url(f"/rest/api/3/user?accountId={quote(account.account_id)}"),
        "accountId": account.account_id,
        "avatarUrls": avatar_urls(site, "user", account.account_id),
        "displayName": account.display_name,
        "active": account.active,
        "timeZone": account.time_zone,
        "accountType": account.account_type,
    }
    if account.email and email_visible(account, viewer):
        body["emailAddress"] = account.email
    return body


def email_visible(account: User, viewer: User | None) -> bool:
    if account.email_public:
        return True
    if viewer is None:
        return False
    return viewer.account_id == account.account_id or viewer.site_admin


def user_or_none(site: Site, account_id: str | None, viewer: User | None) -> dict[str, Any] | None:
    account = site.user(account_id)
    return user(site, account, viewer=viewer) if account else None


def issue_type(site: Site, kind: IssueType) -> dict[str, Any]:
    return {
        "self": site.url(f"/rest/api/3/issuetype/{kind.id}"),
        "id": kind.id,
        "description": kind.description,
        "iconUrl": site.url(f"/images/icons/issuetypes/{kind.id}.svg"),
        "name": kind.name,
        "subtask": kind.subtask,
        "avatarId": 10300 + int(kind.id) % 100,
        "hierarchyLevel": kind.hierarchy_level,
    }


def status(site: Site, state: Status) -> dict[str, Any]:
    category_id, color, name = _CATEGORIES[state.category]
    return {
        "self": site.url(f"/rest/api/3/status/{state.id}"),
        "description": state.description,
        "iconUrl": site.url("/"),
        "name": state.name,
        "id": state.id,
        "statusCategory": {
            "self": site.url(f"/rest/api/3/statuscategory/{category_id}"),
            "id": category_id,
            "key": state.category,
            "colorName": color,
            "name": name,
        },
    }


def priority(site: Site, level: Priority) -> dict[str, Any]:
    return {
        "self": site.url(f"/rest/api/3/priority/{level.id}"),
        "iconUrl": site.url(f"/images/icons/priorities/{level.name.lower()}.svg"),
        "name": level.name,
        "id": level.id,
    }


def project_ref(site: Site, project: Project) -> dict[str, Any]:
    return {
        "self": site.url(f"/rest/api/3/project/{project.id}"),
        "id": project.id,
        "key": project.key,
        "name": project.name,
        "projectTypeKey": project.type_key,
        "simplified": False,
        "avatarUrls": avatar_urls(site, "project", project.id),
    }


def project(
    site: Site, project: Project, *, viewer: User | None, full: bool = True
) -> dict[str, Any]:
    body = {
        "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
        **project_ref(site, project),
        "style": "classic",
        "isPrivate": False,
        "properties": {},
    }
    if full:
        body["description"] = project.description
        body["lead"] = user_or_none(site, project.lead_account_id, viewer)
        body["issueTypes"] = [issue_type(site, t) for t in project_issue_types(site, project)]
        body["assigneeType"] = "UNASSIGNED"
        body["roles"] = {}
    return body


def project_issue_types(site: Site, project: Project) -> list[IssueType]:
    return [t for t in (site.issue_type(i) for i in project.issue_type_ids) if t is not None]


def resolution(site: Site, value: dict[str, str] | None) -> dict[str, Any] | None:
    if not value:
        return None
    return {"self": site.url(f"/rest/api/3/resolution/{value['id']}"), **value}


def comment(
    site: Site,
    issue: Issue,
    note: Comment,
    *,
    viewer: User | None,
    expand: Iterable[str] = (),
) -> dict[str, Any]:
    wanted = set(expand)
    body: dict[str, Any] = {
        "self": site.url(f"/rest/api/3/issue/{issue.id}/comment/{note.id}"),
        "id": note.id,
        "author": user_or_none(site, note.author_id, viewer),
        "body": note.body,
        "updateAuthor": user_or_none(site, note.update_author_id, viewer),
        "created": jira_time(note.created),
        "updated": jira_time(note.updated),
        "jsdPublic": not note.internal,
    }
    if note.visibility:
        body["visibility"] = note.visibility
    if "renderedBody" in wanted:
        body["renderedBody"] = adf.to_html(note.body)
    if "properties" in wanted:
        body["properties"] = [{"key": k, "value": v} for k, v in note.properties.items()]
    return body


def comments_page(
    site: Site, issue: Issue, notes: list[Comment], *, viewer: User | None
) -> dict[str, Any]:
    return {
        "comments": [comment(site, issue, note, viewer=viewer) for note in notes],
        "self": site.url(f"/rest/api/3/issue/{issue.id}/comment"),
        "maxResults": len(notes),
        "total": len(notes),
        "startAt": 0,
    }


def visible_comments(site: Site, issue: Issue, viewer: User | None) -> list[Comment]:
    """Internal JSM comments are hidden from everyone who is not an agent of the project."""
    project = site.project_of(issue)
    if viewer is not None and is_agent(site, project, viewer):
        return list(issue.comments)
    return [note for note in issue.comments if not note.internal]


@dataclass
class FieldSelection:
    """Which fields to render, from the ``fields`` parameter (``*all``, ``*navigable``, ``-x``)."""

    included: set[str] = field(default_factory=set)
    excluded: set[str] = field(default_factory=set)
    all_fields: bool = False
    navigable: bool = False

    @classmethod
    def parse(cls, values: Iterable[str], default: str) -> FieldSelection:
        tokens = [t.strip() for v in values for t in v.split(",") if t.strip()] or [default]
        selection = cls()
        for token in tokens:
            if token == "*all":
                selection.all_fields = True
            elif token == "*navigable":
                selection.navigable = True
            elif token.startswith("-"):
                selection.excluded.add(token[1:])
            else:
                selection.included.add(token)
        return selection

    def ids(self, site: Site) -> list[str]:
        available = [f.id for f in site.state.fields] + list(_EXTRA_FIELDS)
        navigable = {f.id for f in site.state.fields if f.navigable} | set(_EXTRA_FIELDS)
        chosen = [
            fid
            for fid in available
            if self.all_fields
            or (self.navigable and fid in navigable and fid != "comment")
            or fid in self.included
        ]
        return [fid for fid in chosen if fid not in self.excluded]

    def only_id(self, site: Site) -> bool:
        return not self.ids(site) and self.included <= {"id"}


def field_value(site: Site, issue: Issue, field_id: str, viewer: User | None) -> Any:
    values = issue.fields
    if field_id == "issuetype":
        kind = site.issue_type(issue.issue_type_id)
        return issue_type(site, kind) if kind else None
    if field_id == "project":
        return project_ref(site, site.project_of(issue))
    if field_id == "status":
        state = site.status(values.get("status"))
        return status(site, state) if state else None
    if field_id == "priority":
        level = site.priority(values.get("priority"))
        return priority(site, level) if level else None
    if field_id in ("reporter", "assignee", "creator"):
        return user_or_none(site, values.get(field_id), viewer)
    if field_id in ("created", "updated", "statuscategorychangedate"):
        moment = {"created": issue.created, "updated": issue.updated}.get(field_id)
        return jira_time(moment or issue.status_changed)
    if field_id == "resolution":
        return resolution(site, values.get("resolution"))
    if field_id == "resolutiondate":
        resolved = values.get("resolutiondate")
        return resolved if resolved else None
    if field_id == "comment":
        return comments_page(site, issue, visible_comments(site, issue, viewer), viewer=viewer)
    if field_id == REQUEST_TYPE_FIELD_ID:
        return request_type_field_value(site, issue)
    if field_id == "labels":
        return list(values.get("labels") or [])
    return values.get(field_id)


def rendered_value(site: Site, issue: Issue, field_id: str, viewer: User | None) -> Any:
    if field_id == "description":
        return adf.to_html(issue.fields.get("description")) or None
    if field_id == "comment":
        notes = visible_comments(site, issue, viewer)
        page = comments_page(site, issue, notes, viewer=viewer)
        for rendered, note in zip(page["comments"], notes, strict=True):
            rendered["body"] = adf.to_html(note.body)
        return page
    value = field_value(site, issue, field_id, viewer)
    return value if isinstance(value, str) or value is None else None


def history(site: Site, entry: History, viewer: User | None) -> dict[str, Any]:
    return {
        "id": entry.id,
        "author": user_or_none(site, entry.author_id, viewer),
        "created": jira_time(entry.created),
        "items": [
            {k: v for k, v in change_item(item).items() if v is not None} for item in entry.items
        ],
    }


def change_item(item: Any) -> dict[str, Any]:
    return {
        "field": item.field,
        "fieldtype": item.fieldtype,
        "fieldId": item.field_id,
        "from": item.from_value,
        "fromString": item.from_string,
        "to": item.to_value,
        "toString": item.to_string,
    }


def issue(
    site: Site,
    issue: Issue,
    *,
    viewer: User | None,
    selection: FieldSelection,
    expand: Iterable[str] = (),
    properties: Iterable[str] = (),
) -> dict[str, Any]:
    wanted = {e.strip() for e in expand}
    if selection.only_id(site) and not wanted and not list(properties):
        return {"id": issue.id}
    ids = selection.ids(site)
    body: dict[str, Any] = {
        "expand": ISSUE_EXPAND,
        "id": issue.id,
        "self": site.url(f"/rest/api/3/issue/{issue.id}"),
        "key": issue.key,
        "fields": {fid: field_value(site, issue, fid, viewer) for fid in ids},
    }
    if "renderedFields" in wanted:
        body["renderedFields"] = {fid: rendered_value(site, issue, fid, viewer) for fid in ids}
    if "names" in wanted:
        body["names"] = {fid: _field_name(site, fid) for fid in ids}
    if "schema" in wanted:
        body["schema"] = {fid: f.type_schema for fid in ids if (f := site.field(fid))}
    if "changelog" in wanted:
        histories = [history(site, h, viewer) for h in issue.histories]
        body["changelog"] = {
            "startAt": 0,
            "maxResults": len(histories),
            "total": len(histories),
            "histories": histories,
        }
    keys = _property_keys(issue, properties)
    if keys is not None:
        body["properties"] = {k: issue.properties[k] for k in keys}
    return body


def _field_name(site: Site, field_id: str) -> str:
    definition = site.field(field_id)
    if definition:
        return definition.name
    return "Status Category Changed" if field_id == "statuscategorychangedate" else field_id


def _property_keys(issue: Issue, requested: Iterable[str]) -> list[str] | None:
    tokens = [t.strip() for r in requested for t in r.split(",") if t.strip()]
    if not tokens:
        return None
    if "*all" in tokens:
        return list(issue.properties)
    return [t for t in tokens if t in issue.properties]


def resolution_done() -> dict[str, str]:
    return dict(RESOLUTION_DONE)
