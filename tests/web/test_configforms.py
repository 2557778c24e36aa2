"""The pure parts of the pages: form values into configuration, actions per state and side."""

from __future__ import annotations

import pytest

from tandem.sync.config.metadata import FieldInfo, ProjectMeta, RequestTypeInfo
from tandem.sync.config.schemas import (
    DefaultValue,
    Direction,
    FieldMapping,
    Ref,
    SyncConfig,
    SyncOut,
    SyncSideOut,
)
from tandem.sync.models import Side
from tandem.web.pages import configforms as forms
from tandem.web.pages.configforms import FormError
from tandem.web.pages.listing import actions
from tandem.web.pages.newsync import field_of, normalize_site_url

ACME = ProjectMeta(
    id="10000",
    key="ACME",
    name="Acme",
    type="software",
    issue_types=[Ref(id="1", name="Task"), Ref(id="2", name="Bug")],
    fields=[
        FieldInfo(id="summary", name="Summary", type="string"),
        FieldInfo(id="labels", name="Labels", type="array", items="string"),
        FieldInfo(id="customfield_1", name="Story points", type="number"),
    ],
    statuses=[Ref(id="10001", name="Done"), Ref(id="3", name="In Progress")],
)
SUP = ProjectMeta(
    id="20000",
    key="SUP",
    name="Support",
    type="service_desk",
    issue_types=[Ref(id="11", name="IT Help"), Ref(id="12", name="Access")],
    fields=[
        FieldInfo(id="summary", name="Summary", type="string"),
        FieldInfo(id="customfield_10010", name="Request Type", type="sd-customerrequesttype"),
    ],
    statuses=[Ref(id="3", name="In Progress"), Ref(id="10012", name="Resolved")],
    request_types=[RequestTypeInfo(id="1", name="Get IT Help", issue_type_id="11")],
    request_type_field="customfield_10010",
)


def test_an_issue_type_mapping_goes_from_the_source_side() -> None:
    mapping = forms.issue_type_mapping(Direction.SECOND_TO_FIRST, ["11", "12"], "2", ACME, SUP)
    assert [r.name for r in mapping.first] == ["Bug"]
    assert [r.name for r in mapping.second] == ["IT Help", "Access"]


def test_both_directions_map_one_type_to_one() -> None:
    with pytest.raises(FormError) as refused:
        forms.issue_type_mapping(Direction.BOTH, ["1", "2"], "11", ACME, SUP)
    assert refused.value.errors == {
        "source": "In both directions, map one issue type to one issue type."
    }


def test_an_issue_type_of_another_project_is_refused() -> None:
    with pytest.raises(FormError) as refused:
        forms.issue_type_mapping(Direction.FIRST_TO_SECOND, ["1"], "2", ACME, SUP)
    assert refused.value.errors == {"target": "Choose an issue type of SUP."}


@pytest.mark.parametrize(
    ("field_id", "text", "value"),
    [
        ("summary", "Hi", "Hi"),
        ("labels", "a, b,,c", ["a", "b", "c"]),
        ("customfield_1", "3", 3),
        ("customfield_1", "2.5", 2.5),
    ],
)
def test_default_values_are_typed_for_their_field(field_id: str, text: str, value: object) -> None:
    info = ACME.field(field_id)
    assert info is not None
    assert forms.field_value(info, text) == value


def test_a_request_type_default_stores_its_id_and_name() -> None:
    info = SUP.field("customfield_10010")
    assert info is not None
    [default] = forms.default_values(SUP, Side.SECOND, info, {"11": "1", "12": ""})
    assert (default.issue_type, default.value, default.display) == (
        Ref(id="11", name="IT Help"),
        "1",
        "Get IT Help",
    )
    with pytest.raises(FormError) as refused:
        forms.default_values(SUP, Side.SECOND, info, {None: "99"})
    assert refused.value.errors == {"value": "Choose a request type."}


def test_a_new_default_replaces_the_one_for_the_same_field_and_type() -> None:
    old = DefaultValue(side=Side.SECOND, field=Ref(id="f"), issue_type=Ref(id="11"), value="a")
    other = DefaultValue(side=Side.SECOND, field=Ref(id="f"), value="all")
    new = old.model_copy(update={"value": "b"})
    config = forms.add_defaults(SyncConfig(defaults=[old, other]), [new])
    assert [d.value for d in config.defaults] == ["all", "b"]


def test_suggestions_are_added_in_the_chosen_direction_and_only_once() -> None:
    summary = FieldMapping(
        direction=Direction.BOTH, first=Ref(id="summary"), second=Ref(id="summary")
    )
    chosen = forms.chosen_suggestions([summary], ["summary|summary"], Direction.FIRST_TO_SECOND)
    config = forms.add_field_mappings(SyncConfig(fields=[summary]), chosen)
    assert [m.direction for m in config.fields] == [Direction.FIRST_TO_SECOND]


def test_a_status_mapping_pairs_statuses_of_each_project() -> None:
    mapping = forms.status_mapping(Direction.SECOND_TO_FIRST, "10001", "10012", ACME, SUP)
    assert (mapping.direction, mapping.first, mapping.second) == (
        Direction.SECOND_TO_FIRST,
        Ref(id="10001", name="Done"),
        Ref(id="10012", name="Resolved"),
    )
    with pytest.raises(FormError) as refused:
        forms.status_mapping(Direction.BOTH, "10012", "", ACME, SUP)
    assert refused.value.errors == {
        "first_status": "Choose a status of ACME.",
        "second_status": "Choose a status of SUP.",
    }


def test_removing_an_item_that_is_gone_says_so() -> None:
    with pytest.raises(FormError, match="no longer in the draft"):
        forms.remove(SyncConfig(), "fields", 0)
    with pytest.raises(FormError, match="Unknown section"):
        forms.remove(SyncConfig(), "comments", 0)


def test_site_urls_as_people_type_them() -> None:
    assert normalize_site_url(" support.atlassian.net/ ") == "https://support.atlassian.net"
    assert normalize_site_url("http://127.0.0.1:8900/sites/support") == (
        "http://127.0.0.1:8900/sites/support"
    )
    assert field_of("Tandem is not installed on x: install it there first") == "site_url"
    assert field_of("project X was not found on that site") == "project"


def sync(state: str, side: Side, *, published: bool = True) -> SyncOut:
    project = SyncSideOut(site="s", project_id="1", project_key="K", project_type="software")
    return SyncOut(
        id=1,
        name="n",
        state=state,
        first=project,
        second=project,
        my_side=side,
        requested_by="a",
        accepted_by=None,
        published=published,
    )


@pytest.mark.parametrize(
    ("state", "side", "labels"),
    [
        ("requested", Side.FIRST, ["View request", "Delete"]),
        ("requested", Side.SECOND, ["View request", "Accept", "Reject", "Delete"]),
        ("rejected", Side.FIRST, ["View request", "Delete"]),
        ("accepted", Side.SECOND, ["Configure", "Start", "Monitor", "Delete"]),
        ("active", Side.FIRST, ["Configure", "Pause", "Monitor", "Delete"]),
        ("paused", Side.SECOND, ["Configure", "Start", "Monitor", "Delete"]),
    ],
)
def test_row_actions_depend_on_state_and_side(state: str, side: Side, labels: list[str]) -> None:
    assert [a.label for a in actions(sync(state, side))] == labels


def test_start_is_offered_once_a_configuration_is_published() -> None:
    unpublished = actions(sync("accepted", Side.FIRST, published=False))
    assert [a.label for a in unpublished] == ["Configure", "Monitor", "Delete"]
