"""New synchronization: within this Jira site (its real projects) or with another site where
Tandem is installed; mistakes are shown next to the field, with what was typed kept."""

from __future__ import annotations

import httpx

from tests.support.e2e import Stack
from tests.web.admin import Admin, open_admin
from tests.web.dom import Element, field_error, main, parse
from tests.web.sites import EVIL, NORA, add_site, northwind

CASEY = "casey@acme.example"


async def casey(stack: Stack) -> Admin:
    return await open_admin(stack, "customer", "ACME", CASEY)


def rows(page: Element) -> list[Element]:
    return page.find("table", class_="syncs").find("tbody").find_all("tr")


async def test_new_synchronization_offers_both_kinds(stack: Stack) -> None:
    admin = await casey(stack)
    page = main((await admin.get("/ui/syncs/new")).text)
    links = [a.text() for a in page.find("ul", class_="choices").find_all("a")]
    assert links == [
        "Synchronize within this Jira instance",
        "Synchronize with another Jira instance",
    ]


async def test_a_request_to_another_site_appears_pending_on_the_other_project(
    stack: Stack,
) -> None:
    admin = await casey(stack)
    sent = await admin.post(
        "/ui/syncs/new/remote",
        {"site_url": stack.support.base_url + "/", "project": "sup", "name": "Acme support"},
    )
    mine = main((await admin.follow(sent)).text)

    assert "Request sent." in mine.find("p", class_="notice").text()
    [row] = rows(mine)
    assert row.find("th").text() == "Acme support"
    assert "SUP on " + stack.support.base_url in row.text()
    assert row.find("span", class_="state").text() == "Requested"
    assert [e.text() for e in row.find("td", class_="actions").find_all("a")] == [
        "View request Acme support",
        "Delete Acme support",
    ]

    support = await open_admin(stack, "support", "SUP", "sam@support.example")
    [theirs] = rows(main((await support.get("/ui/syncs")).text))
    assert "ACME on " + stack.customer.base_url in theirs.text()
    assert [b.text() for b in theirs.find_all("button")] == [
        "Accept Acme support",
        "Reject Acme support",
    ]


async def test_a_site_without_tandem_is_named_next_to_the_field(stack: Stack) -> None:
    await add_site(stack, northwind("no-tandem"), install=False)
    admin = await casey(stack)
    typed = {"site_url": f"{stack.sim_url}/sites/no-tandem", "project": "NW", "name": "Mine"}

    response = await admin.post("/ui/syncs/new/remote", typed)

    assert response.status_code == 400
    page = main(response.text)
    assert field_error(page, "site_url") == (
        f"Tandem is not installed on {typed['site_url']}: install it there first."
    )
    assert page.by_id("f-site_url").attrs["value"] == typed["site_url"]
    assert page.by_id("f-project").attrs["value"] == "NW"
    assert page.by_id("f-name").attrs["value"] == "Mine"
    assert page.find("div", class_="form-errors").attrs["role"] == "alert"


async def test_a_project_that_does_not_exist_is_named_next_to_the_field(stack: Stack) -> None:
    admin = await casey(stack)
    typed = {"site_url": stack.support.base_url, "project": "NOPE", "name": "Acme support"}

    response = await admin.post("/ui/syncs/new/remote", typed)

    assert response.status_code == 400
    page = main(response.text)
    assert (
        field_error(page, "project")
        == "Project NOPE was not found on that site, or you may not browse it."
    )
    assert page.by_id("f-name").attrs["value"] == "Acme support"
    assert rows_in_list(await admin.get("/ui/syncs")) == 0


def rows_in_list(response: httpx.Response) -> int:
    page = main(response.text)
    table = page.find_all("table", class_="syncs")
    return len(table[0].find("tbody").find_all("tr")) if table else 0


async def test_a_name_and_a_site_are_required(stack: Stack) -> None:
    admin = await casey(stack)
    response = await admin.post("/ui/syncs/new/remote", {"site_url": " ", "project": "SUP"})
    assert response.status_code == 400
    assert field_error(main(response.text), "site_url") == "Enter the address of the Jira site."

    response = await admin.post(
        "/ui/syncs/new/remote", {"site_url": stack.support.base_url, "project": "SUP", "name": ""}
    )
    assert response.status_code == 400
    page = main(response.text)
    assert field_error(page, "name") == "Give the synchronization a name (up to 255 characters)."
    assert page.by_id("f-site_url").attrs["value"] == stack.support.base_url


async def test_within_this_site_the_project_is_chosen_from_the_sites_projects(
    stack: Stack,
) -> None:
    await add_site(stack, northwind())
    nora = await open_admin(stack, "northwind", "NW", NORA)

    form = main((await nora.get("/ui/syncs/new/local")).text)
    options = [(o.attrs["value"], o.text()) for o in form.by_id("f-project").find_all("option")]
    assert options == [
        ("", "Choose a project"),
        ("DESK", "DESK \u2014 Northwind Desk"),
        ("EVIL", f"EVIL \u2014 Project {EVIL}"),
    ]
    sent = await nora.post("/ui/syncs/new/local", {"project": "DESK", "name": "Web desk"})
    [row] = rows(main((await nora.follow(sent)).text))
    assert "DESK on " + f"{stack.sim_url}/sites/northwind" in row.text()

    desk = await open_admin(stack, "northwind", "DESK", NORA)
    [theirs] = rows(main((await desk.get("/ui/syncs")).text))
    assert theirs.find("span", class_="state").text() == "Requested"


async def test_a_project_cannot_be_synchronized_with_itself(stack: Stack) -> None:
    admin = await casey(stack)
    response = await admin.post(
        "/ui/syncs/new/remote",
        {"site_url": stack.customer.base_url, "project": "ACME", "name": "Loop"},
    )
    assert response.status_code == 400
    assert field_error(main(response.text), "project") == (
        "A project cannot be synchronized with itself."
    )


async def test_a_site_with_no_other_project_says_so(stack: Stack) -> None:
    admin = await casey(stack)
    page = parse((await admin.get("/ui/syncs/new/local")).text)
    assert "Tandem sees no other project on" in page.find("p", class_="empty").text()
