"""Faults on demand: latency, 429s, 5xx, per-issue write limits, webhooks, search lag, outages."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.simulator.support import CASEY, SiteClient, idle, issue_body
from tests.simulator.tiny_app import TinyApp, install, running

Client = Callable[[str, str], SiteClient]
SEARCH = "/rest/api/3/search/jql"


def _faults(sim_url: str, faults: dict[str, Any], site: str = "customer") -> None:
    response = httpx.put(f"{sim_url}/sites/{site}/_sim/faults", json=faults)
    assert response.status_code == 200, response.text


def _create(casey: SiteClient, summary: str = "x", status: int = 201) -> httpx.Response:
    response = casey.send("POST", "/rest/api/3/issue", json=issue_body("ACME", "Task", summary))
    assert response.status_code == status, response.text
    return response


def test_latency(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)
    _faults(sim_url, {"latency": {"minMs": 250}})
    started = time.monotonic()
    casey.json("GET", "/rest/api/3/myself")
    assert time.monotonic() - started >= 0.25
    assert httpx.get(f"{sim_url}/sites/customer/_sim/faults").json()["latency"]["minMs"] == 250


def test_latency_after_write_holds_the_answer_of_a_write_already_made(
    sim_url: str, client: Client
) -> None:
    casey = client("customer", CASEY)
    _faults(sim_url, {"latency": {"minMs": 1500, "afterWrite": True}})
    seen_before_answer: list[bool] = []

    def watch() -> None:
        for _ in range(100):
            state = httpx.get(f"{sim_url}/_sim/state").text
            if "Made at once" in state:
                seen_before_answer.append(True)
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.monotonic()
    _create(casey, "Made at once")
    answered_after = time.monotonic() - started
    watcher.join()
    assert answered_after >= 1.5
    assert seen_before_answer == [True]


def test_rate_limit_with_retry_after(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)
    _faults(sim_url, {"rateLimit": {"rate": 1.0, "retryAfter": 3}})
    limited = casey.send("GET", "/rest/api/3/myself")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "3"
    assert limited.headers["RateLimit-Reason"] == "jira-burst-based"


def test_rate_limit_is_reproducible_with_a_seed(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)

    def statuses() -> list[int]:
        _faults(sim_url, {"seed": 7, "rateLimit": {"rate": 0.5}})
        return [casey.send("GET", "/rest/api/3/myself").status_code for _ in range(12)]

    first = statuses()
    assert first == statuses() and {200, 429} == set(first)


def test_per_issue_write_limit(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)
    _create(casey)
    _create(casey)
    _faults(sim_url, {"perIssueWriteLimit": {"limit": 2, "windowSeconds": 30, "retryAfter": 2}})
    for summary in ("one", "two"):
        casey.json("PUT", "/rest/api/3/issue/ACME-1", 204, json={"fields": {"summary": summary}})
    limited = casey.send("PUT", "/rest/api/3/issue/10000", json={"fields": {"summary": "3"}})
    assert limited.status_code == 429
    assert limited.headers["RateLimit-Reason"] == "jira-per-issue-on-write"
    assert limited.headers["Retry-After"] == "2"
    casey.json("GET", "/rest/api/3/issue/ACME-1")
    casey.json("PUT", "/rest/api/3/issue/ACME-2", 204, json={"fields": {"summary": "other"}})


def test_server_errors(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)
    _faults(sim_url, {"serverErrors": {"rate": 1.0, "status": 503}})
    assert casey.send("GET", "/rest/api/3/myself").status_code == 503
    _faults(sim_url, {"serverErrors": {"rate": 1.0, "afterWrite": True}})
    _create(casey, "ghost", status=500)
    httpx.delete(f"{sim_url}/sites/customer/_sim/faults").raise_for_status()
    assert casey.json("GET", "/rest/api/3/issue/ACME-1")["fields"]["summary"] == "ghost"


def test_outage_window(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)
    _faults(sim_url, {"outage": {"seconds": 0.3}})
    down = casey.send("GET", "/rest/api/3/myself")
    assert down.status_code == 503 and down.headers["Retry-After"] == "1"
    time.sleep(0.35)
    casey.json("GET", "/rest/api/3/myself")
    _faults(sim_url, {"outage": {}})
    assert casey.send("GET", "/rest/api/3/myself").status_code == 503
    httpx.delete(f"{sim_url}/sites/customer/_sim/faults").raise_for_status()
    casey.json("GET", "/rest/api/3/myself")


def test_search_lags_behind_writes(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)
    _faults(sim_url, {"searchLagSeconds": 0.4})
    _create(casey, "before")
    time.sleep(0.45)
    _create(casey, "after")
    casey.json("PUT", "/rest/api/3/issue/ACME-1", 204, json={"fields": {"summary": "renamed"}})
    params = {"jql": "project = ACME", "fields": "summary"}
    stale = casey.json("GET", SEARCH, params=params)["issues"]
    assert [i["fields"]["summary"] for i in stale] == ["before"]
    fresh = casey.json("GET", SEARCH, params={**params, "reconcileIssues": "10001"})["issues"]
    assert sorted(i["fields"]["summary"] for i in fresh) == ["after", "before"]
    time.sleep(0.45)
    later = casey.json("GET", SEARCH, params=params)["issues"]
    assert sorted(i["fields"]["summary"] for i in later) == ["after", "renamed"]


def test_dropped_webhooks(sim_url: str, client: Client) -> None:
    with running(TinyApp()) as app:
        install(sim_url, "customer", app)
        _faults(sim_url, {"webhooks": {"dropRate": 1.0}})
        _create(client("customer", CASEY))
        summary = idle(sim_url)
        assert app.events("jira:issue_created") == []
    assert summary["dropped"] == 1


def test_duplicated_webhooks(sim_url: str, client: Client) -> None:
    with running(TinyApp()) as app:
        install(sim_url, "customer", app)
        _faults(sim_url, {"webhooks": {"duplicateRate": 1.0}})
        _create(client("customer", CASEY))
        idle(sim_url)
        calls = app.calls("/webhooks/jira-issue_created")
    assert len(calls) == 2
    assert (
        calls[0].headers["x-atlassian-webhook-identifier"]
        == (calls[1].headers["x-atlassian-webhook-identifier"])
    )


def test_reordered_webhooks(sim_url: str, client: Client) -> None:
    with running(TinyApp()) as app:
        install(sim_url, "customer", app)
        _faults(sim_url, {"seed": 3, "webhooks": {"reorderWindowMs": 3000}})
        casey = client("customer", CASEY)
        for number in range(6):
            _create(casey, f"n{number}")
        idle(sim_url)
        order = [e["issue"]["fields"]["summary"] for e in app.events("jira:issue_created")]
    assert sorted(order) == [f"n{n}" for n in range(6)]
    assert order != sorted(order)


def test_counters(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)
    httpx.post(f"{sim_url}/_sim/counters/reset").raise_for_status()
    _create(casey)
    casey.json("GET", "/rest/api/3/issue/ACME-1")
    casey.send("GET", "/rest/api/3/issue/ACME-9")
    counters = httpx.get(f"{sim_url}/_sim/counters").json()["customer"]
    assert counters["POST /rest/api/3/issue"] == {"201": 1}
    assert counters["GET /rest/api/3/issue/{issueIdOrKey}"] == {"200": 1, "404": 1}
    site = httpx.get(f"{sim_url}/sites/customer/_sim/counters").json()
    assert site == counters
