"""Fuzzing signed webhooks: the receiver answers 204 or a 4xx with a reason, never a 500, and
the worker then brings every stored event to an end (done, skipped, or failed with a reason)."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from tandem.sync.models import Event, EventStatus
from tests.security.fuzz import FUZZ, Driver, driver, json_values, near_misses
from tests.support.connect import JiraSite
from tests.support.e2e import servers
from tests.support.samples import webhook_sample
from tests.sync.scenario import CUSTOMER_ADMIN, create_issue, power_customer_sync
from tests.web.admin import site_installation

__all__ = ["driver", "servers"]

pytestmark = pytest.mark.e2e

PATH = "/webhooks/jira"
SAMPLES = [
    "comment_created.jsdPublic.cloud.json",
    "comment_updated.jsdPublic.cloud.json",
    "comment_deleted.jsdPublic.cloud.json",
    "jira_issue_created.cloud.json",
    "jira_issue_updated.changelog-customfield.cloud.json",
    "jira_issue_deleted.json",
]
ENDED = {EventStatus.DONE, EventStatus.SKIPPED, EventStatus.FAILED}


async def acme_issue(driver: Driver) -> dict[str, Any]:
    jira = driver.stack.jira("customer", CUSTOMER_ADMIN)
    created = await create_issue(jira, "Task", "Fuzzed", "A description to change")
    response = await jira.get(f"/rest/api/3/issue/{created['key']}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def retargeted(name: str, issue: dict[str, Any]) -> dict[str, Any]:
    """A captured payload about the stack's own issue, so that it is stored and applied."""
    payload = webhook_sample(name)
    payload["issue"] = {"id": issue["id"], "key": issue["key"], "fields": issue["fields"]}
    return payload


def with_value(base: dict[str, Any], part: str, name: str, value: Any) -> bytes:
    return json.dumps({**base, part: {**base[part], name: value}}).encode()


async def post(http: httpx.AsyncClient, site: JiraSite, body: bytes) -> httpx.Response:
    token = site.request_token("POST", PATH)
    return await http.post(
        PATH,
        content=body,
        headers={
            "Authorization": f"JWT {token}",
            "Content-Type": "application/json",
            "X-Atlassian-Webhook-Identifier": uuid.uuid4().hex,
        },
    )


async def stored(driver: Driver) -> list[Event]:
    async with driver.stack.database.transaction() as session:
        return list((await session.scalars(select(Event))).all())


def bodies(bases: list[dict[str, Any]]) -> st.SearchStrategy[bytes]:
    as_json = st.builds(lambda value: json.dumps(value).encode(), json_values())
    webhook_like = st.builds(
        lambda event, rest: json.dumps({**rest, "webhookEvent": event}).encode(),
        st.sampled_from(["jira:issue_updated", "comment_created", "worklog_created"])
        | st.text(max_size=20),
        st.dictionaries(st.text(max_size=10), json_values(), max_size=5),
    )
    near = st.builds(lambda value: json.dumps(value).encode(), near_misses(bases))
    return st.one_of(st.binary(max_size=64), as_json, webhook_like, near, near, near)


def test_signed_webhooks_never_answer_500_and_every_stored_event_ends(driver: Driver) -> None:
    stack = driver.stack
    site = driver.run(site_installation(stack, "customer"))
    driver.run(power_customer_sync(stack))
    issue = driver.run(acme_issue(driver))
    driver.run(stack.settle())
    bases = [retargeted(name, issue) for name in SAMPLES]
    http = httpx.AsyncClient(base_url=stack.tandem_url, timeout=30)
    stack.clients.append(http)
    answers: Counter[int] = Counter()

    @FUZZ
    @given(body=bodies(bases))
    @example(body=b'{"webhookEvent": "jira:issue_updated", "timestamp": Infinity}')
    @example(body=b"[" * 50_000 + b"]" * 50_000)
    @example(
        body=json.dumps({**bases[3], "issue": {**bases[3]["issue"], "id": "1" * 300}}).encode()
    )
    @example(body=json.dumps({**bases[0], "comment": {**bases[0]["comment"], "body": 42}}).encode())
    def deliver(body: bytes) -> None:
        driver.count("webhooks")
        response = driver.run(post(http, site, body))
        answers[response.status_code] += 1
        assert response.status_code in (204, 400), response.text
        if response.status_code == 400:
            assert response.json()["error"]

    deliver()
    driver.run(stack.settle(timeout=120))
    events = driver.run(stored(driver))
    ends = Counter(e.status.value for e in events)
    print(f"answers: {dict(answers)}; events: {dict(ends)}")  # noqa: T201
    assert answers[204] > 0 and answers[400] > 0
    unfinished = [
        (e.id, e.webhook_event, e.status, e.last_error) for e in events if e.status not in ENDED
    ]
    assert unfinished == []
    for event in events:
        if event.status is EventStatus.FAILED:
            assert event.reason or event.last_error, event.id


def test_a_comment_body_of_the_wrong_type_is_parked_at_once(driver: Driver) -> None:
    stack = driver.stack
    site = driver.run(site_installation(stack, "customer"))
    driver.run(power_customer_sync(stack))
    issue = driver.run(acme_issue(driver))
    driver.run(stack.settle())
    before = {e.id for e in driver.run(stored(driver))}
    payload = retargeted("comment_created.jsdPublic.cloud.json", issue)
    payload["comment"]["body"] = ["not", "a", "document"]
    http = httpx.AsyncClient(base_url=stack.tandem_url, timeout=30)
    stack.clients.append(http)

    assert driver.run(post(http, site, json.dumps(payload).encode())).status_code == 204
    driver.run(stack.settle())

    (event,) = [e for e in driver.run(stored(driver)) if e.id not in before]
    assert event.status is EventStatus.FAILED
    assert event.attempts == 1
    assert "not in a shape Tandem can apply" in str(event.last_error or event.reason)
