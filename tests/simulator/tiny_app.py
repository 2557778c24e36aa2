"""A tiny Connect app for tests: serves a descriptor, records lifecycle calls and webhooks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

from tests.support.servers import serve

WEBHOOK_EVENTS = (
    "jira:issue_created",
    "jira:issue_updated",
    "jira:issue_deleted",
    "comment_created",
    "comment_updated",
    "comment_deleted",
)


@dataclass
class Received:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def token(self) -> str:
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        assert scheme == "JWT", self.headers
        return token


@dataclass
class TinyApp:
    key: str = "tandem-test"
    name: str = "Tandem Test"
    scopes: list[str] = field(default_factory=lambda: ["READ", "WRITE", "DELETE", "ADMIN"])
    webhooks: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"event": e, "url": f"/webhooks/{e.replace(':', '-')}"} for e in WEBHOOK_EVENTS
        ]
    )
    authentication: str = "jwt"
    installed_status: int = 204
    failures: dict[str, int] = field(default_factory=dict)  # path -> failures left
    extra_modules: dict[str, Any] = field(default_factory=dict)
    base_url: str = ""
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def descriptor(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "baseUrl": self.base_url,
            "authentication": {"type": self.authentication},
            "lifecycle": {
                "installed": "/installed",
                "uninstalled": "/uninstalled",
                "enabled": "/enabled",
                "disabled": "/disabled",
            },
            "scopes": self.scopes,
            "apiVersion": 1,
            "modules": {"webhooks": self.webhooks, **self.extra_modules},
        }

    def asgi(self) -> FastAPI:
        app = FastAPI()

        @app.get("/atlassian-connect.json")
        async def descriptor() -> dict[str, Any]:
            return self.descriptor()

        @app.api_route("/{path:path}", methods=["POST"])
        async def record(path: str, request: Request) -> Response:
            body = await request.body()
            with self.lock:
                self.received.append(
                    Received("POST", "/" + path, request.url.query, dict(request.headers), body)
                )
                left = self.failures.get("/" + path, 0)
                if left:
                    self.failures["/" + path] = left - 1
                    return Response(status_code=500)
            if path == "installed":
                return Response(status_code=self.installed_status)
            return Response(status_code=204)

        return app

    def calls(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def events(self, event: str) -> list[dict[str, Any]]:
        return [r.json() for r in self.calls("/webhooks/" + event.replace(":", "-"))]


@contextmanager
def running(app: TinyApp) -> Iterator[TinyApp]:
    with serve(app.asgi()) as url:
        app.base_url = url
        yield app


def install(sim_url: str, site: str, app: TinyApp, **options: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{sim_url}/sites/{site}/_sim/install",
        json={"descriptorUrl": f"{app.base_url}/atlassian-connect.json", **options},
        timeout=15,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
