"""Typed views of the webhooks Jira delivers: Jira Cloud's own shape (REST v2: rich text as wiki
markup, ``self`` links under ``/rest/api/2``) and v3 payloads with ADF documents.

What Tandem stores and acts on is validated as Jira shapes it: issue, comment and changelog
ids are decimal numbers, issue keys follow Jira's key pattern, and every stored string is
bounded; anything else is refused with the field that is wrong.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from tandem.jira.schemas import Comment, Issue, JiraModel, User

JiraId = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,19}$")]
IssueKey = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{0,43}-[0-9]{1,19}$")]
AccountId = Annotated[str, StringConstraints(min_length=1, max_length=128)]
EventName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Timestamp = Annotated[int, Field(ge=0, lt=2**63)]


class WebhookUser(User):
    account_id: AccountId


V2_PATH = "/rest/api/2/"


class WebhookIssue(Issue):
    id: JiraId
    key: IssueKey
    self_url: str | None = Field(default=None, alias="self")


class WebhookComment(Comment):
    id: JiraId
    author: WebhookUser | None = None
    update_author: WebhookUser | None = None
    self_url: str | None = Field(default=None, alias="self")


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
    id: JiraId | None = None
    items: list[ChangelogItem] = []


class WebhookEvent(JiraModel):
    """One delivery: ``jira:issue_*`` or ``comment_*``."""

    timestamp: Timestamp | None = None
    webhook_event: EventName
    issue_event_type_name: str | None = None
    user: WebhookUser | None = None
    issue: WebhookIssue | None = None
    comment: WebhookComment | None = None
    changelog: Changelog | None = None

    @property
    def is_comment_event(self) -> bool:
        return self.webhook_event.startswith("comment_")

    @property
    def project_id(self) -> str | None:
        project = self.issue.fields.project if self.issue else None
        return project.id if project else None

    @property
    def wiki_bodies(self) -> bool:
        """Whether rich text in this payload is wiki markup: Jira Cloud's webhooks are REST v2
        representations (their links say so), where every multi-line field and comment body
        is a wiki-markup string; a string description or comment body says so too."""
        links = [part.self_url for part in (self.issue, self.comment) if part is not None]
        if any(link is not None and V2_PATH in link for link in links):
            return True
        description = self.issue.fields.description if self.issue else None
        body = self.comment.body if self.comment else None
        return isinstance(description, str) or isinstance(body, str)

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
