"""Pacing of calls to one site, and the retry policy.

Jira Cloud applies independent limits (``RateLimit-Reason``): a burst limit per endpoint and
method, a limit on writes to one issue, and tenant-wide quotas. The client paces itself with a
token bucket per endpoint and a minimum spacing between writes to the same issue, and when
Jira still answers 429 it holds back only the scope the reason names.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

Endpoint = tuple[str, str]  # (method, path template)

REASON_BURST = "jira-burst-based"
REASON_PER_ISSUE_WRITE = "jira-per-issue-on-write"


@dataclass(frozen=True)
class BucketLimit:
    """Sustained ``rate`` per second, with up to ``burst`` calls at once."""

    rate: float
    burst: float


@dataclass(frozen=True)
class RateLimits:
    """Tunable pacing. The defaults stay well under Jira Cloud's published limits."""

    default: BucketLimit = BucketLimit(rate=10.0, burst=20.0)
    endpoints: Mapping[Endpoint, BucketLimit] = field(default_factory=dict)
    # Jira allows about 20 writes per 2 s and 100 per 30 s to one issue.
    issue_write_interval: float = 0.35

    def for_endpoint(self, endpoint: Endpoint) -> BucketLimit:
        return self.endpoints.get(endpoint, self.default)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, bounded in attempts and in total time."""

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_total_seconds: float = 120.0
    jitter: float = 0.25  # up to this fraction of each delay is added at random

    def backoff(self, retry: int, rng: random.Random) -> float:
        """The delay before retry number ``retry`` (1-based)."""
        delay = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        return self.with_jitter(delay, rng)

    def with_jitter(self, delay: float, rng: random.Random) -> float:
        return delay + delay * self.jitter * rng.random() if self.jitter else delay


class TokenBucket:
    """A token bucket that hands out reservations: ``reserve`` says how long to wait."""

    def __init__(self, limit: BucketLimit, now: float) -> None:
        self.limit = limit
        self.tokens = limit.burst
        self.updated = now

    def reserve(self, now: float) -> float:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.limit.burst, self.tokens + elapsed * self.limit.rate)
        self.updated = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.limit.rate


class Throttle:
    """Decides how long a call must wait before it is sent. Not thread-safe; one event loop."""

    _PRUNE_AT = 1024

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._buckets: dict[Endpoint, TokenBucket] = {}
        self._issue_next: dict[str, float] = {}
        self._endpoint_hold: dict[Endpoint, float] = {}
        self._site_hold = 0.0

    def reserve(self, endpoint: Endpoint, now: float, issue: str | None = None) -> float:
        """Seconds to wait before sending a call to ``endpoint`` (a write to ``issue``)."""
        bucket = self._buckets.get(endpoint)
        if bucket is None:
            bucket = self._buckets[endpoint] = TokenBucket(self.limits.for_endpoint(endpoint), now)
        start = max(
            now + bucket.reserve(now), self._site_hold, self._endpoint_hold.get(endpoint, 0)
        )
        if issue is not None:
            start = max(start, self._issue_next.get(issue, 0.0))
            self._issue_next[issue] = start + self.limits.issue_write_interval
            self._prune(now)
        return start - now

    def hold(self, reason: str | None, until: float, endpoint: Endpoint, issue: str | None) -> None:
        """Jira answered 429: keep the scope it names quiet until ``until``."""
        if reason == REASON_PER_ISSUE_WRITE and issue is not None:
            self._issue_next[issue] = max(self._issue_next.get(issue, 0.0), until)
        elif reason in (REASON_BURST, REASON_PER_ISSUE_WRITE):
            self._endpoint_hold[endpoint] = max(self._endpoint_hold.get(endpoint, 0.0), until)
        else:
            self._site_hold = max(self._site_hold, until)

    def _prune(self, now: float) -> None:
        if len(self._issue_next) > self._PRUNE_AT:
            self._issue_next = {k: t for k, t in self._issue_next.items() if t > now}
