"""Public keys of signed installs, fetched by ``kid`` from the install key server and cached.

Anyone can post a signed-looking install with any ``kid``, so a miss must not cost a fetch
each time: a kid the key server does not know is remembered for a while, a kid is fetched at
most once per cool-down, and all fetches together draw on a small token bucket.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import httpx

UNKNOWN_KID_SECONDS = 600.0  # how long "the key server has no such key" is believed
FETCH_COOLDOWN_SECONDS = 30.0  # at most one fetch of a kid in this time
FETCH_BURST = 5  # fetches of different kids allowed at once...
FETCH_REFILL_SECONDS = 6.0  # ...and one more after each of these
MAX_REMEMBERED = 10_000  # negative and cool-down entries kept, oldest dropped first


class InstallKeyError(Exception):
    """The key for a ``kid`` is unknown or could not be fetched."""

    def __init__(self, reason: str, *, unavailable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unavailable = unavailable


@dataclass
class _Miss:
    error: InstallKeyError
    until: float


class TokenBucket:
    """``burst`` tokens, one more every ``refill_seconds``."""

    def __init__(self, burst: int, refill_seconds: float, clock: Callable[[], float]) -> None:
        self._burst = float(burst)
        self._refill = refill_seconds
        self._clock = clock
        self._tokens = float(burst)
        self._at = clock()

    def take(self) -> bool:
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._at) / self._refill)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


class InstallKeys:
    """Fetches PEM public keys from ``{keys_url}/{kid}``; keys never change, so they are kept."""

    def __init__(
        self,
        keys_url: str,
        client: httpx.AsyncClient,
        *,
        clock: Callable[[], float] = time.monotonic,
        unknown_seconds: float = UNKNOWN_KID_SECONDS,
        cooldown_seconds: float = FETCH_COOLDOWN_SECONDS,
        burst: int = FETCH_BURST,
        refill_seconds: float = FETCH_REFILL_SECONDS,
    ) -> None:
        self._keys_url = keys_url.rstrip("/")
        self._client = client
        self._clock = clock
        self._unknown_seconds = unknown_seconds
        self._cooldown_seconds = cooldown_seconds
        self._bucket = TokenBucket(burst, refill_seconds, clock)
        self._cache: dict[str, str] = {}
        self._misses: dict[str, _Miss] = {}
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> str:
        if kid in self._cache:
            return self._cache[kid]
        async with self._lock:
            if kid not in self._cache:
                self._cache[kid] = await self._fetch_allowed(kid)
        return self._cache[kid]

    async def _fetch_allowed(self, kid: str) -> str:
        """The key, fetched only if neither the kid's cool-down nor the bucket forbids it."""
        now = self._clock()
        miss = self._misses.get(kid)
        if miss is not None and miss.until > now:
            raise miss.error
        if not self._bucket.take():
            raise InstallKeyError(
                f"unknown kid {kid!r}: too many unknown keys were asked for; try again later"
            )
        try:
            key = await self._fetch(kid)
        except InstallKeyError as exc:
            wait = self._cooldown_seconds if exc.unavailable else self._unknown_seconds
            self._remember_miss(kid, _Miss(exc, now + max(wait, self._cooldown_seconds)))
            raise
        self._misses.pop(kid, None)
        return key

    def _remember_miss(self, kid: str, miss: _Miss) -> None:
        self._misses.pop(kid, None)
        while len(self._misses) >= MAX_REMEMBERED:
            del self._misses[next(iter(self._misses))]
        self._misses[kid] = miss

    async def _fetch(self, kid: str) -> str:
        url = f"{self._keys_url}/{quote(kid, safe='')}"
        try:
            response = await self._client.get(url, timeout=5.0)
        except httpx.HTTPError as exc:
            raise InstallKeyError(
                f"the install key server could not be reached ({type(exc).__name__})",
                unavailable=True,
            ) from exc
        if response.status_code == 404:
            raise InstallKeyError(f"unknown kid {kid!r}: the key server has no such key")
        if response.status_code != 200 or "BEGIN PUBLIC KEY" not in response.text:
            raise InstallKeyError(
                f"the install key server answered {response.status_code} for kid {kid!r}",
                unavailable=response.status_code >= 500,
            )
        return response.text
