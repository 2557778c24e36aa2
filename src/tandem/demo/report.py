"""The final table: both projects side by side, read from the simulated sites."""

from __future__ import annotations

from typing import Any

import httpx

from tandem.connect.descriptor import ISSUE_LINK_PROPERTY
from tandem.demo.stack import DemoStack
from tandem.demo.story import AGENT, CUSTOMER, Echo

REQUEST_TYPE_FIELD = "customfield_10010"


async def _issues(jira: httpx.AsyncClient, project: str) -> list[dict[str, Any]]:
    response = await jira.post(
        "/rest/api/3/search/jql",
        json={
            "jql": f"project = {project} ORDER BY created ASC",
            "fields": ["summary", "issuetype", REQUEST_TYPE_FIELD],
            "properties": [ISSUE_LINK_PROPERTY],
        },
    )
    response.raise_for_status()
    return list(response.json()["issues"])


async def _comment_counts(jira: httpx.AsyncClient, key: str) -> str:
    response = await jira.get(f"/rest/api/3/issue/{key}/comment")
    response.raise_for_status()
    found = response.json()["comments"]
    internal = sum(1 for c in found if c.get("jsdPublic") is False)
    return f"{len(found)} ({internal} internal)" if internal else str(len(found))


def _source_id(issue: dict[str, Any]) -> str | None:
    link = (issue.get("properties") or {}).get(ISSUE_LINK_PROPERTY) or {}
    return (link.get("source") or {}).get("issueId")


async def final_table(stack: DemoStack, echo: Echo) -> list[dict[str, str]]:
    """Print and return one row per customer issue with its request, if any."""
    async with stack.jira("customer", CUSTOMER) as casey, stack.jira("support", AGENT) as alex:
        acme = await _issues(casey, "ACME")
        sup = {_source_id(issue): issue for issue in await _issues(alex, "SUP")}
        rows = []
        for issue in acme:
            copy = sup.get(issue["id"])
            request_type = (copy or {}).get("fields", {}).get(REQUEST_TYPE_FIELD) or {}
            rows.append(
                {
                    "acme": issue["key"],
                    "type": issue["fields"]["issuetype"]["name"],
                    "summary": issue["fields"]["summary"],
                    "acme_comments": await _comment_counts(casey, issue["key"]),
                    "sup": copy["key"] if copy else "-",
                    "request_type": (request_type.get("requestType") or {}).get("name", "-"),
                    "sup_comments": await _comment_counts(alex, copy["key"]) if copy else "-",
                }
            )
    header = f"{'ACME':<8}{'type':<13}{'summary':<38}{'comments':<10}| {'SUP':<7}"
    header += f"{'request type':<15}comments"
    echo("")
    echo(header)
    echo("-" * len(header))
    for row in rows:
        echo(
            f"{row['acme']:<8}{row['type']:<13}{row['summary'][:36]:<38}"
            f"{row['acme_comments']:<10}| {row['sup']:<7}{row['request_type']:<15}"
            f"{row['sup_comments']}"
        )
    return rows
