"""A configuration form is an edit of the draft its page showed: rows are named by what they
are, not where they were, and a form from before someone else's change is refused."""

from __future__ import annotations

from typing import Any

from tests.support.e2e import Stack
from tests.web.admin import remove_buttons
from tests.web.dom import main
from tests.web.flows import CASEY, accepted, configured


async def api_draft(stack: Stack, sync_id: int) -> tuple[dict[str, Any], str]:
    api = await stack.api("customer", "ACME", CASEY)
    response = await api.get(f"/api/synchronizations/{sync_id}/draft")
    assert response.status_code == 200, response.text
    return dict(response.json()), response.headers["etag"]


def field_ids(draft: dict[str, Any]) -> list[str]:
    return [m["first"]["id"] for m in draft["fields"]]


async def test_a_remove_button_from_a_stale_page_is_refused_and_changes_nothing(
    stack: Stack,
) -> None:
    casey, sam, sync_id = await accepted(stack)
    await configured(casey, sync_id)
    stale = await remove_buttons(casey, sync_id, "fields")  # the page Casey keeps open
    before, _ = await api_draft(stack, sync_id)
    # Meanwhile Sam removes the first field mapping on his own page.
    first = (await remove_buttons(sam, sync_id, "fields"))[0]
    assert (await sam.post(f"/ui/syncs/{sync_id}/draft/remove", first)).status_code == 303
    between, _ = await api_draft(stack, sync_id)
    assert field_ids(between) == field_ids(before)[1:]

    response = await casey.post(f"/ui/syncs/{sync_id}/draft/remove", stale[1])

    assert response.status_code == 409
    message = main(response.text).text()
    assert "The draft was changed since this page was loaded" in message
    assert "reload to see the current draft; nothing was changed" in message
    assert (await api_draft(stack, sync_id))[0] == between


async def test_a_remove_names_its_row_even_when_rows_moved(stack: Stack) -> None:
    casey, _sam, sync_id = await accepted(stack)
    await configured(casey, sync_id)
    before, _ = await api_draft(stack, sync_id)
    buttons = await remove_buttons(casey, sync_id, "fields")
    target = field_ids(before)[1]

    removed = await casey.post(f"/ui/syncs/{sync_id}/draft/remove", buttons[1])

    assert removed.status_code == 303, removed.text
    after, _ = await api_draft(stack, sync_id)
    assert field_ids(after) == [f for f in field_ids(before) if f != target]
    again = await casey.post(
        f"/ui/syncs/{sync_id}/draft/remove",
        {**buttons[1], "revision": await casey.revision(sync_id)},
    )
    assert again.status_code == 400
    assert (await api_draft(stack, sync_id))[0] == after


async def test_every_form_that_changes_the_draft_needs_the_revision(stack: Stack) -> None:
    casey, _sam, sync_id = await accepted(stack)
    before, _ = await api_draft(stack, sync_id)
    for revision in ("", "0", "abc"):
        response = await casey.post(
            f"/ui/syncs/{sync_id}/draft/comments", {"enabled": "1", "revision": revision}
        )
        assert response.status_code == 409, response.text
    assert (await api_draft(stack, sync_id))[0] == before


async def test_the_api_replaces_the_draft_only_if_it_matches(stack: Stack) -> None:
    _casey, _sam, sync_id = await accepted(stack)
    api = await stack.api("customer", "ACME", CASEY)
    draft, etag = await api_draft(stack, sync_id)
    changed = {
        **draft,
        "comments": {**draft["comments"], "enabled": not draft["comments"]["enabled"]},
    }

    first = await api.put(
        f"/api/synchronizations/{sync_id}/draft", json=changed, headers={"If-Match": etag}
    )
    assert first.status_code == 200, first.text
    assert first.headers["etag"] != etag
    stale = await api.put(
        f"/api/synchronizations/{sync_id}/draft", json=draft, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert "nothing was changed" in stale.json()["error"]
    assert (await api_draft(stack, sync_id))[0] == changed
    bad = await api.put(
        f"/api/synchronizations/{sync_id}/draft", json=draft, headers={"If-Match": "*x"}
    )
    assert bad.status_code == 400
