"""Webhook events: what happened, captured when it happened, and their payloads."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from . import legacy, represent
from .models import ChangeItem, Comment, Issue, User
from .site import Site

ISSUE_CREATED = "jira:issue_created"
ISSUE_UPDATED = "jira:issue_updated"
ISSUE_DELETED = "jira:issue_deleted"
COMMENT_CREATED = "comment_created"
COMMENT_UPDATED = "comment_updated"
COMMENT_DELETED = "comment_deleted"

_COMMENT_ISSUE_FIELDS = ("summary", "issuetype", "project", "assignee", "priority", "status")
_ISSUE_EVENT_FOR_COMMENT = {
    COMMENT_CREATED: "issue_commented",
    COMMENT_UPDATED: "issue_comment_edited",
    COMMENT_DELETED: "issue_comment_deleted",
}


@dataclass
class Event:
    """One change; ``issue`` and ``comment`` are copies taken when it happened."""

    name: str
    issue: Issue
    actor_id: str
    type_name: str | None = None
    comment: Comment | None = None
    items: list[ChangeItem] = field(default_factory=list)
    changelog_id: str | None = None
    timestamp: int = field(default_factory=lambda: int(time.time() * 1000))


def issue_event(
    name: str,
    issue: Issue,
    actor: User,
    *,
    type_name: str | None,
    items: list[ChangeItem] | None = None,
    changelog_id: str | None = None,
) -> Event:
    return Event(
        name=name,
        issue=issue.model_copy(deep=True),
        actor_id=actor.account_id,
        type_name=type_name,
        items=list(items or []),
        changelog_id=changelog_id,
    )


def comment_event(name: str, issue: Issue, note: Comment, actor: User) -> Event:
    return Event(
        name=name,
        issue=issue.model_copy(deep=True),
        actor_id=actor.account_id,
        comment=note.model_copy(deep=True),
    )


def legacy_issue_update(event: Event) -> Event:
    """Jira also reports comment changes as ``jira:issue_updated`` (``issue_commented``...)."""
    return Event(
        name=ISSUE_UPDATED,
        issue=event.issue,
        actor_id=event.actor_id,
        type_name=_ISSUE_EVENT_FOR_COMMENT[event.name],
        comment=event.comment,
        timestamp=event.timestamp,
    )


def payload(site: Site, event: Event, viewer: User | None) -> dict[str, Any]:
    """The webhook body, in the shape the site's ``webhook_bodies`` setting names
    (``legacy``: wiki markup and v2 links by default, as Jira Cloud sends them)."""
    if event.name.startswith("comment_"):
        return legacy.shaped(site, _comment_payload(site, event, viewer))
    return legacy.shaped(site, _issue_payload(site, event, viewer))


def _issue_payload(site: Site, event: Event, viewer: User | None) -> dict[str, Any]:
    body: dict[str, Any] = {"timestamp": event.timestamp, "webhookEvent": event.name}
    if event.type_name:
        body["issue_event_type_name"] = event.type_name
    body["user"] = represent.user_or_none(site, event.actor_id, viewer)
    selection = represent.FieldSelection(all_fields=True, excluded={"comment"})
    body["issue"] = represent.issue(site, event.issue, viewer=viewer, selection=selection)
    if event.items or event.changelog_id:
        body["changelog"] = {
            "id": event.changelog_id or "",
            "items": [represent.change_item(i) for i in event.items],
        }
    if event.comment is not None:
        body["comment"] = represent.comment(site, event.issue, event.comment, viewer=viewer)
    return body


def _comment_payload(site: Site, event: Event, viewer: User | None) -> dict[str, Any]:
    assert event.comment is not None
    issue = event.issue
    return {
        "timestamp": event.timestamp,
        "webhookEvent": event.name,
        "comment": represent.comment(site, issue, event.comment, viewer=viewer),
        "issue": {
            "id": issue.id,
            "self": site.url(f"/rest/api/3/issue/{issue.id}"),
            "key": issue.key,
            "fields": {
                fid: represent.field_value(site, issue, fid, viewer)
                for fid in _COMMENT_ISSUE_FIELDS
            },
        },
    }
