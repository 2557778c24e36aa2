"""Counters of one site's calls, for the metrics endpoint and the benchmarks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

TRANSPORT_ERROR = "error"  # the status recorded when no response arrived


@dataclass
class ClientStats:
    """Calls by endpoint template and status, retries, and seconds spent waiting.

    ``endpoint`` is ``"METHOD /path/{template}"``, so that counts do not grow per issue.
    """

    calls: Counter[tuple[str, int | str]] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)
    rate_limited_seconds: float = 0.0  # waited because Jira answered 429
    backoff_seconds: float = 0.0  # waited before retrying a 5xx, timeout or connect error
    throttled_seconds: float = 0.0  # waited on our own pacing (token buckets, issue spacing)

    def record_call(self, endpoint: str, status: int | str) -> None:
        self.calls[(endpoint, status)] += 1

    def record_retry(self, endpoint: str) -> None:
        self.retries[endpoint] += 1

    def reset(self) -> None:
        self.calls.clear()
        self.retries.clear()
        self.rate_limited_seconds = self.backoff_seconds = self.throttled_seconds = 0.0

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def total_retries(self) -> int:
        return sum(self.retries.values())

    def calls_to(self, endpoint: str) -> int:
        return sum(n for (name, _), n in self.calls.items() if name == endpoint)

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy: ``{"calls": [{"endpoint", "status", "count"}], ...}``."""
        return {
            "calls": [
                {"endpoint": endpoint, "status": status, "count": count}
                for (endpoint, status), count in sorted(self.calls.items(), key=str)
            ],
            "retries": dict(sorted(self.retries.items())),
            "total_calls": self.total_calls,
            "total_retries": self.total_retries,
            "rate_limited_seconds": round(self.rate_limited_seconds, 3),
            "backoff_seconds": round(self.backoff_seconds, 3),
            "throttled_seconds": round(self.throttled_seconds, 3),
        }
