"""Steps of the set-up through the pages, shared by the page tests."""

from __future__ import annotations

from tests.support.e2e import Stack
from tests.web.admin import Admin, FormData, open_admin

CASEY = "casey@acme.example"
SAM = "sam@support.example"
CHRIS = "chris@acme.example"
ALEX = "alex@support.example"
TASK, NEW_FEATURE, IMPROVEMENT = "10001", "10005", "10006"
IT_HELP, PURCHASE, ACCESS = "10101", "10102", "10103"
REQUEST_TYPE_FIELD = "customfield_10010"


async def admins(stack: Stack) -> tuple[Admin, Admin]:
    """The customer's admin on ACME and the support lead on SUP."""
    return (
        await open_admin(stack, "customer", "ACME", CASEY),
        await open_admin(stack, "support", "SUP", SAM),
    )


async def requested(stack: Stack, casey: Admin, name: str = "Acme support") -> int:
    """A request from ACME to SUP; returns the synchronization's id."""
    sent = await casey.post(
        "/ui/syncs/new/remote",
        {"site_url": stack.support.base_url, "project": "SUP", "name": name},
    )
    assert sent.status_code == 303, sent.text
    page = (await casey.follow(sent)).text
    marker = 'data-sync="'
    return int(page[page.index(marker) + len(marker) :].split('"', 1)[0])


async def accepted(stack: Stack) -> tuple[Admin, Admin, int]:
    casey, sam = await admins(stack)
    sync_id = await requested(stack, casey)
    response = await sam.post(f"/ui/syncs/{sync_id}/accept", {"back": "request"})
    assert response.status_code == 303, response.text
    return casey, sam, sync_id


async def configured(casey: Admin, sync_id: int) -> None:
    """The Power Customer configuration, entered tab by tab."""
    draft = f"/ui/syncs/{sync_id}/draft"
    steps: list[tuple[str, FormData]] = [
        (
            "/issue-types",
            {
                "direction": "first_to_second",
                "source": [TASK, NEW_FEATURE, IMPROVEMENT],
                "target": IT_HELP,
            },
        ),
        (
            "/defaults",
            {
                "side": "second",
                "field": REQUEST_TYPE_FIELD,
                f"value-{IT_HELP}": "1",
                f"value-{PURCHASE}": "2",
                f"value-{ACCESS}": "3",
            },
        ),
        (
            "/suggestions",
            {"suggestions": ["summary|summary", "description|description"], "direction": "both"},
        ),
        (
            "/comments",
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
        ),
    ]
    for path, form in steps:
        response = await casey.post(draft + path, form)
        assert response.status_code == 303, response.text
