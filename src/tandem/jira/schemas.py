"""Typed views of the Jira responses Tandem reads: only the fields it uses; the rest is ignored.

Field names are snake_case; Jira's camelCase names are their aliases. Issue fields keep every
field Jira sent (custom fields included), readable with ``IssueFields.get``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

SD_PUBLIC_COMMENT = "sd.public.comment"  # comment property: {"internal": true} on JSM


class JiraModel(BaseModel):
    model_config = ConfigDict(
        extra="ignore", alias_generator=to_camel, validate_by_name=True, validate_by_alias=True
    )


class User(JiraModel):
    account_id: str
    display_name: str = ""
    email_address: str | None = None
    active: bool = True
    account_type: str | None = None
    time_zone: str | None = None


class IssueType(JiraModel):
    id: str
    name: str
    description: str = ""
    subtask: bool = False
    hierarchy_level: int | None = None


class Project(JiraModel):
    id: str
    key: str
    name: str = ""
    project_type_key: str | None = None
    simplified: bool | None = None
    style: str | None = None
    issue_types: list[IssueType] = []


class ProjectPage(JiraModel):
    values: list[Project] = []
    start_at: int = 0
    max_results: int = 0
    total: int | None = None
    is_last: bool = True


class FieldSchema(JiraModel):
    type: str
    items: str | None = None
    system: str | None = None
    custom: str | None = None
    custom_id: int | None = None


class JiraField(JiraModel):
    """A field of the site (``GET /field``), with its type for mapping suggestions."""

    id: str
    key: str | None = None
    name: str = ""
    custom: bool = False
    orderable: bool = False
    navigable: bool = False
    searchable: bool = False
    clause_names: list[str] = []
    type_schema: FieldSchema | None = Field(default=None, alias="schema")


class FieldMeta(JiraModel):
    """A field on a project's create screen for one issue type (createmeta)."""

    field_id: str
    key: str | None = None
    name: str = ""
    required: bool = False
    operations: list[str] = []
    allowed_values: list[dict[str, Any]] = []
    has_default_value: bool = False
    default_value: Any = None
    type_schema: FieldSchema | None = Field(default=None, alias="schema")


class FieldMetaPage(JiraModel):
    fields: list[FieldMeta] = []
    results: list[FieldMeta] = []
    start_at: int = 0
    max_results: int = 0
    total: int = 0

    @property
    def items(self) -> list[FieldMeta]:
        return self.fields or self.results


class StatusCategory(JiraModel):
    key: str
    name: str = ""


class Status(JiraModel):
    id: str
    name: str = ""
    status_category: StatusCategory | None = None


class IssueTypeStatuses(JiraModel):
    """An issue type of a project and the statuses of its workflow (``project/{id}/statuses``)."""

    id: str
    name: str = ""
    subtask: bool = False
    statuses: list[Status] = []


class ProjectRef(JiraModel):
    id: str
    key: str
    name: str = ""


class IssueFields(JiraModel):
    """The fields of an issue: the usual ones typed, every other one kept as sent."""

    model_config = ConfigDict(extra="allow")

    summary: str | None = None
    description: Any = None  # an ADF document (v3) or wiki markup (webhooks)
    issuetype: IssueType | None = None
    project: ProjectRef | None = None
    status: Status | None = None
    reporter: User | None = None
    labels: list[str] = []
    created: datetime | None = None
    updated: datetime | None = None

    def get(self, field_id: str, default: Any = None) -> Any:
        """Any field by id (``customfield_10010``), as Jira sent it."""
        if field_id in type(self).model_fields:
            return getattr(self, field_id)
        return (self.model_extra or {}).get(field_id, default)


class Issue(JiraModel):
    id: str
    key: str
    fields: IssueFields = IssueFields()
    properties: dict[str, Any] = {}  # only those asked for with ``properties=``


class CreatedIssue(JiraModel):
    id: str
    key: str


class ErrorCollection(JiraModel):
    error_messages: list[str] = []
    errors: dict[str, str] = {}


class BulkCreateError(JiraModel):
    failed_element_number: int
    status: int | None = None
    element_errors: ErrorCollection = ErrorCollection()


class BulkCreateResult(JiraModel):
    """Issues created by one bulk call, and which of the inputs failed (by position)."""

    issues: list[CreatedIssue] = []
    errors: list[BulkCreateError] = []


class Transition(JiraModel):
    id: str
    name: str = ""
    to: Status | None = None
    has_screen: bool = False
    is_available: bool = True


class EntityProperty(JiraModel):
    key: str
    value: Any = None


class Visibility(JiraModel):
    type: str | None = None
    value: str | None = None
    identifier: str | None = None


class Comment(JiraModel):
    id: str
    body: Any = None  # an ADF document (v3) or wiki markup (webhooks)
    author: User | None = None
    update_author: User | None = None
    created: datetime | None = None
    updated: datetime | None = None
    jsd_public: bool | None = None
    visibility: Visibility | None = None
    properties: list[EntityProperty] = []

    def property_value(self, key: str, default: Any = None) -> Any:
        return next((p.value for p in self.properties if p.key == key), default)

    @property
    def is_internal(self) -> bool:
        """An internal JSM note: ``jsdPublic`` false or ``sd.public.comment`` internal."""
        marker = self.property_value(SD_PUBLIC_COMMENT)
        flagged = isinstance(marker, dict) and marker.get("internal") is True
        return self.jsd_public is False or flagged


class CommentPage(JiraModel):
    comments: list[Comment] = []
    start_at: int = 0
    max_results: int = 0
    total: int = 0


class SearchPage(JiraModel):
    issues: list[Issue] = []
    next_page_token: str | None = None
    is_last: bool | None = None


class Permission(JiraModel):
    key: str
    have_permission: bool = False


class MyPermissions(JiraModel):
    permissions: dict[str, Permission] = {}

    def has(self, key: str) -> bool:
        grant = self.permissions.get(key)
        return grant is not None and grant.have_permission


class ProjectPermissionGrant(JiraModel):
    permission: str
    projects: list[int] = []
    issues: list[int] = []


class PermissionGrants(JiraModel):
    """What ``POST /permissions/check`` granted to an account."""

    global_permissions: list[str] = []
    project_permissions: list[ProjectPermissionGrant] = []

    def has_project_permission(self, permission: str, project_id: int | str) -> bool:
        return any(
            grant.permission == permission and int(project_id) in grant.projects
            for grant in self.project_permissions
        )


class ServiceDesk(JiraModel):
    id: str
    project_id: str
    project_key: str = ""
    project_name: str = ""


class RequestType(JiraModel):
    id: str
    name: str
    description: str = ""
    help_text: str = ""
    issue_type_id: str | None = None
    service_desk_id: str | None = None
    portal_id: str | None = None
    group_ids: list[str] = []


class JsmDate(JiraModel):
    iso8601: str | None = None
    epoch_millis: int | None = None


class JsmUser(JiraModel):
    account_id: str | None = None
    display_name: str = ""
    email_address: str | None = None


class CustomerRequest(JiraModel):
    issue_id: str
    issue_key: str
    request_type_id: str | None = None
    service_desk_id: str | None = None
    reporter: JsmUser | None = None
    created_date: JsmDate | None = None


class RequestComment(JiraModel):
    """A comment as the service desk API shows it: a wiki-markup body and a public flag."""

    id: str
    body: str = ""
    public: bool = True
    author: JsmUser | None = None
    created: JsmDate | None = None


T = TypeVar("T", bound=BaseModel)


class JsmPage(JiraModel, Generic[T]):
    """A page of the service desk API (``start``/``limit``/``isLastPage``)."""

    values: list[T] = []
    start: int = 0
    limit: int = 0
    size: int = 0
    is_last_page: bool = True
