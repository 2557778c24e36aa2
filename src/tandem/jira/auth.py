"""How the client proves who it is with an API token.

Any ``httpx.Auth`` will do: a Connect app signs its calls with ``tandem.connect.clientauth``.
"""

from __future__ import annotations

import base64
from collections.abc import Generator

import httpx


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
