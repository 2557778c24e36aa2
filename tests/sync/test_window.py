"""The reconciliation window as a relative JQL period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tandem.sync.engine.window import minutes_back, updated_since

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_whole_minutes_rounded_up_so_the_window_never_starts_late() -> None:
    assert minutes_back(NOW - timedelta(minutes=15), NOW) == 15
    assert minutes_back(NOW - timedelta(minutes=15, seconds=1), NOW) == 16
    assert minutes_back(NOW - timedelta(days=2), NOW) == 2880


def test_at_least_one_minute_even_for_a_moment_in_the_future() -> None:
    assert minutes_back(NOW + timedelta(minutes=3), NOW) == 1


def test_naive_times_are_utc() -> None:
    naive = (NOW - timedelta(minutes=20)).replace(tzinfo=None)
    assert updated_since(naive, now=NOW) == 'updated >= "-20m"'
