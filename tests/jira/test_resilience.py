"""Retries, backoff, 429 handling, pacing and counters, on a fake clock: nothing sleeps for real."""

from __future__ import annotations

import random

import httpx
import pytest
import respx

from tandem.jira import (
    BucketLimit,
    JiraAuthError,
    JiraBadRequest,
    JiraClient,
    JiraConflict,
    JiraError,
    JiraNotFound,
    JiraPermissionError,
    JiraRateLimited,
    JiraUnavailable,
    RateLimits,
    RetryPolicy,
)
from tests.jira.conftest import FakeClock, make_client

MYSELF = "/rest/api/3/myself"
ISSUE = "/rest/api/3/issue"
ME = {"accountId": "557058:bot", "displayName": "Bot"}
CREATED = {"id": "10001", "key": "SUP-1"}


def replies(*statuses: int, **headers: str) -> list[httpx.Response]:
    """Responses with ``statuses``, the last one (a success) carrying the body for /myself."""
    return [
        httpx.Response(status, json=ME if status < 300 else {}, headers=headers)
        for status in statuses
    ]


async def test_5xx_is_retried_with_exponential_backoff(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock
) -> None:
    route = mock.get(MYSELF).mock(side_effect=replies(500, 502, 503, 504, 200))
    me = await jira.myself()
    assert me.account_id == "557058:bot"
    assert route.call_count == 5
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]
    assert jira.stats.retries == {f"GET {MYSELF}": 4}
    assert jira.stats.backoff_seconds == 7.5
    assert jira.stats.rate_limited_seconds == 0


async def test_backoff_is_capped(mock: respx.MockRouter, clock: FakeClock) -> None:
    mock.get(MYSELF).mock(side_effect=replies(503, 503, 503, 503, 200))
    policy = RetryPolicy(base_delay=1.0, max_delay=3.0, jitter=0.0)
    async with make_client(clock, retry=policy) as jira:
        await jira.myself()
    assert clock.sleeps == [1.0, 2.0, 3.0, 3.0]


async def test_jitter_stays_within_its_fraction(mock: respx.MockRouter, clock: FakeClock) -> None:
    mock.get(MYSELF).mock(side_effect=replies(503, 503, 503, 200))
    policy = RetryPolicy(base_delay=1.0, jitter=0.5)
    async with make_client(clock, retry=policy, rng=random.Random(1)) as jira:
        await jira.myself()
    for sleep, base in zip(clock.sleeps, [1.0, 2.0, 4.0], strict=True):
        assert base <= sleep <= base * 1.5
    assert len({s / b for s, b in zip(clock.sleeps, [1.0, 2.0, 4.0], strict=True)}) > 1


async def test_attempts_are_bounded(mock: respx.MockRouter, clock: FakeClock) -> None:
    route = mock.get(MYSELF).respond(503, json={"errorMessages": ["Down for maintenance"]})
    async with make_client(clock, retry=RetryPolicy(max_attempts=3, jitter=0.0)) as jira:
        with pytest.raises(JiraUnavailable) as caught:
            await jira.myself()
    assert route.call_count == 3 and clock.sleeps == [0.5, 1.0]
    assert caught.value.status == 503
    assert "Down for maintenance" in str(caught.value)


async def test_total_retry_time_is_bounded(mock: respx.MockRouter, clock: FakeClock) -> None:
    route = mock.get(MYSELF).respond(502)
    policy = RetryPolicy(max_attempts=100, max_total_seconds=3.0, jitter=0.0)
    async with make_client(clock, retry=policy) as jira:
        with pytest.raises(JiraUnavailable):
            await jira.myself()
    assert clock.sleeps == [0.5, 1.0]  # the next wait (2 s) would end after 3 s
    assert route.call_count == 3


async def test_429_honours_retry_after(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock
) -> None:
    route = mock.get(MYSELF).mock(
        side_effect=[
            httpx.Response(
                429, headers={"Retry-After": "7", "RateLimit-Reason": "jira-burst-based"}
            ),
            httpx.Response(200, json=ME),
        ]
    )
    await jira.myself()
    assert route.call_count == 2 and clock.sleeps == [7.0]
    assert jira.stats.rate_limited_seconds == 7.0 and jira.stats.backoff_seconds == 0


async def test_503_with_retry_after_is_honoured(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(MYSELF).mock(side_effect=replies(503, 200, **{"Retry-After": "3"}))
    await jira.myself()
    assert clock.sleeps == [3.0]


async def test_429_uses_rate_limit_reset_without_retry_after(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock
) -> None:
    # The clock reads 2023-11-14T22:13:20Z.
    mock.get(MYSELF).mock(
        side_effect=replies(429, 200, **{"X-RateLimit-Reset": "2023-11-14T22:14Z"})
    )
    await jira.myself()
    assert clock.sleeps == [40.0]


async def test_429_with_retry_after_as_http_date(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock
) -> None:
    date = "Tue, 14 Nov 2023 22:13:30 GMT"
    mock.get(MYSELF).mock(side_effect=replies(429, 200, **{"Retry-After": date}))
    await jira.myself()
    assert clock.sleeps == [10.0]


async def test_429_without_headers_backs_off(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(MYSELF).mock(side_effect=replies(429, 429, 200))
    await jira.myself()
    assert clock.sleeps == [0.5, 1.0]


async def test_429_after_the_budget_is_a_typed_error(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(MYSELF).respond(429, headers={"Retry-After": "20"})
    policy = RetryPolicy(max_total_seconds=50.0, jitter=0.0)
    async with make_client(clock, retry=policy) as jira:
        with pytest.raises(JiraRateLimited) as caught:
            await jira.myself()
    assert clock.sleeps == [20.0, 20.0]
    assert caught.value.status == 429 and caught.value.retry_after == 20.0
    assert str(caught.value).startswith("429 Too Many Requests - GET https://acme.atlassian.net/")


async def test_retry_after_beyond_the_budget_fails_at_once(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    route = mock.get(MYSELF).respond(429, headers={"Retry-After": "600"})
    async with make_client(clock, retry=RetryPolicy(max_total_seconds=60.0)) as jira:
        with pytest.raises(JiraRateLimited) as caught:
            await jira.myself()
    assert route.call_count == 1 and clock.sleeps == []
    assert caught.value.retry_after == 600.0


async def test_create_is_not_repeated_after_a_5xx(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock
) -> None:
    route = mock.post(ISSUE).respond(503)
    with pytest.raises(JiraUnavailable):
        await jira.create_issue({"summary": "x"})
    assert route.call_count == 1 and clock.sleeps == []


async def test_create_said_idempotent_is_repeated(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock
) -> None:
    route = mock.post(ISSUE).mock(
        side_effect=[httpx.Response(503), httpx.Response(201, json=CREATED)]
    )
    created = await jira.create_issue({"summary": "x"}, idempotent=True)
    assert created.key == "SUP-1" and route.call_count == 2 and clock.sleeps == [0.5]


async def test_comment_add_is_not_repeated_after_a_timeout(
    jira: JiraClient, mock: respx.MockRouter
) -> None:
    route = mock.post(f"{ISSUE}/SUP-1/comment").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(JiraUnavailable, match="ReadTimeout"):
        await jira.add_comment("SUP-1", "hi")
    assert route.call_count == 1
    assert jira.stats.calls[(f"POST {ISSUE}/{{issueIdOrKey}}/comment", "error")] == 1


async def test_create_is_repeated_after_429_because_jira_did_not_process_it(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock
) -> None:
    route = mock.post(ISSUE).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "2"}),
            httpx.Response(201, json=CREATED),
        ]
    )
    await jira.create_issue({"summary": "x"})
    assert route.call_count == 2 and clock.sleeps == [2.0]


async def test_create_is_repeated_when_the_connection_failed(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock
) -> None:
    route = mock.post(ISSUE).mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(201, json=CREATED)]
    )
    await jira.create_issue({"summary": "x"})
    assert route.call_count == 2 and clock.sleeps == [0.5]


@pytest.mark.parametrize(
    "error",
    [httpx.ReadTimeout("slow"), httpx.ConnectTimeout("slow"), httpx.RemoteProtocolError("x")],
)
async def test_reads_are_repeated_after_transport_errors(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock, error: Exception
) -> None:
    mock.get(MYSELF).mock(side_effect=[error, httpx.Response(200, json=ME)])
    await jira.myself()
    assert clock.sleeps == [0.5]
    assert jira.stats.calls[(f"GET {MYSELF}", "error")] == 1
    assert jira.stats.calls[(f"GET {MYSELF}", 200)] == 1


async def test_transport_errors_exhaust_into_unavailable(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(MYSELF).mock(side_effect=httpx.ConnectError("refused"))
    async with make_client(clock, retry=RetryPolicy(max_attempts=2, jitter=0.0)) as jira:
        with pytest.raises(JiraUnavailable) as caught:
            await jira.myself()
    assert caught.value.status is None
    assert caught.value.url == "https://acme.atlassian.net/rest/api/3/myself"
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, JiraBadRequest),
        (401, JiraAuthError),
        (403, JiraPermissionError),
        (404, JiraNotFound),
        (409, JiraConflict),
        (422, JiraError),
        (501, JiraUnavailable),
    ],
)
async def test_client_errors_are_typed_and_not_retried(
    jira: JiraClient, mock: respx.MockRouter, clock: FakeClock, status: int, error: type[Exception]
) -> None:
    route = mock.get(MYSELF).respond(status, json={"errorMessages": ["nope"]})
    with pytest.raises(error) as caught:
        await jira.myself()
    assert type(caught.value) is error
    assert route.call_count == 1 and clock.sleeps == []


async def test_service_desk_error_messages_are_read(
    jira: JiraClient, mock: respx.MockRouter
) -> None:
    mock.post("/rest/servicedeskapi/request").respond(
        400, json={"errorMessage": "Request type not found", "i18nErrorMessage": {"i18nKey": "k"}}
    )
    with pytest.raises(JiraBadRequest) as caught:
        await jira.create_customer_request("1", "99", {"summary": "x"})
    assert caught.value.error_messages == ["Request type not found"]


async def test_calls_to_one_endpoint_are_paced_by_its_bucket(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(MYSELF).respond(json=ME)
    mock.get("/rest/api/3/field").respond(json=[])
    limits = RateLimits(default=BucketLimit(rate=2.0, burst=2.0), issue_write_interval=0.0)
    async with make_client(clock, rate_limits=limits) as jira:
        for _ in range(4):
            await jira.myself()
        await jira.get_fields()  # another endpoint, another bucket
    assert clock.sleeps == [0.5, 0.5]
    assert jira.stats.throttled_seconds == 1.0


async def test_endpoint_limits_are_tunable(mock: respx.MockRouter, clock: FakeClock) -> None:
    mock.get(MYSELF).respond(json=ME)
    limits = RateLimits(
        default=BucketLimit(rate=1e9, burst=1e9),
        endpoints={("GET", MYSELF): BucketLimit(rate=1.0, burst=1.0)},
    )
    async with make_client(clock, rate_limits=limits) as jira:
        await jira.myself()
        await jira.myself()
    assert clock.sleeps == [1.0]


async def test_writes_to_one_issue_are_spaced(mock: respx.MockRouter, clock: FakeClock) -> None:
    mock.put(url__regex=r".*/issue/SUP-\d+$").respond(204)
    mock.get(f"{ISSUE}/SUP-1").respond(json={"id": "1", "key": "SUP-1"})
    limits = RateLimits(default=BucketLimit(rate=1e9, burst=1e9), issue_write_interval=0.25)
    async with make_client(clock, rate_limits=limits) as jira:
        await jira.edit_issue("SUP-1", fields={"summary": "a"})
        await jira.edit_issue("SUP-2", fields={"summary": "a"})  # another issue: no wait
        await jira.get_issue("SUP-1")  # a read: no wait
        await jira.edit_issue("SUP-1", fields={"summary": "b"})
        await jira.edit_issue("SUP-1", fields={"summary": "c"})
    assert clock.sleeps == [0.25, 0.25]


async def test_per_issue_429_holds_further_writes_to_that_issue(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    limits = RateLimits(default=BucketLimit(rate=1e9, burst=1e9), issue_write_interval=0.0)
    headers = {"Retry-After": "4", "RateLimit-Reason": "jira-per-issue-on-write"}
    mock.put(f"{ISSUE}/SUP-1").mock(
        side_effect=[httpx.Response(429, headers=headers), httpx.Response(204)]
    )
    async with make_client(clock, rate_limits=limits) as jira:
        await jira.edit_issue("SUP-1", fields={"summary": "a"})
    assert clock.sleeps == [4.0]
    assert jira.stats.snapshot()["rate_limited_seconds"] == 4.0


async def test_stats_count_by_endpoint_template_and_status(
    jira: JiraClient, mock: respx.MockRouter
) -> None:
    mock.get(f"{ISSUE}/ACME-404").respond(404)
    mock.get(url__regex=r".*/issue/ACME-\d+$").respond(json={"id": "1", "key": "ACME-1"})
    mock.get(MYSELF).mock(side_effect=replies(502, 200))
    for key in ("ACME-1", "ACME-2"):
        await jira.get_issue(key)
    with pytest.raises(JiraNotFound):
        await jira.get_issue("ACME-404")
    await jira.myself()
    snapshot = jira.stats.snapshot()
    template = f"GET {ISSUE}/{{issueIdOrKey}}"
    assert {"endpoint": template, "status": 200, "count": 2} in snapshot["calls"]
    assert {"endpoint": template, "status": 404, "count": 1} in snapshot["calls"]
    assert {"endpoint": f"GET {MYSELF}", "status": 502, "count": 1} in snapshot["calls"]
    assert snapshot["retries"] == {f"GET {MYSELF}": 1}
    assert snapshot["total_calls"] == 5 and snapshot["total_retries"] == 1
    assert jira.stats.calls_to(template) == 3
    jira.stats.reset()
    assert jira.stats.snapshot()["calls"] == [] and jira.stats.total_retries == 0
