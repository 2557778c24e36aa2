"""The monitor page follows events in flight without a reload (its one script), and stops
once nothing is left in flight."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import update

from tandem.sync.models import Event, EventStatus, Side
from tests.browser.test_power_customer import CASEY, Shell
from tests.support.e2e import Stack
from tests.web.flows import accepted

pytestmark = pytest.mark.browser


async def test_events_in_flight_are_followed_live(
    stack: Stack, browser: Browser, screenshots: Path
) -> None:
    expect.set_options(timeout=15_000)
    _, _, sync_id = await accepted(stack)
    async with stack.database.transaction() as session:
        session.add(
            Event(
                synchronization_id=sync_id,
                side=Side.FIRST,
                dedupe_key="live",
                webhook_event="jira:issue_created",
                issue_id="10001",
                issue_key="ACME-7",
                order_key="live",
                payload={},
                status=EventStatus.PENDING,
            )
        )
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    shell = Shell(await context.new_page(), screenshots)
    await shell.open(stack.customer.base_url, "ACME", CASEY)
    await shell.click("link", "Monitor Acme support")
    counts = shell.frame.locator("p.counts")
    await expect(counts).to_contain_text("Pending: 1")
    await expect(shell.frame.locator("#live[data-refresh]")).to_have_count(1)
    await shell.shot("event-pending")

    async with stack.database.transaction() as session:
        await session.execute(
            update(Event)
            .where(Event.synchronization_id == sync_id)
            .values(status=EventStatus.DONE, reason="created SUP-7")
        )

    await expect(counts).to_contain_text("Done: 1")
    await expect(shell.frame.get_by_role("cell", name="created SUP-7")).to_be_visible()
    await expect(shell.frame.locator("#live[data-refresh]")).to_have_count(0)
    await shell.shot("event-done")
    await context.close()
