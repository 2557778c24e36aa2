"""Every REST route exists in Atlassian's specs, with the Connect scope the spec declares."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from fastapi.routing import APIRoute

from tandem.simulator.api import (
    attachments,
    catalog,
    comments,
    createmeta,
    issue_parts,
    issues,
    links,
    meta,
    project_parts,
    properties,
    search,
    servicedesk,
    servicedesk_requests,
    webhooks,
    worklogs,
)
from tandem.simulator.scopes import ENDPOINT_SCOPES
from tests.support.openapi import SPECS_DIR

MODULES = (
    createmeta,
    issues,
    issue_parts,
    comments,
    properties,
    search,
    meta,
    catalog,
    servicedesk,
    servicedesk_requests,
    links,
    project_parts,
    worklogs,
    attachments,
    webhooks,
)


@cache
def _spec(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SPECS_DIR / name).read_text())
    return document


def _operation(method: str, path: str) -> dict[str, Any]:
    name = "jira-servicedesk.json" if "/servicedeskapi/" in path else "jira-platform-v3.json"
    operation: dict[str, Any] = _spec(name)["paths"][path][method.lower()]
    return operation


def test_routes_are_spec_operations_with_their_connect_scope() -> None:
    seen = set()
    for module in MODULES:
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            path = route.path.removeprefix("/sites/{site}")
            for method in route.methods:
                endpoint = f"{method} {path}"
                scope = _operation(method, path).get("x-atlassian-connect-scope")
                assert ENDPOINT_SCOPES[endpoint] == scope, endpoint
                seen.add(endpoint)
    assert seen == set(ENDPOINT_SCOPES)
