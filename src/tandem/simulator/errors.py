"""Errors as Jira reports them: ``{"errorMessages": [...], "errors": {...}}`` (platform) or
``{"errorMessage": ..., "i18nErrorMessage": ...}`` (service desk)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

ISSUE_NOT_FOUND = "Issue does not exist or you do not have permission to see it."
NOT_AUTHENTICATED = "Client must be authenticated to access this resource."


class JiraError(Exception):
    """A failed call, rendered by the app in the format of the API that was called."""

    def __init__(
        self,
        status: int,
        messages: Sequence[str] = (),
        errors: Mapping[str, str] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        i18n_key: str | None = None,
    ) -> None:
        super().__init__(status, list(messages), dict(errors or {}))
        self.status = status
        self.messages = list(messages)
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})
        self.i18n_key = i18n_key

    def platform_body(self) -> dict[str, Any]:
        return {"errorMessages": self.messages, "errors": self.errors}

    def servicedesk_body(self) -> dict[str, Any]:
        text = "; ".join([*self.messages, *(f"{k}: {v}" for k, v in self.errors.items())])
        return {
            "errorMessage": text,
            "i18nErrorMessage": {"i18nKey": self.i18n_key or "sd.error", "parameters": []},
        }


def bad_request(*messages: str, **errors: str) -> JiraError:
    return JiraError(400, messages, errors)


def field_errors(errors: Mapping[str, str]) -> JiraError:
    return JiraError(400, (), errors)


def unauthorized(reason: str = NOT_AUTHENTICATED) -> JiraError:
    return JiraError(401, [reason])


def forbidden(message: str) -> JiraError:
    return JiraError(403, [message])


def not_found(message: str) -> JiraError:
    return JiraError(404, [message])


def issue_not_found() -> JiraError:
    return JiraError(404, [ISSUE_NOT_FOUND])
