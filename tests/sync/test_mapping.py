"""The pure mapping from a source issue and a configuration to writes on the other side."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tandem.jira import adf
from tandem.jira.schemas import Issue
from tandem.sync.config.schemas import (
    DefaultValue,
    Direction,
    FieldMapping,
    IssueTypeMapping,
    Ref,
    SyncConfig,
)
from tandem.sync.engine import mapping
from tandem.sync.engine.mapping import (
    SourceIssue,
    behind_synced,
    changed_field_ids,
    create_write,
    edit_write,
    record_write,
    source_issue,
    value_hash,
    write_value,
)
from tandem.sync.models import Side

TASK, NEW_FEATURE, IMPROVEMENT, BUG = (
    Ref(id="10001", name="Task"),
    Ref(id="10005", name="New Feature"),
    Ref(id="10006", name="Improvement"),
    Ref(id="10002", name="Bug"),
)
IT_HELP, PURCHASE, ACCESS = (
    Ref(id="20001", name="IT Help"),
    Ref(id="20002", name="Purchase"),
    Ref(id="20003", name="Access"),
)
REQUEST_TYPE = Ref(id="customfield_10010", name="Request Type")
SUMMARY = FieldMapping(direction=Direction.BOTH, first=Ref(id="summary"), second=Ref(id="summary"))
DESCRIPTION = FieldMapping(
    direction=Direction.BOTH, first=Ref(id="description"), second=Ref(id="description")
)


def seed_config(**overrides: Any) -> SyncConfig:
    """The Power Customer configuration."""
    document: dict[str, Any] = {
        "issue_types": [
            IssueTypeMapping(
                direction=Direction.FIRST_TO_SECOND,
                first=[TASK, NEW_FEATURE, IMPROVEMENT],
                second=[IT_HELP],
            )
        ],
        "defaults": [
            DefaultValue(side=Side.SECOND, field=REQUEST_TYPE, issue_type=IT_HELP, value="1"),
            DefaultValue(side=Side.SECOND, field=REQUEST_TYPE, issue_type=PURCHASE, value="2"),
            DefaultValue(side=Side.SECOND, field=REQUEST_TYPE, issue_type=ACCESS, value="3"),
        ],
        "fields": [SUMMARY, DESCRIPTION],
    }
    document.update(overrides)
    return SyncConfig(**document)


def issue(issue_type: Ref = TASK, **fields: Any) -> SourceIssue:
    values = {"summary": "Printer on fire", "description": adf.from_text("It smokes.")}
    values.update(fields)
    return SourceIssue(
        id="10100", key="ACME-1", project_id="10000", issue_type_id=issue_type.id, fields=values
    )


@pytest.mark.parametrize("issue_type", [TASK, NEW_FEATURE, IMPROVEMENT])
def test_mapped_type_becomes_an_it_help_request_with_its_request_type(issue_type: Ref) -> None:
    write = create_write(seed_config(), Side.FIRST, issue(issue_type), "20000")

    assert write is not None
    assert write.fields == {
        "project": {"id": "20000"},
        "issuetype": {"id": IT_HELP.id},
        "customfield_10010": "1",
        "summary": "Printer on fire",
        "description": adf.from_text("It smokes."),
    }
    assert set(write.hashes) == {"summary|summary", "description|description"}


def test_unmapped_type_creates_nothing() -> None:
    assert create_write(seed_config(), Side.FIRST, issue(BUG), "20000") is None


def test_direction_first_to_second_creates_nothing_from_the_second_side() -> None:
    jsm_issue = SourceIssue(
        id="1", key="SUP-1", project_id="20000", issue_type_id=IT_HELP.id, fields={}
    )
    assert create_write(seed_config(), Side.SECOND, jsm_issue, "10000") is None


def test_both_directions_map_back_to_the_first_listed_type() -> None:
    config = seed_config(
        issue_types=[
            IssueTypeMapping(direction=Direction.BOTH, first=[TASK, BUG], second=[IT_HELP])
        ]
    )
    assert config.target_issue_type(Side.SECOND, IT_HELP.id) == TASK
    assert config.target_issue_type(Side.FIRST, BUG.id) == IT_HELP


def test_type_specific_default_beats_the_all_types_default() -> None:
    config = seed_config(
        defaults=[
            DefaultValue(side=Side.SECOND, field=REQUEST_TYPE, issue_type=None, value="9"),
            DefaultValue(side=Side.SECOND, field=REQUEST_TYPE, issue_type=IT_HELP, value="1"),
        ]
    )
    assert [d.value for d in config.defaults_for(Side.SECOND, IT_HELP.id)] == ["1"]
    assert [d.value for d in config.defaults_for(Side.SECOND, PURCHASE.id)] == ["9"]


def test_a_source_type_mapped_twice_is_refused() -> None:
    with pytest.raises(ValidationError, match="Task of the first project is mapped twice"):
        SyncConfig(
            issue_types=[
                IssueTypeMapping(
                    direction=Direction.FIRST_TO_SECOND, first=[TASK], second=[IT_HELP]
                ),
                IssueTypeMapping(direction=Direction.BOTH, first=[TASK], second=[PURCHASE]),
            ]
        )


def test_edit_writes_only_the_fields_the_changelog_names() -> None:
    config = seed_config()
    source = issue(summary="Printer still on fire")
    created = create_write(config, Side.FIRST, issue(), "20000")
    assert created is not None
    state = record_write({}, created, Side.SECOND, written_ms=1_000)

    write = edit_write(
        config, Side.FIRST, source, changed={"summary"}, field_state=state, changed_at_ms=2_000
    )

    assert write.fields == {"summary": "Printer still on fire"}
    assert not write.conflicts


def test_edit_without_changelog_compares_with_the_last_synced_values() -> None:
    config = seed_config()
    created = create_write(config, Side.FIRST, issue(), "20000")
    assert created is not None
    state = record_write({}, created, Side.SECOND, written_ms=1_000)
    edited = issue(description=adf.from_text("Now it beeps."))

    write = edit_write(
        config, Side.FIRST, edited, changed=None, field_state=state, changed_at_ms=None
    )

    assert write.fields == {"description": adf.from_text("Now it beeps.")}


def test_our_own_write_echoed_back_changes_nothing() -> None:
    config = seed_config()
    created = create_write(config, Side.FIRST, issue(), "20000")
    assert created is not None
    state = record_write({}, created, Side.SECOND, written_ms=1_000)
    jsm_copy = SourceIssue(
        id="2",
        key="SUP-1",
        project_id="20000",
        issue_type_id=IT_HELP.id,
        fields={"summary": "Printer on fire", "description": adf.from_text("It smokes.")},
    )

    write = edit_write(
        config,
        Side.SECOND,
        jsm_copy,
        changed={"summary", "description"},
        field_state=state,
        changed_at_ms=1_500,
    )

    assert not write


def test_a_change_older_than_our_last_write_to_its_side_is_a_recorded_conflict() -> None:
    config = seed_config()
    state = record_write(
        {}, create_write(config, Side.FIRST, issue(), "20000") or pytest.fail(), Side.SECOND, 5_000
    )
    jsm_edit = SourceIssue(
        id="2",
        key="SUP-1",
        project_id="20000",
        issue_type_id=IT_HELP.id,
        fields={"summary": "Agent's title"},
    )

    write = edit_write(
        config, Side.SECOND, jsm_edit, changed={"summary"}, field_state=state, changed_at_ms=4_000
    )

    assert not write
    assert write.conflicts == [
        "summary changed on both sides; kept the newer value from the first project"
    ]


def synced_state(config: SyncConfig, *, written_ms: int = 1_000) -> dict[str, Any]:
    created = create_write(config, Side.FIRST, issue(), "20000")
    assert created is not None
    return record_write({}, created, Side.SECOND, written_ms=written_ms, changed_ms=written_ms)


def test_a_field_the_payload_does_not_carry_is_not_written() -> None:
    payload = Issue.model_validate(
        {"id": "10100", "key": "ACME-1", "fields": {"summary": "Printer on fire (again)"}}
    )
    source = source_issue(payload)
    assert "description" not in source.fields

    write = edit_write(
        seed_config(),
        Side.FIRST,
        source,
        changed=None,
        field_state=synced_state(seed_config()),
        changed_at_ms=2_000,
    )

    assert write.fields == {"summary": "Printer on fire (again)"}


def test_a_field_sent_as_null_is_cleared() -> None:
    payload = Issue.model_validate(
        {
            "id": "10100",
            "key": "ACME-1",
            "fields": {"summary": "Printer on fire", "description": None},
        }
    )
    source = source_issue(payload)
    assert source.fields["description"] is None

    write = edit_write(
        seed_config(),
        Side.FIRST,
        source,
        changed={"description"},
        field_state=synced_state(seed_config()),
        changed_at_ms=2_000,
    )

    assert write.fields == {"description": None}


def test_typed_fields_left_out_of_the_payload_are_not_defaults() -> None:
    payload = Issue.model_validate({"id": "1", "key": "ACME-1", "fields": {"summary": "s"}})

    assert set(source_issue(payload).fields) == {"summary"}  # no labels=[] nor status=None


def test_record_write_keeps_the_newest_source_change_time() -> None:
    config = seed_config()
    state = synced_state(config)
    newer = edit_write(
        config,
        Side.FIRST,
        issue(summary="C"),
        changed={"summary"},
        field_state=state,
        changed_at_ms=3_000,
    )
    state = record_write(state, newer, Side.SECOND, written_ms=3_100, changed_ms=3_000)
    older = edit_write(
        config,
        Side.FIRST,
        issue(summary="B"),
        changed={"summary"},
        field_state=state,
        changed_at_ms=2_000,
    )
    state = record_write(state, older, Side.SECOND, written_ms=3_200, changed_ms=2_000)

    assert state["summary|summary"]["first_changed_ms"] == 3_000


def test_a_change_older_than_the_last_synced_one_is_behind() -> None:
    config = seed_config()
    state = synced_state(config, written_ms=5_000)

    def behind(changed: set[str] | None, at: int | None) -> bool:
        return behind_synced(config, Side.FIRST, state, changed=changed, changed_at_ms=at)

    assert behind({"summary"}, 4_000)
    assert behind(None, 4_000)
    assert behind({"summary"}, None)  # unknown age: read the issue again
    assert not behind({"summary"}, 6_000)
    assert not behind({"labels"}, 4_000)  # not a mapped field
    assert not behind_synced(config, Side.SECOND, state, changed=None, changed_at_ms=4_000)


def test_values_are_written_in_the_shape_jira_accepts() -> None:
    assert write_value("priority", {"id": "3", "name": "Medium", "self": "x"}) == {"name": "Medium"}
    assert write_value("customfield_1", {"id": "7", "value": "Gold"}) == {"value": "Gold"}
    assert write_value("labels", ["a", "b"]) == ["a", "b"]
    assert write_value("duedate", "2026-12-01") == "2026-12-01"
    assert write_value("description", "Old *wiki* text") == adf.from_wiki("Old *wiki* text")


def test_changelog_field_ids() -> None:
    assert changed_field_ids(None) is None
    assert changed_field_ids({"items": []}) is None
    items = [{"field": "summary", "fieldId": "summary"}, {"field": "Status"}]
    assert changed_field_ids({"items": items}) == {"summary", "Status"}


@given(
    st.recursive(
        st.text() | st.integers() | st.none(),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_value_hash_ignores_adf_local_ids(value: Any) -> None:
    assert value_hash({"attrs": {"localId": "x"}, "v": value}) == value_hash(
        {"attrs": {"localId": "y"}, "v": value}
    )


def test_a_summary_over_jiras_limit_is_cut_with_a_mark() -> None:
    written = mapping.write_value("summary", "s" * 300)
    assert len(written) == mapping.MAX_SUMMARY
    assert written.endswith(mapping.CUT_MARK)
    assert mapping.write_value("summary", "short") == "short"


def test_a_text_field_over_jiras_limit_is_cut_with_a_mark() -> None:
    written = mapping.write_value("customfield_10100", "t" * 40_000)
    assert len(written) == mapping.MAX_TEXT
    assert written.endswith(mapping.CUT_MARK)


def test_a_document_over_jiras_limit_becomes_its_text_cut_with_a_note() -> None:
    long = adf.doc([adf.paragraph([adf.text("word " * 2000, "strong")]) for _ in range(10)])
    written = mapping.write_value("description", long)
    size = len(json.dumps(written, ensure_ascii=False, separators=(",", ":")))
    assert size <= mapping.MAX_TEXT
    assert mapping.CUT_NOTE in adf.to_text(written)
    assert adf.to_text(written).startswith("word word")


def test_a_document_within_the_limit_is_written_as_it_is() -> None:
    document = adf.doc([adf.paragraph([adf.text("kept", "strong")])])
    assert mapping.write_value("description", document) == document


def test_a_user_travels_by_account_id_even_with_its_legacy_name() -> None:
    """Cloud webhooks give users their pre-GDPR ``name`` and ``key`` too; v3 takes accountIds."""
    sent = {"self": "x", "name": "casey", "key": "casey", "accountId": "5b10", "displayName": "C"}
    assert write_value("assignee", sent) == {"accountId": "5b10"}
