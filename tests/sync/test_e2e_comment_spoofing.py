"""The ``tandem-comment`` property marks Tandem's copy of a comment, and anyone who may comment
may write it. A comment Tandem did not write is never taken for a copy: it is not left in
place of the real copy, nor edited or deleted when its "original" changes."""

from __future__ import annotations

import pytest

from tandem.jira import adf
from tandem.sync.engine.comments import COMMENT_PROPERTY
from tests.support.e2e import Stack
from tests.sync.scenario import AGENT, CUSTOMER_ADMIN, comments, failed_once, set_faults
from tests.sync.test_e2e_comments import add_comment, linked_pair, make_internal, texts

pytestmark = pytest.mark.e2e

SPOOF = "I am not a copy of anything"


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

    await make_internal(alex, sup_key, reply)
    await stack.settle()

    found = texts(await comments(casey, acme_key))
    assert SPOOF in found
    assert not any("Please restart the router." in text for text in found), found
