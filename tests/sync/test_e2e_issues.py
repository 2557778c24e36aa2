"""Issues flow from the customer's project to the JSM project: two simulated sites, Tandem
between them, real HTTP both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import delete

from tandem.jira import adf
from tandem.sync.config.schemas import Direction, Ref, StatusMapping
from tandem.sync.models import IssueLink
from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    REQUEST_TYPE_FIELD,
    create_issue,
    events,
    power_customer_sync,
    project_issues,
)

pytestmark = pytest.mark.e2e


async def test_mapped_issue_types_become_it_help_requests_with_their_request_type(
    stack: Stack,
) -> None:
    await power_customer_sync(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    for issue_type in ("Task", "New Feature", "Improvement"):
        await create_issue(casey, issue_type, f"{issue_type} from Acme", f"About {issue_type}.")
    await stack.settle()

    requests = await project_issues(stack.jira("support", AGENT), "SUP")

    by_summary = {r["fields"]["summary"]: r for r in requests}
    assert sorted(by_summary) == [
        "Improvement from Acme",
        "New Feature from Acme",
        "Task from Acme",
    ]
    for issue_type in ("Task", "New Feature", "Improvement"):
        request = by_summary[f"{issue_type} from Acme"]
        assert request["fields"]["issuetype"]["name"] == "IT Help"
        assert request["fields"][REQUEST_TYPE_FIELD]["requestType"]["name"] == "Get IT Help"
        assert adf.to_text(request["fields"]["description"]) == f"About {issue_type}."


async def test_an_unmapped_issue_type_creates_nothing(stack: Stack) -> None:
    sync_id = await power_customer_sync(stack)
    await create_issue(stack.jira("customer", CUSTOMER_ADMIN), "Bug", "A bug stays home")
    await stack.settle()

    assert await project_issues(stack.jira("support", AGENT), "SUP") == []
    api = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    (event,) = await events(api, sync_id)
    assert event["status"] == "skipped"
    assert "Bug is not mapped" in event["reason"]


async def test_summary_and_description_edits_follow_without_echo(stack: Stack) -> None:
    await power_customer_sync(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    created = await create_issue(casey, "Task", "Printer on fire", "It smokes.")
    await stack.settle()

    edit = await casey.put(
        f"/rest/api/3/issue/{created['key']}",
        json={"fields": {"summary": "Printer still on fire", "description": adf.from_text("Help")}},
    )
    assert edit.status_code == 204, edit.text
    await stack.settle()

    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert request["fields"]["summary"] == "Printer still on fire"
    assert adf.to_text(request["fields"]["description"]) == "Help"
    source = (await casey.get(f"/rest/api/3/issue/{created['key']}")).json()
    assert source["fields"]["summary"] == "Printer still on fire"


async def test_issues_created_in_the_jsm_project_do_not_flow_back(stack: Stack) -> None:
    await power_customer_sync(stack)
    alex = stack.jira("support", AGENT)
    response = await alex.post(
        "/rest/api/3/issue",
        json={
            "fields": {
                "project": {"key": "SUP"},
                "issuetype": {"name": "IT Help"},
                "summary": "Internal housekeeping",
            }
        },
    )
    assert response.status_code == 201, response.text
    await stack.settle()

    assert await project_issues(stack.jira("customer", CUSTOMER_ADMIN), "ACME") == []


async def test_duplicated_webhooks_create_nothing_twice(stack: Stack) -> None:
    await power_customer_sync(stack)
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        fault = await control.put(
            "/sites/customer/_sim/faults", json={"webhooks": {"duplicateRate": 1.0}}
        )
        assert fault.status_code == 200, fault.text
    await create_issue(stack.jira("customer", CUSTOMER_ADMIN), "Task", "Only once")
    await stack.settle()

    assert len(await project_issues(stack.jira("support", AGENT), "SUP")) == 1


async def test_a_replay_after_the_link_was_lost_finds_the_copy_instead_of_creating(
    stack: Stack,
) -> None:
    sync_id = await power_customer_sync(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    created = await create_issue(casey, "Task", "Lost and found")
    await stack.settle()
    async with stack.database.transaction() as session:
        await session.execute(delete(IssueLink))

    edit = await casey.put(
        f"/rest/api/3/issue/{created['key']}", json={"fields": {"summary": "Found again"}}
    )
    assert edit.status_code == 204
    await stack.settle()

    requests = await project_issues(stack.jira("support", AGENT), "SUP")
    assert len(requests) == 1
    api = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    reasons = [e["reason"] for e in await events(api, sync_id)]
    assert any(r and r.startswith("found the copy created earlier") for r in reasons)


@pytest.mark.tandem_settings(create_confirm_seconds=3.0)
async def test_a_jira_outage_delays_but_loses_nothing(stack: Stack) -> None:
    # A 503 may come after the write: the create waits for Jira's announcement, then searches.
    await power_customer_sync(stack)
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        fault = await control.put("/sites/support/_sim/faults", json={"outage": {"seconds": 3}})
        assert fault.status_code == 200, fault.text
    await create_issue(stack.jira("customer", CUSTOMER_ADMIN), "Task", "Through the storm")
    await stack.settle(timeout=60)

    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert request["fields"]["summary"] == "Through the storm"


async def test_a_mapped_status_change_moves_the_copy_through_a_transition(stack: Stack) -> None:
    mapping = StatusMapping(
        direction=Direction.FIRST_TO_SECOND,
        first=Ref(id="3", name="In Progress"),
        second=Ref(id="3", name="In Progress"),
    )
    await power_customer_sync(stack, statuses=[mapping])
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    created = await create_issue(casey, "Task", "Moving along")
    await stack.settle()

    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    before = (await stack.jira("support", AGENT).get(f"/rest/api/3/issue/{request['key']}")).json()
    assert before["fields"]["status"]["name"] != "In Progress"

    transitions = (await casey.get(f"/rest/api/3/issue/{created['key']}/transitions")).json()
    start = next(t for t in transitions["transitions"] if t["to"]["id"] == "3")
    moved = await casey.post(
        f"/rest/api/3/issue/{created['key']}/transitions", json={"transition": {"id": start["id"]}}
    )
    assert moved.status_code == 204, moved.text
    await stack.settle()

    status = (await stack.jira("support", AGENT).get(f"/rest/api/3/issue/{request['key']}")).json()
    assert status["fields"]["status"]["name"] == "In Progress"
