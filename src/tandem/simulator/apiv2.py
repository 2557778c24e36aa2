"""REST v2 (and ``latest``) as Jira Cloud serves it: the v3 operations, rich text as wiki markup.

Jira Cloud's v2 and v3 offer the same operations; v3 reads and writes rich text (descriptions,
environment, multi-line text fields, comment bodies) as ADF, v2 as wiki-markup strings.
``latest`` is v2. The simulator serves a v2 call with its v3 operation: the request's rich-text
strings become ADF on the way in (anything else there is refused, as v2 refuses it), and the
response's ADF documents become wiki strings, its ``/rest/api/3/`` links ``/rest/api/2/``.
"""

from __future__ import annotations

import re
from typing import Any

from . import wiki
from .errors import JiraError
from .site import Site

SCOPE_KEY = "jira.api_version"  # the ASGI scope key naming the version called: "2", "latest"
NOT_A_STRING = "Operation value must be a string"
_TEXTAREA = "com.atlassian.jira.plugin.system.customfieldtypes:textarea"
_SYSTEM_RICH_TEXT = {"description", "environment"}
_ISSUE_UPDATE = re.compile(r"^/rest/api/3/issue(?:/[^/]+(?:/transitions)?)?$")
_COMMENT = re.compile(r"^/rest/api/3/issue/[^/]+/comment(?:/[^/]+)?$")
_WORKLOG = re.compile(r"^/rest/api/3/issue/[^/]+/worklog(?:/[^/]+)?$")


def rich_text_fields(site: Site) -> set[str]:
    """Ids of the site's fields whose values are ADF in v3 and wiki strings in v2."""
    custom = {f.id for f in site.state.fields if f.type_schema.get("custom") == _TEXTAREA}
    return _SYSTEM_RICH_TEXT | custom


def request_to_v3(site: Site, method: str, path: str, body: Any) -> Any:
    """The v3 body for a v2 request ``method path`` (``path`` relative to the site, as v3).

    Raises ``JiraError`` (400) where v2 takes a string and got something else.
    """
    if method not in ("POST", "PUT") or not isinstance(body, dict):
        return body
    if path == "/rest/api/3/issue/bulk":
        updates = body.get("issueUpdates")
        if isinstance(updates, list):
            body["issueUpdates"] = [_issue_update(site, u) for u in updates]
        return body
    if _COMMENT.match(path):
        return _comment(body)
    if _WORKLOG.match(path) and "comment" in body:
        return _rich_text(body, "comment")
    if path == "/rest/api/3/issueLink" and isinstance(body.get("comment"), dict):
        body["comment"] = _comment(body["comment"])
        return body
    if _ISSUE_UPDATE.match(path):
        return _issue_update(site, body)
    return body


def _issue_update(site: Site, body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    rich = rich_text_fields(site)
    errors: dict[str, str] = {}
    fields = body.get("fields")
    if isinstance(fields, dict):
        for field_id in rich & set(fields):
            fields[field_id] = _document(fields[field_id], field_id, errors)
    update = body.get("update")
    if isinstance(update, dict):
        for field_id, operations in update.items():
            if isinstance(operations, list):
                _operations(field_id, operations, field_id in rich, errors)
    if errors:
        raise JiraError(400, [], errors)
    return body


def _operations(field_id: str, operations: list[Any], rich: bool, errors: dict[str, str]) -> None:
    for operation in operations:
        if not isinstance(operation, dict):
            continue
        for verb, value in operation.items():
            if field_id == "comment" and verb == "add" and isinstance(value, dict):
                value["body"] = _document(value.get("body"), "comment", errors)
            elif rich and verb == "set":
                operation[verb] = _document(value, field_id, errors)


def _comment(body: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    body["body"] = _document(body.get("body"), "comment", errors)
    if errors:
        raise JiraError(400, [], errors)
    return body


def _rich_text(body: dict[str, Any], key: str) -> dict[str, Any]:
    errors: dict[str, str] = {}
    body[key] = _document(body.get(key), key, errors)
    if errors:
        raise JiraError(400, [], errors)
    return body


def _document(value: Any, field_id: str, errors: dict[str, str]) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        errors[field_id] = NOT_A_STRING
        return value
    return wiki.to_adf(value)


def response_to_v2(site: Site, body: Any) -> Any:
    """``body`` of a v3 response as v2 sends it: ADF as wiki markup, links to v2.

    Entity property values are the caller's own JSON and are left alone.
    """
    return _convert(body, site.url("/rest/api/3/"), site.url("/rest/api/2/"))


def _convert(value: Any, v3: str, v2: str) -> Any:
    if isinstance(value, str):
        return v2 + value[len(v3) :] if value.startswith(v3) else value
    if isinstance(value, list):
        return [_convert(item, v3, v2) for item in value]
    if not isinstance(value, dict):
        return value
    if _is_document(value):
        return wiki.from_adf(value)
    return {k: v if k == "properties" else _convert(v, v3, v2) for k, v in value.items()}


def _is_document(value: dict[str, Any]) -> bool:
    return value.get("type") == "doc" and "version" in value and "content" in value
