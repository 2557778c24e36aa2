"""Failures users hit with other tools: each fails the event with a message saying what to
fix, nothing is lost, and a failed event can be retried once the cause is fixed."""

from __future__ import annotations

import httpx
import pytest

from tandem.sync.config import drafts
from tandem.sync.config.schemas import SyncConfig
from tandem.sync.models import Synchronization
from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    SUPPORT_ADMIN,
    comments,
    create_issue,
    events,
    power_customer_sync,
    project_issues,
)

pytestmark = pytest.mark.e2e


async def publish_unchecked(stack: Stack, sync_id: int, config: SyncConfig) -> None:
    """A published configuration that was valid once (Jira changed since)."""
    async with stack.database.transaction() as session:
        sync = await session.get(Synchronization, sync_id)
        assert sync is not None
        await drafts.replace_draft(session=session, sync=sync, config=config, account_id="x")
        await drafts.publish(session=session, sync=sync, account_id="x")


async def failed(api: httpx.AsyncClient, sync_id: int) -> list[dict[str, object]]:
    return [e for e in await events(api, sync_id) if e["status"] == "failed"]


async def test_a_request_type_that_no_longer_exists_fails_with_advice_and_retries(
    stack: Stack,
) -> None:
    sync_id = await power_customer_sync(stack)
    api = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    good = SyncConfig.model_validate(
        (await api.get(f"/api/synchronizations/{sync_id}/draft")).json()
    )
    gone = good.model_copy(deep=True)
    for default in gone.defaults:
        default.value = "99"
    await publish_unchecked(stack, sync_id, gone)

    await create_issue(stack.jira("customer", CUSTOMER_ADMIN), "Task", "Needs a request type")
    await stack.settle()

    (event,) = await failed(api, sync_id)
    assert "choose an existing request type under Fields - Default Values" in str(
        event["last_error"]
    )
    assert await project_issues(stack.jira("support", AGENT), "SUP") == []

    await publish_unchecked(stack, sync_id, good)
    retried = await api.post(f"/api/synchronizations/{sync_id}/events/retry", json={})
    assert retried.json() == {"retried": 1}
    await stack.settle()
    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert request["fields"]["summary"] == "Needs a request type"


async def test_the_app_without_the_agent_role_fails_with_advice(stack: Stack) -> None:
    preset = SyncConfig()
    internal_copies = preset.comments.model_copy(
        update={
            "enabled": True,
            "first_to_second": preset.comments.first_to_second.model_copy(
                update={"create_as": "internal"}
            ),
        }
    )
    sync_id = await power_customer_sync(stack, comments=internal_copies)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    created = await create_issue(casey, "Task", "Who may answer?")
    await stack.settle()
    sam = stack.jira("support", SUPPORT_ADMIN)
    agents = [stack.support.user(email)["accountId"] for email in (SUPPORT_ADMIN, AGENT)]
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        changed = await control.put(
            "/sites/support/_sim/projects/SUP/roles/agents", json={"accountIds": agents}
        )
        assert changed.status_code == 200, changed.text

    await casey.post(
        f"/rest/api/3/issue/{created['key']}/comment",
        json={
            "body": {
                "type": "doc",
                "version": 1,
                "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": "Anyone?"}]}
                ],
            }
        },
    )
    await stack.settle()

    api = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    (event,) = await failed(api, sync_id)
    assert "give the app's account the agent role" in str(event["last_error"])
    (request,) = await project_issues(sam, "SUP")
    assert await comments(sam, request["key"]) == []


async def test_a_field_not_on_the_edit_screen_fails_with_advice(stack: Stack) -> None:
    sync_id = await power_customer_sync(stack)
    stack.simulator.site("support").project("SUP").edit_screen.remove("summary")
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    created = await create_issue(casey, "Task", "Before")
    await stack.settle()

    await casey.put(f"/rest/api/3/issue/{created['key']}", json={"fields": {"summary": "After"}})
    await stack.settle()

    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert request["fields"]["summary"] == "Before"
    api = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    (event,) = await failed(api, sync_id)
    assert "summary is not on the edit screen of SUP-1" in str(event["last_error"])
    assert "add the field to the screen" in str(event["last_error"])
    assert "administer" not in str(event["last_error"])  # no advice Jira would not honour
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        counters = (await control.get("/sites/support/_sim/counters")).json()
    edits = counters["PUT /rest/api/3/issue/{issueIdOrKey}"]
    assert "403" not in edits  # no overrideScreenSecurity attempt: it needs Administer Jira
