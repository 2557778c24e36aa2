"""Fixtures of the crash and fault-storm runs: clusters of separate processes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.harness import Cluster, started_cluster


def _quiet(_line: str) -> None:
    return None


def chosen_backends(config: pytest.Config) -> list[str]:
    return [b.strip() for b in str(config.getoption("--db")).split(",") if b.strip()]


@pytest.fixture(scope="module")
def storm_cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    """One cluster (PostgreSQL when chosen, two workers) shared by the storms of a module;
    each storm checks only the issues and comments it wrote."""
    chosen = chosen_backends(request.config)
    backend = "postgresql" if "postgresql" in chosen else chosen[0]
    directory: Path = tmp_path_factory.mktemp(f"storms-{backend}")
    cluster = asyncio.run(started_cluster(backend, directory, 2, _quiet))
    try:
        yield cluster
    finally:
        cluster.stop()
