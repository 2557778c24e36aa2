"""Which issues belong to a synchronization: those of its project on each side, proven by the
project each issue says it is in. A search result is never trusted to be in scope just because
the query asked for the project (the admin's JQL, a lagging index or a quirk could widen it)."""

from __future__ import annotations

import logging

from tandem.jira.schemas import Issue
from tandem.sync.models import Side, Synchronization

log = logging.getLogger(__name__)


def belongs(sync: Synchronization, side: Side, issue: Issue) -> bool:
    """Whether ``issue`` says it is in the synchronization's project on ``side``."""
    project = issue.fields.project
    return project is not None and project.id == sync.project_id(side)


def in_scope(sync: Synchronization, side: Side, issues: list[Issue]) -> list[Issue]:
    """``issues`` of the synchronization's project on ``side``; the others are dropped."""
    kept = [issue for issue in issues if belongs(sync, side, issue)]
    if len(kept) != len(issues):
        log.warning(
            "synchronization %s: %d issue(s) outside project %s were refused",
            sync.id,
            len(issues) - len(kept),
            sync.project_key(side),
        )
    return kept
