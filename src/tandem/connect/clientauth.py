"""Calls to a tenant's Jira, signed as the Connect app with the tenant's shared secret."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator

import httpx

from tandem.connect import jwt
from tandem.jira.pool import SiteAddress
from tandem.store.secrets import SecretBox
from tandem.tenants import service as tenants
from tandem.tenants.models import Tenant

DEFAULT_JWT_TTL_SECONDS = 60


class ConnectJwtAuth(httpx.Auth):
    """Signs every request as the Connect app, with the ``qsh`` of that very request.

    The query string hash is computed relative to the site's base URL, whose path is empty
    on ``*.atlassian.net`` but not on a site served under a prefix.
    """

    def __init__(
        self,
        *,
        app_key: str,
        shared_secret: str,
        base_url: str,
        ttl_seconds: int = DEFAULT_JWT_TTL_SECONDS,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.app_key = app_key
        self._shared_secret = shared_secret
        self.base_path = httpx.URL(base_url).path.rstrip("/")
        self.ttl_seconds = ttl_seconds
        self._now = now

    def token_for(self, request: httpx.Request) -> str:
        return jwt.sign(
            issuer=self.app_key,
            secret=self._shared_secret,
            method=request.method,
            url=str(request.url),
            base_path=self.base_path,
            ttl_seconds=self.ttl_seconds,
            now=self._now(),
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"JWT {self.token_for(request)}"
        yield request

    def __repr__(self) -> str:
        return f"ConnectJwtAuth(app_key={self.app_key!r}, base_path={self.base_path!r})"


class ConnectSigner:
    """The auth and address of a Connect tenant's calls: JWTs signed as the app with the
    tenant's shared secret; a re-install (a new shared secret) is a new address."""

    def __init__(self, *, app_key: str, box: SecretBox) -> None:
        self._app_key = app_key
        self._box = box

    def auth(self, tenant: Tenant) -> httpx.Auth:
        secret = tenants.shared_secret(tenant=tenant, box=self._box)
        return ConnectJwtAuth(app_key=self._app_key, shared_secret=secret, base_url=tenant.base_url)

    def address(self, tenant: Tenant) -> SiteAddress:
        return SiteAddress(tenant.id, tenant.base_url, tenant.shared_secret_encrypted)
