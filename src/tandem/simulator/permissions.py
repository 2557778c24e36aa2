"""Project and global permissions, derived from project roles as a default scheme does."""

from __future__ import annotations

from .models import (
    ROLE_ADMINISTRATORS,
    ROLE_AGENTS,
    ROLE_APPS,
    ROLE_MEMBERS,
    Project,
    User,
)
from .site import Site

PROJECT_PERMISSIONS: dict[str, str] = {
    "ADMINISTER_PROJECTS": "Administer Projects",
    "BROWSE_PROJECTS": "Browse Projects",
    "CREATE_ISSUES": "Create Issues",
    "EDIT_ISSUES": "Edit Issues",
    "DELETE_ISSUES": "Delete Issues",
    "TRANSITION_ISSUES": "Transition Issues",
    "ASSIGN_ISSUES": "Assign Issues",
    "ASSIGNABLE_USER": "Assignable User",
    "RESOLVE_ISSUES": "Resolve Issues",
    "CLOSE_ISSUES": "Close Issues",
    "MODIFY_REPORTER": "Modify Reporter",
    "LINK_ISSUES": "Link Issues",
    "ADD_COMMENTS": "Add Comments",
    "EDIT_ALL_COMMENTS": "Edit All Comments",
    "EDIT_OWN_COMMENTS": "Edit Own Comments",
    "DELETE_ALL_COMMENTS": "Delete All Comments",
    "DELETE_OWN_COMMENTS": "Delete Own Comments",
    "CREATE_ATTACHMENTS": "Create Attachments",
    "SERVICEDESK_AGENT": "Service Desk Agent",
    "MANAGE_WATCHERS": "Manage Watchers",
    "WORK_ON_ISSUES": "Work On Issues",
    "DELETE_OWN_ATTACHMENTS": "Delete Own Attachments",
    "DELETE_ALL_ATTACHMENTS": "Delete All Attachments",
}
GLOBAL_PERMISSIONS: dict[str, str] = {
    "ADMINISTER": "Administer Jira",
    "USER_PICKER": "Browse users and groups",
    "CREATE_SHARED_OBJECTS": "Share dashboards and filters",
}

_ADMIN_ONLY = {
    "ADMINISTER_PROJECTS",
    "EDIT_ALL_COMMENTS",
    "DELETE_ALL_COMMENTS",
    "DELETE_ISSUES",
    "MODIFY_REPORTER",
    "MANAGE_WATCHERS",
    "DELETE_ALL_ATTACHMENTS",
}
_MEMBER = set(PROJECT_PERMISSIONS) - _ADMIN_ONLY - {"SERVICEDESK_AGENT"}
_ROLE_GRANTS: dict[str, set[str]] = {
    ROLE_ADMINISTRATORS: set(PROJECT_PERMISSIONS),
    ROLE_APPS: set(PROJECT_PERMISSIONS) - {"SERVICEDESK_AGENT"},
    ROLE_AGENTS: _MEMBER | {"SERVICEDESK_AGENT", "EDIT_ALL_COMMENTS"},
    ROLE_MEMBERS: _MEMBER,
}


def project_permissions(site: Site, project: Project, user: User) -> set[str]:
    """The project permissions ``user`` holds on ``project``."""
    granted: set[str] = set()
    for role, members in project.roles.items():
        if user.account_id in members:
            granted |= _ROLE_GRANTS.get(role, set())
    if project.type_key != "service_desk":
        granted.discard("SERVICEDESK_AGENT")
    if not user.active:
        return set()
    return granted


def has(site: Site, project: Project, user: User, permission: str) -> bool:
    return permission in project_permissions(site, project, user)


def global_permissions(site: Site, user: User) -> set[str]:
    if not user.active or user.account_type == "customer":
        return set()
    granted = {"USER_PICKER", "CREATE_SHARED_OBJECTS"}
    installation = site.installation_of_user(user)
    if user.site_admin or (installation is not None and "ADMIN" in installation.scopes):
        granted.add("ADMINISTER")
    return granted


def is_agent(site: Site, project: Project, user: User) -> bool:
    return has(site, project, user, "SERVICEDESK_AGENT")
