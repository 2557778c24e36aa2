"""Publish Draft shows what changes and the validation report; a draft with problems is not
published; then Start and Pause."""

from __future__ import annotations

from tests.support.e2e import Stack
from tests.web.admin import remove_buttons
from tests.web.dom import main
from tests.web.flows import IT_HELP, TASK, accepted, configured


async def test_a_draft_with_problems_is_not_published(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    await casey.post(
        f"/ui/syncs/{sync_id}/draft/issue-types",
        {"direction": "first_to_second", "source": [TASK], "target": IT_HELP},
    )

    review = main((await casey.get(f"/ui/syncs/{sync_id}/publish")).text)
    changes = review.find("section", aria_labelledby="changes-title")
    assert [li.text() for li in changes.find_all("li")] == ["Issue types"]
    report = review.find("section", aria_labelledby="report-title")
    assert "need a default Customer Request Type" in report.text()
    fix = report.find("a")
    assert fix.text() == "Fix in Issue Type Mappings"
    assert "tab=issue-types" in fix.attrs["href"]

    response = await casey.post(f"/ui/syncs/{sync_id}/publish")
    assert response.status_code == 422
    refused = main(response.text).find("div", class_="form-errors")
    assert refused.attrs["role"] == "alert"
    assert refused.text().startswith("The draft was not published.")


async def test_publish_then_start_and_pause(stack: Stack) -> None:
    casey, sam, sync_id = await accepted(stack)
    await configured(casey, sync_id)

    review = main((await casey.get(f"/ui/syncs/{sync_id}/publish")).text)
    changes = [
        li.text() for li in review.find("section", aria_labelledby="changes-title").find_all("li")
    ]
    assert changes == ["Issue types", "Defaults", "Fields", "Comments"]
    assert "no problems" in review.find("p", class_="ok").text()

    published = await casey.post(f"/ui/syncs/{sync_id}/publish")
    page = main((await casey.follow(published)).text)
    assert page.find("p", class_="notice").text() == "Draft published as revision 1."
    assert (
        "The draft is the published configuration." in page.find("p", class_="draft-status").text()
    )
    start = page.find("div", class_="title-bar").find("form", action=f"/ui/syncs/{sync_id}/start")
    assert start.find("button").text() == "Start"

    started = await casey.post(f"/ui/syncs/{sync_id}/start", {"back": "configure"})
    assert "notice=started" in started.headers["location"]
    row = main((await sam.get("/ui/syncs")).text).find("tr", data_sync=str(sync_id))
    assert row.find("span", class_="state").text() == "Active"
    assert [b.text() for b in row.find_all("button")] == ["Pause Acme support"]

    paused = await sam.post(f"/ui/syncs/{sync_id}/pause", {"back": "list"})
    row = main((await sam.follow(paused)).text).find("tr", data_sync=str(sync_id))
    assert row.find("span", class_="state").text() == "Paused"


async def test_a_change_after_publishing_is_pointed_out(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    await configured(casey, sync_id)
    await casey.post(f"/ui/syncs/{sync_id}/publish")
    await casey.post(
        f"/ui/syncs/{sync_id}/draft/remove", (await remove_buttons(casey, sync_id, "fields"))[1]
    )

    page = main((await casey.get(f"/ui/syncs/{sync_id}/configure")).text)
    assert "changes that are not published yet" in page.find("p", class_="draft-status").text()
    review = main((await casey.get(f"/ui/syncs/{sync_id}/publish")).text)
    changes = review.find("section", aria_labelledby="changes-title")
    assert [li.text() for li in changes.find_all("li")] == ["Fields"]
    published = await casey.post(f"/ui/syncs/{sync_id}/publish")
    assert "n=2" in published.headers["location"]
