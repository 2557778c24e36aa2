"""A request seen from both projects: only the second project's admins accept or reject it;
start, pause and delete from either side; people who do not administer the project are refused."""

from __future__ import annotations

import pytest

from tests.support.e2e import Stack
from tests.web.admin import open_admin
from tests.web.dom import main
from tests.web.flows import ALEX, CHRIS, accepted, admins, requested
from tests.web.sites import NORA, add_site, northwind


async def test_the_second_project_views_and_accepts_the_request(stack: Stack) -> None:
    casey, sam = await admins(stack)
    sync_id = await requested(stack, casey)

    request = main((await sam.get(f"/ui/syncs/{sync_id}/request")).text)
    assert request.find("h1").text() == "Synchronization request: Acme support"
    assert "Requested by Casey Customer" in request.text()
    accept = await sam.post(f"/ui/syncs/{sync_id}/accept", {"back": "request"})
    page = main((await sam.follow(accept)).text)

    assert "Request accepted." in page.find("p", class_="notice").text()
    assert "Accepted by Sam Support" in page.text()
    start = page.find("a", class_="primary")
    assert start.text() == "Start configuration"
    assert start.attrs["href"].startswith(f"/ui/syncs/{sync_id}/configure?s=")
    row = main((await casey.get("/ui/syncs")).text).find("tr", data_sync=str(sync_id))
    assert row.find("span", class_="state").text() == "Accepted, not started"
    assert [a.text() for a in row.find_all("a")] == [
        "Configure Acme support",
        "Monitor Acme support",
        "Delete Acme support",
    ]
    assert not row.has("button"), "Start waits for a published configuration"


async def test_the_requesting_project_cannot_accept_its_own_request(stack: Stack) -> None:
    casey, _ = await admins(stack)
    sync_id = await requested(stack, casey)

    request = main((await casey.get(f"/ui/syncs/{sync_id}/request")).text)
    assert not request.has("button")
    assert "Waiting for an administrator of SUP" in request.text()

    response = await casey.post(f"/ui/syncs/{sync_id}/accept")
    assert response.status_code == 403
    assert "Only administrators of SUP can accept this request." in main(response.text).text()


async def test_a_rejected_request_can_only_be_viewed_or_deleted(stack: Stack) -> None:
    casey, sam = await admins(stack)
    sync_id = await requested(stack, casey)
    rejected = await sam.post(f"/ui/syncs/{sync_id}/reject", {"back": "list"})
    assert "Request rejected." in main((await sam.follow(rejected)).text).text()

    row = main((await casey.get("/ui/syncs")).text).find("tr", data_sync=str(sync_id))
    assert row.find("span", class_="state").text() == "Rejected"
    assert [a.text() for a in row.find_all("a")] == [
        "View request Acme support",
        "Delete Acme support",
    ]
    response = await casey.get(f"/ui/syncs/{sync_id}/configure")
    assert response.status_code == 409
    assert "The request must be accepted" in main(response.text).text()


async def test_start_needs_a_published_configuration_and_says_so(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    response = await casey.post(f"/ui/syncs/{sync_id}/start", {"back": "list"})
    assert response.status_code == 409
    page = main(response.text)
    assert "Publish the draft before starting the synchronization." in page.text()


async def test_delete_asks_first_then_removes_it_from_both_projects(stack: Stack) -> None:
    casey, sam, sync_id = await accepted(stack)
    confirm = main((await sam.get(f"/ui/syncs/{sync_id}/delete")).text)
    assert confirm.find("h1").text() == "Delete synchronization Acme support?"

    deleted = await sam.post(f"/ui/syncs/{sync_id}/delete")
    assert "was deleted" in main((await sam.follow(deleted)).text).text()
    assert not main((await casey.get("/ui/syncs")).text).has("table")
    gone = await casey.get(f"/ui/syncs/{sync_id}/configure")
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("site", "project", "email"),
    [("customer", "ACME", CHRIS), ("support", "SUP", ALEX)],
    ids=["project-member", "service-desk-agent"],
)
async def test_people_who_do_not_administer_the_project_are_refused(
    stack: Stack, site: str, project: str, email: str
) -> None:
    casey, _ = await admins(stack)
    sync_id = await requested(stack, casey)
    someone = await open_admin(stack, site, project, email)

    for response in (
        await someone.get("/ui/syncs"),
        await someone.get(f"/ui/syncs/{sync_id}/request"),
        await someone.post(f"/ui/syncs/{sync_id}/accept"),
        await someone.post("/ui/syncs/new/remote", {"site_url": "x", "project": "Y", "name": "Z"}),
    ):
        assert response.status_code == 403
        page = main(response.text)
        assert page.find("h1").text() == "You need to administer this project"
        assert f"Only administrators of project {project} can set up" in page.text()
        assert not page.has("a") and "Acme support" not in page.text()


async def test_a_synchronization_of_other_projects_is_not_found(stack: Stack) -> None:
    casey, _ = await admins(stack)
    sync_id = await requested(stack, casey)
    await add_site(stack, northwind())
    nora = await open_admin(stack, "northwind", "NW", NORA)
    for path in ("request", "configure", "monitor", "delete"):
        response = await nora.get(f"/ui/syncs/{sync_id}/{path}")
        assert response.status_code == 404
        assert f"Synchronization {sync_id} not found." in main(response.text).text()
    assert (await nora.post(f"/ui/syncs/{sync_id}/delete")).status_code == 404
