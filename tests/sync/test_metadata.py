"""Publish-time checks and mapping suggestions, against metadata made here (no Jira)."""

from __future__ import annotations

from tandem.sync.config.metadata import (
    REQUEST_TYPE_SCHEMA,
    FieldInfo,
    ProjectMeta,
    RequestTypeInfo,
    suggestions,
    validate,
)
from tandem.sync.config.presets import power_customer
from tandem.sync.config.schemas import DefaultValue, Direction, FieldMapping, Ref, StatusMapping
from tandem.sync.models import Side

COMMON = [
    FieldInfo(id="summary", name="Summary", type="string"),
    FieldInfo(id="description", name="Description", type="string"),
    FieldInfo(id="duedate", name="Due date", type="date"),
    FieldInfo(id="labels", name="Labels", type="array", items="string"),
    FieldInfo(id="assignee", name="Assignee", type="user"),
    FieldInfo(id="created", name="Created", type="datetime"),
    FieldInfo(id="customfield_10050", name="Team", type="string", editable=False),
    FieldInfo(
        id="customfield_10010",
        name="Request Type",
        type="sd-customerrequesttype",
        custom=REQUEST_TYPE_SCHEMA,
    ),
]
ACME = ProjectMeta(
    id="10000",
    key="ACME",
    name="Acme",
    type="software",
    issue_types=[
        Ref(id=i, name=n)
        for i, n in [
            ("10001", "Task"),
            ("10002", "Bug"),
            ("10005", "New Feature"),
            ("10006", "Improvement"),
        ]
    ],
    fields=COMMON,
    statuses=[
        Ref(id=i, name=n) for i, n in [("10001", "Done"), ("3", "In Progress"), ("10000", "To Do")]
    ],
    request_type_field="customfield_10010",
)
SUP = ProjectMeta(
    id="10000",
    key="SUP",
    name="Support",
    type="service_desk",
    issue_types=[
        Ref(id=i, name=n)
        for i, n in [("10101", "IT Help"), ("10102", "Purchase"), ("10103", "Access")]
    ],
    fields=COMMON,
    statuses=[
        Ref(id=i, name=n)
        for i, n in [("3", "In Progress"), ("10012", "Resolved"), ("10010", "Waiting for support")]
    ],
    request_type_field="customfield_10010",
    request_types=[
        RequestTypeInfo(id="1", name="Get IT Help", issue_type_id="10101"),
        RequestTypeInfo(id="2", name="Purchase request", issue_type_id="10102"),
        RequestTypeInfo(id="3", name="Request a new account", issue_type_id="10103"),
    ],
)


def test_the_power_customer_preset_is_valid() -> None:
    config = power_customer(ACME, SUP)
    assert validate(config, ACME, SUP) == []
    assert [d.display for d in config.defaults] == [
        "Get IT Help",
        "Purchase request",
        "Request a new account",
    ]


def test_every_problem_is_reported_at_once_with_its_place() -> None:
    config = power_customer(ACME, SUP)
    broken = config.model_copy(deep=True)
    broken.issue_types[0].first.append(Ref(id="999", name="Ghost"))
    broken.defaults[0].value = "77"
    broken.defaults[1].value = "1"  # Get IT Help creates IT Help, not Purchase
    broken.fields.append(
        FieldMapping(direction=Direction.BOTH, first=Ref(id="labels"), second=Ref(id="duedate"))
    )
    broken.fields.append(
        FieldMapping(direction=Direction.BOTH, first=Ref(id="nope"), second=Ref(id="summary"))
    )

    problems = {(p.path, p.message) for p in validate(broken, ACME, SUP)}

    assert problems == {
        ("issue_types.0.first", "issue type Ghost does not exist in ACME"),
        ("defaults.0.value", "request type 77 does not exist in SUP"),
        (
            "defaults.1.value",
            "request type Get IT Help creates issues of another type than Purchase",
        ),
        ("fields.2", "Labels (array) and Due date (date) cannot be mapped"),
        ("fields.3.first", "field nope does not exist on ACME's site"),
    }


def test_a_missing_request_type_default_for_the_created_type_is_reported() -> None:
    config = power_customer(ACME, SUP).model_copy(update={"defaults": []})
    (problem,) = validate(config, ACME, SUP)
    assert problem.path == "issue_types.0"
    assert "need a default Customer Request Type" in problem.message


def test_defaults_for_other_fields_are_only_checked_for_existence() -> None:
    config = power_customer(ACME, SUP)
    config.defaults.append(
        DefaultValue(side=Side.SECOND, field=Ref(id="labels"), value=["from-acme"])
    )
    assert validate(config, ACME, SUP) == []


def test_a_status_mapping_needs_statuses_of_both_projects() -> None:
    config = power_customer(ACME, SUP)
    config.statuses = [
        StatusMapping(
            direction=Direction.BOTH,
            first=Ref(id="3", name="In Progress"),
            second=Ref(id="3", name="In Progress"),
        ),
        StatusMapping(
            direction=Direction.FIRST_TO_SECOND,
            first=Ref(id="10012", name="Resolved"),
            second=Ref(id="10001", name="Done"),
        ),
    ]

    problems = {(p.path, p.message) for p in validate(config, ACME, SUP)}

    assert problems == {
        ("statuses.1.first", "status Resolved does not exist in ACME"),
        ("statuses.1.second", "status Done does not exist in SUP"),
    }


def test_suggestions_are_compatible_fields_on_both_sides_system_fields_first() -> None:
    found = [(m.first.id, m.second.id) for m in suggestions(ACME, SUP)]
    assert found == [
        ("summary", "summary"),
        ("description", "description"),
        ("labels", "labels"),
        ("duedate", "duedate"),
    ]
