"""The simulator's own model of a Jira Cloud site: plain, serializable state."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

AccountType = Literal["atlassian", "customer", "app"]
ProjectType = Literal["software", "service_desk"]
StatusCategory = Literal["new", "indeterminate", "done"]
# How webhooks carry rich text: wiki markup and v2 links as Jira Cloud sends them, or v3 ADF.
WebhookBodies = Literal["wiki", "adf"]

ROLE_ADMINISTRATORS = "administrators"
ROLE_MEMBERS = "members"
ROLE_AGENTS = "agents"
ROLE_CUSTOMERS = "customers"
ROLE_APPS = "atlassian-addons-project-access"
ROLES = (ROLE_ADMINISTRATORS, ROLE_MEMBERS, ROLE_AGENTS, ROLE_CUSTOMERS, ROLE_APPS)


class User(BaseModel):
    account_id: str
    display_name: str
    email: str | None = None
    account_type: AccountType = "atlassian"
    api_token: str | None = None
    site_admin: bool = False
    active: bool = True
    time_zone: str = "UTC"
    email_public: bool = False
    app_key: str | None = None


class Status(BaseModel):
    id: str
    name: str
    category: StatusCategory
    description: str = ""


class Transition(BaseModel):
    id: str
    name: str
    to: str
    sources: list[str] = Field(default_factory=list)  # empty: available from every status


class Workflow(BaseModel):
    name: str
    initial: str
    statuses: list[str]
    transitions: list[Transition]


class IssueType(BaseModel):
    id: str
    name: str
    description: str = ""
    subtask: bool = False
    hierarchy_level: int = 0


class FieldDef(BaseModel):
    id: str
    name: str
    type_schema: dict[str, Any]
    custom: bool = False
    clause_names: list[str] = Field(default_factory=list)
    searchable: bool = True
    orderable: bool = True
    navigable: bool = True


class Priority(BaseModel):
    id: str
    name: str


class RequestTypeField(BaseModel):
    field_id: str
    label: str
    required: bool = False


class RequestType(BaseModel):
    id: str
    key: str
    name: str
    issue_type_id: str
    description: str = ""
    help_text: str = ""
    group_ids: list[str] = Field(default_factory=lambda: ["1"])
    fields: list[RequestTypeField] = Field(default_factory=list)


class ServiceDesk(BaseModel):
    id: str
    portal_id: str
    portal_key: str
    request_types: list[RequestType] = Field(default_factory=list)


class Project(BaseModel):
    id: str
    key: str
    name: str
    type_key: ProjectType
    lead_account_id: str
    description: str = ""
    issue_type_ids: list[str]
    workflow: Workflow
    roles: dict[str, list[str]] = Field(default_factory=dict)
    create_screen: list[str]
    edit_screen: list[str]
    service_desk: ServiceDesk | None = None
    next_number: int = 1


class Comment(BaseModel):
    id: str
    author_id: str
    update_author_id: str
    body: dict[str, Any]
    created: datetime
    updated: datetime
    internal: bool = False
    visibility: dict[str, Any] | None = None
    properties: dict[str, Any] = Field(default_factory=dict)


class ChangeItem(BaseModel):
    field: str
    fieldtype: str
    field_id: str
    from_value: str | None = None
    from_string: str | None = None
    to_value: str | None = None
    to_string: str | None = None


class History(BaseModel):
    id: str
    author_id: str
    created: datetime
    items: list[ChangeItem]


class Worklog(BaseModel):
    id: str
    author_id: str
    update_author_id: str
    comment: dict[str, Any] | None = None
    started: datetime
    time_spent_seconds: int
    created: datetime
    updated: datetime


class Issue(BaseModel):
    id: str
    key: str
    project_id: str
    issue_type_id: str
    fields: dict[str, Any]
    created: datetime
    updated: datetime
    status_changed: datetime
    comments: list[Comment] = Field(default_factory=list)
    properties: dict[str, Any] = Field(default_factory=dict)
    histories: list[History] = Field(default_factory=list)
    watchers: list[str] = Field(default_factory=list)  # account ids
    participants: list[str] = Field(default_factory=list)  # request participants' account ids
    worklogs: list[Worklog] = Field(default_factory=list)


class IssueLinkType(BaseModel):
    id: str
    name: str
    inward: str
    outward: str


DEFAULT_LINK_TYPES = [
    IssueLinkType(id="10000", name="Blocks", inward="is blocked by", outward="blocks"),
    IssueLinkType(id="10001", name="Cloners", inward="is cloned by", outward="clones"),
    IssueLinkType(id="10002", name="Duplicate", inward="is duplicated by", outward="duplicates"),
    IssueLinkType(id="10003", name="Relates", inward="relates to", outward="relates to"),
]


class IssueLink(BaseModel):
    id: str
    type_id: str
    inward_issue_id: str
    outward_issue_id: str


class Component(BaseModel):
    id: str
    project_id: str
    name: str
    description: str = ""
    lead_account_id: str | None = None


class Version(BaseModel):
    id: str
    project_id: str
    name: str
    description: str = ""
    archived: bool = False
    released: bool = False
    start_date: str | None = None  # yyyy-MM-dd
    release_date: str | None = None


class Attachment(BaseModel):
    id: str
    issue_id: str
    author_id: str
    filename: str
    mime_type: str
    created: datetime
    size: int
    content_base64: str  # kept in the site state, so it is saved and loaded with it


class WebhookModule(BaseModel):
    event: str
    url: str
    exclude_body: bool = False
    filter: str | None = None


class PropertyExtraction(BaseModel):
    property_key: str
    object_name: str
    type: str
    alias: str | None = None


class Installation(BaseModel):
    key: str
    name: str
    client_key: str
    shared_secret: str
    base_url: str
    account_id: str
    descriptor: dict[str, Any]
    scopes: list[str] = Field(default_factory=list)
    enabled: bool = True
    webhooks: list[WebhookModule] = Field(default_factory=list)
    extractions: list[PropertyExtraction] = Field(default_factory=list)


class SiteState(BaseModel):
    name: str
    title: str
    cloud_id: str
    default_time_zone: str = "UTC"  # given to users without their own, and to app users
    users: list[User] = Field(default_factory=list)
    statuses: list[Status] = Field(default_factory=list)
    issue_types: list[IssueType] = Field(default_factory=list)
    fields: list[FieldDef] = Field(default_factory=list)
    priorities: list[Priority] = Field(default_factory=list)
    default_priority_id: str = "3"
    projects: list[Project] = Field(default_factory=list)
    issues: dict[str, Issue] = Field(default_factory=dict)
    installations: dict[str, Installation] = Field(default_factory=dict)
    next_issue_id: int = 10000
    next_comment_id: int = 10000
    next_history_id: int = 10000
    link_types: list[IssueLinkType] = Field(default_factory=lambda: list(DEFAULT_LINK_TYPES))
    issue_links: dict[str, IssueLink] = Field(default_factory=dict)
    components: list[Component] = Field(default_factory=list)
    versions: list[Version] = Field(default_factory=list)
    attachments: dict[str, Attachment] = Field(default_factory=dict)
    next_object_id: int = 10000  # links, worklogs, components, versions, attachments
    webhook_bodies: WebhookBodies = "wiki"


class SimulatorState(BaseModel):
    sites: dict[str, SiteState] = Field(default_factory=dict)
    private_key_pem: str | None = None
    key_id: str | None = None
