"""Reconciliation makes good every lost comment webhook: a reply made internal, an edit, a
deletion, a new reply (two simulated sites dropping webhooks, Tandem between them)."""

from __future__ import annotations

from typing import Any

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
    comments,
    create_issue,
    events,
    power_customer_sync,
    project_issues,
)
from tests.sync.test_e2e_comments import INTERNAL, add_comment

pytestmark = pytest.mark.e2e


def texts(found: list[dict[str, Any]]) -> list[str]:
    return [adf.to_text(adf.strip_header(c["body"])) for c in found]


async def drop_webhooks(stack: Stack, *sites: str) -> None:
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        for site in sites:
            faults = {"webhooks": {"dropRate": 1.0}}
            response = await control.put(f"/sites/{site}/_sim/faults", json=faults)
            assert response.status_code == 200, response.text


async def deliver_webhooks(stack: Stack, *sites: str) -> None:
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        for site in sites:
            response = await control.delete(f"/sites/{site}/_sim/faults")
            assert response.status_code in (200, 204), response.text


async def reconcile(stack: Stack) -> None:
    clients = tenant_clients(app_key="io.tandem.issue-sync", box=SecretBox(TEST_SECRET_KEY))
    try:
        assert await Runner(database=stack.database, clients=clients).reconcile_all() == 1
    finally:
        await clients.aclose()
    await stack.settle()


async def linked_pair(stack: Stack) -> tuple[int, str, str]:
    sync_id = await power_customer_sync(stack)
    await create_issue(stack.jira("customer", CUSTOMER_ADMIN), "Task", "Slow VPN")
    await stack.settle()
    (acme,) = await project_issues(stack.jira("customer", CUSTOMER_ADMIN), "ACME")
    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    return sync_id, str(acme["key"]), str(request["key"])


async def test_a_reply_made_internal_whose_webhook_was_lost_is_removed_by_reconciliation(
    stack: Stack,
) -> None:
    _, acme_key, sup_key = await linked_pair(stack)
    alex = stack.jira("support", AGENT)
    reply = await add_comment(alex, sup_key, "Your contract ends in May.", internal=False)
    await stack.settle()
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    assert texts(await comments(casey, acme_key)) == ["Your contract ends in May."]

    await drop_webhooks(stack, "support")
    made_internal = await alex.put(
        f"/rest/api/3/issue/{sup_key}/comment/{reply['id']}",
        json={"body": reply["body"], "properties": [INTERNAL]},
    )
    assert made_internal.status_code == 200, made_internal.text
    await stack.settle()
    assert texts(await comments(casey, acme_key)) == ["Your contract ends in May."]  # lost
    await deliver_webhooks(stack, "support")

    await reconcile(stack)

    assert await comments(casey, acme_key) == []


async def test_lost_edits_deletions_and_new_replies_arrive_on_both_sides(stack: Stack) -> None:
    sync_id, acme_key, sup_key = await linked_pair(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    alex = stack.jira("support", AGENT)
    typo = await add_comment(casey, acme_key, "Frist!")
    doomed = await add_comment(casey, acme_key, "Please ignore this.")
    await add_comment(alex, sup_key, "Try a restart.", internal=False)
    await stack.settle()
    before = sorted(texts(await comments(alex, sup_key)))
    assert before == ["Frist!", "Please ignore this.", "Try a restart."]

    await drop_webhooks(stack, "customer", "support")
    edited = await casey.put(
        f"/rest/api/3/issue/{acme_key}/comment/{typo['id']}",
        json={"body": adf.from_text("First!")},
    )
    assert edited.status_code == 200, edited.text
    deleted = await casey.delete(f"/rest/api/3/issue/{acme_key}/comment/{doomed['id']}")
    assert deleted.status_code == 204
    await add_comment(casey, acme_key, "Restarted, still slow.")
    await add_comment(alex, sup_key, "We replaced the gateway.", internal=False)
    await add_comment(alex, sup_key, "Gateway was end-of-life.", internal=True)
    await stack.settle()
    lost = texts(await comments(alex, sup_key))  # the webhooks were lost
    assert "Frist!" in lost and "Please ignore this." in lost
    assert "Restarted, still slow." not in lost
    assert "We replaced the gateway." not in texts(await comments(casey, acme_key))
    await deliver_webhooks(stack, "customer", "support")

    await reconcile(stack)

    sup = texts(await comments(alex, sup_key))
    assert sorted(sup) == [
        "First!",
        "Gateway was end-of-life.",
        "Restarted, still slow.",
        "Try a restart.",
        "We replaced the gateway.",
    ]
    acme = texts(await comments(casey, acme_key))
    assert sorted(acme) == [
        "First!",
        "Restarted, still slow.",
        "Try a restart.",
        "We replaced the gateway.",
    ]
    assert "end-of-life" not in str(await comments(casey, acme_key))

    await reconcile(stack)  # a second pass finds everything in step and writes nothing

    assert texts(await comments(casey, acme_key)) == acme
    assert texts(await comments(alex, sup_key)) == sup
    api = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    checks = [e for e in await events(api, sync_id) if e["webhook_event"].startswith("tandem:")]
    assert [c["status"] for c in checks] == ["skipped", "done"]  # newest first


async def test_a_comment_restricted_after_it_synced_loses_its_copy(stack: Stack) -> None:
    _, acme_key, sup_key = await linked_pair(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    note = await add_comment(casey, acme_key, "Our VPN password is in the vault.")
    await stack.settle()
    alex = stack.jira("support", AGENT)
    assert len(await comments(alex, sup_key)) == 1

    await drop_webhooks(stack, "customer")
    restricted = await casey.put(
        f"/rest/api/3/issue/{acme_key}/comment/{note['id']}",
        json={"body": note["body"], "visibility": {"type": "role", "value": "Administrators"}},
    )
    assert restricted.status_code == 200, restricted.text
    await stack.settle()
    await deliver_webhooks(stack, "customer")

    await reconcile(stack)

    assert await comments(alex, sup_key) == []
