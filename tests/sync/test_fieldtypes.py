"""The field-type table: what Tandem knows of each Jira schema type, read by the metadata
checks, the mapping and the configuration forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tandem.jira import adf
from tandem.sync.config import fieldtypes
from tandem.sync.config.fieldtypes import FIELD_TYPES, FieldType, NotAValue, Shape
from tandem.sync.config.metadata import FieldInfo, ProjectMeta, suggestions
from tandem.sync.config.schemas import Ref
from tandem.sync.engine import mapping

# A value of each type as Jira sends it in an issue (webhook or GET).
SENT: dict[str, Any] = {
    "string": "Printer on fire",
    "number": 3.5,
    "date": "2026-12-01",
    "datetime": "2026-12-01T10:00:00.000+0000",
    "option": {"self": "x", "id": "10001", "value": "Gold"},
    "priority": {"self": "x", "id": "3", "name": "Medium"},
    "array": ["a", {"id": "7", "value": "Gold"}],
    "user": {"accountId": "5b10a", "displayName": "Casey"},
}


@dataclass(frozen=True)
class Field:
    type: str
    items: str | None = None


def test_every_type_of_the_table_has_a_value_as_jira_sends_it() -> None:
    assert set(SENT) == set(FIELD_TYPES)


@pytest.mark.parametrize("schema", sorted(FIELD_TYPES))
def test_a_value_jira_sends_is_written_in_the_shape_the_table_gives_its_type(
    schema: str,
) -> None:
    assert fieldtypes.shape_of("customfield_1", SENT[schema]) is FIELD_TYPES[schema].shape


def test_the_mapping_has_a_writer_for_every_shape() -> None:
    assert set(mapping.WRITERS) == set(Shape)


def test_documents_are_recognised_by_their_value_or_their_field() -> None:
    document = adf.from_text("Hello")
    assert fieldtypes.shape_of("customfield_1", document) is Shape.DOCUMENT
    assert fieldtypes.shape_of("description", "old *wiki* text") is Shape.DOCUMENT
    assert fieldtypes.shape_of("summary", "old *wiki* text") is Shape.TEXT


def test_references_keep_what_travels_between_sites() -> None:
    written = {schema: mapping.write_value("customfield_1", SENT[schema]) for schema in SENT}
    assert written["option"] == {"value": "Gold"}
    assert written["priority"] == {"name": "Medium"}
    assert written["user"] == {"accountId": "5b10a"}
    assert written["array"] == ["a", {"value": "Gold"}]
    assert written["number"] == 3.5


def test_syncable_types_are_the_table_rows_that_say_so() -> None:
    assert {s for s in FIELD_TYPES if fieldtypes.syncable(s)} == {
        "string",
        "number",
        "date",
        "datetime",
        "option",
        "priority",
        "array",
    }
    assert not fieldtypes.syncable("user")
    assert not fieldtypes.syncable("sd-customerrequesttype")


@pytest.mark.parametrize(
    ("schema", "text", "value"),
    [
        ("string", "Hi", "Hi"),
        ("date", "2026-12-01", "2026-12-01"),
        ("number", "3", 3),
        ("number", "2.5", 2.5),
        ("option", "Gold", {"value": "Gold"}),
        ("priority", "High", {"name": "High"}),
        ("array", "a, b,,c", ["a", "b", "c"]),
    ],
)
def test_a_default_typed_in_a_form_is_parsed_by_its_type(
    schema: str, text: str, value: object
) -> None:
    parse = fieldtypes.default_parser(schema)
    assert parse is not None
    assert parse(text) == value


def test_a_default_that_is_no_value_of_its_type_is_refused_with_a_reason() -> None:
    parse = fieldtypes.default_parser("number")
    assert parse is not None
    with pytest.raises(NotAValue, match="'many' is not a number."):
        parse("many")


def test_types_without_a_parser_take_no_typed_default() -> None:
    assert fieldtypes.default_parser("user") is None
    assert fieldtypes.default_parser("any") is None


def test_fields_are_compatible_when_type_and_items_agree() -> None:
    assert fieldtypes.compatible(Field("string"), Field("string"))
    assert fieldtypes.compatible(Field("user"), Field("user"))
    assert fieldtypes.compatible(Field("any"), Field("any"))
    assert not fieldtypes.compatible(Field("date"), Field("datetime"))
    assert not fieldtypes.compatible(Field("array", "string"), Field("array", "option"))


def test_a_type_the_table_names_as_compatible_maps_both_ways() -> None:
    widened = {
        **FIELD_TYPES,
        "date": FieldType("date", Shape.TEXT, syncable=True, compatible=frozenset({"datetime"})),
    }
    assert fieldtypes.compatible(Field("date"), Field("datetime"), widened)
    assert fieldtypes.compatible(Field("datetime"), Field("date"), widened)
    assert not fieldtypes.compatible(Field("date"), Field("string"), widened)


def _project(key: str, *fields: FieldInfo) -> ProjectMeta:
    return ProjectMeta(
        id=key,
        key=key,
        name=key,
        type="software",
        issue_types=[Ref(id="1", name="Task")],
        fields=list(fields),
        statuses=[],
    )


def test_suggestions_offer_only_syncable_types() -> None:
    fields = [FieldInfo(id=f"f-{schema}", name=schema, type=schema) for schema in FIELD_TYPES]
    suggested = {m.first.id for m in suggestions(_project("A", *fields), _project("B", *fields))}
    assert suggested == {f"f-{s}" for s, t in FIELD_TYPES.items() if t.syncable}
