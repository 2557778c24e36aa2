"""Issue entity properties: list, read, set, delete."""

from __future__ import annotations

from typing import Any

from tandem.jira.decoding import json_body
from tandem.jira.endpoints.base import Endpoints
from tandem.jira.schemas import EntityProperty

ISSUE_PROPERTIES = "/rest/api/3/issue/{issueIdOrKey}/properties"
ISSUE_PROPERTY = "/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}"


class PropertyEndpoints(Endpoints):
    async def issue_property_keys(self, issue: str) -> list[str]:
        response = await self.transport.call("GET", ISSUE_PROPERTIES, {"issueIdOrKey": issue})
        return [str(item["key"]) for item in json_body(response).get("keys", [])]

    async def get_issue_property(self, issue: str, key: str) -> EntityProperty:
        """The property; ``JiraNotFound`` if the issue has none with that key."""
        path = {"issueIdOrKey": issue, "propertyKey": key}
        return await self.transport.model(EntityProperty, "GET", ISSUE_PROPERTY, path)

    async def set_issue_property(self, issue: str, key: str, value: Any) -> None:
        path = {"issueIdOrKey": issue, "propertyKey": key}
        await self.transport.write(issue, "PUT", ISSUE_PROPERTY, path, json=value)

    async def delete_issue_property(self, issue: str, key: str) -> None:
        path = {"issueIdOrKey": issue, "propertyKey": key}
        await self.transport.write(issue, "DELETE", ISSUE_PROPERTY, path)
