"""Helpers for simulator tests: spec-checked exchanges, site clients, app tokens."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import jwt
from atlassian_jwt.url_utils import hash_url
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.response.exceptions import MissingData

from tests.support.openapi import validate_request, validate_response

CASEY = "casey@acme.example"
CHRIS = "chris@acme.example"
SAM = "sam@support.example"
ALEX = "alex@support.example"
PAT = "pat@acme.example"

# Jira writes offsets without a colon (+0000), which the specs' "date-time" format rejects.
_JIRA_OFFSET = re.compile(rb'(T\d{2}:\d{2}:\d{2}(?:\.\d+)?[+-]\d{2})(\d{2})"')


def check(response: httpx.Response, base_path: str) -> Any:
    """Validate request and response against the published specs; returns the JSON body.

    Empty 2xx bodies pass where the spec declares a body schema but Jira sends none (204,
    property PUTs); statuses a spec does not declare (429, 5xx) only have their request checked.
    """
    validate_request(response.request, base_path)
    return check_response(response, base_path)


def check_response(response: httpx.Response, base_path: str) -> Any:
    """The response half of ``check`` (for requests openapi-core cannot read: multipart)."""
    normalized = httpx.Response(
        response.status_code,
        headers=response.headers,
        content=_JIRA_OFFSET.sub(rb"\1:\2" + b'"', response.content),
        request=response.request,
    )
    try:
        validate_response(normalized, base_path)
    except MissingData:
        assert not response.content and response.is_success, response.text
    except ResponseNotFound:
        assert response.status_code == 429 or response.status_code >= 500, response.text
    is_json = "json" in response.headers.get("content-type", "")
    return response.json() if response.content and is_json else None


class SiteClient:
    """Calls one site as one user (API token), checking every exchange against the specs."""

    def __init__(self, root: str, site: str, email: str) -> None:
        self.root = root
        self.site = site
        self.base_path = f"/sites/{site}"
        self.base_url = root + self.base_path
        users = httpx.get(f"{self.base_url}/_sim/users").json()["users"]
        self.user = next(u for u in users if u["emailAddress"] == email)
        self.http = httpx.Client(
            base_url=self.base_url, auth=(email, self.user["apiToken"]), timeout=10
        )

    @property
    def account_id(self) -> str:
        return str(self.user["accountId"])

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.http.request(method, path, **kwargs)
        check(response, self.base_path)
        return response

    def json(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.send(method, path, **kwargs)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    def close(self) -> None:
        self.http.close()


def adf(text: str) -> dict[str, Any]:
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


def app_jwt(
    *,
    key: str,
    secret: str,
    method: str,
    relative_url: str,
    ttl: int = 120,
    issued: int | None = None,
    qsh: str | None = None,
) -> str:
    """An app's token for one Jira call: HS256, ``iss`` the app key, ``qsh`` of the call."""
    now = int(time.time()) if issued is None else issued
    claims = {
        "iss": key,
        "iat": now,
        "exp": now + ttl,
        "qsh": qsh or hash_url(method, relative_url),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def idle(root: str) -> dict[str, Any]:
    response = httpx.post(f"{root}/_sim/idle", params={"timeout": 10}, timeout=15)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def issue_body(project: str, issue_type: str, summary: str, **fields: Any) -> dict[str, Any]:
    return {
        "fields": {
            "project": {"key": project},
            "issuetype": {"name": issue_type},
            "summary": summary,
            **fields,
        }
    }
