"""The pacing rules on their own: token buckets, issue spacing, and holds after a 429."""

from __future__ import annotations

import random

import pytest

from tandem.jira.ratelimit import BucketLimit, RateLimits, RetryPolicy, Throttle, TokenBucket

GET_ISSUE = ("GET", "/rest/api/3/issue/{issueIdOrKey}")
PUT_ISSUE = ("PUT", "/rest/api/3/issue/{issueIdOrKey}")
LIMITS = RateLimits(default=BucketLimit(rate=10.0, burst=2.0), issue_write_interval=0.5)


def test_bucket_allows_a_burst_then_the_rate() -> None:
    bucket = TokenBucket(BucketLimit(rate=4.0, burst=2.0), now=0.0)
    assert [bucket.reserve(0.0) for _ in range(4)] == [0.0, 0.0, 0.25, 0.5]
    assert bucket.reserve(10.0) == 0.0  # refilled, capped at the burst
    assert bucket.tokens == 1.0


def test_concurrent_reservations_queue_up() -> None:
    throttle = Throttle(LIMITS)
    waits = [throttle.reserve(GET_ISSUE, 100.0) for _ in range(4)]
    assert waits == pytest.approx([0.0, 0.0, 0.1, 0.2])


def test_issue_writes_are_spaced_per_issue() -> None:
    throttle = Throttle(RateLimits(default=BucketLimit(1e9, 1e9), issue_write_interval=0.5))
    assert throttle.reserve(PUT_ISSUE, 0.0, issue="SUP-1") == 0.0
    assert throttle.reserve(PUT_ISSUE, 0.0, issue="SUP-1") == 0.5
    assert throttle.reserve(PUT_ISSUE, 0.0, issue="SUP-1") == 1.0
    assert throttle.reserve(PUT_ISSUE, 0.0, issue="SUP-2") == 0.0
    assert throttle.reserve(PUT_ISSUE, 5.0, issue="SUP-1") == 0.0


def test_per_issue_429_holds_only_that_issue() -> None:
    throttle = Throttle(RateLimits(default=BucketLimit(1e9, 1e9), issue_write_interval=0.0))
    throttle.hold("jira-per-issue-on-write", 30.0, PUT_ISSUE, "SUP-1")
    assert throttle.reserve(PUT_ISSUE, 10.0, issue="SUP-1") == 20.0
    assert throttle.reserve(PUT_ISSUE, 10.0, issue="SUP-2") == 0.0
    assert throttle.reserve(GET_ISSUE, 10.0) == 0.0


def test_burst_429_holds_only_that_endpoint() -> None:
    throttle = Throttle(RateLimits(default=BucketLimit(1e9, 1e9)))
    throttle.hold("jira-burst-based", 30.0, GET_ISSUE, None)
    assert throttle.reserve(GET_ISSUE, 10.0) == 20.0
    assert throttle.reserve(PUT_ISSUE, 10.0, issue="SUP-1") == 0.0


def test_other_429s_hold_the_whole_site() -> None:
    throttle = Throttle(RateLimits(default=BucketLimit(1e9, 1e9)))
    throttle.hold("jira-quota-tenant-based", 30.0, GET_ISSUE, None)
    assert throttle.reserve(PUT_ISSUE, 10.0, issue="SUP-1") == 20.0
    assert throttle.reserve(("GET", "/rest/api/3/field"), 29.0) == 1.0


def test_issue_spacing_memory_is_pruned() -> None:
    throttle = Throttle(RateLimits(default=BucketLimit(1e9, 1e9), issue_write_interval=0.1))
    for n in range(Throttle._PRUNE_AT + 1):
        throttle.reserve(PUT_ISSUE, 0.0, issue=f"SUP-{n}")
    throttle.reserve(PUT_ISSUE, 100.0, issue="SUP-new")
    assert len(throttle._issue_next) == 1


def test_default_limits_stay_under_jira_cloud_per_issue_limits() -> None:
    limits = RateLimits()
    assert 1 / limits.issue_write_interval * 30 <= 100  # 100 writes per 30 s
    assert 1 / limits.issue_write_interval * 2 <= 20  # 20 writes per 2 s


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0, jitter=0.0)
    rng = random.Random(0)
    assert [policy.backoff(n, rng) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]
