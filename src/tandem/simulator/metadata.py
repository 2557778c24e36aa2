"""Create and edit metadata: which fields a screen offers, with schema and allowed values."""

from __future__ import annotations

from typing import Any

from . import represent
from .defaults import REQUEST_TYPE_FIELD_ID
from .fieldvalues import READ_ONLY_FIELDS
from .models import FieldDef, IssueType, Project
from .servicedesk_views import request_type
from .site import Site

_OPERATIONS = {
    "labels": ["add", "set", "remove"],
    "issuetype": [],
    "project": ["set"],
}
_REQUIRED = {"summary", "issuetype", "project"}


def field_metadata(
    site: Site, project: Project, kind: IssueType, definition: FieldDef, *, create: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "required": definition.id in _REQUIRED or (definition.id == "reporter" and create),
        "schema": definition.type_schema,
        "name": definition.name,
        "key": definition.id,
        "operations": _OPERATIONS.get(definition.id, ["set"]),
        "hasDefaultValue": definition.id == "priority",
    }
    allowed = _allowed_values(site, project, kind, definition.id)
    if allowed is not None:
        body["allowedValues"] = allowed
    if definition.id == "priority":
        level = site.priority(site.state.default_priority_id)
        if level:
            body["defaultValue"] = represent.priority(site, level)
    return body


def _allowed_values(
    site: Site, project: Project, kind: IssueType, field_id: str
) -> list[Any] | None:
    if field_id == "priority":
        return [represent.priority(site, p) for p in site.state.priorities]
    if field_id == "issuetype":
        return [represent.issue_type(site, kind)]
    if field_id == "project":
        return [represent.project_ref(site, project)]
    if field_id == REQUEST_TYPE_FIELD_ID and project.service_desk:
        desk = project.service_desk
        return [
            request_type(site, desk, r) for r in desk.request_types if r.issue_type_id == kind.id
        ]
    return None


def screen_fields(site: Site, screen: list[str]) -> list[FieldDef]:
    return [f for f in (site.field(fid) for fid in screen) if f is not None]


def create_fields(site: Site, project: Project, kind: IssueType) -> list[dict[str, Any]]:
    """``FieldCreateMetadata`` entries (with ``fieldId``) for the project's create screen."""
    return [
        {**field_metadata(site, project, kind, f, create=True), "fieldId": f.id}
        for f in screen_fields(site, project.create_screen)
    ]


def edit_fields(
    site: Site, project: Project, kind: IssueType, *, override_screen: bool
) -> dict[str, Any]:
    """``IssueUpdateMetadata.fields``; with screen security overridden, every settable field."""
    screen = project.edit_screen
    if override_screen:
        screen = [*screen, *(f.id for f in site.state.fields if f.id not in screen)]
        screen = [fid for fid in screen if fid not in READ_ONLY_FIELDS | {"project"}]
    return {
        f.id: field_metadata(site, project, kind, f, create=False)
        for f in screen_fields(site, screen)
    }
