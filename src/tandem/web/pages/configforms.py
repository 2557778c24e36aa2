"""What the configuration forms post, checked and turned into changes of the draft.

Pure functions: values in, configuration out, or a ``FormError`` naming the field at fault.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ValidationError

from tandem.sync.config import fieldtypes, sections
from tandem.sync.config.metadata import FieldInfo, ProjectMeta
from tandem.sync.config.schemas import (
    CommentRule,
    DefaultValue,
    Direction,
    FieldMapping,
    IssueTypeMapping,
    Ref,
    StatusMapping,
    SyncConfig,
)
from tandem.sync.models import Side

DIRECTION_LABELS = {
    Direction.FIRST_TO_SECOND: "First to Second",
    Direction.SECOND_TO_FIRST: "Second to First",
    Direction.BOTH: "Both directions",
}


class FormError(Exception):
    """Values that cannot be used; ``errors`` maps each field at fault to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def direction(value: str, field: str = "direction") -> Direction:
    try:
        return Direction(value)
    except ValueError:
        raise FormError({field: "Choose a direction."}) from None


def _issue_type(meta: ProjectMeta, type_id: str, field: str) -> Ref:
    found = next((t for t in meta.issue_types if t.id == type_id), None)
    if found is None:
        raise FormError({field: f"Choose an issue type of {meta.key}."})
    return found


def issue_type_mapping(
    way: Direction, sources: list[str], target: str, first: ProjectMeta, second: ProjectMeta
) -> IssueTypeMapping:
    """Issue types of the source side that become ``target`` on the other side (one each way
    for both directions)."""
    source_side = Side.SECOND if way is Direction.SECOND_TO_FIRST else Side.FIRST
    metas = {Side.FIRST: first, Side.SECOND: second}
    if not sources:
        raise FormError({"source": f"Choose at least one issue type of {metas[source_side].key}."})
    source_refs = [_issue_type(metas[source_side], type_id, "source") for type_id in sources]
    if way is Direction.BOTH and len(source_refs) > 1:
        raise FormError({"source": "In both directions, map one issue type to one issue type."})
    target_ref = _issue_type(metas[source_side.other], target, "target")
    refs = {source_side: source_refs, source_side.other: [target_ref]}
    return IssueTypeMapping(direction=way, first=refs[Side.FIRST], second=refs[Side.SECOND])


def _with(config: SyncConfig, field: str, **changes: Any) -> SyncConfig:
    """``config`` with ``changes``, checked as a whole (an issue type mapped twice, ...)."""
    document = {**config.model_dump(mode="json"), **changes}
    try:
        return SyncConfig.model_validate(document)
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise FormError({field: f"{message[:1].upper()}{message[1:]}."}) from exc


def add_issue_type_mapping(config: SyncConfig, mapping: IssueTypeMapping) -> SyncConfig:
    mappings = [m.model_dump(mode="json") for m in [*config.issue_types, mapping]]
    return _with(config, "source", issue_types=mappings)


def item_id(item: BaseModel) -> str:
    """A row's identity, from what it says (its field, issue type and status ids), so that a
    Remove button names the row it was shown next to, not a position that may have moved."""
    document = json.dumps(item.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(document.encode()).hexdigest()[:16]


def remove(config: SyncConfig, section: str, item: str) -> SyncConfig:
    """``config`` without the item of a list section (issue_types, defaults, ...) whose
    ``item_id`` is ``item``."""
    if sections.listed(section) is None:
        raise FormError({"form": f"Unknown section {section!r}."})
    items = list(getattr(config, section))
    kept = [each for each in items if item_id(each) != item]
    if len(kept) == len(items):
        raise FormError({"form": "That item is no longer in the draft: reload the page."})
    return config.model_copy(update={section: kept})


def field_value(info: FieldInfo, text: str) -> Any:
    """A default value typed for ``info``, as Jira takes it when creating an issue."""
    parse = fieldtypes.default_parser(info.type)
    if parse is None:
        raise FormError({"field": f"Tandem cannot set default values of {info.name} yet."})
    try:
        return parse(text)
    except fieldtypes.NotAValue as exc:
        raise FormError({"value": str(exc)}) from None


def default_values(
    meta: ProjectMeta, side: Side, info: FieldInfo, values: dict[str | None, str]
) -> list[DefaultValue]:
    """Defaults of field ``info`` on ``side``: ``values`` maps an issue type id (None: all
    issue types) to the value typed or chosen; empty values are left out."""
    found = []
    for type_id, text in values.items():
        if not text.strip():
            continue
        issue_type = None if type_id is None else _issue_type(meta, type_id, f"value-{type_id}")
        value, display = _value(meta, info, text.strip(), type_id)
        found.append(
            DefaultValue(
                side=side, field=info.ref, issue_type=issue_type, value=value, display=display
            )
        )
    if not found:
        raise FormError({"value": "Enter a default value."})
    return found


def _value(meta: ProjectMeta, info: FieldInfo, text: str, type_id: str | None) -> tuple[Any, str]:
    if info.id != meta.request_type_field:
        return field_value(info, text), text
    request_type = next((r for r in meta.request_types if r.id == text), None)
    if request_type is None:
        raise FormError({f"value-{type_id}" if type_id else "value": "Choose a request type."})
    return request_type.id, request_type.name


def add_defaults(config: SyncConfig, new: list[DefaultValue]) -> SyncConfig:
    """``config`` with ``new`` defaults, each replacing one for the same side, field and type."""

    def key(default: DefaultValue) -> tuple[Side, str, str | None]:
        issue_type = default.issue_type.id if default.issue_type else None
        return (default.side, default.field.id, issue_type)

    replaced = {key(d) for d in new}
    kept = [d for d in config.defaults if key(d) not in replaced]
    return config.model_copy(update={"defaults": [*kept, *new]})


def add_field_mappings(config: SyncConfig, new: list[FieldMapping]) -> SyncConfig:
    """``config`` with ``new`` field mappings; a pair of fields already mapped is replaced."""
    pairs = {(m.first.id, m.second.id) for m in new}
    kept = [m for m in config.fields if (m.first.id, m.second.id) not in pairs]
    return config.model_copy(update={"fields": [*kept, *new]})


def chosen_suggestions(
    suggestions: list[FieldMapping], chosen: list[str], way: Direction
) -> list[FieldMapping]:
    """The suggestions picked (``first id|second id``), in the chosen direction."""
    picked = [s for s in suggestions if f"{s.first.id}|{s.second.id}" in chosen]
    if not picked:
        raise FormError({"suggestions": "Choose at least one field."})
    return [s.model_copy(update={"direction": way}) for s in picked]


def field_mapping(
    way: Direction, first_id: str, second_id: str, first: ProjectMeta, second: ProjectMeta
) -> FieldMapping:
    left, right = first.field(first_id), second.field(second_id)
    errors = {}
    if left is None:
        errors["first_field"] = f"Choose a field of {first.key}."
    if right is None:
        errors["second_field"] = f"Choose a field of {second.key}."
    if left is None or right is None:
        raise FormError(errors)
    if not left.compatible(right):
        raise FormError(
            {
                "second_field": f"{left.name} ({left.type}) and {right.name} ({right.type}) "
                "hold different kinds of values."
            }
        )
    return FieldMapping(direction=way, first=left.ref, second=right.ref)


def comment_rule(enabled: bool, create_as: str, source_filter: str) -> CommentRule:
    try:
        return CommentRule.model_validate(
            {"enabled": enabled, "create_as": create_as, "source_filter": source_filter}
        )
    except ValidationError as exc:
        message = "Choose how comments are created and which are sent."
        raise FormError({"comments": message}) from exc


def _status(meta: ProjectMeta, status_id: str) -> Ref | None:
    return next((s for s in meta.statuses if s.id == status_id), None)


def status_mapping(
    way: Direction, first_id: str, second_id: str, first: ProjectMeta, second: ProjectMeta
) -> StatusMapping:
    """A status of the first project paired with a status of the second."""
    left, right = _status(first, first_id), _status(second, second_id)
    errors = {}
    if left is None:
        errors["first_status"] = f"Choose a status of {first.key}."
    if right is None:
        errors["second_status"] = f"Choose a status of {second.key}."
    if left is None or right is None:
        raise FormError(errors)
    return StatusMapping(direction=way, first=left, second=right)
