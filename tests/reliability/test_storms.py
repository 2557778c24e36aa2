"""Fault storms from the simulator: the same end-state check after each storm, with
reconciliation recovering whatever webhooks were lost."""

from __future__ import annotations

import logging

import pytest

from tests.reliability.harness import Cluster, play, storm

pytestmark = [pytest.mark.reliability, pytest.mark.e2e, pytest.mark.xdist_group("processes")]
log = logging.getLogger(__name__)

CHANGES = 30
SECONDS = 12.0
OUTAGE_SECONDS = 8.0  # the full run's storm lasts 30 s


# storm -> the figure that proves it was injected
EVIDENCE = {
    "errors-5xx": "HTTP 500",
    "errors-after-write": "HTTP 500",
    "rate-limited": "HTTP 429",
    "latency-spikes": "REST calls",
    "outage": "HTTP 503",
    "search-lag": "HTTP 500",
    "webhook-chaos": "webhooks dropped",
}


@pytest.mark.parametrize("name", list(EVIDENCE))
async def test_storm_loses_duplicates_and_leaks_nothing(name: str, storm_cluster: Cluster) -> None:
    outcome = await play(
        storm_cluster,
        name=name,
        seed=2200 + list(EVIDENCE).index(name),
        changes=CHANGES,
        seconds=SECONDS,
        faults=storm(name, outage_seconds=OUTAGE_SECONDS),
        settle_timeout=75.0,
    )
    report = outcome.report()
    log.info(report)
    assert outcome.faults.get(EVIDENCE[name], 0) > 0, f"the storm injected nothing\n{report}"
    assert outcome.findings.checked["issues"] > 0, report
    assert outcome.problems == [], report
    assert (
        len(outcome.findings.lost),
        len(outcome.findings.duplicated),
        len(outcome.findings.leaked),
    ) == (0, 0, 0), report
