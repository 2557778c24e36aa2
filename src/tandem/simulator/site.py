"""One simulated Jira Cloud site: its state, lookups, id allocation and runtime knobs."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .faults import FaultRuntime, Faults
from .index import SearchIndex
from .models import (
    FieldDef,
    Installation,
    Issue,
    IssueType,
    Priority,
    Project,
    RequestType,
    ServiceDesk,
    SiteState,
    Status,
    User,
)

if TYPE_CHECKING:
    from .events import Event
    from .notifications import Notification

EventSink = Callable[["Site", "Event"], None]


class Site:
    """A site's state plus what is not persisted: faults, search index, rate windows."""

    def __init__(self, state: SiteState, *, root_url: Callable[[], str], sink: EventSink) -> None:
        self.state = state
        self.faults = Faults()
        self.fault_runtime = FaultRuntime()
        self.rng = random.Random()
        self.index = SearchIndex()
        self.notifications: list[Notification] = []  # emails Jira would send (not persisted)
        self._root_url = root_url
        self._sink = sink

    @property
    def name(self) -> str:
        return self.state.name

    @property
    def base_url(self) -> str:
        return f"{self._root_url()}/sites/{self.name}"

    @property
    def base_path(self) -> str:
        return f"/sites/{self.name}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def emit(self, event: Event) -> None:
        self._sink(self, event)

    def set_faults(self, faults: Faults) -> None:
        self.faults = faults
        self.fault_runtime = FaultRuntime.start(faults)
        self.rng = random.Random(faults.seed)

    # Lookups

    def user(self, account_id: str | None) -> User | None:
        return next((u for u in self.state.users if u.account_id == account_id), None)

    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        return next((u for u in self.state.users if (u.email or "").lower() == wanted), None)

    def user_by_reference(self, reference: str) -> User | None:
        """A user named by accountId or email (seeds and the shell page's user switcher)."""
        return self.user(reference) or self.user_by_email(reference)

    def project(self, id_or_key: str | int | None) -> Project | None:
        text = str(id_or_key or "")
        for project in self.state.projects:
            if text == project.id or text.upper() == project.key:
                return project
        return None

    def issue(self, id_or_key: str | int | None) -> Issue | None:
        text = str(id_or_key or "")
        if text in self.state.issues:
            return self.state.issues[text]
        wanted = text.upper()
        return next((i for i in self.state.issues.values() if i.key == wanted), None)

    def project_of(self, issue: Issue) -> Project:
        project = self.project(issue.project_id)
        assert project is not None, f"issue {issue.key} has no project"
        return project

    def issue_type(self, type_id: str | None) -> IssueType | None:
        return next((t for t in self.state.issue_types if t.id == type_id), None)

    def issue_type_by_name(self, name: str) -> IssueType | None:
        return next((t for t in self.state.issue_types if t.name.lower() == name.lower()), None)

    def status(self, status_id: str | None) -> Status | None:
        return next((s for s in self.state.statuses if s.id == status_id), None)

    def field(self, field_id: str) -> FieldDef | None:
        return next((f for f in self.state.fields if f.id == field_id), None)

    def field_by_clause(self, clause: str) -> FieldDef | None:
        wanted = clause.lower()
        for field in self.state.fields:
            names = [field.id, field.name, *field.clause_names]
            if wanted in (name.lower() for name in names):
                return field
        return None

    def priority(self, priority_id: str | None) -> Priority | None:
        return next((p for p in self.state.priorities if p.id == priority_id), None)

    def service_desk(self, desk_id: str) -> tuple[Project, ServiceDesk] | None:
        for project in self.state.projects:
            desk = project.service_desk
            if desk is not None and desk_id in (desk.id, project.id, project.key):
                return project, desk
        return None

    def request_type(self, type_id: str | None) -> tuple[Project, RequestType] | None:
        for project in self.state.projects:
            desk = project.service_desk
            for request_type in desk.request_types if desk else []:
                if request_type.id == type_id:
                    return project, request_type
        return None

    def installation(self, app_key: str) -> Installation | None:
        return self.state.installations.get(app_key)

    def installation_of_user(self, user: User) -> Installation | None:
        return self.state.installations.get(user.app_key) if user.app_key else None

    # Ids

    def allocate_issue_id(self) -> str:
        self.state.next_issue_id += 1
        return str(self.state.next_issue_id - 1)

    def allocate_comment_id(self) -> str:
        self.state.next_comment_id += 1
        return str(self.state.next_comment_id - 1)

    def allocate_history_id(self) -> str:
        self.state.next_history_id += 1
        return str(self.state.next_history_id - 1)

    def allocate_object_id(self) -> str:
        """An id for a link, worklog, component, version or attachment."""
        self.state.next_object_id += 1
        return str(self.state.next_object_id - 1)

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.state.title,
            "baseUrl": self.base_url,
            "cloudId": self.state.cloud_id,
            "projects": [
                {"id": p.id, "key": p.key, "name": p.name, "projectTypeKey": p.type_key}
                for p in self.state.projects
            ],
            "installedApps": sorted(self.state.installations),
        }
