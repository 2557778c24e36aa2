"""Reading field values written through ``fields`` and ``update`` on create, edit, transition."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import adf
from .defaults import REQUEST_TYPE_FIELD_ID
from .errors import JiraError
from .models import IssueType, Project
from .site import Site

NOT_ON_SCREEN = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."
NOT_ADF = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
INVALID_INPUT = "INVALID_INPUT"
_ALWAYS_SET_ELSEWHERE = {"project", "issuetype"}
READ_ONLY_FIELDS = {
    "status",
    "created",
    "updated",
    "creator",
    "resolution",
    "resolutiondate",
    "comment",
}


@dataclass
class Parsed:
    """New values by field id, and what was wrong, Jira style."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    def raise_if_invalid(self) -> None:
        if self.errors or self.messages:
            raise JiraError(400, self.messages, self.errors)


@dataclass
class Context:
    site: Site
    project: Project
    issue_type: IssueType
    screen: set[str]
    override_screen: bool = False
    current: dict[str, Any] = field(default_factory=dict)


def parse(context: Context, fields: Any, update: Any) -> Parsed:
    """Validate ``fields`` and ``update`` against the screen; returns the resulting values."""
    parsed = Parsed()
    if fields is not None and not isinstance(fields, dict):
        parsed.messages.append("Can not deserialize instance of fields out of non-object token")
        return parsed
    if update is not None and not isinstance(update, dict):
        parsed.messages.append("Can not deserialize instance of update out of non-object token")
        return parsed
    for field_id, raw in (fields or {}).items():
        if field_id in _ALWAYS_SET_ELSEWHERE:
            continue
        if _settable(context, field_id, parsed):
            _parse_one(context, field_id, raw, parsed)
    for field_id, operations in (update or {}).items():
        if field_id in (fields or {}):
            parsed.errors[field_id] = (
                f"Field '{field_id}' cannot be set in both the 'fields' and 'update' sections."
            )
        elif field_id != "comment" and _settable(context, field_id, parsed):
            _apply_operations(context, field_id, operations, parsed)
    return parsed


def _settable(context: Context, field_id: str, parsed: Parsed) -> bool:
    known = context.site.field(field_id) is not None and field_id not in READ_ONLY_FIELDS
    if known and (context.override_screen or field_id in context.screen):
        return True
    parsed.errors[field_id] = NOT_ON_SCREEN.format(field_id)
    return False


def _apply_operations(context: Context, field_id: str, operations: Any, parsed: Parsed) -> None:
    if not isinstance(operations, list):
        parsed.errors[field_id] = "Operations must be a list."
        return
    for operation in operations:
        if not isinstance(operation, dict) or len(operation) != 1:
            parsed.errors[field_id] = "Each operation must have exactly one verb."
            return
        verb, value = next(iter(operation.items()))
        if field_id == "labels" and verb in ("add", "remove"):
            _label_operation(context, verb, value, parsed)
        elif verb == "set":
            _parse_one(context, field_id, value, parsed)
        else:
            parsed.errors[field_id] = f"Field '{field_id}' does not support operation '{verb}'"


def _label_operation(context: Context, verb: str, value: Any, parsed: Parsed) -> None:
    labels = list(parsed.values.get("labels", context.current.get("labels") or []))
    if not isinstance(value, str) or not _valid_label(value, parsed):
        return
    if verb == "add" and value not in labels:
        labels.append(value)
    if verb == "remove" and value in labels:
        labels.remove(value)
    parsed.values["labels"] = labels


def _valid_label(label: str, parsed: Parsed) -> bool:
    if not label or re.search(r"\s", label):
        parsed.errors["labels"] = f"The label '{label}' can't contain spaces."
        return False
    return True


def _parse_one(context: Context, field_id: str, raw: Any, parsed: Parsed) -> None:
    parser = _PARSERS.get(field_id, _parse_custom)
    try:
        parsed.values[field_id] = parser(context, raw)
    except _FieldError as error:
        if error.field_message:
            parsed.errors[field_id] = error.field_message
        else:
            parsed.messages.append(error.message)


class _FieldError(Exception):
    def __init__(self, field_message: str = "", message: str = "") -> None:
        super().__init__(field_message or message)
        self.field_message = field_message
        self.message = message


def _summary(context: Context, raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _FieldError("You must specify a summary of the issue.")
    if len(raw) > 255:
        raise _FieldError("Summary must be less than 255 characters.")
    return raw.replace("\n", " ")


def _description(context: Context, raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _FieldError(NOT_ADF)
    if not adf.is_document(raw):
        raise _FieldError(message=INVALID_INPUT)
    return raw


def _priority(context: Context, raw: Any) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not ({"id", "name"} & set(raw)):
        raise _FieldError("Specify the Priority (id or name) in the string format")
    for level in context.site.state.priorities:
        if raw.get("id") == level.id or raw.get("name") == level.name:
            return level.id
    raise _FieldError("The priority selected is invalid.")


def _labels(context: Context, raw: Any) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _FieldError("Labels must be a list of strings.")
    for label in raw:
        if not label or re.search(r"\s", label):
            raise _FieldError(f"The label '{label}' can't contain spaces.")
    return list(dict.fromkeys(raw))


def _duedate(context: Context, raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(str(raw)).isoformat()
    except ValueError:
        raise _FieldError(f"Error parsing date string: {raw}") from None


def _user(role: str) -> Any:
    def parse_user(context: Context, raw: Any) -> str | None:
        if raw is None:
            return None
        if not isinstance(raw, dict) or "accountId" not in raw:
            raise _FieldError(f"Specify a valid 'accountId' for {role}.")
        if raw["accountId"] is None:
            return None
        account = context.site.user(str(raw["accountId"]))
        if account is None or account.account_type == "app" and role == "reporter":
            raise _FieldError(f"Specified {role} '{raw['accountId']}' is not a user.")
        return account.account_id

    return parse_user


def _request_type(context: Context, raw: Any) -> str | None:
    if raw is None:
        return None
    desk = context.project.service_desk
    if desk is None:
        raise _FieldError("This field can only be set on service project issues.")
    wanted = str(raw.get("id", "") if isinstance(raw, dict) else raw)
    for kind in desk.request_types:
        if wanted in (kind.id, f"{desk.portal_key}/{kind.key}"):
            if kind.issue_type_id != context.issue_type.id:
                raise _FieldError(
                    f"The request type '{kind.name}' is not valid for the issue type "
                    f"'{context.issue_type.name}'."
                )
            return kind.id
    raise _FieldError(f"The request type '{wanted}' does not exist in this service project.")


def _parse_custom(context: Context, raw: Any) -> Any:
    return raw


_PARSERS: dict[str, Any] = {
    "summary": _summary,
    "description": _description,
    "priority": _priority,
    "labels": _labels,
    "duedate": _duedate,
    "reporter": _user("reporter"),
    "assignee": _user("assignee"),
    REQUEST_TYPE_FIELD_ID: _request_type,
}
