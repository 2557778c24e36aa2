"""The app's own routes, read from the app, so that a new route joins the tables by itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from tandem.app import create_app
from tandem.settings import Settings
from tests.conftest import APP_BASE_URL, TEST_SECRET_KEY

# Public by design: probes, the descriptor Jira reads, the API description, Prometheus
# counts (no site names), static files.
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/atlassian-connect.json"),
    ("GET", "/openapi.json"),
    ("GET", "/static"),
}
LIFECYCLE = {"/installed", "/uninstalled", "/enabled", "/disabled"}
JIRA_SIGNED = {"/webhooks/jira", "/ui/project"}
PARAM = re.compile(r"\{([a-z_]+)(?::[a-z]+)?\}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as declared: /ui/syncs/{sync_id:int}/monitor

    @property
    def kind(self) -> str:
        """How a request on it authenticates: lifecycle, jira, api or page."""
        if self.path in LIFECYCLE:
            return "lifecycle"
        if self.path in JIRA_SIGNED:
            return "jira"
        return "api" if self.path.startswith("/api/") else "page"

    @property
    def names_sync(self) -> bool:
        return "{sync_id" in self.path

    def url(self, sync_id: int) -> str:
        values = {"sync_id": str(sync_id), "mode": "local", "action": "accept"}
        return PARAM.sub(lambda m: values[m.group(1)], self.path)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _walk(app: FastAPI) -> Iterator[Any]:
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        yield from contexts() if contexts else [route]


def app_routes() -> list[Route]:
    """Every (method, path) the app answers, HEAD aside."""
    settings = Settings(database_url="sqlite://", base_url=APP_BASE_URL, secret_key=TEST_SECRET_KEY)
    found = set()
    for route in _walk(create_app(settings)):
        path = getattr(route, "path", None)
        for method in getattr(route, "methods", None) or {"GET"}:
            if path and method != "HEAD":
                found.add(Route(method, path))
    return sorted(found, key=lambda r: (r.path, r.method))


def protected_routes() -> list[Route]:
    return [r for r in app_routes() if (r.method, r.path) not in PUBLIC]


REFUSED = {401, 403, 404}
