"""Issues: create (one, or in bulk), read, edit, delete, transition."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from tandem.jira.decoding import parse, parse_list
from tandem.jira.endpoints.base import Endpoints, csv, property_list, query_params
from tandem.jira.errors import error_for_response
from tandem.jira.schemas import BulkCreateResult, CreatedIssue, Issue, Transition

ISSUES = "/rest/api/3/issue"
ISSUES_BULK = "/rest/api/3/issue/bulk"
ISSUE = "/rest/api/3/issue/{issueIdOrKey}"
TRANSITIONS = "/rest/api/3/issue/{issueIdOrKey}/transitions"

BULK_CREATE_MAX = 50


@dataclass(frozen=True)
class NewIssue:
    """One issue to create: its fields (and ``update`` operations) and entity properties."""

    fields: Mapping[str, Any]
    properties: Mapping[str, Any] = field(default_factory=dict)
    update: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"fields": dict(self.fields)}
        if self.update:
            body["update"] = dict(self.update)
        if self.properties:
            body["properties"] = property_list(self.properties)
        return body


class IssueEndpoints(Endpoints):
    async def create_issue(
        self,
        fields: Mapping[str, Any],
        *,
        properties: Mapping[str, Any] | None = None,
        update: Mapping[str, Any] | None = None,
        idempotent: bool = False,
    ) -> CreatedIssue:
        body = NewIssue(fields, properties or {}, update).to_json()
        response = await self.transport.call("POST", ISSUES, json=body, idempotent=idempotent)
        return parse(CreatedIssue, response)

    async def create_issues(
        self, issues: Sequence[NewIssue], *, idempotent: bool = False
    ) -> BulkCreateResult:
        """Bulk create, 50 per call; ``failedElementNumber`` counts from the first of ``issues``."""
        result = BulkCreateResult()
        for offset in range(0, len(issues), BULK_CREATE_MAX):
            batch = issues[offset : offset + BULK_CREATE_MAX]
            part = await self._create_batch(batch, idempotent)
            result.issues.extend(part.issues)
            for error in part.errors:
                error.failed_element_number += offset
                result.errors.append(error)
        return result

    async def _create_batch(self, batch: Sequence[NewIssue], idempotent: bool) -> BulkCreateResult:
        body = {"issueUpdates": [issue.to_json() for issue in batch]}
        # Jira answers 400 with the same body when every issue of the batch failed.
        response = await self.transport.call(
            "POST", ISSUES_BULK, json=body, idempotent=idempotent, accept=(400,)
        )
        if response.status_code == 400 and not _is_bulk_result(response):
            raise error_for_response(response)
        return parse(BulkCreateResult, response)

    async def get_issue(
        self,
        issue: str,
        *,
        fields: Sequence[str] | None = None,
        properties: Sequence[str] | None = None,
        expand: Sequence[str] | None = None,
    ) -> Issue:
        params = query_params(fields=csv(fields), properties=csv(properties), expand=csv(expand))
        path = {"issueIdOrKey": issue}
        return await self.transport.model(Issue, "GET", ISSUE, path, params=params)

    async def edit_issue(
        self,
        issue: str,
        *,
        fields: Mapping[str, Any] | None = None,
        update: Mapping[str, Any] | None = None,
        properties: Mapping[str, Any] | None = None,
        notify_users: bool | None = None,
        override_screen_security: bool | None = None,
    ) -> None:
        body: dict[str, Any] = {"fields": dict(fields or {})}
        if update:
            body["update"] = dict(update)
        if properties:
            body["properties"] = property_list(properties)
        params = query_params(
            notifyUsers=notify_users, overrideScreenSecurity=override_screen_security
        )
        path = {"issueIdOrKey": issue}
        await self.transport.write(issue, "PUT", ISSUE, path, params=params, json=body)

    async def delete_issue(self, issue: str, *, delete_subtasks: bool = False) -> None:
        params = query_params(deleteSubtasks=delete_subtasks)
        path = {"issueIdOrKey": issue}
        await self.transport.write(issue, "DELETE", ISSUE, path, params=params)

    async def get_transitions(self, issue: str) -> list[Transition]:
        response = await self.transport.call("GET", TRANSITIONS, {"issueIdOrKey": issue})
        return parse_list(Transition, response, key="transitions")

    async def transition_issue(
        self,
        issue: str,
        transition_id: str,
        *,
        fields: Mapping[str, Any] | None = None,
        idempotent: bool = False,
    ) -> None:
        body: dict[str, Any] = {"transition": {"id": transition_id}}
        if fields:
            body["fields"] = dict(fields)
        path = {"issueIdOrKey": issue}
        await self.transport.write(
            issue, "POST", TRANSITIONS, path, json=body, idempotent=idempotent
        )


def _is_bulk_result(response: httpx.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("errors"), list)
