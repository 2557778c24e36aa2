"""Creating copies under faults: one copy per source issue even when Jira's answers are lost
and its search lags, and nothing said on a copy lost while its link is being recorded."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tandem.jira import adf
from tandem.settings import Settings
from tandem.simulator.models import Issue
from tandem.store.secrets import SecretBox
from tandem.sync.engine import linkprop
from tandem.sync.engine.apply import Engine
from tandem.sync.models import Event, IssueLink
from tandem.sync.queue import events as queue
from tandem.sync.queue.worker import Worker
from tests.conftest import TEST_SECRET_KEY
from tests.support.connect import tenant_clients
from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    comments,
    create_issue,
    events,
    power_customer_sync,
    runs_finished,
)

pytestmark = pytest.mark.e2e

PUBLIC = {"key": "sd.public.comment", "value": {"internal": False}}
TYPES = ("Task", "New Feature", "Improvement")
SEARCH_LAG = 10.0  # longer than every retry delay below


@pytest.fixture
def short_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Event retries within a second, so that search lag outlasts every one of them."""
    monkeypatch.setattr(queue, "FIRST_RETRY_SECONDS", 0.2)
    monkeypatch.setattr(queue, "MAX_RETRY_SECONDS", 1.0)


@asynccontextmanager
async def another_worker(stack: Stack) -> AsyncIterator[None]:
    """A second worker on the same queue, as a separate ``tandem worker`` would be."""
    clients = tenant_clients(app_key=Settings().app_key, box=SecretBox(TEST_SECRET_KEY))
    engine = Engine(database=stack.database, clients=clients)
    worker = Worker(database=stack.database, engine=engine, poll_seconds=0.05)
    task = asyncio.create_task(worker.run())
    try:
        yield
    finally:
        worker.stop()
        await task
        await clients.aclose()


async def set_faults(stack: Stack, site: str, faults: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        response = await control.put(f"/sites/{site}/_sim/faults", json=faults)
        assert response.status_code == 200, response.text


async def clear_faults(stack: Stack, site: str) -> None:
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        await control.delete(f"/sites/{site}/_sim/faults")


async def support_counters(stack: Stack) -> dict[str, dict[str, int]]:
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        return dict((await control.get("/sites/support/_sim/counters")).json())


def copies_by_source(stack: Stack) -> Counter[str]:
    """How many issues of the support site carry Tandem's link to each source issue."""
    found: Counter[str] = Counter()
    for issue in stack.simulator.site("support").state.issues.values():
        link = issue.properties.get(linkprop.KEY)
        if isinstance(link, dict):
            found[str(link["source"]["issueId"])] += 1
    return found


async def new_copy(stack: Stack, summary: str) -> Issue:
    support = stack.simulator.site("support")
    for _ in range(500):
        copies = [i for i in support.state.issues.values() if i.fields["summary"] == summary]
        if copies:
            return copies[0]
        await asyncio.sleep(0.01)
    raise AssertionError(f"Tandem created no copy of {summary!r}")


async def stored_comment_event(stack: Stack, comment_id: str) -> Event:
    for _ in range(500):
        async with stack.database.transaction() as session:
            event = await session.scalar(select(Event).where(Event.comment_id == comment_id))
        if event is not None:
            return event
        await asyncio.sleep(0.01)
    raise AssertionError(f"no event was stored for comment {comment_id}")


async def recorded_copy(stack: Stack, source_id: str) -> str | None:
    async with stack.database.transaction() as session:
        link = await session.scalar(select(IssueLink).where(IssueLink.first_issue_id == source_id))
        assert link is not None
        return link.second_issue_id


async def test_an_agent_reply_on_a_request_still_being_created_reaches_the_customer(
    stack: Stack,
) -> None:
    sync_id = await power_customer_sync(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    await create_issue(casey, "Task", "Tandem learns its account on both sites")
    await stack.settle()
    await set_faults(stack, "support", {"latency": {"minMs": 6000, "afterWrite": True}})
    async with another_worker(stack):  # free while the first one waits for the create
        created = await create_issue(casey, "Task", "The printer is on fire")
        copy = await new_copy(stack, "The printer is on fire")  # Tandem awaits the answer
        alex = stack.jira("support", AGENT)
        reply = asyncio.create_task(
            alex.post(
                f"/rest/api/3/issue/{copy.key}/comment",
                json={"body": adf.from_text("We are on our way."), "properties": [PUBLIC]},
            )
        )
        comment_id = (await asyncio.wait_for(_first_comment(copy), 10)).id
        await stored_comment_event(stack, comment_id)
        # The reply reached Tandem before the create's answer did.
        assert await recorded_copy(stack, created["id"]) is None
        assert (await reply).status_code == 201
        await clear_faults(stack, "support")
        await stack.settle(timeout=60)

    assert await recorded_copy(stack, created["id"]) == copy.id
    texts = [
        adf.to_text(adf.strip_header(c["body"])) for c in await comments(casey, created["key"])
    ]
    assert texts == ["We are on our way."]
    api = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    (applied,) = [
        e
        for e in await events(api, sync_id)
        if (e["side"], e["webhook_event"]) == ("second", "comment_created")
    ]
    assert applied["status"] == "done"


async def _first_comment(issue: Issue) -> Any:
    while not issue.comments:
        await asyncio.sleep(0.01)
    return issue.comments[0]


@pytest.mark.usefixtures("short_retries")
async def test_creates_that_fail_after_the_write_make_one_copy_each_despite_search_lag(
    stack: Stack,
) -> None:
    await power_customer_sync(stack)
    await set_faults(
        stack,
        "support",
        {
            "seed": 3,
            "serverErrors": {"rate": 0.3, "afterWrite": True},
            "searchLagSeconds": SEARCH_LAG,
        },
    )
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    created = [await create_issue(casey, TYPES[n % len(TYPES)], f"Request {n}") for n in range(40)]
    await stack.settle(timeout=240)
    for issue in created[:20]:  # comment copies are guarded by a direct listing
        response = await casey.post(
            f"/rest/api/3/issue/{issue['key']}/comment", json={"body": adf.from_text("More")}
        )
        assert response.status_code == 201, response.text
    await stack.settle(timeout=240)
    counters = await support_counters(stack)
    await clear_faults(stack, "support")

    # Answers lost, issues and comments made all the same.
    assert counters["POST /rest/api/3/issue"].get("500", 0) >= 5
    assert counters["POST /rest/api/3/issue/{issueIdOrKey}/comment"].get("500", 0) >= 1
    copies = copies_by_source(stack)
    assert sorted(copies) == sorted(issue["id"] for issue in created)
    assert [source for source, count in copies.items() if count > 1] == []
    requests = stack.simulator.site("support").state.issues.values()
    assert len(requests) == 40
    assert sorted(len(request.comments) for request in requests) == [0] * 20 + [1] * 20


@pytest.mark.usefixtures("short_retries")
async def test_a_bulk_create_whose_answer_is_lost_makes_one_copy_each(stack: Stack) -> None:
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    sources = [
        (await create_issue(casey, TYPES[n % len(TYPES)], f"Existing {n}"))["id"] for n in range(40)
    ]
    await stack.settle()  # their webhooks come before the synchronization, which ignores them
    sync_id = await power_customer_sync(stack)
    customer = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    # The bulk create is the first call the faults apply to, and seed 1's first draw (0.13)
    # answers it 500 after the write; the engine's writes that follow meet 30% of 500s too.
    await set_faults(
        stack,
        "support",
        {
            "seed": 1,
            "operations": [
                "POST /rest/api/3/issue/bulk",
                "POST /rest/api/3/issue",
                "PUT /rest/api/3/issue/{issueIdOrKey}",
            ],
            "serverErrors": {"rate": 0.3, "afterWrite": True},
            "searchLagSeconds": SEARCH_LAG,
        },
    )
    started = await customer.post(f"/api/synchronizations/{sync_id}/initial-sync", json={})
    assert started.status_code == 202
    await runs_finished(customer, sync_id)
    await stack.settle(timeout=240)
    counters = await support_counters(stack)
    await clear_faults(stack, "support")

    assert counters["POST /rest/api/3/issue/bulk"] == {"500": 1}, counters
    copies = copies_by_source(stack)
    assert sorted(copies) == sorted(sources)
    assert [source for source, count in copies.items() if count > 1] == []
    async with stack.database.transaction() as session:
        links = (await session.scalars(select(IssueLink))).all()
    assert sorted(str(link.second_issue_id) for link in links) == sorted(
        i.id for i in stack.simulator.site("support").state.issues.values()
    )
