"""The privacy promise under random histories: random comment creates, edits, deletes and
visibility flips on a linked pair, with duplicated and reordered webhook deliveries and Jira
errors that force retries. After every step no comment that was never public is visible on
the customer's side; after every settle both sides hold exactly the same public comments."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tandem.jira import adf
from tandem.simulator import Simulator
from tests.support.e2e import Stack, build_stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    comments,
    create_issue,
    power_customer_sync,
    project_issues,
)

pytestmark = pytest.mark.e2e
VISIBILITY = "sd.public.comment"
NOISY_WEBHOOKS = {"seed": 7, "webhooks": {"duplicateRate": 0.3, "reorderWindowMs": 150}}
FLAKY_JIRA = {"seed": 11, "serverErrors": {"rate": 0.15, "status": 503}}


class PatientPerson(httpx.AsyncBaseTransport):
    """A person who tries again when the flaky site answers 503 (the change was not made)."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(20):
            response = await self._inner.handle_async_request(request)
            if response.status_code != 503:
                return response
            await response.aclose()
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Comment:
    side: str  # "customer" or "support"
    id: str
    text: str
    internal: bool
    ever_public: bool


@dataclass
class World:
    stack: Stack
    loop: asyncio.AbstractEventLoop
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)


def body(text: str) -> dict[str, Any]:
    return adf.from_text(text)


def visible_texts(found: list[dict[str, Any]]) -> set[str]:
    return {adf.to_text(adf.strip_header(c["body"])) for c in found}


def make_machine(world: World) -> type[RuleBasedStateMachine]:
    stack = world.stack

    class CommentHistory(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.casey = stack.jira("customer", CUSTOMER_ADMIN, PatientPerson())
            self.alex = stack.jira("support", AGENT, PatientPerson())
            number = next(world.counter)
            created = world.run(create_issue(self.casey, "Task", f"Privacy case {number}"))
            world.run(stack.settle())
            self.acme = str(created["key"])
            requests = world.run(project_issues(self.alex, "SUP"))
            self.sup = next(
                r["key"] for r in requests if r["fields"]["summary"] == f"Privacy case {number}"
            )
            self.comments: list[Comment] = []

        def client(self, side: str) -> tuple[httpx.AsyncClient, str]:
            return (self.casey, self.acme) if side == "customer" else (self.alex, self.sup)

        def text(self) -> str:
            return f"text-{next(world.counter)}"

        @rule(internal=st.booleans())
        def agent_comments(self, internal: bool) -> None:
            text = self.text()
            response = world.run(
                self.alex.post(
                    f"/rest/api/3/issue/{self.sup}/comment",
                    json={
                        "body": body(text),
                        "properties": [{"key": VISIBILITY, "value": {"internal": internal}}],
                    },
                )
            )
            assert response.status_code == 201, response.text
            self.comments.append(
                Comment("support", response.json()["id"], text, internal, not internal)
            )

        @rule()
        def customer_comments(self) -> None:
            text = self.text()
            response = world.run(
                self.casey.post(f"/rest/api/3/issue/{self.acme}/comment", json={"body": body(text)})
            )
            assert response.status_code == 201, response.text
            self.comments.append(Comment("customer", response.json()["id"], text, False, True))

        @precondition(lambda self: self.comments)
        @rule(data=st.data())
        def edit(self, data: st.DataObject) -> None:
            comment = data.draw(st.sampled_from(self.comments))
            jira, issue = self.client(comment.side)
            comment.text = self.text()
            payload: dict[str, Any] = {"body": body(comment.text)}
            if comment.side == "support":
                payload["properties"] = [
                    {"key": VISIBILITY, "value": {"internal": comment.internal}}
                ]
            response = world.run(
                jira.put(f"/rest/api/3/issue/{issue}/comment/{comment.id}", json=payload)
            )
            assert response.status_code == 200, response.text

        @precondition(lambda self: any(c.side == "support" for c in self.comments))
        @rule(data=st.data())
        def flip_visibility(self, data: st.DataObject) -> None:
            comment = data.draw(st.sampled_from([c for c in self.comments if c.side == "support"]))
            comment.internal = not comment.internal
            comment.ever_public = comment.ever_public or not comment.internal
            response = world.run(
                self.alex.put(
                    f"/rest/api/3/issue/{self.sup}/comment/{comment.id}",
                    json={
                        "body": body(comment.text),
                        "properties": [
                            {"key": VISIBILITY, "value": {"internal": comment.internal}}
                        ],
                    },
                )
            )
            assert response.status_code == 200, response.text

        @precondition(lambda self: self.comments)
        @rule(data=st.data())
        def delete(self, data: st.DataObject) -> None:
            comment = data.draw(st.sampled_from(self.comments))
            jira, issue = self.client(comment.side)
            response = world.run(jira.delete(f"/rest/api/3/issue/{issue}/comment/{comment.id}"))
            assert response.status_code == 204, response.text
            self.comments.remove(comment)

        @rule()
        def settle_and_converge(self) -> None:
            world.run(stack.settle(timeout=90))
            public = {c.text for c in self.comments if not c.internal}
            acme = visible_texts(world.run(comments(self.casey, self.acme)))
            sup = world.run(comments(self.alex, self.sup))
            sup_public = visible_texts([c for c in sup if c.get("jsdPublic") is not False])
            assert acme == public
            assert sup_public == public

        @invariant()
        def never_public_text_stays_home(self) -> None:
            secrets = {c.text for c in getattr(self, "comments", []) if not c.ever_public}
            if not secrets:
                return
            found = world.run(comments(self.casey, self.acme))
            leaked = secrets & visible_texts(found)
            assert not leaked, f"internal comments visible to the customer: {leaked}"

        def teardown(self) -> None:
            world.run(self.casey.aclose())
            world.run(self.alex.aclose())

    return CommentHistory


def test_internal_comments_never_reach_the_customer_and_both_sides_converge(
    servers: tuple[str, str, Simulator], database_url: str
) -> None:
    loop = asyncio.new_event_loop()
    try:
        stack = loop.run_until_complete(build_stack(*servers, database_url))
        world = World(stack=stack, loop=loop)
        loop.run_until_complete(power_customer_sync(stack))

        async def faults() -> None:
            async with httpx.AsyncClient(base_url=stack.sim_url) as control:
                for site in ("customer", "support"):
                    answer = await control.put(f"/sites/{site}/_sim/faults", json=NOISY_WEBHOOKS)
                    assert answer.status_code == 200, answer.text
                answer = await control.put(
                    "/sites/customer/_sim/faults", json={**NOISY_WEBHOOKS, **FLAKY_JIRA}
                )
                assert answer.status_code == 200, answer.text

        loop.run_until_complete(faults())
        machine = make_machine(world)
        machine.TestCase.settings = settings(
            max_examples=8,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        machine.TestCase().runTest()
        loop.run_until_complete(stack.aclose())
        loop.run_until_complete(stack.database.dispose())
    finally:
        loop.close()
