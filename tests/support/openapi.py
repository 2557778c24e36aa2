"""Validation of Jira requests and responses against Atlassian's published OpenAPI specs.

Both specs declare the server ``https://your-domain.atlassian.net``; every URL is rewritten to
that host (and the site's base path dropped) before validation.
"""

from __future__ import annotations

import json
import re
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

SPECS_DIR = Path(__file__).resolve().parents[1] / "specs"
SPEC_HOST = "https://your-domain.atlassian.net"


@cache
def _spec(name: str) -> OpenAPI:
    document = json.loads((SPECS_DIR / name).read_text())
    return OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))


def spec_for(path: str) -> OpenAPI:
    """The platform spec, or the service desk spec for ``/rest/servicedeskapi`` paths."""
    if path.startswith("/rest/servicedeskapi"):
        return _spec("jira-servicedesk.json")
    return _spec("jira-platform-v3.json")


def _relative_path(url: httpx.URL, base_path: str) -> str:
    """The path below the site; v2 and ``latest`` calls are checked as their v3 operation.

    Jira Cloud's v2 and v3 have the same operations and the v3 spec leaves rich-text values
    (wiki strings in v2, ADF in v3) untyped, so the v3 spec checks both.
    """
    path = url.path
    base_path = base_path.rstrip("/")
    if base_path and path.startswith(base_path):
        path = path[len(base_path) :]
    return re.sub(r"^/rest/api/(?:2|latest)/", "/rest/api/3/", path)


def _mock_request(request: httpx.Request, base_path: str) -> tuple[OpenAPI, MockRequest]:
    path = _relative_path(request.url, base_path)
    query = dict(request.url.params.multi_items())
    body = request.content or None
    mock = MockRequest(
        SPEC_HOST,
        request.method.lower(),
        path,
        args=query,
        data=body,
        content_type=request.headers.get("content-type", "application/json").split(";")[0]
        if body
        else None,
    )
    return spec_for(path), mock


def validate_request(request: httpx.Request, base_path: str = "") -> None:
    """Raise if ``request`` is not a valid request of the published spec."""
    spec, mock = _mock_request(request, base_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openapi-core cannot check JWT/basic auth
        spec.validate_request(mock)


def validate_response(response: httpx.Response, base_path: str = "") -> None:
    """Raise if ``response`` is not a valid response of the published spec to its request."""
    spec, mock = _mock_request(response.request, base_path)
    content_type = response.headers.get("content-type", "application/json").split(";")[0]
    mock_response = MockResponse(
        data=response.content or b"",
        status_code=response.status_code,
        content_type=content_type,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        spec.validate_response(mock, mock_response)


def assert_valid_exchange(response: httpx.Response, base_path: str = "") -> dict[str, Any]:
    """Validate both halves of an exchange; returns the decoded JSON body (or {})."""
    validate_request(response.request, base_path)
    validate_response(response, base_path)
    return response.json() if response.content else {}
