"""Fixtures for the Jira client tests: a fake clock, and a client whose HTTP is mocked by respx."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import respx

from tandem.jira import ApiTokenAuth, BucketLimit, JiraClient, RateLimits, RetryPolicy

BASE_URL = "https://acme.atlassian.net"
EMAIL = "bot@example.com"
API_TOKEN = "ATATT3xFfGF0-very-secret-token-value"
UNLIMITED = RateLimits(default=BucketLimit(rate=1e9, burst=1e9), issue_write_interval=0.0)


class FakeClock:
    """Wall time that moves only when the code under test sleeps; records every sleep."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


def make_client(clock: FakeClock, **overrides: Any) -> JiraClient:
    options: dict[str, Any] = {
        "auth": ApiTokenAuth(EMAIL, API_TOKEN),
        "clock": clock,
        "sleep": clock.sleep,
        "retry": RetryPolicy(jitter=0.0),
        "rate_limits": UNLIMITED,
        "rng": random.Random(7),
    }
    options.update(overrides)
    return JiraClient(BASE_URL, **options)


@pytest.fixture
async def jira(clock: FakeClock, mock: respx.MockRouter) -> AsyncIterator[JiraClient]:
    async with make_client(clock) as client:
        yield client
