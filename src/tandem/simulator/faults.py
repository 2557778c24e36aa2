"""Faults a site can be told to inject, and the decision for one REST call."""

from __future__ import annotations

import math
import random
import time
from collections import deque
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

GLOBAL_RATE_LIMIT_REASON = "jira-burst-based"
PER_ISSUE_RATE_LIMIT_REASON = "jira-per-issue-on-write"


class _Config(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class Latency(_Config):
    min_ms: float = 0
    max_ms: float | None = None  # fixed latency when absent
    after_write: bool | None = None  # when true, writes happen at once, their answers late


class RateLimit(_Config):
    rate: float = 0
    retry_after: int = 1


class PerIssueWriteLimit(_Config):
    limit: int
    window_seconds: float = 2
    retry_after: int = 1


class ServerErrors(_Config):
    rate: float = 0
    status: int = 500
    after_write: bool = False  # the write happens, the caller still sees the error


class WebhookFaults(_Config):
    drop_rate: float = 0
    duplicate_rate: float = 0
    reorder_window_ms: float = 0
    # The first N attempts of each delivery reach the app but count as failed, as when the
    # app's answer is lost: Jira retries, so the app receives the same delivery again.
    lost_acknowledgements: int = 0


class Outage(_Config):
    seconds: float | None = None  # until cleared when absent


class Faults(_Config):
    seed: int | None = None
    latency: Latency | None = None
    rate_limit: RateLimit | None = None
    per_issue_write_limit: PerIssueWriteLimit | None = None
    server_errors: ServerErrors | None = None
    webhooks: WebhookFaults | None = None
    search_lag_seconds: float = 0
    outage: Outage | None = None
    # REST calls ("POST /rest/api/3/issue/bulk") the other faults apply to; all when absent.
    operations: list[str] | None = None


@dataclass
class Decision:
    """What to do with one call: wait, then answer with an error or let it through."""

    delay: float = 0
    delay_after_write: bool = False
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    message: str = ""
    error_after_write: int | None = None


@dataclass
class FaultRuntime:
    """The moving parts behind ``Faults``: the outage clock and per-issue write windows."""

    outage_ends: float | None = None
    writes: dict[str, deque[float]] = field(default_factory=dict)

    @classmethod
    def start(cls, faults: Faults) -> FaultRuntime:
        runtime = cls()
        if faults.outage is not None:
            seconds = faults.outage.seconds
            runtime.outage_ends = math.inf if seconds is None else time.monotonic() + seconds
        return runtime

    def in_outage(self) -> bool:
        return self.outage_ends is not None and time.monotonic() < self.outage_ends

    def outage_retry_after(self) -> int:
        remaining = (self.outage_ends or 0) - time.monotonic()
        return 5 if math.isinf(remaining) else max(1, math.ceil(remaining))

    def over_write_limit(self, issue_id: str, limit: PerIssueWriteLimit) -> bool:
        now = time.monotonic()
        window = self.writes.setdefault(issue_id, deque())
        while window and window[0] <= now - limit.window_seconds:
            window.popleft()
        if len(window) >= limit.limit:
            return True
        window.append(now)
        return False


def decide(
    faults: Faults,
    runtime: FaultRuntime,
    rng: random.Random,
    *,
    is_write: bool,
    written_issue: str | None,
    operation: str = "",
) -> Decision:
    """The fault, if any, for one REST call (``operation``: "METHOD /template");
    ``written_issue`` is the issue a write targets."""
    if faults.operations is not None and operation not in faults.operations:
        return Decision()
    decision = Decision(delay=_latency(faults.latency, rng))
    decision.delay_after_write = (
        is_write and faults.latency is not None and bool(faults.latency.after_write)
    )
    if runtime.in_outage():
        decision.status, decision.message = 503, "Service Unavailable"
        decision.headers = {"Retry-After": str(runtime.outage_retry_after())}
        return decision
    limit = faults.per_issue_write_limit
    if written_issue and limit and runtime.over_write_limit(written_issue, limit):
        decision.status, decision.message = 429, "Rate limit exceeded."
        decision.headers = _rate_headers(limit.retry_after, PER_ISSUE_RATE_LIMIT_REASON)
        return decision
    rate = faults.rate_limit
    if rate and rng.random() < rate.rate:
        decision.status, decision.message = 429, "Rate limit exceeded."
        decision.headers = _rate_headers(rate.retry_after, GLOBAL_RATE_LIMIT_REASON)
        return decision
    errors = faults.server_errors
    if errors and rng.random() < errors.rate:
        if errors.after_write and is_write:
            decision.error_after_write = errors.status
        else:
            decision.status, decision.message = errors.status, "Internal server error"
    return decision


def _latency(latency: Latency | None, rng: random.Random) -> float:
    if latency is None:
        return 0
    if latency.max_ms is None or latency.max_ms <= latency.min_ms:
        return latency.min_ms / 1000
    return rng.uniform(latency.min_ms, latency.max_ms) / 1000


def _rate_headers(retry_after: int, reason: str) -> dict[str, str]:
    return {"Retry-After": str(retry_after), "RateLimit-Reason": reason}
