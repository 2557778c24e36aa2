"""Reconciliation finds lost changes whatever time zone Tandem's app user has on each site.

Jira reads JQL dates in the searching user's zone; the simulator does too, so an app user west
of UTC (Los Angeles) would miss every change if Tandem wrote UTC wall-clock times, and one east
of UTC (Tokyo) would search hours too far back.
"""

from __future__ import annotations

import httpx
import pytest

from tandem.store.secrets import SecretBox
from tandem.sync.engine.runs import Runner
from tests.conftest import TEST_SECRET_KEY
from tests.support.connect import tenant_clients
from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    create_issue,
    power_customer_sync,
    project_issues,
)

pytestmark = pytest.mark.e2e
APP_KEY = "io.tandem.issue-sync"


def set_app_user_zone(stack: Stack, zone: str) -> None:
    for name in ("customer", "support"):
        site = stack.simulator.site(name)
        (app_user,) = [u for u in site.state.users if u.app_key == APP_KEY]
        app_user.time_zone = zone


async def reconcile(stack: Stack) -> None:
    clients = tenant_clients(app_key=APP_KEY, box=SecretBox(TEST_SECRET_KEY))
    try:
        assert await Runner(database=stack.database, clients=clients).reconcile_all() == 1
    finally:
        await clients.aclose()
    await stack.settle()


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Asia/Tokyo"])
async def test_reconciliation_finds_an_issue_whose_webhook_was_lost_in_any_zone(
    stack: Stack, zone: str
) -> None:
    set_app_user_zone(stack, zone)
    await power_customer_sync(stack)
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        await control.put("/sites/customer/_sim/faults", json={"webhooks": {"dropRate": 1.0}})
    await create_issue(stack.jira("customer", CUSTOMER_ADMIN), "Task", f"Lost in {zone}")
    await stack.settle()
    assert await project_issues(stack.jira("support", AGENT), "SUP") == []

    await reconcile(stack)

    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert request["fields"]["summary"] == f"Lost in {zone}"
