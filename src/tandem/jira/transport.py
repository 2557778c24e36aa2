"""How every call reaches one Jira site: auth, pacing, retries, error decoding, counters.

Calls are paced (a token bucket per endpoint, spacing of writes to one issue), retried with
exponential backoff and jitter on 429, 5xx, timeouts and connection errors, and counted in
``stats``. A call that may have changed something in Jira (a POST that creates) is repeated
only if the caller says it is safe (``idempotent=True``); a 429 or a refused connection is
always retried, because Jira never processed that request.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

from tandem.jira.decoding import M, parse
from tandem.jira.errors import JiraUnavailable, error_for_response
from tandem.jira.ratelimit import RateLimits, RetryPolicy, Throttle
from tandem.jira.stats import TRANSPORT_ERROR, ClientStats

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_POOL = httpx.Limits(max_connections=20, max_keepalive_connections=10)
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
# The request never reached Jira: repeating it cannot apply it twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

Sleep = Callable[[float], Awaitable[None]]


class Transport:
    """One site's HTTP connection pool, signed by ``auth``, with Tandem's call policy."""

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
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.stats = ClientStats()
        self._throttle = Throttle(rate_limits or RateLimits())
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=auth,
            transport=transport,
            timeout=timeout,
            limits=limits,
            headers={"Accept": "application/json", "User-Agent": "Tandem"},
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def model(
        self,
        model: type[M],
        method: str,
        template: str,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> M:
        return parse(model, await self.call(method, template, path, params=params))

    async def write(
        self,
        issue: str,
        method: str,
        template: str,
        path: Mapping[str, str],
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """A call that changes ``issue``: spaced from the other writes to that issue."""
        return await self.call(
            method, template, path, params=params, json=json, idempotent=idempotent, issue=issue
        )

    async def call(
        self,
        method: str,
        template: str,
        path: Mapping[str, str] | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        issue: str | None = None,
        accept: tuple[int, ...] = (),
    ) -> httpx.Response:
        """``template`` filled with ``path``; a success (or a status in ``accept``), else the
        typed error once retries are spent. Counted under ``METHOD template``."""
        url = template.format(**{k: quote(str(v), safe="") for k, v in (path or {}).items()})
        attempt = _Attempt(
            endpoint=(method, template),
            url=self.base_url + url,
            repeatable=method in _IDEMPOTENT_METHODS if idempotent is None else idempotent,
            issue=issue,
            started=self._clock(),
        )
        while True:
            await self._pace(attempt)
            try:
                response = await self._http.request(method, url, params=params, json=json)
            except httpx.TransportError as exc:
                self.stats.record_call(attempt.name, TRANSPORT_ERROR)
                await self._retry_transport_error(attempt, exc)
                continue
            self.stats.record_call(attempt.name, response.status_code)
            if response.is_success or response.status_code in accept:
                return response
            await self._retry_response(attempt, response)

    async def _pace(self, attempt: _Attempt) -> None:
        wait = self._throttle.reserve(attempt.endpoint, self._clock(), attempt.issue)
        if wait > 0:
            self.stats.throttled_seconds += wait
            await self._sleep(wait)

    async def _retry_transport_error(self, attempt: _Attempt, exc: httpx.TransportError) -> None:
        """Wait before repeating a call that got no response, or raise ``JiraUnavailable``."""
        retryable = attempt.repeatable or isinstance(exc, _NOT_SENT)
        delay = self._delay(attempt, None)
        if not retryable or not self._within_budget(attempt, delay):
            raise JiraUnavailable(
                f"No response from Jira ({type(exc).__name__}: {exc})",
                method=attempt.endpoint[0],
                url=attempt.url,
            ) from exc
        self.stats.backoff_seconds += delay
        await self._wait_retry(attempt, delay)

    async def _retry_response(self, attempt: _Attempt, response: httpx.Response) -> None:
        """Wait before repeating a call after a 429 or 5xx, or raise its typed error."""
        status = response.status_code
        retry_after = self._retry_after(response)
        # A 429 means Jira turned the call away unprocessed: repeating it is always safe.
        retryable = status == 429 or (status >= 500 and status != 501 and attempt.repeatable)
        delay = self._delay(attempt, retry_after)
        if not retryable or not self._within_budget(attempt, delay):
            raise error_for_response(response, retry_after=retry_after)
        if status == 429:
            until = self._clock() + delay
            reason = response.headers.get("RateLimit-Reason")
            self._throttle.hold(reason, until, attempt.endpoint, attempt.issue)
            self.stats.rate_limited_seconds += delay
        else:
            self.stats.backoff_seconds += delay
        await self._wait_retry(attempt, delay)

    def _delay(self, attempt: _Attempt, retry_after: float | None) -> float:
        """What Jira asked for (with jitter), else exponential backoff."""
        if retry_after:
            return self.retry.with_jitter(retry_after, self._rng)
        return self.retry.backoff(attempt.retries + 1, self._rng)

    def _within_budget(self, attempt: _Attempt, delay: float) -> bool:
        spent = self._clock() - attempt.started
        return (
            attempt.retries + 1 < self.retry.max_attempts
            and spent + delay <= self.retry.max_total_seconds
        )

    async def _wait_retry(self, attempt: _Attempt, delay: float) -> None:
        attempt.retries += 1
        self.stats.record_retry(attempt.name)
        await self._sleep(delay)

    def _retry_after(self, response: httpx.Response) -> float | None:
        """Seconds Jira asks us to wait: ``Retry-After``, else ``X-RateLimit-Reset``."""
        header = response.headers.get("Retry-After")
        if header:
            return _seconds_from_header(header, self._clock())
        reset = response.headers.get("X-RateLimit-Reset")
        if reset:
            try:
                moment = datetime.fromisoformat(reset.strip())
            except ValueError:
                return None
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            return max(0.0, moment.timestamp() - self._clock())
        return None


@dataclass
class _Attempt:
    """The state of one call across its retries."""

    endpoint: tuple[str, str]
    url: str
    repeatable: bool
    issue: str | None
    started: float
    retries: int = 0

    @property
    def name(self) -> str:
        return f"{self.endpoint[0]} {self.endpoint[1]}"


def _seconds_from_header(value: str, now: float) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None
