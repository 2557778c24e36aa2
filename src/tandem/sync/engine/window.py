"""A reconciliation window as JQL that means the same instant whatever the app user's zone.

Jira reads an absolute JQL date (``updated >= "2026-03-01 09:30"``) as a wall-clock time in the
time zone of the user who searches, here Tandem's app user, whose zone Tandem does not choose:
written in UTC, it would point hours into the future for an app user west of UTC and find
nothing. A relative period (``"-15m"``: fifteen minutes before now, Atlassian's "JQL Date Time
Formats") counts back from the moment Jira runs the search, the same instant in every zone.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime


def minutes_back(since: datetime, now: datetime) -> int:
    """Whole minutes from ``since`` to ``now``, rounded up so the window never starts late."""
    seconds = (_aware(now) - _aware(since)).total_seconds()
    return max(1, math.ceil(seconds / 60))


def updated_since(since: datetime, *, now: datetime | None = None) -> str:
    """The JQL clause for issues updated at ``since`` or later (naive times are UTC)."""
    return f'updated >= "-{minutes_back(since, now or datetime.now(UTC))}m"'


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
