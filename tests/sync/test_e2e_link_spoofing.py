"""The ``tandem-link`` property says which issue a copy was made from, and anyone who may edit
an issue may write it. An issue that Tandem did not create is never taken for a copy: a person
on the other side who writes the property on their own issue hijacks no link, and cannot stop
an initial sync."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tandem.sync.engine import linkprop
from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    create_issue,
    power_customer_sync,
    project_issues,
    runs_finished,
)

pytestmark = pytest.mark.e2e

DECOY = "Alex's own request"


async def decoy(stack: Stack, sync_id: int, sources: list[dict[str, Any]]) -> dict[str, Any]:
    """An agent's own request carrying a ``tandem-link`` that names ``sources``."""
    agent = stack.jira("support", AGENT)
    response = await agent.post(
        "/rest/api/3/issue",
        json={
            "fields": {
                "project": {"key": "SUP"},
                "issuetype": {"name": "IT Help"},
                "summary": DECOY,
            }
        },
    )
    assert response.status_code == 201, response.text
    issue = dict(response.json())
    value = {
        "peers": [f"{sync_id}:first:{source['id']}" for source in sources],
        "synchronization": sync_id,
        "source": {"side": "first", "issueId": sources[0]["id"], "issueKey": sources[0]["key"]},
    }
    written = await agent.put(
        f"/rest/api/3/issue/{issue['id']}/properties/{linkprop.KEY}", json=value
    )
    assert written.status_code in (200, 201), written.text
    return issue


async def edit_summary(jira: httpx.AsyncClient, key: str, summary: str) -> None:
    response = await jira.put(f"/rest/api/3/issue/{key}", json={"fields": {"summary": summary}})
    assert response.status_code == 204, response.text


async def summaries(stack: Stack) -> list[str]:
    issues = await project_issues(stack.jira("support", AGENT), "SUP")
    return sorted(i["fields"]["summary"] for i in issues)


async def test_a_property_on_someone_elses_issue_does_not_make_it_the_copy(stack: Stack) -> None:
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    source = await create_issue(casey, "Task", "Printer on fire")
    await stack.settle()
    sync_id = await power_customer_sync(stack)
    await decoy(stack, sync_id, [source])

    await edit_summary(casey, source["key"], "Printer on fire, still")
    await stack.settle()

    assert await summaries(stack) == sorted([DECOY, "Printer on fire, still"])


async def test_a_property_naming_many_issues_neither_binds_nor_stops_an_initial_sync(
    stack: Stack,
) -> None:
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    sources = [await create_issue(casey, "Task", f"Existing task {n}") for n in (1, 2)]
    await stack.settle()
    sync_id = await power_customer_sync(stack)
    await decoy(stack, sync_id, sources)
    customer = await stack.api("customer", "ACME", CUSTOMER_ADMIN)

    started = await customer.post(f"/api/synchronizations/{sync_id}/initial-sync", json={})
    assert started.status_code == 202, started.text
    await runs_finished(customer, sync_id)
    await stack.settle()

    (run,) = (await customer.get(f"/api/synchronizations/{sync_id}/runs")).json()
    assert run["status"] == "finished", run["error"]
    assert await summaries(stack) == sorted([DECOY, "Existing task 1", "Existing task 2"])
