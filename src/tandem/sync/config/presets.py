"""Ready-made configurations, built from the real metadata of both projects by name."""

from __future__ import annotations

from tandem.sync.config.metadata import ProjectMeta
from tandem.sync.config.schemas import (
    CommentRule,
    CommentSettings,
    DefaultValue,
    Direction,
    FieldMapping,
    IssueTypeMapping,
    Ref,
    SyncConfig,
)
from tandem.sync.models import Side

POWER_CUSTOMER_TYPES = ("Task", "New Feature", "Improvement")
POWER_CUSTOMER_TARGET = "IT Help"
POWER_CUSTOMER_REQUEST_TYPES = {
    "IT Help": "Get IT Help",
    "Purchase": "Purchase request",
    "Access": "Request a new account",
}
POWER_CUSTOMER_FIELDS = ("summary", "description")


class PresetError(ValueError):
    """A project lacks what the preset needs; the message names it."""


def _issue_type(project: ProjectMeta, name: str) -> Ref:
    found = next((t for t in project.issue_types if t.name == name), None)
    if found is None:
        raise PresetError(f"{project.key} has no issue type {name!r}")
    return found


def _field(project: ProjectMeta, field_id: str) -> Ref:
    info = project.field(field_id)
    if info is None:
        raise PresetError(f"{project.key}'s site has no field {field_id!r}")
    return info.ref


def _request_type_defaults(support: ProjectMeta) -> list[DefaultValue]:
    if support.request_type_field is None:
        raise PresetError(f"{support.key}'s site has no Customer Request Type field")
    field = _field(support, support.request_type_field)
    defaults = []
    for type_name, request_name in POWER_CUSTOMER_REQUEST_TYPES.items():
        request_type = next((r for r in support.request_types if r.name == request_name), None)
        if request_type is None:
            raise PresetError(f"{support.key} has no request type {request_name!r}")
        defaults.append(
            DefaultValue(
                side=Side.SECOND,
                field=field,
                issue_type=_issue_type(support, type_name),
                value=request_type.id,
                display=request_type.name,
            )
        )
    return defaults


def power_customer(customer: ProjectMeta, support: ProjectMeta) -> SyncConfig:
    """The Power Customer scenario: customer issues become IT Help requests, customer
    comments arrive public, only public support replies go back, enriched with authors."""
    return SyncConfig(
        issue_types=[
            IssueTypeMapping(
                direction=Direction.FIRST_TO_SECOND,
                first=[_issue_type(customer, name) for name in POWER_CUSTOMER_TYPES],
                second=[_issue_type(support, POWER_CUSTOMER_TARGET)],
            )
        ],
        defaults=_request_type_defaults(support),
        fields=[
            FieldMapping(
                direction=Direction.BOTH,
                first=_field(customer, field_id),
                second=_field(support, field_id),
            )
            for field_id in POWER_CUSTOMER_FIELDS
        ],
        comments=CommentSettings(
            enabled=True,
            enriched=True,
            first_to_second=CommentRule(create_as="public"),
            second_to_first=CommentRule(source_filter="public_only"),
        ),
    )
