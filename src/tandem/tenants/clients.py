"""One Jira client per tenant, signed as the app with the tenant's shared secret."""

from __future__ import annotations

import httpx

from tandem.jira.auth import ConnectJwtAuth
from tandem.jira.client import JiraClient
from tandem.jira.ratelimit import BucketLimit, RateLimits
from tandem.jira.stats import ClientStats
from tandem.store.secrets import SecretBox
from tandem.tenants import service as tenants
from tandem.tenants.models import Tenant


class TenantClients:
    """Keeps one pooled client per tenant; a re-install (new secret) gets a new client."""

    def __init__(
        self,
        *,
        app_key: str,
        box: SecretBox,
        calls_per_second: float = RateLimits.default.rate,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._app_key = app_key
        self._box = box
        self._transport = transport
        # Bursts of twice the rate, as Jira's own burst limits allow.
        self._rate_limits = RateLimits(
            default=BucketLimit(rate=calls_per_second, burst=2 * calls_per_second)
        )
        self._clients: dict[int, tuple[str, JiraClient]] = {}

    def for_tenant(self, tenant: Tenant) -> JiraClient:
        version = tenant.shared_secret_encrypted
        cached = self._clients.get(tenant.id)
        if cached is not None and cached[0] == version:
            return cached[1]
        auth = ConnectJwtAuth(
            app_key=self._app_key,
            shared_secret=tenants.shared_secret(tenant=tenant, box=self._box),
            base_url=tenant.base_url,
        )
        client = JiraClient(
            tenant.base_url, auth, transport=self._transport, rate_limits=self._rate_limits
        )
        self._clients[tenant.id] = (version, client)
        return client

    def stats(self) -> dict[int, ClientStats]:
        """Each tenant's call counters, by tenant id."""
        return {tenant_id: client.stats for tenant_id, (_, client) in self._clients.items()}

    async def aclose(self) -> None:
        for _, client in self._clients.values():
            await client.aclose()
        self._clients.clear()
