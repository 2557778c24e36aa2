"""Users and permissions: who Tandem is, who a user is, what they may do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tandem.jira.decoding import parse
from tandem.jira.endpoints.base import Endpoints, query_params
from tandem.jira.endpoints.projects import PROJECT
from tandem.jira.schemas import MyPermissions, PermissionGrants, Project, User

MYSELF = "/rest/api/3/myself"
USER = "/rest/api/3/user"
MY_PERMISSIONS = "/rest/api/3/mypermissions"
PERMISSIONS_CHECK = "/rest/api/3/permissions/check"

ADMINISTER_PROJECTS = "ADMINISTER_PROJECTS"


class UserEndpoints(Endpoints):
    async def myself(self) -> User:
        return await self.transport.model(User, "GET", MYSELF)

    async def get_user(self, account_id: str) -> User:
        return await self.transport.model(User, "GET", USER, params={"accountId": account_id})

    async def my_permissions(
        self, permissions: Sequence[str], *, project: str | None = None, issue: str | None = None
    ) -> MyPermissions:
        """The caller's permissions, globally or in a project (id or key) or issue."""
        by_id = project is not None and project.isdigit()
        params = query_params(
            permissions=",".join(permissions),
            projectId=project if by_id else None,
            projectKey=None if by_id else project,
            issueKey=issue,
        )
        return await self.transport.model(MyPermissions, "GET", MY_PERMISSIONS, params=params)

    async def check_permissions(
        self,
        account_id: str,
        permissions: Sequence[str],
        project_ids: Sequence[int | str],
        *,
        global_permissions: Sequence[str] = (),
    ) -> PermissionGrants:
        """Which of ``permissions`` a user holds in those projects (``permissions/check``)."""
        body: dict[str, Any] = {
            "accountId": account_id,
            "projectPermissions": [
                {"permissions": list(permissions), "projects": [int(p) for p in project_ids]}
            ],
        }
        if global_permissions:
            body["globalPermissions"] = list(global_permissions)
        response = await self.transport.call("POST", PERMISSIONS_CHECK, json=body, idempotent=True)
        return parse(PermissionGrants, response)

    async def is_project_admin(self, account_id: str, project: int | str) -> bool:
        """Whether ``account_id`` may administer the project (id, or key looked up first)."""
        project_id = project if str(project).isdigit() else await self._project_id(str(project))
        grants = await self.check_permissions(account_id, [ADMINISTER_PROJECTS], [project_id])
        return grants.has_project_permission(ADMINISTER_PROJECTS, project_id)

    async def _project_id(self, key: str) -> str:
        path = {"projectIdOrKey": key}
        return (await self.transport.model(Project, "GET", PROJECT, path)).id
