"""Retries never move a field backwards, nor publish a comment made internal since.

An event carries a snapshot of its issue taken when the change happened. A retried event (a
transient failure, a redelivery, a failed event retried from the monitor) or one older than a
change already synced may hold values older than what the copy shows now, so the source issue
is read again and its current values are written instead. A first delivery in order keeps the
snapshot: about one Jira call per change. Comment events follow the same rule
(``tandem.sync.engine.comments``): a retried one reads the comment again, so a reply made internal
while its first delivery was failing is never copied from the older, public snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.jira.client import JiraClient
from tandem.jira.errors import JiraNotFound
from tandem.sync.engine import mapping
from tandem.sync.engine.context import Context
from tandem.sync.models import Event, IssueLink

ALWAYS_READ = ("project", "issuetype", "status", "updated")


@dataclass(frozen=True)
class Current:
    issue: mapping.SourceIssue
    changed_at_ms: int | None


def retried(event: Event) -> bool:
    """A transient failure, a redelivery or a retry from the monitor: the world may have moved
    on since the event's snapshot was taken."""
    return event.attempts > 1 or event.redelivered or event.last_error is not None


def may_be_stale(ctx: Context, link: IssueLink, changed: set[str] | None) -> bool:
    """Whether the event's snapshot may be older than what was synced already."""
    event = ctx.event
    if retried(event):
        return True
    return mapping.behind_synced(
        ctx.config,
        ctx.source,
        link.field_state or {},
        changed=changed,
        changed_at_ms=event.jira_timestamp,
    )


async def current_issue(client: JiraClient, ctx: Context, issue_id: str) -> Current | None:
    """The source issue as it is now (one GET), or None if it no longer exists."""
    mapped = {m.field(ctx.source).id for m in ctx.config.field_mappings(ctx.source)}
    try:
        issue = await client.get_issue(issue_id, fields=sorted(mapped | set(ALWAYS_READ)))
    except JiraNotFound:
        return None
    updated = issue.fields.updated
    return Current(
        issue=mapping.source_issue(issue),
        changed_at_ms=int(updated.timestamp() * 1000) if updated else None,
    )
