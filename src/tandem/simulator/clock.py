"""Time as Jira writes it: ``2024-05-01T10:20:30.123+0000`` (no colon in the offset)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def jira_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def epoch_millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def friendly(moment: datetime) -> str:
    return moment.strftime("%d/%b/%y %I:%M %p")
