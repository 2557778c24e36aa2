"""Projects and what they offer: statuses, issue types, create-screen fields, all fields."""

from __future__ import annotations

from tandem.jira.decoding import parse_list
from tandem.jira.endpoints.base import Endpoints, query_params
from tandem.jira.schemas import (
    FieldMeta,
    FieldMetaPage,
    IssueType,
    IssueTypeStatuses,
    JiraField,
    Project,
    ProjectPage,
)

PROJECT_SEARCH = "/rest/api/3/project/search"
PROJECT = "/rest/api/3/project/{projectIdOrKey}"
PROJECT_STATUSES = "/rest/api/3/project/{projectIdOrKey}/statuses"
PROJECT_ISSUE_TYPES = "/rest/api/3/issuetype/project"
CREATE_META_FIELDS = "/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}"
FIELDS = "/rest/api/3/field"


class ProjectEndpoints(Endpoints):
    async def search_projects(
        self, query: str | None = None, *, type_key: str | None = None, limit: int | None = None
    ) -> list[Project]:
        """Projects visible to the caller, matching ``query`` (key or name), page by page."""
        found: list[Project] = []
        while limit is None or len(found) < limit:
            params = query_params(query=query, typeKey=type_key, startAt=len(found), maxResults=50)
            page = await self.transport.model(ProjectPage, "GET", PROJECT_SEARCH, params=params)
            found.extend(page.values)
            if page.is_last or not page.values:
                break
        return found[:limit]

    async def get_project(self, project: str) -> Project:
        path = {"projectIdOrKey": project}
        return await self.transport.model(Project, "GET", PROJECT, path)

    async def project_statuses(self, project_id_or_key: str) -> list[IssueTypeStatuses]:
        """The statuses of each issue type of the project (id or key)."""
        path = {"projectIdOrKey": project_id_or_key}
        response = await self.transport.call("GET", PROJECT_STATUSES, path)
        return parse_list(IssueTypeStatuses, response)

    async def project_issue_types(self, project_id: str | int) -> list[IssueType]:
        params = {"projectId": project_id}
        response = await self.transport.call("GET", PROJECT_ISSUE_TYPES, params=params)
        return parse_list(IssueType, response)

    async def create_meta_fields(self, project: str, issue_type_id: str) -> list[FieldMeta]:
        """The fields of the create screen of ``issue_type_id`` in ``project``."""
        path = {"projectIdOrKey": project, "issueTypeId": issue_type_id}
        found: list[FieldMeta] = []
        while True:
            params = {"startAt": len(found), "maxResults": 50}
            page = await self.transport.model(
                FieldMetaPage, "GET", CREATE_META_FIELDS, path, params=params
            )
            found.extend(page.items)
            if not page.items or len(found) >= page.total:
                return found

    async def get_fields(self) -> list[JiraField]:
        return parse_list(JiraField, await self.transport.call("GET", FIELDS))
