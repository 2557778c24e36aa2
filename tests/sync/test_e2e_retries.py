"""A retried event never moves a field backwards (two simulated sites over real HTTP)."""

from __future__ import annotations

import httpx
import pytest

from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    create_issue,
    events,
    power_customer_sync,
    project_issues,
)

pytestmark = pytest.mark.e2e


async def rename(jira: httpx.AsyncClient, key: str, summary: str) -> None:
    response = await jira.put(f"/rest/api/3/issue/{key}", json={"fields": {"summary": summary}})
    assert response.status_code == 204, response.text


async def copy_summary(stack: Stack) -> str:
    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    return str(request["fields"]["summary"])


async def test_an_old_failed_event_retried_after_a_newer_change_keeps_the_newer_value(
    stack: Stack,
) -> None:
    sync_id = await power_customer_sync(stack)
    api = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    created = await create_issue(casey, "Task", "A")
    await stack.settle()

    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        refuse = {"serverErrors": {"rate": 1.0, "status": 400}}
        assert (await control.put("/sites/support/_sim/faults", json=refuse)).status_code == 200
        await rename(casey, created["key"], "B")
        await stack.settle()
        assert (await control.delete("/sites/support/_sim/faults")).status_code in (200, 204)
    (parked,) = [e for e in await events(api, sync_id) if e["status"] == "failed"]
    assert await copy_summary(stack) == "A"

    await rename(casey, created["key"], "C")
    await stack.settle()
    assert await copy_summary(stack) == "C"

    retried = await api.post(
        f"/api/synchronizations/{sync_id}/events/retry", json={"event_ids": [parked["id"]]}
    )
    assert retried.json() == {"retried": 1}
    await stack.settle()

    assert await copy_summary(stack) == "C"
    (again,) = [e for e in await events(api, sync_id) if e["id"] == parked["id"]]
    assert again["status"] in ("done", "skipped")
