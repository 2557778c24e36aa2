"""One pooled client per site, all paced by the same rate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

from tandem.jira.client import JiraClient
from tandem.jira.ratelimit import BucketLimit, RateLimits
from tandem.jira.stats import ClientStats


@dataclass(frozen=True)
class SiteAddress:
    """Which site, where it lives, and a name for the credentials that sign its calls (a
    version or a ciphertext, never the secret)."""

    id: int
    base_url: str
    credentials: str


SiteT = TypeVar("SiteT")


class ClientPool(Generic[SiteT]):
    """Keeps one client per site; a site whose credentials changed (a re-install, a new
    secret) gets a new client.

    ``address`` says which site and with which credentials, so a change is seen without
    building the auth again; ``auth`` signs the calls of a new client.
    """

    def __init__(
        self,
        *,
        address: Callable[[SiteT], SiteAddress],
        auth: Callable[[SiteT], httpx.Auth],
        calls_per_second: float = RateLimits.default.rate,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._address = address
        self._auth = auth
        self._transport = transport
        # Bursts of twice the rate, as Jira's own burst limits allow.
        self._rate_limits = RateLimits(
            default=BucketLimit(rate=calls_per_second, burst=2 * calls_per_second)
        )
        self._clients: dict[int, tuple[str, JiraClient]] = {}

    def for_tenant(self, site: SiteT) -> JiraClient:
        """The client of ``site`` (a tenant: a site that installed Tandem)."""
        address = self._address(site)
        cached = self._clients.get(address.id)
        if cached is not None and cached[0] == address.credentials:
            return cached[1]
        client = JiraClient(
            address.base_url,
            self._auth(site),
            transport=self._transport,
            rate_limits=self._rate_limits,
        )
        self._clients[address.id] = (address.credentials, client)
        return client

    def stats(self) -> dict[int, ClientStats]:
        """Each site's call counters, by site id."""
        return {site_id: client.stats for site_id, (_, client) in self._clients.items()}

    async def aclose(self) -> None:
        for _, client in self._clients.values():
            await client.aclose()
        self._clients.clear()
