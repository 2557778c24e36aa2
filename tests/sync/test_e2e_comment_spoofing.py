"""The ``tandem-comment`` property marks Tandem's copy of a comment, and anyone who may comment
may write it. A comment Tandem did not write is never taken for a copy: it is not left in
place of the real copy, nor edited or deleted when its "original" changes."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tandem.jira import adf
from tandem.sync.comments import COMMENT_PROPERTY
from tandem.sync.eventtypes import COMMENT_CREATED
from tandem.sync.models import Event, EventStatus
from tests.support.e2e import Stack
from tests.sync.scenario import AGENT, CUSTOMER_ADMIN, comments
from tests.sync.test_e2e_comments import INTERNAL, add_comment, linked_pair, texts

pytestmark = pytest.mark.e2e

SPOOF = "I am not a copy of anything"


async def set_faults(stack: Stack, site: str, faults: dict[str, Any] | None) -> None:
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        if faults is None:
            response = await control.delete(f"/sites/{site}/_sim/faults")
        else:
            response = await control.put(f"/sites/{site}/_sim/faults", json=faults)
        assert response.status_code < 300, response.text


async def failed_once(stack: Stack, comment_id: str) -> None:
    """Until the event of ``comment_id`` has failed an attempt (it is retried seconds later)."""
    for _ in range(1200):
        async with stack.database.transaction() as session:
            event = await session.scalar(
                select(Event).where(
                    Event.comment_id == comment_id, Event.webhook_event == COMMENT_CREATED
                )
            )
            if event is not None and event.last_error and event.status is EventStatus.PENDING:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the event of comment {comment_id} never failed")


async def test_a_customer_comment_carrying_the_marker_is_not_taken_for_the_copy(
    stack: Stack,
) -> None:
    acme_key, sup_key = await linked_pair(stack)
    alex, casey = stack.jira("support", AGENT), stack.jira("customer", CUSTOMER_ADMIN)
    api = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    (listed,) = (await api.get("/api/synchronizations")).json()
    sync = int(listed["id"])
    await set_faults(stack, "customer", {"serverErrors": {"rate": 1.0}})
    reply = await add_comment(alex, sup_key, "Please restart the router.", internal=False)
    await failed_once(stack, str(reply["id"]))
    await set_faults(stack, "customer", None)
    spoof = await casey.post(
        f"/rest/api/3/issue/{acme_key}/comment",
        json={
            "body": adf.from_text(SPOOF),
            "properties": [
                {"key": COMMENT_PROPERTY, "value": {"peer": f"{sync}:second:{reply['id']}"}}
            ],
        },
    )
    assert spoof.status_code == 201, spoof.text
    await stack.settle()

    found = texts(await comments(casey, acme_key))
    assert SPOOF in found
    assert any("Please restart the router." in text for text in found), found

    flipped = await alex.put(
        f"/rest/api/3/issue/{sup_key}/comment/{reply['id']}",
        json={"body": reply["body"], "properties": [INTERNAL]},
    )
    assert flipped.status_code == 200, flipped.text
    await stack.settle()

    found = texts(await comments(casey, acme_key))
    assert SPOOF in found
    assert not any("Please restart the router." in text for text in found), found
