"""How fast Tandem turns customer issues into JSM requests, end to end over real HTTP.

Runs the simulator and Tandem (as `tandem demo` does, on SQLite, or on a fresh database of
the PostgreSQL server given with --postgres), sets up the Power Customer synchronization, then
creates N issues as the customer as fast as the simulator takes them and waits until every
copy exists. Reports the wall time,
issues per second, and the time from webhook arrival to the copy being recorded (p50, p95).

    .venv/bin/python bench/throughput.py [--issues N] [--calls-per-second R]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

from tandem.demo import story
from tandem.demo.stack import DemoStack
from tandem.jira import adf
from tandem.store.secrets import new_key
from tandem.sync.models import Event, EventStatus


async def _create_issues(stack: DemoStack, count: int) -> None:
    async with stack.jira("customer", story.CUSTOMER) as casey:
        for number in range(count):
            response = await casey.post(
                "/rest/api/3/issue",
                json={
                    "fields": {
                        "project": {"key": "ACME"},
                        "issuetype": {"name": "Task"},
                        "summary": f"Throughput {number}",
                        "description": adf.from_text("x"),
                    }
                },
            )
            response.raise_for_status()


async def _latencies(stack: DemoStack) -> list[float]:
    async with stack.services.database.transaction() as session:
        events = (
            await session.scalars(
                select(Event).where(
                    Event.webhook_event == "jira:issue_created", Event.status == EventStatus.DONE
                )
            )
        ).all()
    return sorted((e.updated_at - e.created_at).total_seconds() for e in events)


async def measure(issues: int, database_url: str | None) -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    stack = DemoStack(data, port=None, sim_port=None, database_url=database_url)
    await stack.start()
    try:
        await story.set_up(stack, lambda _line: None)
        started = time.perf_counter()
        await _create_issues(stack, issues)
        created = time.perf_counter()
        await stack.settle(timeout=600)
        finished = time.perf_counter()
        latencies = await _latencies(stack)
    finally:
        await stack.stop()
    assert len(latencies) == issues, f"{len(latencies)} of {issues} issues were copied"
    return {
        "issues": issues,
        "database": "postgresql" if database_url else "sqlite",
        "jira_calls_per_second": stack.settings.jira_calls_per_second,
        "seconds_to_create_at_source": round(created - started, 2),
        "seconds_until_all_copied": round(finished - started, 2),
        "issues_per_second": round(issues / (finished - started), 1),
        "webhook_to_copy_seconds_p50": round(statistics.median(latencies), 3),
        "webhook_to_copy_seconds_p95": round(latencies[int(len(latencies) * 0.95) - 1], 3),
    }


@contextmanager
def fresh_database(admin_url: str | None) -> Iterator[str | None]:
    """A new, empty database on the server (dropped afterwards), or None for SQLite."""
    if admin_url is None:
        yield None
        return
    name = f"tandem_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=200)
    parser.add_argument("--postgres", default=None, help="admin URL of a PostgreSQL server")
    parser.add_argument(
        "--calls-per-second",
        type=float,
        default=None,
        help="Tandem's pacing of Jira calls per endpoint (TANDEM_JIRA_CALLS_PER_SECOND)",
    )
    args = parser.parse_args()
    if args.postgres:  # PostgreSQL needs a secret key; a throwaway one does here
        os.environ.setdefault("TANDEM_SECRET_KEY", new_key())
    if args.calls_per_second:
        os.environ["TANDEM_JIRA_CALLS_PER_SECOND"] = str(args.calls_per_second)
    with fresh_database(args.postgres) as database_url:
        result = asyncio.run(measure(args.issues, database_url))
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
