"""Calls received, by site, endpoint template (``POST /rest/api/3/issue``) and status."""

from __future__ import annotations

from collections import Counter


class Counters:
    def __init__(self) -> None:
        self._calls: Counter[tuple[str, str, int]] = Counter()

    def record(self, site: str, endpoint: str, status: int) -> None:
        self._calls[(site, endpoint, status)] += 1

    def reset(self) -> None:
        self._calls.clear()

    def count(self, site: str, endpoint: str, status: int | None = None) -> int:
        return sum(
            n
            for (s, e, code), n in self._calls.items()
            if s == site and e == endpoint and (status is None or code == status)
        )

    def as_dict(self, site: str | None = None) -> dict[str, dict[str, dict[str, int]]]:
        """``{site: {endpoint: {status: count}}}``."""
        result: dict[str, dict[str, dict[str, int]]] = {}
        for (name, endpoint, status), n in sorted(self._calls.items()):
            if site is None or name == site:
                result.setdefault(name, {}).setdefault(endpoint, {})[str(status)] = n
        return result
