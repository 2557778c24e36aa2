"""Pure mapping: a source issue and a published configuration -> what to write on the target.

No I/O here. Values are read in the shape Jira sends them (webhooks, GET issue) and turned
into the shape Jira accepts on create and edit.

Conflict rule (a field changed on both sides since the last sync): the newest write wins.
Tandem records when it last wrote each side of a field; a change on side S whose Jira
timestamp is older than Tandem's last write to S was already overwritten there by the other
side's newer value, so it is not synced back and the event records the conflict.

Limits of what is written: Jira refuses a summary over 255 characters and a text field or
comment body over 32,767 characters (for a document, its ADF as JSON). An over-long value is
cut rather than refused, so that the copy keeps following its source: a summary keeps its
first 254 characters and ends with "…"; a document becomes its plain text, cut to fit, with a
last paragraph saying that Tandem cut it (formatting is lost only in documents that were
cut). Comment bodies are cut the same way (``capped_document``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tandem.jira import adf
from tandem.jira.schemas import Issue
from tandem.sync.config.fieldtypes import Shape, shape_of
from tandem.sync.config.schemas import FieldMapping, SyncConfig
from tandem.sync.models import Side

SUMMARY = "summary"
MAX_SUMMARY = 255
MAX_TEXT = 32_767
CUT_MARK = "…"
CUT_NOTE = (
    "[Tandem cut this text here: the original is longer than the 32,767 characters Jira accepts.]"
)


@dataclass(frozen=True)
class SourceIssue:
    """The parts of an issue the mapping reads."""

    id: str
    key: str
    project_id: str
    issue_type_id: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Write:
    """Fields to send to Jira, and the field state to record once they are written."""

    fields: dict[str, Any]
    hashes: dict[str, str]
    conflicts: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields)


def _strip_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_volatile(v) for k, v in value.items() if k != "localId"}
    if isinstance(value, list):
        return [_strip_volatile(v) for v in value]
    return value


def value_hash(value: Any) -> str:
    """A stable hash of a written value (ADF ids Jira adds on its own are ignored)."""
    canonical = json.dumps(_strip_volatile(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _reference(value: dict[str, Any]) -> dict[str, Any]:
    # Ids of priorities and options differ between sites; names and values travel. A user
    # travels by accountId (webhooks also carry a user's legacy ``name``, which v3 refuses).
    for key in ("accountId", "value", "name", "id"):
        if key in value:
            return {key: value[key]}
    return value


def _json_length(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def capped_document(document: dict[str, Any], limit: int = MAX_TEXT) -> dict[str, Any]:
    """``document`` if its length is within ``limit``, else its text cut to fit, with a note."""
    if _json_length(document) <= limit:
        return document
    text = adf.to_text(document)
    budget = min(len(text), limit)
    while True:
        cut = adf.from_text(text[:budget])
        cut["content"].append(adf.paragraph([adf.text(CUT_NOTE)]))
        over = _json_length(cut) - limit
        if over <= 0 or budget == 0:
            return cut
        budget = max(0, budget - over)


def _capped_text(field_id: str, value: str) -> str:
    limit = MAX_SUMMARY if field_id == SUMMARY else MAX_TEXT
    if len(value) <= limit:
        return value
    return value[: limit - len(CUT_MARK)] + CUT_MARK


def _references(field_id: str, value: list[Any]) -> list[Any]:
    return [_reference(v) if isinstance(v, dict) else v for v in value]


# One writer per shape of value (``config.fieldtypes``): field id, value read -> written.
WRITERS: dict[Shape, Callable[[str, Any], Any]] = {
    Shape.DOCUMENT: lambda _, value: capped_document(adf.ensure_doc(value)),
    Shape.TEXT: _capped_text,
    Shape.REFERENCE: lambda _, value: _reference(value),
    Shape.LIST: _references,
    Shape.PLAIN: lambda _, value: value,
}


def write_value(field_id: str, value: Any) -> Any:
    """A value as read from one issue, in the shape Jira accepts when writing another
    (over-long text cut to Jira's limits, see the module's docstring)."""
    if value is None:
        return None
    return WRITERS[shape_of(field_id, value)](field_id, value)


def mapping_key(mapping: FieldMapping) -> str:
    return f"{mapping.first.id}|{mapping.second.id}"


def create_write(
    config: SyncConfig, source: Side, issue: SourceIssue, target_project_id: str
) -> Write | None:
    """The fields of the issue to create on the other side, or None if its type is not mapped."""
    target = source.other
    issue_type = config.target_issue_type(source, issue.issue_type_id)
    if issue_type is None:
        return None
    fields: dict[str, Any] = {
        "project": {"id": target_project_id},
        "issuetype": {"id": issue_type.id},
    }
    for default in config.defaults_for(target, issue_type.id):
        fields[default.field.id] = default.value
    hashes: dict[str, str] = {}
    for mapping in config.field_mappings(source):
        value = write_value(mapping.field(source).id, issue.fields.get(mapping.field(source).id))
        if value is None:
            continue
        fields[mapping.field(target).id] = value
        hashes[mapping_key(mapping)] = value_hash(value)
    return Write(fields=fields, hashes=hashes)


def edit_write(
    config: SyncConfig,
    source: Side,
    issue: SourceIssue,
    *,
    changed: set[str] | None,
    field_state: dict[str, Any],
    changed_at_ms: int | None,
) -> Write:
    """The mapped fields whose value differs from what was last synced.

    ``changed`` holds the field ids of the webhook's changelog (None: compare every mapped
    field with the last synced value).
    """
    target = source.other
    fields: dict[str, Any] = {}
    hashes: dict[str, str] = {}
    conflicts: list[str] = []
    for mapping in config.field_mappings(source):
        source_field = mapping.field(source).id
        if changed is not None and source_field not in changed:
            continue
        if source_field not in issue.fields:
            continue  # not in the payload: unknown, which is not empty
        value = write_value(source_field, issue.fields.get(source_field))
        digest = value_hash(value)
        state = field_state.get(mapping_key(mapping), {})
        if state.get("hash") == digest:
            continue  # already on both sides (our own write echoed, or a replay)
        overwritten_at = state.get(f"{source.value}_written_ms")
        if changed_at_ms is not None and overwritten_at and changed_at_ms < overwritten_at:
            conflicts.append(
                f"{mapping.field(source)} changed on both sides; kept the newer value from "
                f"the {target.value} project"
            )
            continue
        fields[mapping.field(target).id] = value
        hashes[mapping_key(mapping)] = digest
    return Write(fields=fields, hashes=hashes, conflicts=conflicts)


def record_write(
    field_state: dict[str, Any],
    write: Write,
    target: Side,
    written_ms: int,
    *,
    changed_ms: int | None = None,
) -> dict[str, Any]:
    """The link's field state after ``write`` reached ``target`` (a new dict).

    ``changed_ms``: Jira's time of the source change written, kept per field so that an older
    snapshot (a retried or late event) is recognised as older later.
    """
    state = {key: dict(value) for key, value in field_state.items()}
    changed_key = f"{target.other.value}_changed_ms"
    for key, digest in write.hashes.items():
        entry = state.setdefault(key, {})
        entry["hash"] = digest
        entry[f"{target.value}_written_ms"] = written_ms
        if changed_ms is not None:
            entry[changed_key] = max(changed_ms, entry.get(changed_key) or 0)
    return state


def behind_synced(
    config: SyncConfig,
    source: Side,
    field_state: dict[str, Any],
    *,
    changed: set[str] | None,
    changed_at_ms: int | None,
) -> bool:
    """Whether a change of ``source`` may be older than one already synced for a field it
    names: its snapshot could then move the copy backwards. Unknown age counts as older."""
    if changed_at_ms is None:
        return True
    for mapping in config.field_mappings(source):
        if changed is not None and mapping.field(source).id not in changed:
            continue
        synced = field_state.get(mapping_key(mapping), {}).get(f"{source.value}_changed_ms")
        if synced is not None and changed_at_ms < synced:
            return True
    return False


def source_issue(issue: Issue) -> SourceIssue:
    """The parts of a Jira issue (webhook or search result) the mapping reads.

    Only the fields the payload carries are in ``fields``: a field sent as null is there with
    None (cleared), a field not sent at all is absent (unknown, never written).
    """
    fields = issue.fields
    extra = fields.model_extra or {}
    typed = fields.model_dump(include=fields.model_fields_set - set(extra))
    values: dict[str, Any] = {**extra, **typed}
    return SourceIssue(
        id=issue.id,
        key=issue.key,
        project_id=fields.project.id if fields.project else "",
        issue_type_id=fields.issuetype.id if fields.issuetype else "",
        fields=values,
    )


def changed_field_ids(changelog: dict[str, Any] | None) -> set[str] | None:
    """Field ids a webhook's changelog names, or None when there is no changelog."""
    if not changelog or not changelog.get("items"):
        return None
    return {
        str(item.get("fieldId") or item.get("field"))
        for item in changelog["items"]
        if item.get("fieldId") or item.get("field")
    }
