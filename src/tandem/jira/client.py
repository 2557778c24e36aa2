"""The async client for one Jira site: every call Tandem makes to Jira goes through it.

``JiraClient`` is the endpoint groups (``tandem.jira.endpoints``) over one ``Transport``,
which owns the call policy: auth, pacing, retries, error decoding and counters.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

import httpx

from tandem.jira.endpoints.comments import CommentEndpoints
from tandem.jira.endpoints.issues import IssueEndpoints, NewIssue
from tandem.jira.endpoints.projects import ProjectEndpoints
from tandem.jira.endpoints.properties import PropertyEndpoints
from tandem.jira.endpoints.search import SearchEndpoints
from tandem.jira.endpoints.servicedesk import ServiceDeskEndpoints
from tandem.jira.endpoints.users import UserEndpoints
from tandem.jira.ratelimit import RateLimits, RetryPolicy
from tandem.jira.stats import ClientStats
from tandem.jira.transport import DEFAULT_POOL, DEFAULT_TIMEOUT, Sleep, Transport

__all__ = ["JiraClient", "NewIssue"]


class JiraClient(
    UserEndpoints,
    ProjectEndpoints,
    IssueEndpoints,
    CommentEndpoints,
    PropertyEndpoints,
    SearchEndpoints,
    ServiceDeskEndpoints,
):
    """One site's REST client. Use ``async with JiraClient(...) as jira:`` or ``aclose()``."""

    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        limits: httpx.Limits = DEFAULT_POOL,
        rate_limits: RateLimits | None = None,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.transport = Transport(
            base_url,
            auth,
            transport=transport,
            timeout=timeout,
            limits=limits,
            rate_limits=rate_limits,
            retry=retry,
            clock=clock,
            sleep=sleep,
            rng=rng,
        )

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    @property
    def retry(self) -> RetryPolicy:
        return self.transport.retry

    @property
    def stats(self) -> ClientStats:
        return self.transport.stats

    async def __aenter__(self) -> JiraClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.transport.aclose()

    def __repr__(self) -> str:
        return f"JiraClient({self.base_url!r})"
