"""Webhook retries as Jira Cloud makes them, and the failures an app can list afterwards."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tandem.simulator import Simulator, create_app
from tandem.simulator.webhooks import JIRA_CLOUD_RETRY_DELAYS
from tests.simulator.support import CASEY, SiteClient, app_jwt, check, idle, issue_body
from tests.simulator.tiny_app import TinyApp, install, running
from tests.support.servers import serve

Client = Callable[[str, str], SiteClient]
CREATED = "/webhooks/jira-issue_created"
FAILED = "/rest/api/3/webhook/failed"


def test_the_schedule_grows_to_jira_clouds_thirty_minutes() -> None:
    delays = JIRA_CLOUD_RETRY_DELAYS
    assert all(earlier < later for earlier, later in zip(delays, delays[1:], strict=False))
    assert sum(delays) == 30 * 60


@pytest.fixture
def scaled_sim_url() -> Iterator[str]:
    """A simulator running Jira's retry schedule a thousand times faster (1.8 s in all)."""
    with serve(create_app(Simulator.from_scenario(webhook_time_scale=0.001))) as url:
        yield url


def test_a_delivery_failing_n_times_arrives_on_retry_n_after_growing_delays(
    scaled_sim_url: str,
) -> None:
    failures = 4
    with running(TinyApp(failures={CREATED: failures})) as app:
        install(scaled_sim_url, "customer", app)
        casey = SiteClient(scaled_sim_url, "customer", CASEY)
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Later"))
        casey.close()
        summary = idle(scaled_sim_url)
        calls = app.calls(CREATED)
    assert summary["delivered"] == 1 and summary["failed"] == 0
    assert [c.headers.get("x-atlassian-webhook-retry") for c in calls] == [
        None,
        *(str(n) for n in range(1, failures + 1)),
    ]
    assert len({c.headers["x-atlassian-webhook-identifier"] for c in calls}) == 1
    assert len({c.body for c in calls}) == 1
    gaps = [later.at - earlier.at for earlier, later in zip(calls, calls[1:], strict=False)]
    for gap, delay in zip(gaps, JIRA_CLOUD_RETRY_DELAYS, strict=False):
        assert gap >= delay * 0.001 * 0.9
    assert gaps == sorted(gaps)


def test_a_delivery_that_never_succeeds_is_listed_as_failed(sim_url: str, client: Client) -> None:
    with running(TinyApp(failures={CREATED: 100})) as app:
        result = install(sim_url, "customer", app)
        casey = client("customer", CASEY)
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Lost"))
        summary = idle(sim_url)
        calls = app.calls(CREATED)
    assert summary["failed"] == 1
    assert len(calls) == 1 + len(JIRA_CLOUD_RETRY_DELAYS)
    assert calls[-1].headers["x-atlassian-webhook-retry"] == str(len(JIRA_CLOUD_RETRY_DELAYS))
    page = _failed(sim_url, result)
    assert page["maxResults"] == 100
    [failure] = page["values"]
    assert failure["id"] == calls[0].headers["x-atlassian-webhook-identifier"]
    assert failure["url"] == app.base_url + CREATED
    assert json.loads(failure["body"]) == calls[0].json()
    assert failure["failureTime"] > 0
    assert page["next"].endswith(f"{FAILED}?after={failure['failureTime']}&maxResults=100")
    later = _failed(sim_url, result, f"?after={failure['failureTime']}")
    assert later["values"] == [] and "next" not in later


def test_failed_webhooks_page_by_failure_time(sim_url: str, client: Client) -> None:
    with running(TinyApp(failures={CREATED: 100})) as app:
        result = install(sim_url, "customer", app)
        casey = client("customer", CASEY)
        for summary in ("One", "Two", "Three"):
            casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", summary))
        idle(sim_url)
    first = _failed(sim_url, result, "?maxResults=1")
    assert first["maxResults"] == 1 and len(first["values"]) >= 1
    after = first["values"][-1]["failureTime"]
    rest = _failed(sim_url, result, f"?maxResults=5&failedAfter={after}")
    seen = [v["id"] for v in first["values"] + rest["values"]]
    assert len(seen) == len(set(seen)) == 3
    times = [v["failureTime"] for v in first["values"] + rest["values"]]
    assert times == sorted(times)


def test_only_connect_apps_list_failed_webhooks(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)
    error = casey.json("GET", FAILED, 403)
    assert error["errorMessages"] == ["Only Connect apps can use this operation."]


def test_another_apps_failures_are_not_listed(sim_url: str, client: Client) -> None:
    with running(TinyApp(failures={CREATED: 100})) as failing:
        install(sim_url, "customer", failing)
        with running(TinyApp(key="other-app")) as other:
            result = install(sim_url, "customer", other)
            casey = client("customer", CASEY)
            casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "x"))
            idle(sim_url)
    assert _failed(sim_url, result)["values"] == []


def test_lost_acknowledgements_redeliver_what_the_app_already_received(
    sim_url: str, client: Client
) -> None:
    faults = {"webhooks": {"lostAcknowledgements": 2}}
    assert httpx.put(f"{sim_url}/sites/customer/_sim/faults", json=faults).status_code == 200
    with running(TinyApp()) as app:
        install(sim_url, "customer", app)
        casey = client("customer", CASEY)
        casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Twice"))
        summary = idle(sim_url)
        calls = app.calls(CREATED)
    assert summary["delivered"] == 1
    assert [c.headers.get("x-atlassian-webhook-retry") for c in calls] == [None, "1", "2"]
    log = httpx.get(f"{sim_url}/_sim/webhooks").json()["deliveries"]
    assert log[-1]["statuses"] == ["AcknowledgementLost", "AcknowledgementLost", 204]


def _failed(sim_url: str, result: dict[str, Any], query: str = "") -> Any:
    site = result["baseUrl"].rsplit("/", 1)[-1]
    token = app_jwt(
        key=result["key"], secret=result["sharedSecret"], method="GET", relative_url=FAILED + query
    )
    response = httpx.get(
        f"{sim_url}/sites/{site}{FAILED}{query}", headers={"Authorization": f"JWT {token}"}
    )
    assert response.status_code == 200, response.text
    return check(response, f"/sites/{site}")
