"""Typed views of the webhooks Jira delivers (v3 payloads with ADF, and older wiki-markup ones)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tandem.jira.schemas import Comment, Issue, JiraModel, User


class ChangelogItem(JiraModel):
    field: str = ""
    field_id: str | None = None
    fieldtype: str | None = None
    from_: str | None = Field(default=None, alias="from")
    from_string: str | None = None
    to: str | None = None
    to_string: str | None = None

    @property
    def id(self) -> str:
        return self.field_id or self.field


class Changelog(JiraModel):
    id: str | None = None
    items: list[ChangelogItem] = []


class WebhookEvent(JiraModel):
    """One delivery: ``jira:issue_*`` or ``comment_*``."""

    timestamp: int | None = None
    webhook_event: str
    issue_event_type_name: str | None = None
    user: User | None = None
    issue: Issue | None = None
    comment: Comment | None = None
    changelog: Changelog | None = None

    @property
    def is_comment_event(self) -> bool:
        return self.webhook_event.startswith("comment_")

    @property
    def project_id(self) -> str | None:
        project = self.issue.fields.project if self.issue else None
        return project.id if project else None

    @property
    def actor_account_id(self) -> str | None:
        """Who made the change: the comment's (update) author, else the event's user."""
        if self.comment is not None:
            author = self.comment.update_author or self.comment.author
            if author is not None:
                return author.account_id
        return self.user.account_id if self.user else None

    def changelog_dict(self) -> dict[str, Any] | None:
        if self.changelog is None:
            return None
        return {"items": [{"fieldId": item.id} for item in self.changelog.items]}
