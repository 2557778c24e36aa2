"""Only the webhook types Tandem handles are applied, and a field a payload does not carry is
never cleared on the copy (two simulated sites, webhooks signed as Jira signs them)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tandem.jira import adf
from tandem.simulator.tokens import shared_secret_token
from tandem.sync.models import Event
from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    create_issue,
    power_customer_sync,
    project_issues,
)

pytestmark = pytest.mark.e2e
WEBHOOK_PATH = "/webhooks/jira"


async def deliver_as_jira(stack: Stack, payload: dict[str, Any], identifier: str) -> int:
    """POST a webhook to Tandem signed with the customer site's installation secret."""
    (installation,) = stack.simulator.site("customer").state.installations.values()
    url = installation.base_url + WEBHOOK_PATH
    token = shared_secret_token(
        installation.shared_secret,
        client_key=installation.client_key,
        app_base_url=installation.base_url,
        method="POST",
        url=url,
    )
    async with httpx.AsyncClient() as client:
        response = await client.post(
            url,
            content=json.dumps(payload),
            headers={
                "Authorization": f"JWT {token}",
                "Content-Type": "application/json",
                "X-Atlassian-Webhook-Identifier": identifier,
            },
        )
    return response.status_code


async def linked_issue(stack: Stack) -> dict[str, Any]:
    await power_customer_sync(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    created = await create_issue(casey, "Task", "Printer on fire", "It smokes.")
    await stack.settle()
    issue = (await casey.get(f"/rest/api/3/issue/{created['key']}")).json()
    return dict(issue)


def without_description(issue: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The issue as a payload that leaves the description out (as worklog webhooks do)."""
    kept = {k: v for k, v in issue["fields"].items() if k in ("project", "issuetype", "summary")}
    return {"id": issue["id"], "key": issue["key"], "fields": {**kept, **fields}}


async def stored(stack: Stack, webhook_event: str) -> int:
    async with stack.database.transaction() as session:
        rows = await session.scalars(select(Event).where(Event.webhook_event == webhook_event))
        return len(rows.all())


async def test_a_worklog_webhook_is_not_applied_and_clears_nothing(stack: Stack) -> None:
    issue = await linked_issue(stack)
    payload = {
        "timestamp": 4_102_444_800_000,
        "webhookEvent": "worklog_created",
        "issue": without_description(issue, summary="Logged work"),
        "worklog": {"id": "10500", "timeSpentSeconds": 3600},
    }

    assert await deliver_as_jira(stack, payload, "worklog-1") == 204
    await stack.settle()

    assert await stored(stack, "worklog_created") == 0
    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert request["fields"]["summary"] == "Printer on fire"
    assert adf.to_text(request["fields"]["description"]) == "It smokes."


async def test_an_issue_update_without_the_description_keeps_the_copys_description(
    stack: Stack,
) -> None:
    issue = await linked_issue(stack)
    payload = {
        "timestamp": 4_102_444_800_000,
        "webhookEvent": "jira:issue_updated",
        "issue_event_type_name": "issue_worklog_updated",
        "issue": without_description(issue, summary="Printer fixed"),
    }

    assert await deliver_as_jira(stack, payload, "partial-1") == 204
    await stack.settle()

    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert request["fields"]["summary"] == "Printer fixed"
    assert adf.to_text(request["fields"]["description"]) == "It smokes."
