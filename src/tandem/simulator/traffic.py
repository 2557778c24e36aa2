"""ASGI middleware around every site's REST calls: injected faults first, then counting."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .apiv2 import SCOPE_KEY
from .faults import Decision, decide
from .simulator import Simulator

_SITE_REST = re.compile(r"^(?P<root>.*?)/sites/(?P<site>[^/]+)(?P<rest>/rest/.*)$")
_ISSUE_IN_PATH = ("issueIdOrKey",)
_SITE_PREFIX = "/sites/{site}"


class Traffic:
    """Counts calls by site, endpoint template and status; applies the site's faults."""

    def __init__(self, app: ASGIApp, simulator: Simulator, routes: list[BaseRoute]) -> None:
        self.app = app
        self.simulator = simulator
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self._learn_root(scope)
        match = _SITE_REST.match(scope["path"])
        site = self.simulator.sites.get(match.group("site")) if match else None
        if match is None or site is None:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        template, params = self._template(method, scope["path"])
        operation = f"{method} {_called_version(template, scope)}"
        status = await self._faulted(scope, receive, send, site.name, operation, params)
        self.simulator.counters.record(site.name, operation, status)

    def _learn_root(self, scope: Scope) -> None:
        if self.simulator.public_url is not None:
            return
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1")
        if host:
            self.simulator.learn_root_url(f"{scope.get('scheme', 'http')}://{host}")

    def _template(self, method: str, path: str) -> tuple[str, dict[str, str]]:
        for route in self.routes:
            regex = getattr(route, "path_regex", None)
            methods = getattr(route, "methods", None) or set()
            found = regex.match(path) if regex is not None else None
            if found and method in methods:
                template = str(getattr(route, "path", path)).removeprefix(_SITE_PREFIX)
                return template, found.groupdict()
        rest = _SITE_REST.match(path)
        return (rest.group("rest") if rest else path), {}

    async def _faulted(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        site_name: str,
        operation: str,
        params: dict[str, str],
    ) -> int:
        site = self.simulator.site(site_name)
        method = operation.split(" ", 1)[0]
        is_write = method in ("POST", "PUT", "DELETE") and "/search/" not in scope["path"]
        issue_ref = next((params[p] for p in _ISSUE_IN_PATH if p in params), None)
        issue = site.issue(issue_ref) if is_write and issue_ref else None
        decision = decide(
            site.faults,
            site.fault_runtime,
            site.rng,
            is_write=is_write,
            written_issue=issue.id if issue else None,
            operation=operation,
        )
        if decision.delay and not decision.delay_after_write:
            await asyncio.sleep(decision.delay)
        if decision.status is not None:
            await _error(send, decision.status, decision.message, decision.headers)
            return decision.status
        if decision.error_after_write is not None:
            await self.app(scope, receive, _discard)
            await _error(send, decision.error_after_write, "Internal server error", {})
            return decision.error_after_write
        return await self._passthrough(scope, receive, send, decision)

    async def _passthrough(
        self, scope: Scope, receive: Receive, send: Send, decision: Decision | None = None
    ) -> int:
        status = 500
        late = decision.delay if decision is not None and decision.delay_after_write else 0.0

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                if late:
                    await asyncio.sleep(late)  # the write is done; its response is late
            await send(message)

        await self.app(scope, receive, capture)
        return status


def _called_version(template: str, scope: Scope) -> str:
    """The template as called: v2 and ``latest`` calls are served by the v3 routes."""
    version = scope.get(SCOPE_KEY)
    if not version:
        return template
    return template.replace("/rest/api/3/", f"/rest/api/{version}/", 1)


async def _discard(message: Message) -> None:
    return None


async def _error(send: Send, status: int, message: str, headers: dict[str, str]) -> None:
    body = json.dumps({"errorMessages": [message], "errors": {}}).encode()
    raw_headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json;charset=UTF-8"),
        (b"content-length", str(len(body)).encode()),
        *((k.encode(), v.encode()) for k, v in headers.items()),
    ]
    start: dict[str, Any] = {
        "type": "http.response.start",
        "status": status,
        "headers": raw_headers,
    }
    await send(start)
    await send({"type": "http.response.body", "body": body})
