"""The Power Customer set-up through Tandem's API, and Jira reads and writes as its people."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import select

from tandem.jira import adf
from tandem.sync.config import presets
from tandem.sync.config.metadata import ProjectMeta
from tandem.sync.models import Event, EventStatus
from tandem.sync.queue.eventtypes import COMMENT_CREATED
from tests.support.e2e import Stack

CUSTOMER_ADMIN = "casey@acme.example"
SUPPORT_ADMIN = "sam@support.example"
AGENT = "alex@support.example"
REQUEST_TYPE_FIELD = "customfield_10010"


async def power_customer_sync(stack: Stack, **config_changes: Any) -> int:
    """Request, accept, configure with the preset, publish and start; returns the sync id."""
    customer = await stack.api("customer", "ACME", CUSTOMER_ADMIN)
    support = await stack.api("support", "SUP", SUPPORT_ADMIN)
    created = await customer.post(
        "/api/synchronizations",
        json={"name": "Acme support", "site_url": stack.support.base_url, "project": "SUP"},
    )
    assert created.status_code == 201, created.text
    sync_id = int(created.json()["id"])
    accepted = await support.post(f"/api/synchronizations/{sync_id}/accept")
    assert accepted.status_code == 200, accepted.text
    meta = (await customer.get(f"/api/synchronizations/{sync_id}/metadata")).json()
    config = presets.power_customer(
        ProjectMeta.model_validate(meta["first"]), ProjectMeta.model_validate(meta["second"])
    )
    if config_changes:
        config = config.model_copy(update=config_changes)
    draft = await customer.put(
        f"/api/synchronizations/{sync_id}/draft", json=config.model_dump(mode="json")
    )
    assert draft.status_code == 200, draft.text
    published = await customer.post(f"/api/synchronizations/{sync_id}/publish")
    assert published.status_code == 200, published.text
    started = await customer.post(f"/api/synchronizations/{sync_id}/start")
    assert started.json()["state"] == "active"
    return sync_id


async def create_issue(
    jira: httpx.AsyncClient, issue_type: str, summary: str, description: str = ""
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "project": {"key": "ACME"},
        "issuetype": {"name": issue_type},
        "summary": summary,
    }
    if description:
        fields["description"] = adf.from_text(description)
    response = await jira.post("/rest/api/3/issue", json={"fields": fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def project_issues(jira: httpx.AsyncClient, project: str) -> list[dict[str, Any]]:
    response = await jira.post(
        "/rest/api/3/search/jql",
        json={
            "jql": f"project = {project} ORDER BY created ASC",
            "fields": ["summary", "description", "issuetype", REQUEST_TYPE_FIELD],
            "maxResults": 100,
        },
    )
    assert response.status_code == 200, response.text
    return list(response.json()["issues"])


async def comments(jira: httpx.AsyncClient, issue: str) -> list[dict[str, Any]]:
    response = await jira.get(f"/rest/api/3/issue/{issue}/comment", params={"expand": "properties"})
    assert response.status_code == 200, response.text
    return list(response.json()["comments"])


async def events(api: httpx.AsyncClient, sync_id: int) -> list[dict[str, Any]]:
    return list((await api.get(f"/api/synchronizations/{sync_id}/events")).json())


async def runs_finished(api: httpx.AsyncClient, sync_id: int, count: int = 1) -> None:
    """Until ``count`` runs of the synchronization exist and none is running."""
    for _ in range(1200):
        runs = (await api.get(f"/api/synchronizations/{sync_id}/runs")).json()
        if len(runs) >= count and all(run["status"] != "running" for run in runs):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the runs did not finish")


async def set_faults(stack: Stack, site: str, faults: dict[str, Any] | None) -> None:
    """Replace a simulated site's faults (None: clear them)."""
    async with httpx.AsyncClient(base_url=stack.sim_url) as control:
        if faults is None:
            response = await control.delete(f"/sites/{site}/_sim/faults")
        else:
            response = await control.put(f"/sites/{site}/_sim/faults", json=faults)
        assert response.status_code < 300, response.text


async def failed_once(stack: Stack, comment_id: str) -> None:
    """Until the event of ``comment_id`` has failed an attempt (it is retried seconds later).

    Both sites number comments from the same start, so the copy's own (skipped) event may share
    the id: the query asks for the failed one rather than reading any event of that id."""
    for _ in range(1200):
        async with stack.database.transaction() as session:
            failed = await session.scalar(
                select(Event.id).where(
                    Event.comment_id == comment_id,
                    Event.webhook_event == COMMENT_CREATED,
                    Event.status == EventStatus.PENDING,
                    Event.last_error.is_not(None),
                )
            )
            if failed is not None:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the event of comment {comment_id} never failed")
