"""Everything Jira or people typed is text on the page, never markup: synchronization names,
project, issue type, request type and status names, people's names and Jira's error messages."""

from __future__ import annotations

import httpx

from tandem.sync.models import Event, EventStatus, Side
from tests.support.e2e import Stack
from tests.web.admin import Admin, open_admin
from tests.web.dom import main
from tests.web.sites import EVIL, MALLORY, NORA, add_site, northwind

SCRIPT = "<script>alert('name')</script>"


def escaped(response: httpx.Response, *texts: str) -> None:
    assert response.status_code == 200, response.text
    for text in texts:
        assert text not in response.text
    assert "<script>alert" not in response.text and "<img src=x" not in response.text


async def request_between(nora: Admin, name: str) -> int:
    sent = await nora.post("/ui/syncs/new/local", {"project": "DESK", "name": name})
    page = (await nora.follow(sent)).text
    marker = 'data-sync="'
    return int(page[page.index(marker) + len(marker) :].split('"', 1)[0])


async def test_names_from_jira_and_people_are_escaped_on_every_page(stack: Stack) -> None:
    await add_site(stack, northwind())
    site = stack.simulator.site("northwind")
    site.state.statuses = [
        s.model_copy(update={"name": f"In Progress {EVIL}"}) if s.id == "3" else s
        for s in site.state.statuses
    ]
    mallory = await open_admin(stack, "northwind", "EVIL", MALLORY)
    sync_id = await request_between(mallory, f"Sync {SCRIPT}")
    desk = await open_admin(stack, "northwind", "DESK", NORA)
    await desk.post(f"/ui/syncs/{sync_id}/accept")
    base = f"/ui/syncs/{sync_id}"

    listed = await desk.get("/ui/syncs")
    escaped(listed)
    assert main(listed.text).find("tr", data_sync=str(sync_id)).find("th").text() == (
        f"Sync {SCRIPT}"
    )
    request = await desk.get(f"{base}/request")
    escaped(request)
    assert f"Requested by Mallory {EVIL}" in main(request.text).text()
    for page in (
        await mallory.get(f"{base}/configure"),
        await mallory.get(f"{base}/configure", tab="statuses"),
        await mallory.get(f"{base}/configure/issue-types/new", direction="first_to_second"),
        await mallory.get(
            f"{base}/configure/defaults/new", side="second", field="customfield_10010"
        ),
        await mallory.get(f"{base}/configure/fields/suggestions"),
        await mallory.get(f"{base}/publish"),
        await mallory.get(f"{base}/monitor"),
        await mallory.get(f"{base}/delete"),
    ):
        escaped(page)
    configure = main((await mallory.get(f"{base}/configure")).text)
    assert f"Project {EVIL}" in configure.find("p", class_="sides").text()
    new_mapping = main(
        (await mallory.get(f"{base}/configure/issue-types/new", direction="first_to_second")).text
    )
    assert f"Bug {EVIL}" in [label.text() for label in new_mapping.find_all("label")]
    defaults = main(
        (
            await mallory.get(
                f"{base}/configure/defaults/new", side="second", field="customfield_10010"
            )
        ).text
    )
    assert f"Help {EVIL}" in defaults.by_id("f-value").text()
    statuses = main((await mallory.get(f"{base}/configure", tab="statuses")).text)
    assert f"In Progress {EVIL}" in statuses.by_id("f-first_status").text()


async def test_jiras_error_messages_are_escaped(stack: Stack) -> None:
    await add_site(stack, northwind())
    nora = await open_admin(stack, "northwind", "NW", NORA)
    sync_id = await request_between(nora, "Web desk")
    async with stack.database.transaction() as session:
        session.add(
            Event(
                synchronization_id=sync_id,
                side=Side.FIRST,
                dedupe_key="evil",
                webhook_event="jira:issue_created",
                issue_id="1",
                issue_key=f"NW-1{EVIL}",
                order_key="evil",
                payload={},
                status=EventStatus.FAILED,
                last_error=f"400 Bad Request - summary: {SCRIPT}",
            )
        )
    desk = await open_admin(stack, "northwind", "DESK", NORA)
    await desk.post(f"/ui/syncs/{sync_id}/accept")

    response = await nora.get(f"/ui/syncs/{sync_id}/monitor")

    escaped(response)
    row = main(response.text).find("table", class_="events").find("tbody").find("tr")
    assert f"400 Bad Request - summary: {SCRIPT}" in row.text()
