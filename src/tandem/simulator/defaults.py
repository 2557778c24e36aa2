"""What a new Jira Cloud site has before anyone configures it: statuses, workflows, fields."""

from __future__ import annotations

from .models import FieldDef, Priority, ProjectType, Status, Transition, Workflow

REQUEST_TYPE_FIELD_ID = "customfield_10010"
REQUEST_TYPE_FIELD_TYPE = "sd-customerrequesttype"

STATUSES = [
    Status(id="10000", name="To Do", category="new"),
    Status(id="3", name="In Progress", category="indeterminate"),
    Status(id="10001", name="Done", category="done"),
    Status(id="10010", name="Waiting for support", category="new"),
    Status(id="10011", name="Waiting for customer", category="indeterminate"),
    Status(id="10012", name="Resolved", category="done"),
    Status(id="10013", name="Canceled", category="done"),
]

PRIORITIES = [
    Priority(id="1", name="Highest"),
    Priority(id="2", name="High"),
    Priority(id="3", name="Medium"),
    Priority(id="4", name="Low"),
    Priority(id="5", name="Lowest"),
]

RESOLUTION_DONE = {"id": "10000", "name": "Done", "description": "Work has been completed."}
# A new Jira Cloud site's resolutions; a transition into a done status sets "Done".
RESOLUTIONS = [
    RESOLUTION_DONE,
    {"id": "10001", "name": "Won't Do", "description": "This issue won't be actioned."},
    {"id": "10002", "name": "Duplicate", "description": "The problem is a duplicate of another."},
    {"id": "10003", "name": "Cannot Reproduce", "description": "This is not reproducible."},
]
# Status category key: (id, color name, name), as Jira Cloud has them.
STATUS_CATEGORIES = {
    "new": (2, "blue-gray", "To Do"),
    "indeterminate": (4, "yellow", "In Progress"),
    "done": (3, "green", "Done"),
}


def workflow(project_type: ProjectType) -> Workflow:
    if project_type == "service_desk":
        return Workflow(
            name="Service management workflow",
            initial="10010",
            statuses=["10010", "3", "10011", "10012", "10013"],
            transitions=[
                Transition(id="11", name="Back to waiting for support", to="10010"),
                Transition(id="21", name="Start progress", to="3"),
                Transition(id="31", name="Respond to customer", to="10011"),
                Transition(id="41", name="Resolve this issue", to="10012"),
                Transition(id="51", name="Cancel request", to="10013"),
            ],
        )
    return Workflow(
        name="Software simplified workflow",
        initial="10000",
        statuses=["10000", "3", "10001"],
        transitions=[
            Transition(id="11", name="To Do", to="10000"),
            Transition(id="21", name="In Progress", to="3"),
            Transition(id="31", name="Done", to="10001"),
        ],
    )


# Fields Jira sets itself: not orderable, so no screen or edit can hold them.
_SET_BY_JIRA = frozenset({"creator", "created", "updated", "resolutiondate"})


def _system(
    field_id: str, name: str, schema_type: str, *, clauses: list[str] | None = None, **extra: str
) -> FieldDef:
    return FieldDef(
        id=field_id,
        name=name,
        type_schema={"type": schema_type, "system": field_id, **extra},
        clause_names=clauses if clauses is not None else [field_id],
        orderable=field_id not in _SET_BY_JIRA,
    )


def fields() -> list[FieldDef]:
    return [
        _system("summary", "Summary", "string"),
        _system("description", "Description", "string"),
        _system("issuetype", "Issue Type", "issuetype", clauses=["issuetype", "type"]),
        _system("project", "Project", "project"),
        _system("status", "Status", "status"),
        _system("priority", "Priority", "priority"),
        _system("labels", "Labels", "array", clauses=["labels"], items="string"),
        _system("duedate", "Due date", "date", clauses=["due", "duedate"]),
        _system("reporter", "Reporter", "user"),
        _system("assignee", "Assignee", "user"),
        _system("creator", "Creator", "user"),
        _system("created", "Created", "datetime", clauses=["created", "createdDate"]),
        _system("updated", "Updated", "datetime", clauses=["updated", "updatedDate"]),
        _system("resolution", "Resolution", "resolution"),
        _system("resolutiondate", "Resolved", "datetime", clauses=["resolutiondate", "resolved"]),
        _system("comment", "Comment", "comments-page"),
        FieldDef(
            id=REQUEST_TYPE_FIELD_ID,
            name="Request Type",
            custom=True,
            type_schema={
                "type": REQUEST_TYPE_FIELD_TYPE,
                "custom": "com.atlassian.servicedesk:vp-origin",
                "customId": 10010,
            },
            clause_names=["cf[10010]", "Customer Request Type", "Request Type"],
        ),
    ]


_COMMON_SCREEN = ["summary", "description", "priority", "labels", "duedate", "reporter", "assignee"]


def create_screen(project_type: ProjectType) -> list[str]:
    extra = [REQUEST_TYPE_FIELD_ID] if project_type == "service_desk" else []
    return ["issuetype", "project", *_COMMON_SCREEN, *extra]


def edit_screen(project_type: ProjectType) -> list[str]:
    extra = [REQUEST_TYPE_FIELD_ID] if project_type == "service_desk" else []
    return [*_COMMON_SCREEN, *extra]
