"""A retried comment event reads the comment again: a reply made internal while its first
delivery was failing is never copied from the older, public snapshot, even when the webhook
of the change to internal is lost."""

from __future__ import annotations

import pytest

from tandem.jira import adf
from tests.support.e2e import Stack
from tests.sync.scenario import AGENT, CUSTOMER_ADMIN, comments, failed_once, set_faults
from tests.sync.test_e2e_comments import add_comment, linked_pair, make_internal, texts

pytestmark = pytest.mark.e2e

# Every comment Tandem copies is made, but its answer is a 500.
LOST_COMMENT_ANSWERS = {
    "operations": ["POST /rest/api/3/issue/{issueIdOrKey}/comment"],
    "serverErrors": {"rate": 1.0, "afterWrite": True},
}


async def test_a_reply_made_internal_before_its_retry_is_never_copied(stack: Stack) -> None:
    acme_key, sup_key = await linked_pair(stack)
    alex, casey = stack.jira("support", AGENT), stack.jira("customer", CUSTOMER_ADMIN)
    await set_faults(stack, "customer", {"serverErrors": {"rate": 1.0}})
    reply = await add_comment(alex, sup_key, "Our margin on this deal is 40%.", internal=False)
    await failed_once(stack, str(reply["id"]))
    await set_faults(stack, "support", {"webhooks": {"dropRate": 1.0}})
    await make_internal(alex, sup_key, reply)
    await set_faults(stack, "customer", None)
    await stack.settle()

    found = texts(await comments(casey, acme_key))
    assert not any("margin" in text for text in found), found


async def test_a_retried_reply_still_public_is_copied_once(stack: Stack) -> None:
    acme_key, sup_key = await linked_pair(stack)
    alex, casey = stack.jira("support", AGENT), stack.jira("customer", CUSTOMER_ADMIN)
    await set_faults(stack, "customer", {"serverErrors": {"rate": 1.0}})
    reply = await add_comment(alex, sup_key, "The fix ships on Monday.", internal=False)
    await failed_once(stack, str(reply["id"]))
    await set_faults(stack, "customer", None)
    await stack.settle()

    found = texts(await comments(casey, acme_key))
    assert len([text for text in found if "The fix ships on Monday." in text]) == 1, found


async def test_a_copy_made_by_an_unconfirmed_attempt_gets_the_comment_s_later_edit(
    stack: Stack,
) -> None:
    acme_key, sup_key = await linked_pair(stack)
    alex, casey = stack.jira("support", AGENT), stack.jira("customer", CUSTOMER_ADMIN)
    await set_faults(stack, "support", LOST_COMMENT_ANSWERS)
    comment = await add_comment(casey, acme_key, "The printer is offline.", internal=None)
    await failed_once(stack, str(comment["id"]))
    edited = await casey.put(
        f"/rest/api/3/issue/{acme_key}/comment/{comment['id']}",
        json={"body": adf.from_text("The printer is offline since Monday.")},
    )
    assert edited.status_code == 200, edited.text
    await set_faults(stack, "support", None)
    await stack.settle()

    found = texts(await comments(alex, sup_key))
    copies = [text for text in found if "The printer is offline" in text]
    assert len(copies) == 1, found
    assert "since Monday" in copies[0], found


async def test_a_copy_made_by_an_unconfirmed_attempt_goes_when_the_reply_is_made_internal(
    stack: Stack,
) -> None:
    acme_key, sup_key = await linked_pair(stack)
    alex, casey = stack.jira("support", AGENT), stack.jira("customer", CUSTOMER_ADMIN)
    await set_faults(stack, "customer", LOST_COMMENT_ANSWERS)
    reply = await add_comment(alex, sup_key, "The discount was a mistake.", internal=False)
    await failed_once(stack, str(reply["id"]))
    await make_internal(alex, sup_key, reply)
    await set_faults(stack, "customer", None)
    await stack.settle()

    found = texts(await comments(casey, acme_key))
    assert not any("discount" in text for text in found), found
