"""The search index: versions of each issue over time, so that JQL search can lag behind."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping

from .models import Issue

_KEEP_SECONDS = 600


class SearchIndex:
    """Every write records a copy of the issue (or ``None`` once deleted)."""

    def __init__(self) -> None:
        self._versions: dict[str, list[tuple[float, Issue | None]]] = {}

    def seed(self, issue: Issue) -> None:
        self._versions[issue.id] = [(-math.inf, issue.model_copy(deep=True))]

    def record(self, issue_id: str, issue: Issue | None) -> None:
        now = time.monotonic()
        versions = self._versions.setdefault(issue_id, [])
        versions.append((now, issue.model_copy(deep=True) if issue else None))
        old = [v for v in versions if v[0] <= now - _KEEP_SECONDS]
        if len(old) > 1:
            del versions[: len(old) - 1]

    def view(
        self, live: Mapping[str, Issue], lag_seconds: float, fresh: Iterable[str] = ()
    ) -> list[Issue]:
        """The issues as search sees them ``lag_seconds`` ago; ``fresh`` ids are read live."""
        if lag_seconds <= 0:
            return list(live.values())
        cutoff = time.monotonic() - lag_seconds
        fresh_ids = set(fresh)
        seen: list[Issue] = []
        for issue_id in sorted(set(self._versions) | set(live), key=int):
            issue = live.get(issue_id) if issue_id in fresh_ids else self._at(issue_id, cutoff)
            if issue is not None:
                seen.append(issue)
        return seen

    def _at(self, issue_id: str, cutoff: float) -> Issue | None:
        older = [issue for moment, issue in self._versions.get(issue_id, []) if moment <= cutoff]
        return older[-1] if older else None
