"""Issue operations: create, edit, transition, delete, entity properties."""

from __future__ import annotations

import json
from typing import Any

from . import changes, comments, events, fieldvalues
from .clock import jira_time, now
from .defaults import RESOLUTION_DONE
from .errors import JiraError, bad_request, issue_not_found
from .models import History, Issue, IssueType, Project, Transition, User
from .permissions import has
from .site import Site

MAX_PROPERTY_BYTES = 32768


def visible_issue(site: Site, user: User, id_or_key: str) -> Issue:
    """The issue if ``user`` may browse it; 404 otherwise, as Jira hides what you cannot see."""
    issue = site.issue(id_or_key)
    if issue is None or not has(site, site.project_of(issue), user, "BROWSE_PROJECTS"):
        raise issue_not_found()
    return issue


def require(
    site: Site, user: User, issue: Issue, permission: str, message: str, status: int = 403
) -> None:
    """Each endpoint answers a missing permission with the status its documentation gives."""
    if not has(site, site.project_of(issue), user, permission):
        raise JiraError(status, [message])


def create_issue(
    site: Site, actor: User, body: Any, *, reporter_fallback: User | None = None
) -> Issue:
    """Validate and create one issue from a create body; emits ``jira:issue_created``."""
    if not isinstance(body, dict):
        raise bad_request("Can not deserialize instance of IssueUpdateBean")
    fields = body.get("fields") or {}
    if not isinstance(fields, dict):
        raise bad_request("Can not deserialize instance of fields out of non-object token")
    project = _project_for_create(site, actor, fields.get("project"))
    kind = _issue_type_for_create(site, project, fields.get("issuetype"))
    context = fieldvalues.Context(site, project, kind, set(project.create_screen))
    parsed = fieldvalues.parse(context, fields, body.get("update"))
    if "summary" not in parsed.values and "summary" not in parsed.errors:
        parsed.errors["summary"] = "You must specify a summary of the issue."
    properties = _properties_list(body.get("properties"), parsed.errors)
    parsed.raise_if_invalid()
    reporter = parsed.values.pop("reporter", None)
    if reporter is None:
        reporter = (reporter_fallback or actor).account_id
    return insert_issue(
        site, actor, project, kind, parsed.values, reporter=reporter, properties=properties
    )


def insert_issue(
    site: Site,
    actor: User,
    project: Project,
    kind: IssueType,
    values: dict[str, Any],
    *,
    reporter: str,
    properties: dict[str, Any] | None = None,
) -> Issue:
    moment = now()
    issue = Issue(
        id=site.allocate_issue_id(),
        key=f"{project.key}-{project.next_number}",
        project_id=project.id,
        issue_type_id=kind.id,
        fields=_initial_fields(site, project, values, reporter=reporter, creator=actor),
        created=moment,
        updated=moment,
        status_changed=moment,
        properties=dict(properties or {}),
    )
    project.next_number += 1
    site.state.issues[issue.id] = issue
    site.index.record(issue.id, issue)
    items = changes.diff(site, {}, issue.fields)
    site.emit(
        events.issue_event(
            events.ISSUE_CREATED,
            issue,
            actor,
            type_name="issue_created",
            items=items,
            changelog_id=site.allocate_history_id(),
        )
    )
    return issue


def _initial_fields(
    site: Site, project: Project, values: dict[str, Any], *, reporter: str, creator: User
) -> dict[str, Any]:
    return {
        "priority": site.state.default_priority_id,
        "labels": [],
        "duedate": None,
        "description": None,
        "assignee": None,
        **values,
        "status": project.workflow.initial,
        "reporter": reporter,
        "creator": creator.account_id,
        "resolution": None,
        "resolutiondate": None,
    }


def _project_for_create(site: Site, actor: User, reference: Any) -> Project:
    wanted = reference.get("id") or reference.get("key") if isinstance(reference, dict) else None
    project = site.project(wanted)
    if project is None or not has(site, project, actor, "BROWSE_PROJECTS"):
        raise JiraError(400, [], {"project": "Specify a valid project ID or key"})
    if not has(site, project, actor, "CREATE_ISSUES"):
        raise JiraError(
            400, [], {"project": "You do not have permission to create issues in this project."}
        )
    return project


def _issue_type_for_create(site: Site, project: Project, reference: Any) -> IssueType:
    if not isinstance(reference, dict) or not ({"id", "name"} & set(reference)):
        raise JiraError(400, [], {"issuetype": "Specify an issue type"})
    for type_id in project.issue_type_ids:
        kind = site.issue_type(type_id)
        if kind and (reference.get("id") == kind.id or reference.get("name") == kind.name):
            return kind
    raise JiraError(400, [], {"issuetype": "Specify a valid issue type"})


def _properties_list(raw: Any, errors: dict[str, str]) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        errors["properties"] = "Properties must be a list of key and value pairs."
        return {}
    found: dict[str, Any] = {}
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            errors["properties"] = "Each property needs a key."
            continue
        message = property_problem(entry["key"], entry.get("value"))
        if message:
            errors["properties"] = message
        found[entry["key"]] = entry.get("value")
    return found


def property_problem(key: str, value: Any) -> str | None:
    if not key or len(key) > 255:
        return "The property key must be between 1 and 255 characters long."
    if len(json.dumps(value).encode()) > MAX_PROPERTY_BYTES:
        return "The property value exceeds the 32768 bytes limit."
    return None


def edit_issue(site: Site, actor: User, issue: Issue, body: Any, *, override_screen: bool) -> None:
    """Apply an edit body; emits ``jira:issue_updated`` if anything changed."""
    if not isinstance(body, dict):
        raise bad_request("Can not deserialize instance of IssueUpdateBean")
    require(site, actor, issue, "EDIT_ISSUES", "You do not have permission to edit issues.", 400)
    project = site.project_of(issue)
    kind = site.issue_type(issue.issue_type_id)
    assert kind is not None
    context = fieldvalues.Context(
        site, project, kind, set(project.edit_screen), override_screen, dict(issue.fields)
    )
    parsed = fieldvalues.parse(context, body.get("fields"), body.get("update"))
    properties = _properties_list(body.get("properties"), parsed.errors)
    parsed.raise_if_invalid()
    added = _comment_additions(body.get("update"))
    for key, value in properties.items():
        issue.properties[key] = value
    if properties:
        site.index.record(issue.id, issue)
    apply_changes(site, actor, issue, parsed.values, type_name="issue_updated")
    for comment in added:
        comments.add_platform_comment(site, actor, issue, comment)


def _comment_additions(update: Any) -> list[dict[str, Any]]:
    """``update.comment`` ``add`` operations, checked before anything is written."""
    operations = (update or {}).get("comment") or [] if isinstance(update, dict) else []
    added = [op["add"] for op in operations if isinstance(op, dict) and "add" in op]
    for comment in added:
        if not isinstance(comment, dict):
            raise bad_request("Can not deserialize instance of Comment")
        comments.comment_body(comment.get("body"))
    return added


def apply_changes(
    site: Site, actor: User, issue: Issue, values: dict[str, Any], *, type_name: str
) -> None:
    items = changes.diff(site, issue.fields, values)
    if not items:
        return
    moment = now()
    issue.fields.update(values)
    issue.updated = moment
    if "status" in values:
        issue.status_changed = moment
    history = History(
        id=site.allocate_history_id(), author_id=actor.account_id, created=moment, items=items
    )
    issue.histories.append(history)
    site.index.record(issue.id, issue)
    site.emit(
        events.issue_event(
            events.ISSUE_UPDATED,
            issue,
            actor,
            type_name=type_name,
            items=items,
            changelog_id=history.id,
        )
    )


def available_transitions(site: Site, issue: Issue) -> list[Transition]:
    project = site.project_of(issue)
    current = issue.fields.get("status")
    return [
        t
        for t in project.workflow.transitions
        if t.to != current and (not t.sources or current in t.sources)
    ]


def transition_issue(site: Site, actor: User, issue: Issue, body: Any) -> None:
    """Move the issue along its workflow; emits ``jira:issue_updated`` (``issue_generic``)."""
    if not isinstance(body, dict):
        raise bad_request("Can not deserialize instance of IssueUpdateBean")
    require(
        site, actor, issue, "TRANSITION_ISSUES", "You do not have permission to transition.", 400
    )
    reference = body.get("transition")
    wanted = str(reference.get("id", "")) if isinstance(reference, dict) else ""
    if not wanted:
        raise bad_request("Missing 'transition' identifier")
    transition = next((t for t in available_transitions(site, issue) if t.id == wanted), None)
    if transition is None:
        raise bad_request(f"Transition id '{wanted}' is not valid for this issue.")
    project = site.project_of(issue)
    kind = site.issue_type(issue.issue_type_id)
    assert kind is not None
    context = fieldvalues.Context(
        site, project, kind, set(project.edit_screen), False, dict(issue.fields)
    )
    parsed = fieldvalues.parse(context, body.get("fields"), body.get("update"))
    parsed.raise_if_invalid()
    added = _comment_additions(body.get("update"))
    values = {**parsed.values, **_status_values(site, transition.to)}
    apply_changes(site, actor, issue, values, type_name="issue_generic")
    for comment in added:
        comments.add_platform_comment(site, actor, issue, comment)


def _status_values(site: Site, status_id: str) -> dict[str, Any]:
    state = site.status(status_id)
    done = state is not None and state.category == "done"
    return {
        "status": status_id,
        "resolution": dict(RESOLUTION_DONE) if done else None,
        "resolutiondate": jira_time(now()) if done else None,
    }


def delete_issue(site: Site, actor: User, issue: Issue) -> None:
    require(site, actor, issue, "DELETE_ISSUES", "You do not have permission to delete issues.")
    event = events.issue_event(events.ISSUE_DELETED, issue, actor, type_name="issue_deleted")
    del site.state.issues[issue.id]
    site.index.record(issue.id, None)
    site.emit(event)


def set_property(site: Site, actor: User, issue: Issue, key: str, value: Any) -> bool:
    """Store an entity property; True when it is new."""
    require(site, actor, issue, "EDIT_ISSUES", "You do not have permission to edit issues.")
    message = property_problem(key, value)
    if message:
        raise bad_request(message)
    created = key not in issue.properties
    issue.properties[key] = value
    site.index.record(issue.id, issue)
    return created


def delete_property(site: Site, actor: User, issue: Issue, key: str) -> None:
    require(site, actor, issue, "EDIT_ISSUES", "You do not have permission to edit issues.", 404)
    if key not in issue.properties:
        raise JiraError(404, [f"The property with key '{key}' does not exist."])
    del issue.properties[key]
    site.index.record(issue.id, issue)
