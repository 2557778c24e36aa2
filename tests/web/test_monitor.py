"""Monitor: events with their status and reason, failed ones with Jira's error and Retry,
synchronizing existing issues with the progress of each run, and the audit log."""

from __future__ import annotations

from sqlalchemy import select

from tandem.store.db import Database
from tandem.sync.models import Event, EventStatus, Side
from tests.support.e2e import Stack
from tests.sync.scenario import create_issue, project_issues
from tests.web.dom import field_error, main
from tests.web.flows import CASEY, accepted, configured

JIRA_ERROR = "400 Bad Request - POST /rest/api/3/issue - customfield_10010: Request type is invalid"


async def failed_event(database: Database, sync_id: int, issue_key: str) -> int:
    async with database.transaction() as session:
        event = Event(
            synchronization_id=sync_id,
            side=Side.FIRST,
            dedupe_key=f"test:{issue_key}",
            webhook_event="jira:issue_created",
            issue_id=issue_key.replace("ACME-", "100"),
            issue_key=issue_key,
            order_key=f"{sync_id}:first:{issue_key}",
            payload={},
            status=EventStatus.FAILED,
            attempts=8,
            last_error=JIRA_ERROR,
        )
        session.add(event)
        await session.flush()
        return event.id


async def statuses(database: Database) -> dict[str, str]:
    async with database.transaction() as session:
        events = (await session.scalars(select(Event))).all()
        return {e.issue_key or "": e.status.value for e in events}


async def test_failed_events_show_jiras_error_and_can_be_retried(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    first = await failed_event(stack.database, sync_id, "ACME-1")
    await failed_event(stack.database, sync_id, "ACME-2")
    monitor = f"/ui/syncs/{sync_id}/monitor"

    page = main((await casey.get(monitor, status="failed")).text)
    assert "Failed: 2" in page.find("p", class_="counts").text()
    rows = page.find("table", class_="events").find("tbody").find_all("tr")
    assert [r.find_all("td")[3].text() for r in rows] == ["ACME-2", "ACME-1"]
    assert rows[1].find("span", class_="failed").text() == JIRA_ERROR
    assert rows[1].find("button").text() == f"Retry event {first}"
    assert page.find("button", class_="primary").text() == "Retry all failed events"

    retried = await casey.post(f"/ui/syncs/{sync_id}/events/retry", {"event": str(first)})
    page = main((await casey.follow(retried)).text)
    assert page.find("p", class_="notice").text() == "1 failed event(s) queued again."
    assert await statuses(stack.database) == {"ACME-1": "pending", "ACME-2": "failed"}
    assert page.by_id("live").attrs["data-refresh"].startswith(f"{monitor}?s=")

    retried = await casey.post(f"/ui/syncs/{sync_id}/events/retry")
    page = main((await casey.follow(retried)).text)
    assert page.find("p", class_="notice").text() == "1 failed event(s) queued again."
    assert await statuses(stack.database) == {"ACME-1": "pending", "ACME-2": "pending"}
    audit = page.find("table", class_="audit").find("tbody").find_all("tr")
    assert [td.text() for td in audit[0].find_all("td")][1:] == [
        "Casey Customer",
        "retry",
        "1 failed event(s) queued again",
    ]


async def test_synchronize_existing_issues_with_the_progress_of_the_run(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    jira = stack.jira("customer", CASEY)
    await create_issue(jira, "Task", "Existing printer issue")
    await create_issue(jira, "Task", "Unrelated")
    await configured(casey, sync_id)
    await casey.post(f"/ui/syncs/{sync_id}/publish")
    await casey.post(f"/ui/syncs/{sync_id}/start")

    started = await casey.post(f"/ui/syncs/{sync_id}/runs", {"jql": 'summary ~ "printer"'})
    assert "notice=run" in started.headers["location"]
    await stack.settle()

    page = main((await casey.get(f"/ui/syncs/{sync_id}/monitor")).text)
    table = page.find("table", class_="runs")
    headers = [th.text() for th in table.find("thead").find_all("th")]
    [run] = table.find("tbody").find_all("tr")
    cells = dict(zip(headers, [td.text() for td in run.find_all("td")], strict=True))
    assert cells["Kind"] == "Existing issues"
    assert cells["JQL"] == 'summary ~ "printer"'
    assert (cells["Status"], cells["Issues found"]) == ("finished", "1")
    assert "Issues linked: 1" in page.find("p", class_="counts").text()
    assert not page.by_id("live").attrs.get("data-refresh")
    summaries = [
        i["fields"]["summary"]
        for i in await project_issues(stack.jira("support", "sam@support.example"), "SUP")
    ]
    assert summaries == ["Existing printer issue"]


async def test_a_too_long_jql_is_refused_next_to_the_field(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    response = await casey.post(f"/ui/syncs/{sync_id}/runs", {"jql": "x" * 2001})
    assert response.status_code == 400
    page = main(response.text)
    assert field_error(page, "jql") == "Keep the JQL under 2000 characters."
    assert page.by_id("f-jql").attrs["value"] == "x" * 2001
