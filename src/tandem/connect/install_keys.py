"""Public keys of signed installs, fetched by ``kid`` from the install key server and cached."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import httpx


class InstallKeyError(Exception):
    """The key for a ``kid`` is unknown or could not be fetched."""

    def __init__(self, reason: str, *, unavailable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unavailable = unavailable


class InstallKeys:
    """Fetches PEM public keys from ``{keys_url}/{kid}``; keys never change, so they are kept."""

    def __init__(self, keys_url: str, client: httpx.AsyncClient) -> None:
        self._keys_url = keys_url.rstrip("/")
        self._client = client
        self._cache: dict[str, str] = {}
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> str:
        if kid in self._cache:
            return self._cache[kid]
        async with self._lock:
            if kid not in self._cache:
                self._cache[kid] = await self._fetch(kid)
        return self._cache[kid]

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
