"""The section table: every key of the configuration document, and the publish report it
drives."""

from __future__ import annotations

from tandem.sync.config import sections
from tandem.sync.config.schemas import (
    CommentSettings,
    Direction,
    IssueTypeMapping,
    Ref,
    StatusMapping,
    SyncConfig,
)
from tandem.sync.models import Side


def test_the_table_holds_every_section_of_the_document_in_its_order() -> None:
    document = [name for name in SyncConfig.model_fields if name != "schema_version"]
    assert [s.name for s in sections.SECTIONS] == document


def test_list_sections_are_those_whose_items_are_removed_one_by_one() -> None:
    assert [s.name for s in sections.SECTIONS if s.listed] == [
        "issue_types",
        "defaults",
        "fields",
        "statuses",
    ]
    assert sections.listed("fields") is sections.FIELDS
    assert sections.listed("comments") is None
    assert sections.listed("schema_version") is None


def test_the_report_names_the_changed_sections_in_the_documents_order() -> None:
    task = IssueTypeMapping(direction=Direction.BOTH, first=[Ref(id="1")], second=[Ref(id="2")])
    status = StatusMapping(direction=Direction.BOTH, first=Ref(id="3"), second=Ref(id="4"))
    after = SyncConfig(
        comments=CommentSettings(enabled=True), statuses=[status], issue_types=[task]
    )
    assert sections.describe_changes(None, after) == ["issue types", "statuses", "comments"]
    assert sections.describe_changes(after, after) == []
    assert sections.describe_changes(None, SyncConfig()) == []


def test_a_section_changed_only_in_one_direction_is_reported() -> None:
    before = SyncConfig(comments=CommentSettings(enabled=True))
    rule = before.comments.rule(Side.SECOND).model_copy(update={"create_as": "internal"})
    after = before.model_copy(
        update={"comments": before.comments.model_copy(update={"second_to_first": rule})}
    )
    assert sections.describe_changes(before, after) == ["comments"]
