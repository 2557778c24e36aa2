"""Crash runs: workers and serve SIGKILLed during a mixed workload; nothing lost, duplicated
or leaked once everything has settled."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.reliability.harness import Cluster, play, started_cluster

pytestmark = [pytest.mark.reliability, pytest.mark.e2e, pytest.mark.xdist_group("processes")]
log = logging.getLogger(__name__)

# backend -> (worker processes, changes, seconds, worker kills)
SHORT_RUNS = {"postgresql": (2, 130, 45.0, 5), "sqlite": (1, 100, 35.0, 3)}
SEED = 1101


async def test_crashes_lose_duplicate_and_leak_nothing(backend: str, tmp_path: Path) -> None:
    workers, changes, seconds, kills = SHORT_RUNS[backend]
    cluster: Cluster = await started_cluster(backend, tmp_path, workers, lambda _line: None)
    try:
        outcome = await play(
            cluster,
            name=f"crash-{backend}",
            seed=SEED,
            changes=changes,
            seconds=seconds,
            worker_kills=kills,
            serve_kills=1,
            settle_timeout=75.0,
        )
    finally:
        cluster.stop()
    report = outcome.report()
    log.info(report)
    assert outcome.kills == {"worker SIGKILL": kills, "serve SIGKILL": 1}
    assert outcome.findings.checked["issues"] > 0, report
    assert outcome.problems == [], report
    assert (
        len(outcome.findings.lost),
        len(outcome.findings.duplicated),
        len(outcome.findings.leaked),
    ) == (0, 0, 0), report
