"""Response bodies into models: a body Jira should not have sent is a ``JiraError``."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from tandem.jira.errors import JiraError

M = TypeVar("M", bound=BaseModel)


def json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise bad_body(response) from exc


def parse(model: type[M], response: httpx.Response) -> M:
    try:
        return model.model_validate(json_body(response))
    except ValidationError as exc:
        raise bad_body(response) from exc


def parse_list(model: type[M], response: httpx.Response, key: str | None = None) -> list[M]:
    """A JSON list of ``model`` (or the list under ``key`` of a JSON object)."""
    data = json_body(response)
    items = data.get(key, []) if key and isinstance(data, dict) else data
    if not isinstance(items, list):
        raise bad_body(response)
    try:
        return [model.model_validate(item) for item in items]
    except ValidationError as exc:
        raise bad_body(response) from exc


def bad_body(response: httpx.Response) -> JiraError:
    return JiraError(
        "Unexpected response body",
        status=response.status_code,
        method=response.request.method,
        url=response.request.url,
    )
