"""The field types Tandem knows, by Jira's schema type: one table.

For each type: whether Tandem suggests syncing its fields, how a default value typed in a
form becomes the value Jira takes, in which shape a value read from one issue is written on
another, and which other types its fields may be mapped to. A type missing here is carried
by no suggestion and takes no default; two fields of it may still be mapped by hand.

The engine writes values without the fields' schemas (a configuration holds field ids), so
``shape_of`` recognises the shape of a value as Jira sends it; the table's ``shape`` says
which shape the values of each type take, and the tests hold the two in agreement. Documents
(the description, multi-line text fields) are ``string`` fields in Jira's schema whose
values are ADF documents: they are recognised by their value, or by their field id.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from tandem.jira import adf

# Fields whose value is a document even when an older payload sends it as wiki text.
DOCUMENT_FIELDS = frozenset({"description"})


class Shape(enum.StrEnum):
    """How a value is written; ``tandem.sync.engine.mapping`` has one writer for each."""

    DOCUMENT = "document"  # ADF, cut to Jira's limit
    TEXT = "text"  # a string, cut to Jira's limit
    REFERENCE = "reference"  # an option, priority or user, by what travels between sites
    LIST = "list"  # strings or references
    PLAIN = "plain"  # written as read (numbers)


class NotAValue(ValueError):
    """Text typed for a default that is no value of its field's type."""


Parser = Callable[[str], Any]


def _number(text: str) -> float | int:
    try:
        number = float(text)
    except ValueError:
        raise NotAValue(f"{text!r} is not a number.") from None
    return int(number) if number.is_integer() else number


def _items(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass(frozen=True)
class FieldType:
    schema: str  # Jira's schema type (``schema.type`` of a field)
    shape: Shape
    syncable: bool  # suggested when both projects have a field of it
    parse: Parser | None = None  # a default typed in a form; None: no default can be typed
    compatible: frozenset[str] = frozenset()  # other schema types its fields may be mapped to


FIELD_TYPES: dict[str, FieldType] = {
    t.schema: t
    for t in (
        FieldType("string", Shape.TEXT, syncable=True, parse=str),
        FieldType("number", Shape.PLAIN, syncable=True, parse=_number),
        FieldType("date", Shape.TEXT, syncable=True, parse=str),
        FieldType("datetime", Shape.TEXT, syncable=True, parse=str),
        FieldType("option", Shape.REFERENCE, syncable=True, parse=lambda v: {"value": v}),
        FieldType("priority", Shape.REFERENCE, syncable=True, parse=lambda v: {"name": v}),
        FieldType("array", Shape.LIST, syncable=True, parse=_items),
        FieldType("user", Shape.REFERENCE, syncable=False),
    )
}


class Typed(Protocol):
    """A field as its metadata describes it (``tandem.sync.config.metadata.FieldInfo``)."""

    @property
    def type(self) -> str: ...

    @property
    def items(self) -> str | None: ...


def syncable(schema: str) -> bool:
    known = FIELD_TYPES.get(schema)
    return known is not None and known.syncable


def default_parser(schema: str) -> Parser | None:
    """How a default typed for a field of ``schema`` is read (it may raise ``NotAValue``)."""
    known = FIELD_TYPES.get(schema)
    return known.parse if known else None


def compatible(first: Typed, second: Typed, types: Mapping[str, FieldType] = FIELD_TYPES) -> bool:
    """Whether values of ``first`` can be written to ``second`` and back: the same items, and
    the same type or one the table names as compatible."""
    if first.items != second.items:
        return False
    if first.type == second.type:
        return True
    return any(
        (known := types.get(a)) is not None and b in known.compatible
        for a, b in ((first.type, second.type), (second.type, first.type))
    )


def shape_of(field_id: str, value: Any) -> Shape:
    """The shape of ``value`` (not None) as Jira sends it for field ``field_id``."""
    if field_id in DOCUMENT_FIELDS or adf.is_doc(value):
        return Shape.DOCUMENT
    if isinstance(value, str):
        return Shape.TEXT
    if isinstance(value, dict):
        return Shape.REFERENCE
    if isinstance(value, list):
        return Shape.LIST
    return Shape.PLAIN
