"""The synchronization API as admins of both projects use it, against the simulated sites."""

from __future__ import annotations

import httpx
import pytest

from tandem.jira import adf
from tandem.store.secrets import SecretBox
from tandem.sync.engine.runs import Runner
from tests.conftest import TEST_SECRET_KEY
from tests.support.connect import tenant_clients
from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    SUPPORT_ADMIN,
    comments,
    create_issue,
    power_customer_sync,
    project_issues,
    runs_finished,
)

pytestmark = pytest.mark.e2e
COLLEAGUE = "chris@acme.example"


async def request_sync(stack: Stack) -> tuple[httpx.AsyncClient, httpx.AsyncClient, int]:
    customer = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    support = await stack.api("support", "SUP", SUPPORT_ADMIN)
    created = await customer.post(
        "/api/synchronizations",
        json={"name": "Acme", "site_url": stack.support.base_url, "project": "SUP"},
    )
    assert created.status_code == 201, created.text
    return customer, support, int(created.json()["id"])


async def test_the_request_appears_on_both_projects_and_only_the_second_accepts(
    stack: Stack,
) -> None:
    customer, support, sync_id = await request_sync(stack)

    (mine,) = (await customer.get("/api/synchronizations")).json()
    (theirs,) = (await support.get("/api/synchronizations")).json()
    assert (mine["my_side"], theirs["my_side"]) == ("first", "second")
    assert theirs["state"] == "requested"
    refused = await customer.post(f"/api/synchronizations/{sync_id}/accept")
    assert refused.status_code == 403
    assert "only administrators of SUP can accept" in refused.json()["error"]
    rejected = await support.post(f"/api/synchronizations/{sync_id}/reject")
    assert rejected.json()["state"] == "rejected"


async def test_a_non_admin_is_refused(stack: Stack) -> None:
    chris = await stack.api("customer", "ACME", COLLEAGUE)
    response = await chris.get("/api/synchronizations")
    assert response.status_code == 403
    assert "only administrators of ACME" in response.json()["error"]


async def test_a_request_to_a_project_that_does_not_exist_says_so(stack: Stack) -> None:
    customer = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    response = await customer.post(
        "/api/synchronizations",
        json={"name": "Nope", "site_url": stack.support.base_url, "project": "NOPE"},
    )
    assert response.status_code == 404
    assert "project NOPE was not found" in response.json()["error"]


async def test_a_site_without_tandem_is_refused(stack: Stack) -> None:
    customer = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    response = await customer.post(
        "/api/synchronizations",
        json={"name": "Nope", "site_url": "https://elsewhere.atlassian.net", "project": "X"},
    )
    assert response.status_code == 404
    assert "Tandem is not installed on https://elsewhere.atlassian.net" in response.text


async def test_other_projects_do_not_see_a_synchronization(stack: Stack) -> None:
    _customer, _support, sync_id = await request_sync(stack)
    api = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    # A token for the support site's project cannot reach it through another site's session.
    outsider = await stack.api("support", "SUP", SUPPORT_ADMIN)
    assert (await api.get(f"/api/synchronizations/{sync_id}")).status_code == 200
    assert (await outsider.get(f"/api/synchronizations/{sync_id + 1}")).status_code == 404
    missing = await api.get("/api/synchronizations/999999")
    assert missing.status_code == 404


async def test_an_invalid_draft_is_refused_at_publish_with_every_problem(stack: Stack) -> None:
    customer, support, sync_id = await request_sync(stack)
    await support.post(f"/api/synchronizations/{sync_id}/accept")
    draft = {
        "issue_types": [
            {
                "direction": "first_to_second",
                "first": [{"id": "424242", "name": "Ghost"}],
                "second": [{"id": "10101", "name": "IT Help"}],
            }
        ],
        "fields": [{"direction": "both", "first": {"id": "summary"}, "second": {"id": "duedate"}}],
    }
    assert (await customer.put(f"/api/synchronizations/{sync_id}/draft", json=draft)).is_success

    response = await customer.post(f"/api/synchronizations/{sync_id}/publish")

    assert response.status_code == 422
    messages = [p["message"] for p in response.json()["problems"]]
    assert "issue type Ghost does not exist in ACME" in messages
    assert any("cannot be mapped" in m for m in messages)
    assert any("need a default Customer Request Type" in m for m in messages)
    started = await customer.post(f"/api/synchronizations/{sync_id}/start")
    assert started.status_code == 409


async def test_a_malformed_draft_is_a_bad_request_naming_the_field(stack: Stack) -> None:
    customer, _support, sync_id = await request_sync(stack)
    response = await customer.put(
        f"/api/synchronizations/{sync_id}/draft", json={"issue_types": [{"direction": "up"}]}
    )
    assert response.status_code == 400
    assert "issue_types.0.direction" in response.json()["error"]


async def test_pause_stops_applying_and_start_catches_up(stack: Stack) -> None:
    sync_id = await power_customer_sync(stack)
    customer = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    paused = await customer.post(f"/api/synchronizations/{sync_id}/pause")
    assert paused.json()["state"] == "paused"
    await create_issue(stack.jira("customer", CUSTOMER_ADMIN), "Task", "While paused")
    await stack.settle()
    assert await project_issues(stack.jira("support", AGENT), "SUP") == []

    await customer.post(f"/api/synchronizations/{sync_id}/start")
    await stack.settle()
    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert request["fields"]["summary"] == "While paused"


async def test_deleted_synchronizations_disappear(stack: Stack) -> None:
    customer, _support, sync_id = await request_sync(stack)
    assert (await customer.delete(f"/api/synchronizations/{sync_id}")).status_code == 204
    assert (await customer.get("/api/synchronizations")).json() == []
    assert (await customer.get(f"/api/synchronizations/{sync_id}")).status_code == 404


async def test_suggestions_offer_fields_present_on_both_sides(stack: Stack) -> None:
    customer, support, sync_id = await request_sync(stack)
    assert (await support.post(f"/api/synchronizations/{sync_id}/accept")).is_success
    suggested = (await customer.get(f"/api/synchronizations/{sync_id}/suggestions")).json()
    ids = [s["first"]["id"] for s in suggested]
    assert ids[:2] == ["summary", "description"]
    assert "customfield_10010" not in ids


async def test_initial_sync_copies_existing_issues_in_bulk_and_their_comments_in_order(
    stack: Stack,
) -> None:
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    before = await create_issue(casey, "Task", "Older than the synchronization")
    for text in ("first", "second", "third"):
        await casey.post(
            f"/rest/api/3/issue/{before['key']}/comment", json={"body": adf.from_text(text)}
        )
    sync_id = await power_customer_sync(stack)
    customer = await stack.api("customer", "ACME", CUSTOMER_ADMIN)

    started = await customer.post(f"/api/synchronizations/{sync_id}/initial-sync", json={})
    assert started.status_code == 202
    await stack.settle()
    await stack.settle()

    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    copies = await comments(stack.jira("support", AGENT), request["key"])
    assert [adf.to_text(adf.strip_header(c["body"])) for c in copies] == [
        "first",
        "second",
        "third",
    ]
    (run,) = (await customer.get(f"/api/synchronizations/{sync_id}/runs")).json()
    assert run["status"] == "finished"
    assert (run["found"], run["created"]) == (1, 1)
    assert run["events"] == {"done": 1}  # the copy of the existing comments


async def test_reconciliation_finds_changes_whose_webhooks_were_lost(stack: Stack) -> None:
    await power_customer_sync(stack)
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        await control.put("/sites/customer/_sim/faults", json={"webhooks": {"dropRate": 1.0}})
    await create_issue(stack.jira("customer", CUSTOMER_ADMIN), "Task", "Lost webhook")
    await stack.settle()
    assert await project_issues(stack.jira("support", AGENT), "SUP") == []

    clients = tenant_clients(app_key="io.tandem.issue-sync", box=SecretBox(TEST_SECRET_KEY))
    try:
        assert await Runner(database=stack.database, clients=clients).reconcile_all() == 1
    finally:
        await clients.aclose()
    await stack.settle()

    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert request["fields"]["summary"] == "Lost webhook"


async def test_metrics_count_events_and_jira_calls_without_naming_sites(stack: Stack) -> None:
    await power_customer_sync(stack)
    await create_issue(stack.jira("customer", CUSTOMER_ADMIN), "Task", "Counted")
    await stack.settle()

    async with httpx.AsyncClient(base_url=stack.tandem_url) as tandem:
        response = await tandem.get("/metrics")

    assert response.status_code == 200
    lines = response.text.splitlines()
    assert 'tandem_events{status="done"} 1.0' in lines
    assert 'tandem_synchronizations{state="active"} 1.0' in lines
    creates = [line for line in lines if 'endpoint="POST /rest/api/3/issue"' in line]
    assert len(creates) == 1 and creates[0].startswith("tandem_jira_calls_total{")
    assert creates[0].endswith(" 1.0") and 'status="201"' in creates[0]
    assert "127.0.0.1" not in response.text


async def test_initial_sync_of_many_issues_uses_bulk_create_and_never_duplicates(
    stack: Stack,
) -> None:
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    for number in range(60):
        await create_issue(casey, ("Task", "Bug")[number % 2], f"Existing {number}")
    await stack.settle()  # their webhooks arrive before the synchronization exists
    sync_id = await power_customer_sync(stack)
    customer = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        await control.post("/_sim/counters/reset")

    for count in (1, 2):  # the second run finds every issue linked already
        started = await customer.post(f"/api/synchronizations/{sync_id}/initial-sync", json={})
        assert started.status_code == 202
        await runs_finished(customer, sync_id, count)
        await stack.settle()
        await stack.settle()

    requests = await project_issues(stack.jira("support", AGENT), "SUP")
    assert sorted(r["fields"]["summary"] for r in requests) == sorted(
        f"Existing {n}" for n in range(0, 60, 2)
    )
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        counters = (await control.get("/sites/support/_sim/counters")).json()
    assert sum(counters.get("POST /rest/api/3/issue/bulk", {}).values()) == 1
    assert "POST /rest/api/3/issue" not in counters
    second, first = (await customer.get(f"/api/synchronizations/{sync_id}/runs")).json()
    assert (first["found"], first["created"]) == (30, 30)
    assert (second["found"], second["created"]) == (30, 0)
