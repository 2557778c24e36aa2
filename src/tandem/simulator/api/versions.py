"""ASGI middleware serving ``/rest/api/2`` and ``/rest/api/latest`` with the v3 routes.

The path is rewritten to ``/rest/api/3`` (``raw_path`` keeps what the caller signed, for the
JWT ``qsh``) and ``scope[apiv2.SCOPE_KEY]`` names the version called; request and response
bodies are converted by ``apiv2``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import apiv2
from ..errors import JiraError
from ..simulator import Simulator

_VERSIONED = re.compile(
    r"^(?P<head>.*?/sites/(?P<site>[^/]+)/rest/api/)(?P<version>2|latest)(?P<tail>/.*)$"
)


class ApiVersions:
    """Serves the v2 and ``latest`` platform API as Jira Cloud does (``apiv2``)."""

    def __init__(self, app: ASGIApp, simulator: Simulator) -> None:
        self.app = app
        self.simulator = simulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = _VERSIONED.match(scope["path"]) if scope["type"] == "http" else None
        site = self.simulator.sites.get(match.group("site")) if match else None
        if match is None or site is None:
            await self.app(scope, receive, send)
            return
        path = match.group("head") + "3" + match.group("tail")
        inner = {
            **scope,
            "path": path,
            "raw_path": scope.get("raw_path") or scope["path"].encode(),
            apiv2.SCOPE_KEY: match.group("version"),
        }
        relative = path[len(site.base_path) :] if path.startswith(site.base_path) else path
        try:
            body = await _converted_request(receive, site, scope["method"], relative)
        except JiraError as error:
            await _respond(send, error.status, error.platform_body(), [])
            return
        await self.app(inner, _replay(body), _converting(send, site))


async def _read(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _converted_request(receive: Receive, site: Any, method: str, relative: str) -> bytes:
    raw = await _read(receive)
    if not raw.strip():
        return raw
    try:
        body = json.loads(raw)
    except ValueError:
        return raw
    return json.dumps(apiv2.request_to_v3(site, method, relative, body)).encode()


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _converting(send: Send, site: Any) -> Send:
    """A ``send`` that holds the response and converts a JSON body before passing it on."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def converted(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        headers = list(start.get("headers") or [])
        body = b"".join(chunks)
        if body and _is_json(headers):
            body = json.dumps(apiv2.response_to_v2(site, json.loads(body))).encode()
        await _respond(send, int(start["status"]), body, headers)

    return converted


def _is_json(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and b"json" in v for k, v in headers)


async def _respond(send: Send, status: int, body: Any, headers: list[tuple[bytes, bytes]]) -> None:
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
        headers = [(b"content-type", b"application/json;charset=UTF-8")]
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    kept.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": kept})
    await send({"type": "http.response.body", "body": body})
