"""What a project offers to a configuration (issue types, fields, request types, statuses),
read from Jira; and the checks and suggestions made against it. Reading is I/O; checking is
pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from tandem.jira.client import JiraClient
from tandem.jira.schemas import IssueTypeStatuses
from tandem.sync.config import fieldtypes
from tandem.sync.config.schemas import Direction, FieldMapping, Problem, Ref, SyncConfig
from tandem.sync.models import Side

REQUEST_TYPE_SCHEMA = "com.atlassian.servicedesk:vp-origin"
SERVICE_DESK = "service_desk"
SYSTEM_FIELDS = ("summary", "description", "priority", "labels", "duedate")
# Set by Jira itself, or carried another way (status by transitions, type by the mappings).
NOT_MAPPABLE = frozenset(
    {
        "created",
        "updated",
        "resolutiondate",
        "lastViewed",
        "statuscategorychangedate",
        "creator",
        "status",
        "issuetype",
        "project",
        "issuekey",
        "comment",
        "resolution",
        "workratio",
    }
)


class FieldInfo(BaseModel):
    id: str
    name: str
    type: str
    items: str | None = None
    custom: str | None = None
    editable: bool = True

    @property
    def ref(self) -> Ref:
        return Ref(id=self.id, name=self.name)

    def compatible(self, other: FieldInfo) -> bool:
        return fieldtypes.compatible(self, other)


class RequestTypeInfo(BaseModel):
    id: str
    name: str
    issue_type_id: str | None = None


class ProjectMeta(BaseModel):
    id: str
    key: str
    name: str
    type: str
    issue_types: list[Ref]
    fields: list[FieldInfo]
    statuses: list[Ref]
    request_types: list[RequestTypeInfo] = []
    request_type_field: str | None = None

    @property
    def is_service_desk(self) -> bool:
        return self.type == SERVICE_DESK

    def field(self, field_id: str) -> FieldInfo | None:
        return next((f for f in self.fields if f.id == field_id), None)


async def read_project(client: JiraClient, project_id: str) -> ProjectMeta:
    """One project's metadata: a few reads, done when an admin configures or publishes."""
    project = await client.get_project(project_id)
    issue_types = await client.project_issue_types(project.id)
    statuses = await client.project_statuses(project.id)
    fields = [
        FieldInfo(
            id=f.id,
            name=f.name,
            type=f.type_schema.type if f.type_schema else "any",
            items=f.type_schema.items if f.type_schema else None,
            custom=f.type_schema.custom if f.type_schema else None,
            editable=f.orderable,
        )
        for f in await client.get_fields()
    ]
    meta = ProjectMeta(
        id=project.id,
        key=project.key,
        name=project.name,
        type=project.project_type_key or "software",
        issue_types=[Ref(id=t.id, name=t.name) for t in issue_types if not t.subtask],
        fields=fields,
        statuses=_statuses(statuses),
        request_type_field=next((f.id for f in fields if f.custom == REQUEST_TYPE_SCHEMA), None),
    )
    if meta.is_service_desk:
        meta.request_types = await _request_types(client, project.id)
    return meta


def _statuses(issue_types: list[IssueTypeStatuses]) -> list[Ref]:
    """The distinct statuses of the issue types Tandem synchronizes (not subtasks), by name."""
    found = {
        s.id: Ref(id=s.id, name=s.name) for t in issue_types if not t.subtask for s in t.statuses
    }
    return sorted(found.values(), key=lambda ref: (ref.name.casefold(), ref.id))


async def _request_types(client: JiraClient, project_id: str) -> list[RequestTypeInfo]:
    desk = next((d for d in await client.service_desks() if d.project_id == project_id), None)
    if desk is None:
        return []
    return [
        RequestTypeInfo(id=r.id, name=r.name, issue_type_id=r.issue_type_id)
        for r in await client.request_types(desk.id)
    ]


@dataclass
class Checker:
    """Collects every problem of a configuration against both projects at once."""

    first: ProjectMeta
    second: ProjectMeta
    problems: list[Problem] = field(default_factory=list)

    def project(self, side: Side) -> ProjectMeta:
        return self.first if side is Side.FIRST else self.second

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path=path, message=message))

    def issue_type(self, path: str, side: Side, ref: Ref) -> None:
        project = self.project(side)
        if all(t.id != ref.id for t in project.issue_types):
            self.add(path, f"issue type {ref} does not exist in {project.key}")

    def status(self, path: str, side: Side, ref: Ref) -> None:
        project = self.project(side)
        if all(s.id != ref.id for s in project.statuses):
            self.add(path, f"status {ref} does not exist in {project.key}")

    def check(self, config: SyncConfig) -> list[Problem]:
        for index, mapping in enumerate(config.issue_types):
            for side in Side:
                for ref in mapping.types(side):
                    self.issue_type(f"issue_types.{index}.{side.value}", side, ref)
        for index, default in enumerate(config.defaults):
            self.default(index, default.side, default.field, default.issue_type, default.value)
        for index, fm in enumerate(config.fields):
            self.field_mapping(index, fm)
        for index, pair in enumerate(config.statuses):
            for side in Side:
                self.status(f"statuses.{index}.{side.value}", side, pair.status(side))
        self.request_types_covered(config)
        return self.problems

    def default(
        self, index: int, side: Side, field_ref: Ref, issue_type: Ref | None, value: object
    ) -> None:
        path = f"defaults.{index}"
        project = self.project(side)
        if issue_type is not None:
            self.issue_type(f"{path}.issue_type", side, issue_type)
        if project.field(field_ref.id) is None:
            self.add(f"{path}.field", f"field {field_ref} does not exist on {project.key}'s site")
            return
        if field_ref.id != project.request_type_field:
            return
        request_type = next((r for r in project.request_types if r.id == str(value)), None)
        if request_type is None:
            self.add(f"{path}.value", f"request type {value} does not exist in {project.key}")
        elif issue_type is not None and request_type.issue_type_id not in (None, issue_type.id):
            self.add(
                f"{path}.value",
                f"request type {request_type.name} creates issues of another type than "
                f"{issue_type}",
            )

    def field_mapping(self, index: int, mapping: FieldMapping) -> None:
        found = []
        for side in Side:
            ref = mapping.field(side)
            info = self.project(side).field(ref.id)
            if info is None:
                self.add(
                    f"fields.{index}.{side.value}",
                    f"field {ref} does not exist on {self.project(side).key}'s site",
                )
            found.append(info)
        first, second = found
        if first and second and not first.compatible(second):
            self.add(
                f"fields.{index}",
                f"{first.name} ({first.type}) and {second.name} ({second.type}) cannot be mapped",
            )

    def request_types_covered(self, config: SyncConfig) -> None:
        """Every issue type Tandem creates in a service desk project gets a request type."""
        for target in Side:
            project = self.project(target)
            if not project.is_service_desk or project.request_type_field is None:
                continue
            for index, mapping in enumerate(config.issue_types):
                if not mapping.direction.allows(target.other):
                    continue
                created = mapping.types(target)[0]
                ids = {d.field.id for d in config.defaults_for(target, created.id)}
                if project.request_type_field not in ids:
                    self.add(
                        f"issue_types.{index}",
                        f"issues created as {created} in {project.key} need a default Customer "
                        "Request Type (Fields - Default Values), or customers will not see them",
                    )


def validate(config: SyncConfig, first: ProjectMeta, second: ProjectMeta) -> list[Problem]:
    return Checker(first=first, second=second).check(config)


def _mappable(info: FieldInfo) -> bool:
    return info.editable and info.id not in NOT_MAPPABLE


def suggestions(first: ProjectMeta, second: ProjectMeta) -> list[FieldMapping]:
    """Fields on both sides (same id, or same name) with compatible types that Tandem can carry."""
    found = []
    by_name = {f.name.casefold(): f for f in second.fields}
    for left in first.fields:
        right = second.field(left.id) or by_name.get(left.name.casefold())
        if right is None or not left.compatible(right) or not fieldtypes.syncable(left.type):
            continue
        if left.custom == REQUEST_TYPE_SCHEMA or not _mappable(left) or not _mappable(right):
            continue
        found.append(FieldMapping(direction=Direction.BOTH, first=left.ref, second=right.ref))
    order = {field_id: index for index, field_id in enumerate(SYSTEM_FIELDS)}
    return sorted(found, key=lambda m: (order.get(m.first.id, len(order)), m.first.name))
