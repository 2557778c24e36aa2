"""The events Tandem applies, and which handler applies each.

One table: the receiver stores only the Jira webhooks named here, the engine routes by it, and
the Connect descriptor subscribes to exactly its Jira webhooks. A webhook of any other type
(``worklog_created``, ``issuelink_created``...) says nothing about the fields Tandem copies and
is never applied as an issue edit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

ISSUE_CREATED = "jira:issue_created"
ISSUE_UPDATED = "jira:issue_updated"
ISSUE_DELETED = "jira:issue_deleted"
COMMENT_CREATED = "comment_created"
COMMENT_UPDATED = "comment_updated"
COMMENT_DELETED = "comment_deleted"
INITIAL_COMMENTS = "tandem:initial_comments"
RECONCILE_COMMENTS = "tandem:reconcile_comments"


class Handler(enum.StrEnum):
    ISSUE = "issue"  # create the copy, or write the changed fields to it
    ISSUE_DELETED = "issue_deleted"
    COMMENT = "comment"
    INITIAL_COMMENTS = "initial_comments"
    RECONCILE_COMMENTS = "reconcile_comments"


@dataclass(frozen=True)
class EventType:
    name: str
    handler: Handler
    from_jira: bool  # a webhook Jira delivers; the others are queued by Tandem itself


EVENT_TYPES: dict[str, EventType] = {
    t.name: t
    for t in (
        EventType(ISSUE_CREATED, Handler.ISSUE, from_jira=True),
        EventType(ISSUE_UPDATED, Handler.ISSUE, from_jira=True),
        EventType(ISSUE_DELETED, Handler.ISSUE_DELETED, from_jira=True),
        EventType(COMMENT_CREATED, Handler.COMMENT, from_jira=True),
        EventType(COMMENT_UPDATED, Handler.COMMENT, from_jira=True),
        EventType(COMMENT_DELETED, Handler.COMMENT, from_jira=True),
        EventType(INITIAL_COMMENTS, Handler.INITIAL_COMMENTS, from_jira=False),
        EventType(RECONCILE_COMMENTS, Handler.RECONCILE_COMMENTS, from_jira=False),
    )
}

JIRA_WEBHOOKS: tuple[str, ...] = tuple(name for name, t in EVENT_TYPES.items() if t.from_jira)
# Events that may create or change an issue's copy (not its comments).
ISSUE_EVENTS: tuple[str, ...] = tuple(
    name for name, t in EVENT_TYPES.items() if t.handler is Handler.ISSUE
)


def handler(name: str) -> Handler | None:
    """The handler of a stored event's type, or None for a type Tandem does not apply."""
    known = EVENT_TYPES.get(name)
    return known.handler if known else None


def accepted_webhook(name: str) -> bool:
    """Whether the receiver stores a webhook of this type (Tandem's own types never come from
    Jira)."""
    known = EVENT_TYPES.get(name)
    return known is not None and known.from_jira


def is_comment(name: str) -> bool:
    return handler(name) is Handler.COMMENT
