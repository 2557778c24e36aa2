"""Jira redelivers a webhook whose acknowledgement was lost; Tandem applies the change once."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from tandem.sync.models import Event
from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    create_issue,
    power_customer_sync,
    project_issues,
    set_faults,
)

pytestmark = pytest.mark.e2e

LOST = 2  # the first two attempts of every delivery reach Tandem but count as failed


async def test_a_change_whose_first_deliveries_fail_is_applied_once(stack: Stack) -> None:
    await power_customer_sync(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    await set_faults(stack, "customer", {"webhooks": {"lostAcknowledgements": LOST}})
    created = await create_issue(casey, "Task", "Delivered thrice")
    await stack.settle()
    await set_faults(stack, "customer", None)

    copies = await project_issues(stack.jira("support", AGENT), "SUP")
    assert [c["fields"]["summary"] for c in copies] == ["Delivered thrice"]
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        log = (await control.get("/_sim/webhooks")).json()["deliveries"]
    (delivery,) = [d for d in log if (d["site"], d["event"]) == ("customer", "jira:issue_created")]
    assert delivery["attempts"] == LOST + 1 and delivery["outcome"] == "delivered"
    async with stack.database.transaction() as session:
        stored = await session.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.issue_key == created["key"], Event.webhook_event == "jira:issue_created")
        )
    assert stored == 1
