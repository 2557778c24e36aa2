"""The search that finds the issues a reconciliation window touched."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tandem.sync.engine.commentcheck import touched_jql
from tandem.sync.models import Side, Synchronization


def sync(project_id: str) -> Synchronization:
    return Synchronization(first_project_id=project_id, second_project_id="20000")


def test_touched_issues_of_one_project_since_a_time() -> None:
    since = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    now = datetime(2026, 3, 1, 9, 45, 10, tzinfo=UTC)

    assert touched_jql(sync("10000"), Side.FIRST, since, now=now) == (
        'project = 10000 AND updated >= "-16m" ORDER BY key ASC'
    )
    assert touched_jql(sync("10000"), Side.SECOND, since).startswith("project = 20000 AND")


def test_a_project_id_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError):
        touched_jql(sync("1) OR (project = PRIV"), Side.FIRST, datetime.now(UTC))
