"""Rich text stays rich: descriptions and comments reach the copy as the same ADF, whether the
webhooks carry wiki markup (as Jira Cloud sends them, the simulator's default) or ADF."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tandem.jira import adf
from tandem.sync.engine.mapping import value_hash
from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    comments,
    power_customer_sync,
    project_issues,
)

pytestmark = pytest.mark.e2e
Node = dict[str, Any]
ISSUE_EDIT = "PUT /rest/api/3/issue/{issueIdOrKey}"


def _text(value: str, *marks: str) -> Node:
    node: Node = {"type": "text", "text": value}
    if marks:
        node["marks"] = [{"type": mark} for mark in marks]
    return node


def _para(*content: Node) -> Node:
    return {"type": "paragraph", "content": list(content)}


def _cell(kind: str, value: str) -> Node:
    return {"type": kind, "attrs": {}, "content": [_para(_text(value))]}


def rich_document(mentioned: str) -> Node:
    """A list, a code block, a table and a mention: what wiki markup flattens."""
    return adf.doc(
        [
            _para(_text("Steps", "strong"), _text(" to reproduce, ask "), _mention(mentioned)),
            {
                "type": "bulletList",
                "content": [
                    {"type": "listItem", "content": [_para(_text(step))]}
                    for step in ("Open the VPN client", "Connect to *office*")
                ],
            },
            {
                "type": "codeBlock",
                "attrs": {"language": "sh"},
                "content": [_text("ping -c 3 vpn.acme.example\n# 40% loss")],
            },
            {
                "type": "table",
                "attrs": {"isNumberColumnEnabled": False, "layout": "default"},
                "content": [
                    {"type": "tableRow", "content": [_cell("tableHeader", h) for h in "AB"]},
                    {"type": "tableRow", "content": [_cell("tableCell", c) for c in "12"]},
                ],
            },
        ]
    )


def _mention(account_id: str) -> Node:
    return {"type": "mention", "attrs": {"id": account_id, "text": "@Casey Customer"}}


async def _use_bodies(stack: Stack, bodies: str) -> None:
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        for site in ("customer", "support"):
            response = await control.put(
                f"/sites/{site}/_sim/settings", json={"webhookBodies": bodies}
            )
            assert response.status_code == 200, response.text


async def _counters(stack: Stack, site: str) -> dict[str, dict[str, int]]:
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        return dict((await control.get(f"/sites/{site}/_sim/counters")).json())


async def _reset_counters(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        await control.post("/_sim/counters/reset")


async def _rich_pair(stack: Stack) -> tuple[str, str, Node]:
    """A customer issue with a rich description and its copy on the support site."""
    await power_customer_sync(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    document = rich_document(stack.customer.user(CUSTOMER_ADMIN)["accountId"])
    fields = {
        "project": {"key": "ACME"},
        "issuetype": {"name": "Task"},
        "summary": "VPN drops",
        "description": document,
    }
    created = await casey.post("/rest/api/3/issue", json={"fields": fields})
    assert created.status_code == 201, created.text
    await stack.settle()
    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    return str(created.json()["key"]), str(request["key"]), document


async def _comment_round(stack: Stack, acme_key: str, sup_key: str, document: Node) -> None:
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    response = await casey.post(f"/rest/api/3/issue/{acme_key}/comment", json={"body": document})
    assert response.status_code == 201, response.text
    await stack.settle()
    (copy,) = await comments(stack.jira("support", AGENT), sup_key)
    assert value_hash(adf.strip_header(copy["body"])) == value_hash(document)
    assert adf.read_header(copy["body"]) is not None


def _sent_bodies(stack: Stack, event: str) -> list[Any]:
    return [
        delivery.body
        for delivery in stack.simulator.dispatcher.history
        if delivery.event == event and delivery.body is not None
    ]


async def test_wiki_webhooks_keep_descriptions_and_comments_rich(stack: Stack) -> None:
    acme_key, sup_key, document = await _rich_pair(stack)
    (created,) = _sent_bodies(stack, "jira:issue_created")[:1]
    assert isinstance(created["issue"]["fields"]["description"], str)  # wiki markup was sent
    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert value_hash(request["fields"]["description"]) == value_hash(document)

    await _comment_round(stack, acme_key, sup_key, document)
    assert all(
        isinstance(b["comment"]["body"], str) for b in _sent_bodies(stack, "comment_created")
    )


async def test_a_comment_writes_no_field_of_the_copy(stack: Stack) -> None:
    acme_key, sup_key, document = await _rich_pair(stack)
    await _reset_counters(stack)
    await _comment_round(stack, acme_key, sup_key, document)

    support = await _counters(stack, "support")
    assert ISSUE_EDIT not in support  # the issue_commented update wrote no field
    assert sum(support["POST /rest/api/3/issue/{issueIdOrKey}/comment"].values()) == 1
    customer = await _counters(stack, "customer")
    assert ISSUE_EDIT not in customer
    # the comment's body was read once as ADF; the issue itself was not read again
    assert sum(customer["GET /rest/api/3/issue/{issueIdOrKey}/comment/{id}"].values()) == 1
    assert "GET /rest/api/3/issue/{issueIdOrKey}" not in customer


async def test_a_description_edit_is_copied_once_as_adf(stack: Stack) -> None:
    acme_key, sup_key, document = await _rich_pair(stack)
    edited = adf.doc([*document["content"], _para(_text("Also on Wi-Fi.", "em"))])
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    await _reset_counters(stack)
    response = await casey.put(
        f"/rest/api/3/issue/{acme_key}", json={"fields": {"description": edited}}
    )
    assert response.status_code == 204, response.text
    await stack.settle()

    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert request["key"] == sup_key
    assert value_hash(request["fields"]["description"]) == value_hash(edited)
    assert sum((await _counters(stack, "support"))[ISSUE_EDIT].values()) == 1


async def test_adf_webhooks_still_work_without_reading_back(stack: Stack) -> None:
    await _use_bodies(stack, "adf")
    acme_key, sup_key, document = await _rich_pair(stack)
    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert value_hash(request["fields"]["description"]) == value_hash(document)
    await _reset_counters(stack)

    await _comment_round(stack, acme_key, sup_key, document)
    assert _sent_bodies(stack, "comment_created")[0]["comment"]["body"] == document
    customer = await _counters(stack, "customer")
    assert "GET /rest/api/3/issue/{issueIdOrKey}/comment/{id}" not in customer
    assert ISSUE_EDIT not in await _counters(stack, "support")
