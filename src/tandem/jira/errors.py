"""Errors raised by the Jira client.

    JiraError                  any failed call: status, method, URL, Jira's messages
     ├── JiraBadRequest        400, with Jira's field errors in ``errors``
     ├── JiraAuthError         401, credentials refused
     ├── JiraPermissionError   403
     ├── JiraNotFound          404, missing or invisible to the caller
     ├── JiraConflict          409
     ├── JiraRateLimited       429 after the retry budget is spent (``retry_after``)
     └── JiraUnavailable       5xx, timeouts and connection errors after the retries

Errors carry the method and URL of the call but never its credentials: requests are signed
in a header, and a ``jwt`` query parameter is dropped from the URL all the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
}


def safe_url(url: httpx.URL | str) -> str:
    """``url`` without a ``jwt`` query parameter or user info."""
    parsed = httpx.URL(str(url))
    if "jwt" in parsed.params:
        parsed = parsed.copy_remove_param("jwt")
    if parsed.userinfo:
        parsed = parsed.copy_with(username=None, password=None)
    return str(parsed)


class JiraError(Exception):
    """A call to Jira failed."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str = "",
        url: httpx.URL | str = "",
        error_messages: list[str] | None = None,
        errors: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.method = method
        self.url = safe_url(url) if url else ""
        self.error_messages = list(error_messages or [])
        self.errors = dict(errors or {})
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"{self.status} {self.message}" if self.status else self.message
        where = f"{self.method} {self.url}".strip()
        details = [*self.error_messages, *(f"{k}: {v}" for k, v in sorted(self.errors.items()))]
        parts = [head, *([where] if where else []), *(["; ".join(details)] if details else [])]
        return " - ".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class JiraBadRequest(JiraError):
    """400: Jira refused the request; ``errors`` maps field ids to messages."""


class JiraAuthError(JiraError):
    """401: the credentials (JWT or API token) were refused."""


class JiraPermissionError(JiraError):
    """403: authenticated, but not allowed."""


class JiraNotFound(JiraError):
    """404: the resource does not exist or the caller cannot see it."""


class JiraConflict(JiraError):
    """409: the resource changed or is locked."""


class JiraRateLimited(JiraError):
    """429 after the retry budget was spent; ``retry_after`` says when Jira will take more."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class JiraUnavailable(JiraError):
    """5xx, timeout or connection failure after the retries."""


_BY_STATUS: dict[int, type[JiraError]] = {
    400: JiraBadRequest,
    401: JiraAuthError,
    403: JiraPermissionError,
    404: JiraNotFound,
    409: JiraConflict,
    429: JiraRateLimited,
}


def _messages(body: Any) -> tuple[list[str], dict[str, str]]:
    """Jira's ``errorMessages``/``errors``, or the service desk API's ``errorMessage``."""
    if not isinstance(body, dict):
        return [], {}
    messages = [str(m) for m in body.get("errorMessages") or [] if m]
    if body.get("errorMessage"):
        messages.append(str(body["errorMessage"]))
    if body.get("message") and not messages:
        messages.append(str(body["message"]))
    raw_errors = body.get("errors")
    errors = {str(k): str(v) for k, v in raw_errors.items()} if isinstance(raw_errors, dict) else {}
    return messages, errors


def error_for_response(response: httpx.Response, *, retry_after: float | None = None) -> JiraError:
    """The typed error for an unsuccessful response."""
    status = response.status_code
    cls = _BY_STATUS.get(status, JiraUnavailable if status >= 500 else JiraError)
    try:
        body = response.json()
    except ValueError:
        body = None
    messages, errors = _messages(body)
    if not messages and not errors and response.text and body is None:
        messages = [response.text[:200]]
    fields: dict[str, Any] = {
        "status": status,
        "method": response.request.method,
        "url": response.request.url,
        "error_messages": messages,
        "errors": errors,
    }
    message = _REASONS.get(status, response.reason_phrase or "Error")
    if cls is JiraRateLimited:
        return JiraRateLimited(message, retry_after=retry_after, **fields)
    return cls(message, **fields)
