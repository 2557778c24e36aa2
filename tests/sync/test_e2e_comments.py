"""Comments cross with the right visibility and say who wrote them (two simulated sites)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tandem.jira import adf
from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    comments,
    create_issue,
    power_customer_sync,
    project_issues,
)

pytestmark = pytest.mark.e2e
INTERNAL = {"key": "sd.public.comment", "value": {"internal": True}}
PUBLIC = {"key": "sd.public.comment", "value": {"internal": False}}


def texts(found: list[dict[str, Any]]) -> list[str]:
    return [adf.to_text(c["body"]) for c in found]


async def linked_pair(stack: Stack) -> tuple[str, str]:
    await power_customer_sync(stack)
    created = await create_issue(stack.jira("customer", CUSTOMER_ADMIN), "Task", "Slow VPN")
    await stack.settle()
    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    return str(created["key"]), str(request["key"])


async def add_comment(
    jira: httpx.AsyncClient, issue: str, text: str, *, internal: bool | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"body": adf.from_text(text)}
    if internal is not None:
        body["properties"] = [INTERNAL if internal else PUBLIC]
    response = await jira.post(f"/rest/api/3/issue/{issue}/comment", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def make_internal(jira: httpx.AsyncClient, issue: str, comment: dict[str, Any]) -> None:
    """Turn a JSM comment internal, as an agent does."""
    response = await jira.put(
        f"/rest/api/3/issue/{issue}/comment/{comment['id']}",
        json={"body": comment["body"], "properties": [INTERNAL]},
    )
    assert response.status_code == 200, response.text


async def test_customer_comment_arrives_public_with_its_author(stack: Stack) -> None:
    acme_key, sup_key = await linked_pair(stack)
    await add_comment(stack.jira("customer", CUSTOMER_ADMIN), acme_key, "Still slow today.")
    await stack.settle()

    (copy,) = await comments(stack.jira("support", AGENT), sup_key)
    header = adf.read_header(copy["body"])
    assert header is not None and header.author == "Casey Customer"
    assert header.where.startswith("ACME")
    assert adf.to_text(adf.strip_header(copy["body"])) == "Still slow today."
    assert copy["jsdPublic"] is True


async def test_public_reply_flows_back_and_internal_note_stays(stack: Stack) -> None:
    acme_key, sup_key = await linked_pair(stack)
    alex = stack.jira("support", AGENT)
    await add_comment(alex, sup_key, "Please restart the router.", internal=False)
    await add_comment(alex, sup_key, "Customer is on the legacy plan.", internal=True)
    await stack.settle()

    found = await comments(stack.jira("customer", CUSTOMER_ADMIN), acme_key)
    assert [adf.to_text(adf.strip_header(c["body"])) for c in found] == [
        "Please restart the router."
    ]
    assert "legacy plan" not in str(found)


async def test_edits_and_deletions_follow(stack: Stack) -> None:
    acme_key, sup_key = await linked_pair(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    original = await add_comment(casey, acme_key, "Frist!")
    await stack.settle()

    edited = await casey.put(
        f"/rest/api/3/issue/{acme_key}/comment/{original['id']}",
        json={"body": adf.from_text("First!")},
    )
    assert edited.status_code == 200, edited.text
    await stack.settle()
    alex = stack.jira("support", AGENT)
    assert [adf.to_text(adf.strip_header(c["body"])) for c in await comments(alex, sup_key)] == [
        "First!"
    ]

    deleted = await casey.delete(f"/rest/api/3/issue/{acme_key}/comment/{original['id']}")
    assert deleted.status_code == 204
    await stack.settle()
    assert await comments(alex, sup_key) == []


async def test_visibility_flips_in_jsm_add_and_remove_the_copy(stack: Stack) -> None:
    acme_key, sup_key = await linked_pair(stack)
    alex = stack.jira("support", AGENT)
    note = await add_comment(alex, sup_key, "Fixed on our side.", internal=True)
    await stack.settle()
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    assert await comments(casey, acme_key) == []

    async def flip(internal: bool) -> None:
        response = await alex.put(
            f"/rest/api/3/issue/{sup_key}/comment/{note['id']}",
            json={"body": note["body"], "properties": [INTERNAL if internal else PUBLIC]},
        )
        assert response.status_code == 200, response.text
        await stack.settle()

    await flip(internal=False)
    assert len(await comments(casey, acme_key)) == 1
    await flip(internal=True)
    assert await comments(casey, acme_key) == []


async def test_tandem_copies_are_not_synced_back(stack: Stack) -> None:
    acme_key, sup_key = await linked_pair(stack)
    await add_comment(stack.jira("customer", CUSTOMER_ADMIN), acme_key, "Once only.")
    await stack.settle()

    assert len(await comments(stack.jira("customer", CUSTOMER_ADMIN), acme_key)) == 1
    assert len(await comments(stack.jira("support", AGENT), sup_key)) == 1


async def test_a_new_display_name_reaches_the_headers_of_earlier_copies(stack: Stack) -> None:
    acme_key, sup_key = await linked_pair(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    await add_comment(casey, acme_key, "Before the wedding.")
    await stack.settle()
    user = stack.simulator.site("customer").user(stack.customer.user(CUSTOMER_ADMIN)["accountId"])
    assert user is not None
    user.display_name = "Casey Married-Name"

    await add_comment(casey, acme_key, "After the wedding.")
    await stack.settle()

    copies = await comments(stack.jira("support", AGENT), sup_key)
    authors = [header.author for c in copies if (header := adf.read_header(c["body"]))]
    assert authors == ["Casey Married-Name", "Casey Married-Name"]
    assert texts(copies)[0].endswith("Before the wedding.")


async def test_an_edit_of_tandems_copy_is_not_synced_back(stack: Stack) -> None:
    acme_key, sup_key = await linked_pair(stack)
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    original = await add_comment(casey, acme_key, "The original words.")
    await stack.settle()
    alex = stack.jira("support", AGENT)
    (copy,) = await comments(alex, sup_key)

    edited = await alex.put(
        f"/rest/api/3/issue/{sup_key}/comment/{copy['id']}",
        json={"body": adf.from_text("An agent's rewrite."), "properties": [PUBLIC]},
    )
    assert edited.status_code == 200, edited.text
    await stack.settle()
    assert texts(await comments(casey, acme_key)) == ["The original words."]

    await casey.put(
        f"/rest/api/3/issue/{acme_key}/comment/{original['id']}",
        json={"body": adf.from_text("The original, amended.")},
    )
    await stack.settle()
    (copy,) = await comments(alex, sup_key)
    assert adf.to_text(adf.strip_header(copy["body"])) == "The original, amended."
