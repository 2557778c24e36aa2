"""How the client proves who it is: a Connect JWT per request, or an API token."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Generator

import httpx

from tandem.connect import jwt

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


class ApiTokenAuth(httpx.Auth):
    """Basic auth with an Atlassian account's email and API token (standalone sites)."""

    def __init__(self, email: str, api_token: str) -> None:
        self.email = email
        credentials = f"{email}:{api_token}".encode()
        self._header = f"Basic {base64.b64encode(credentials).decode()}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return f"ApiTokenAuth(email={self.email!r})"
