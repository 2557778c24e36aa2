"""Jira calls Tandem makes per synchronized change, on the Power Customer workload.

Runs the simulator and Tandem (as `tandem demo` does), sets the synchronization up, resets the
simulator's counters, then plays a workload as the customer and the support team. Tandem's
calls are the simulator's counted calls minus the calls the workload itself made as people.

    .venv/bin/python bench/calls_per_change.py [--issues N] [--webhook-bodies wiki|adf]

Webhooks carry rich text as Jira Cloud sends it (wiki markup) unless ``--webhook-bodies adf``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from tandem.demo import story
from tandem.demo.stack import DemoStack
from tandem.jira import adf

TYPES = ("Task", "New Feature", "Improvement", "Bug")
ISSUE_IN_PATH = re.compile(r"/[A-Z][A-Z0-9]+-\d+")


class Tally:
    """Counts the calls the workload makes as people, and the changes Tandem must sync."""

    def __init__(self) -> None:
        self.people_calls = 0
        self.synced_changes = 0

    async def hook(self, _request: httpx.Request) -> None:
        self.people_calls += 1


async def _post(jira: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await jira.request("PUT" if "comment/" in path else "POST", path, json=body)
    response.raise_for_status()
    return dict(response.json()) if response.content else {}


async def workload(stack: DemoStack, issues: int, tally: Tally) -> None:
    casey = stack.jira("customer", story.CUSTOMER)
    alex = stack.jira("support", story.AGENT)
    for client in (casey, alex):
        client.event_hooks["request"].append(tally.hook)
    async with casey, alex:
        for number in range(issues):
            issue_type = TYPES[number % len(TYPES)]
            mapped = issue_type != "Bug"
            created = await _post(
                casey,
                "/rest/api/3/issue",
                {
                    "fields": {
                        "project": {"key": "ACME"},
                        "issuetype": {"name": issue_type},
                        "summary": f"Issue {number}",
                        "description": adf.from_text("Details."),
                    }
                },
            )
            key = created["key"]
            for text in ("First comment.", "Second comment."):
                await _post(
                    casey, f"/rest/api/3/issue/{key}/comment", {"body": adf.from_text(text)}
                )
            edit = await casey.put(
                f"/rest/api/3/issue/{key}", json={"fields": {"summary": f"Issue {number} (edited)"}}
            )
            edit.raise_for_status()
            tally.synced_changes += 4 if mapped else 0  # create, two comments, edit
        await stack.settle()
        requests = await alex.post(
            "/rest/api/3/search/jql",
            json={"jql": "project = SUP", "fields": ["summary"], "maxResults": 100},
        )
        for request in requests.json()["issues"]:
            await _post(
                alex,
                f"/rest/api/3/issue/{request['key']}/comment",
                {"body": adf.from_text("A public reply."), "properties": [story.PUBLIC]},
            )
            await _post(
                alex,
                f"/rest/api/3/issue/{request['key']}/comment",
                {"body": adf.from_text("An internal note."), "properties": [story.INTERNAL]},
            )
            tally.synced_changes += 1  # the public reply; the internal note must cost nothing
        await stack.settle()


async def measure(issues: int, webhook_bodies: str = "wiki") -> dict[str, Any]:
    stack = DemoStack(Path(tempfile.mkdtemp(prefix="tandem-bench-")), port=None, sim_port=None)
    await stack.start()
    try:
        await story.set_up(stack, lambda _line: None)
        await stack.settle()
        async with httpx.AsyncClient(base_url=stack.sim_url) as control:
            for site in ("customer", "support"):
                setting = {"webhookBodies": webhook_bodies}
                (await control.put(f"/sites/{site}/_sim/settings", json=setting)).raise_for_status()
            await control.post("/_sim/counters/reset")
            tally = Tally()
            await workload(stack, issues, tally)
            counters = (await control.get("/_sim/counters")).json()
    finally:
        await stack.stop()
    received = sum(n for site in counters.values() for by in site.values() for n in by.values())
    tandem_calls = received - tally.people_calls
    by_endpoint: dict[str, int] = {}
    for site in counters.values():
        for endpoint, statuses in site.items():
            template = ISSUE_IN_PATH.sub("/{issue}", endpoint)
            by_endpoint[template] = by_endpoint.get(template, 0) + sum(statuses.values())
    return {
        "issues": issues,
        "webhook_bodies": webhook_bodies,
        "synced_changes": tally.synced_changes,
        "tandem_calls": tandem_calls,
        "calls_per_change": round(tandem_calls / tally.synced_changes, 3),
        "people_calls": tally.people_calls,
        "simulator_calls_by_endpoint": dict(sorted(by_endpoint.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=20)
    parser.add_argument("--webhook-bodies", choices=("wiki", "adf"), default="wiki")
    args = parser.parse_args()
    result = asyncio.run(measure(args.issues, args.webhook_bodies))
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
