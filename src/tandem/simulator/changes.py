"""Changelog items: what changed in a field, as ids (``from``/``to``) and text (``*String``)."""

from __future__ import annotations

from typing import Any

from . import adf
from .defaults import REQUEST_TYPE_FIELD_ID
from .models import ChangeItem
from .site import Site

_CHANGELOG_NAMES = {"issuetype": "issuetype", "duedate": "duedate"}
_UNTRACKED = {"resolutiondate", "creator"}


def item(site: Site, field_id: str, old: Any, new: Any) -> ChangeItem:
    definition = site.field(field_id)
    custom = bool(definition and definition.custom)
    name = definition.name if custom and definition else _CHANGELOG_NAMES.get(field_id, field_id)
    return ChangeItem(
        field=name,
        fieldtype="custom" if custom else "jira",
        field_id=field_id,
        from_value=_id_value(site, field_id, old),
        from_string=_string_value(site, field_id, old),
        to_value=_id_value(site, field_id, new),
        to_string=_string_value(site, field_id, new),
    )


def diff(site: Site, current: dict[str, Any], values: dict[str, Any]) -> list[ChangeItem]:
    """One item per field whose value differs."""
    return [
        item(site, field_id, current.get(field_id), new)
        for field_id, new in values.items()
        if field_id not in _UNTRACKED and _normalized(current.get(field_id)) != _normalized(new)
    ]


def _normalized(value: Any) -> Any:
    return None if value in ("", [], {}) else value


def _id_value(site: Site, field_id: str, value: Any) -> str | None:
    if value is None:
        return None
    if field_id in ("priority", "status", "assignee", "reporter", "issuetype"):
        return str(value)
    if field_id == REQUEST_TYPE_FIELD_ID:
        found = site.request_type(str(value))
        if found and found[0].service_desk:
            return f"{found[0].service_desk.portal_key}/{found[1].key}"
        return str(value)
    if field_id == "resolution":
        return str(value.get("id"))
    if field_id == "duedate":
        return str(value)
    return None


def _string_value(site: Site, field_id: str, value: Any) -> str | None:
    if value is None:
        return None
    if field_id == "description":
        return adf.to_text(value)
    if field_id == "labels":
        return " ".join(value)
    if field_id == "priority":
        level = site.priority(value)
        return level.name if level else str(value)
    if field_id == "status":
        state = site.status(value)
        return state.name if state else str(value)
    if field_id == "issuetype":
        kind = site.issue_type(value)
        return kind.name if kind else str(value)
    if field_id in ("assignee", "reporter"):
        account = site.user(value)
        return account.display_name if account else str(value)
    if field_id == REQUEST_TYPE_FIELD_ID:
        found = site.request_type(str(value))
        return found[1].name if found else str(value)
    if field_id == "resolution":
        return str(value.get("name"))
    if field_id == "duedate":
        return f"{value} 00:00:00.0"
    return str(value)
