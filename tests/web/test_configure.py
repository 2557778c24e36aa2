"""The configuration tabs over the draft: each form adds to it, mistakes come back next to the
field with what was chosen, and the draft's problems show next to the item they are about."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.e2e import Stack
from tests.web.admin import Admin, remove_buttons
from tests.web.dom import Element, field_error, main
from tests.web.flows import (
    ACCESS,
    CASEY,
    IMPROVEMENT,
    IT_HELP,
    NEW_FEATURE,
    PURCHASE,
    REQUEST_TYPE_FIELD,
    TASK,
    accepted,
)

NEEDS_REQUEST_TYPE = (
    "Issues created as IT Help in SUP need a default Customer Request Type "
    "(Fields - Default Values), or customers will not see them."
)


async def draft(stack: Stack, sync_id: int) -> dict[str, Any]:
    """The stored draft, as the API gives it."""
    api = await stack.api("customer", "ACME", CASEY)
    response = await api.get(f"/api/synchronizations/{sync_id}/draft")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def tab(admin: Admin, sync_id: int, name: str) -> Element:
    response = await admin.get(f"/ui/syncs/{sync_id}/configure", tab=name)
    assert response.status_code == 200, response.text
    return main(response.text)


def saved(response: httpx.Response) -> None:
    assert response.status_code == 303, response.text
    assert "notice=saved" in response.headers["location"]
    assert response.headers["referrer-policy"] == "no-referrer"


def options(select: Element) -> list[tuple[str, str]]:
    return [(o.attrs["value"], o.text()) for o in select.find_all("option")]


async def test_new_issue_type_mapping_in_two_steps(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    new = f"/ui/syncs/{sync_id}/configure/issue-types/new"

    step1 = main((await casey.get(new)).text)
    radios = step1.find("fieldset").find_all("input", type="radio")
    assert [r.attrs["value"] for r in radios] == ["first_to_second", "second_to_first", "both"]
    assert [label.text() for label in step1.find("fieldset").find_all("label")] == [
        "First to Second",
        "Second to First",
        "Both directions",
    ]
    step2 = main((await casey.get(new, direction="first_to_second")).text)
    labels = [label.text() for label in step2.find("fieldset").find_all("label")]
    assert labels == ["Task", "Bug", "Story", "Epic", "New Feature", "Improvement"]
    assert step2.find("fieldset").find("legend").text() == "ACME issue types"
    assert (IT_HELP, "IT Help") in options(step2.by_id("f-target"))

    saved(
        await casey.post(
            f"/ui/syncs/{sync_id}/draft/issue-types",
            {
                "direction": "first_to_second",
                "source": [TASK, NEW_FEATURE, IMPROVEMENT],
                "target": IT_HELP,
            },
        )
    )

    page = await tab(casey, sync_id, "issue-types")
    [row] = page.find("section", class_="tab-panel").find("tbody").find_all("tr")
    cells = [td.text() for td in row.find_all("td")]
    assert cells[:3] == ["First to Second", "Task, New Feature, Improvement", "IT Help"]
    assert row.find("ul", class_="problems").text() == NEEDS_REQUEST_TYPE
    assert (await draft(stack, sync_id))["issue_types"] == [
        {
            "direction": "first_to_second",
            "first": [
                {"id": TASK, "name": "Task"},
                {"id": NEW_FEATURE, "name": "New Feature"},
                {"id": IMPROVEMENT, "name": "Improvement"},
            ],
            "second": [{"id": IT_HELP, "name": "IT Help"}],
        }
    ]


async def test_issue_type_mapping_mistakes_come_back_next_to_the_field(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    post = f"/ui/syncs/{sync_id}/draft/issue-types"

    response = await casey.post(post, {"direction": "first_to_second", "target": IT_HELP})
    assert response.status_code == 400
    page = main(response.text)
    assert field_error(page, "source") == "Choose at least one issue type of ACME."
    assert page.by_id("f-target").find("option", selected=True).attrs["value"] == IT_HELP

    saved(
        await casey.post(
            post, {"direction": "first_to_second", "source": [TASK], "target": IT_HELP}
        )
    )
    response = await casey.post(
        post, {"direction": "first_to_second", "source": [TASK, NEW_FEATURE], "target": PURCHASE}
    )
    assert response.status_code == 400
    page = main(response.text)
    assert field_error(page, "source") == "Issue type Task of the first project is mapped twice."
    checked = [c.attrs["value"] for c in page.find_all("input", checked=True)]
    assert checked == [TASK, NEW_FEATURE]


async def test_default_values_per_issue_type_list_the_projects_request_types(
    stack: Stack,
) -> None:
    casey, _, sync_id = await accepted(stack)
    new = f"/ui/syncs/{sync_id}/configure/defaults/new"
    defaults = await tab(casey, sync_id, "defaults")
    add = defaults.find("section", aria_labelledby="defaults-second").find("a", class_="button")
    assert add.text() == "+ Default value in SUP"

    step1 = main((await casey.get(new, side="second")).text)
    assert options(step1.by_id("f-field"))[1] == (REQUEST_TYPE_FIELD, "Customer Request Type")
    step2 = main((await casey.get(new, side="second", field=REQUEST_TYPE_FIELD)).text)
    assert step2.by_id("f-all-types").attrs.get("checked") is not None
    assert options(step2.by_id(f"f-value-{IT_HELP}")) == [("", "No default"), ("1", "Get IT Help")]
    assert [o[1] for o in options(step2.by_id("f-value"))] == [
        "Choose a request type",
        "Get IT Help",
        "Purchase request",
        "Request a new account",
        "Report a system problem",
        "Ask a question",
    ]

    saved(
        await casey.post(
            f"/ui/syncs/{sync_id}/draft/defaults",
            {
                "side": "second",
                "field": REQUEST_TYPE_FIELD,
                f"value-{IT_HELP}": "1",
                f"value-{PURCHASE}": "2",
                f"value-{ACCESS}": "3",
            },
        )
    )

    column = (await tab(casey, sync_id, "defaults")).find(
        "section", aria_labelledby="defaults-second"
    )
    rows = [
        [td.text() for td in tr.find_all("td")][:3] for tr in column.find("tbody").find_all("tr")
    ]
    assert rows == [
        ["Customer Request Type", "IT Help", "Get IT Help"],
        ["Customer Request Type", "Purchase", "Purchase request"],
        ["Customer Request Type", "Access", "Request a new account"],
    ]
    stored = (await draft(stack, sync_id))["defaults"]
    assert [(d["issue_type"]["id"], d["value"], d["display"]) for d in stored] == [
        (IT_HELP, "1", "Get IT Help"),
        (PURCHASE, "2", "Purchase request"),
        (ACCESS, "3", "Request a new account"),
    ]


async def test_a_default_value_is_required_and_one_for_all_types_can_replace_it(
    stack: Stack,
) -> None:
    casey, _, sync_id = await accepted(stack)
    post = f"/ui/syncs/{sync_id}/draft/defaults"

    response = await casey.post(post, {"side": "first", "field": "labels", "all_types": "1"})
    assert response.status_code == 400
    page = main(response.text)
    assert field_error(page, "value") == "Enter a default value."
    assert page.by_id("f-all-types").attrs.get("checked") is not None

    saved(
        await casey.post(
            post,
            {"side": "first", "field": "labels", "all_types": "1", "value": "from-support, acme"},
        )
    )
    [stored] = (await draft(stack, sync_id))["defaults"]
    assert stored["side"] == "first" and stored["issue_type"] is None
    assert stored["value"] == ["from-support", "acme"]
    column = (await tab(casey, sync_id, "defaults")).find(
        "section", aria_labelledby="defaults-first"
    )
    assert "Labels All issue types from-support, acme" in column.find("tbody").text()


async def test_field_mappings_from_suggestions(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    suggestions = main((await casey.get(f"/ui/syncs/{sync_id}/configure/fields/suggestions")).text)
    labels = [label.text() for label in suggestions.find("fieldset").find_all("label")]
    assert labels[:2] == ["Summary", "Description"]

    response = await casey.post(f"/ui/syncs/{sync_id}/draft/suggestions", {"direction": "both"})
    assert response.status_code == 400
    assert field_error(main(response.text), "suggestions") == "Choose at least one field."

    saved(
        await casey.post(
            f"/ui/syncs/{sync_id}/draft/suggestions",
            {"suggestions": ["summary|summary", "description|description"], "direction": "both"},
        )
    )
    page = await tab(casey, sync_id, "fields")
    rows = [[td.text() for td in tr.find_all("td")][:3] for tr in page.find("tbody").find_all("tr")]
    assert rows == [
        ["Both directions", "Summary", "Summary"],
        ["Both directions", "Description", "Description"],
    ]
    again = main((await casey.get(f"/ui/syncs/{sync_id}/configure/fields/suggestions")).text)
    assert "Summary" not in [label.text() for label in again.find_all("label")]


async def test_a_field_mapping_of_different_kinds_of_values_is_refused(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    response = await casey.post(
        f"/ui/syncs/{sync_id}/draft/fields",
        {"first_field": "summary", "second_field": "labels", "direction": "first_to_second"},
    )
    assert response.status_code == 400
    page = main(response.text)
    assert field_error(page, "second_field") == (
        "Summary (string) and Labels (array) hold different kinds of values."
    )
    assert page.by_id("f-direction").find("option", selected=True).attrs["value"] == (
        "first_to_second"
    )
    assert page.find("a", aria_current="page").text() == "Field Mappings"


async def test_comment_settings_per_direction(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    page = await tab(casey, sync_id, "comments")
    legends = [legend.text() for legend in page.find_all("legend")]
    assert legends == [
        "Comments from ACME to SUP",
        "Create them in SUP as",
        "Comments from SUP to ACME",
        "Which comments of SUP",
    ]

    saved(
        await casey.post(
            f"/ui/syncs/{sync_id}/draft/comments",
            {
                "enabled": "1",
                "enriched": "1",
                "first_to_second_enabled": "1",
                "first_to_second_create_as": "public",
                "first_to_second_source_filter": "public_only",
                "second_to_first_enabled": "1",
                "second_to_first_create_as": "public",
                "second_to_first_source_filter": "public_only",
            },
        )
    )
    assert (await draft(stack, sync_id))["comments"] == {
        "enabled": True,
        "enriched": True,
        "first_to_second": {"enabled": True, "create_as": "public", "source_filter": "public_only"},
        "second_to_first": {"enabled": True, "create_as": "public", "source_filter": "public_only"},
    }
    page = await tab(casey, sync_id, "comments")
    assert page.by_id("f-enabled").attrs.get("checked") is not None
    assert page.by_id("f-second_to_first-public-only").attrs.get("checked") is not None

    response = await casey.post(
        f"/ui/syncs/{sync_id}/draft/comments", {"first_to_second_create_as": "shouted"}
    )
    assert response.status_code == 400
    assert (
        "Choose how comments are created"
        in main(response.text).find("div", class_="form-errors").text()
    )


async def test_status_mappings_choose_each_projects_statuses_and_removing_items(
    stack: Stack,
) -> None:
    casey, _, sync_id = await accepted(stack)
    page = await tab(casey, sync_id, "statuses")
    assert options(page.by_id("f-first_status")) == [
        ("", "Choose a status"),
        ("10001", "Done"),
        ("3", "In Progress"),
        ("10000", "To Do"),
    ]
    assert options(page.by_id("f-second_status"))[1:] == [
        ("10013", "Canceled"),
        ("3", "In Progress"),
        ("10012", "Resolved"),
        ("10011", "Waiting for customer"),
        ("10010", "Waiting for support"),
    ]
    assert page.find("label", for_="f-second_status").text() == "SUP status"

    post = f"/ui/syncs/{sync_id}/draft/statuses"
    response = await casey.post(
        post, {"first_status": "3", "second_status": "10001", "direction": "both"}
    )
    assert response.status_code == 400
    page = main(response.text)
    assert field_error(page, "second_status") == "Choose a status of SUP."
    assert page.by_id("f-first_status").find("option", selected=True).attrs["value"] == "3"

    saved(
        await casey.post(post, {"first_status": "3", "second_status": "10011", "direction": "both"})
    )
    row = (await tab(casey, sync_id, "statuses")).find("tbody").find("tr")
    assert [td.text() for td in row.find_all("td")][:4] == [
        "Both directions",
        "In Progress (3)",
        "Waiting for customer (10011)",
        "",
    ]
    stored = await draft(stack, sync_id)
    assert stored["statuses"] == [
        {
            "direction": "both",
            "first": {"id": "3", "name": "In Progress"},
            "second": {"id": "10011", "name": "Waiting for customer"},
        }
    ]

    ghost = {"id": "99", "name": "Ghost"}
    stored["statuses"].append({**stored["statuses"][0], "first": ghost})
    api = await stack.api("customer", "ACME", CASEY)
    assert (await api.put(f"/api/synchronizations/{sync_id}/draft", json=stored)).is_success
    rows = (await tab(casey, sync_id, "statuses")).find("tbody").find_all("tr")
    assert rows[1].find("ul", class_="problems").text() == "Status Ghost does not exist in ACME."
    ghost_removed = await casey.post(
        f"/ui/syncs/{sync_id}/draft/remove",
        (await remove_buttons(casey, sync_id, "statuses"))[1],
    )
    assert "notice=removed" in ghost_removed.headers["location"]

    (last,) = await remove_buttons(casey, sync_id, "statuses")
    removed = await casey.post(f"/ui/syncs/{sync_id}/draft/remove", last)
    page = main((await casey.follow(removed)).text)
    assert page.find("p", class_="notice").text() == "Removed from the draft."
    assert page.find("a", aria_current="page").text() == "Status Mapping"
    assert (await draft(stack, sync_id))["statuses"] == []
    response = await casey.post(
        f"/ui/syncs/{sync_id}/draft/remove", {**last, "revision": await casey.revision(sync_id)}
    )
    assert response.status_code == 400
    assert "no longer in the draft" in main(response.text).text()


async def test_tabs_are_links_with_the_current_one_marked(stack: Stack) -> None:
    casey, _, sync_id = await accepted(stack)
    page = await tab(casey, sync_id, "fields")
    nav = page.find("nav", aria_label="Configuration")
    assert [a.text() for a in nav.find_all("a")] == [
        "Issue Type Mappings",
        "Fields - Default Values",
        "Field Mappings",
        "Comments",
        "Status Mapping",
    ]
    assert nav.find("a", aria_current="page").text() == "Field Mappings"
    missing = await casey.get(f"/ui/syncs/{sync_id}/configure", tab="nope")
    assert missing.status_code == 404
