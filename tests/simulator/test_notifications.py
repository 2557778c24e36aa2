"""notifyUsers=false: honoured for those Jira's spec allows, ignored (not refused) for others."""

from __future__ import annotations

from collections.abc import Callable

from tandem.simulator import Simulator
from tests.simulator.support import CASEY, CHRIS, SiteClient, issue_body

Client = Callable[[str, str], SiteClient]
QUIET = {"notifyUsers": "false"}


def _actions(simulator: Simulator) -> list[tuple[str, str]]:
    site = simulator.site("customer")
    emails = {u.account_id: u.email for u in site.state.users}
    return [(n.action, str(emails[n.actor_id])) for n in site.notifications]


def test_a_project_admin_may_edit_without_notifying(simulator: Simulator, client: Client) -> None:
    casey = client("customer", CASEY)  # administers ACME
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Old"))
    edit = {"fields": {"summary": "Quiet"}}
    casey.json("PUT", "/rest/api/3/issue/ACME-1", 204, params=QUIET, json=edit)
    casey.json("PUT", "/rest/api/3/issue/ACME-1", 204, json={"fields": {"summary": "Loud"}})
    assert _actions(simulator) == [("updated", CASEY)]


def test_without_the_permission_the_wish_is_ignored_and_the_edit_made(
    simulator: Simulator, client: Client
) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Old"))
    chris = client("customer", CHRIS)  # a member: edits issues, does not administer
    chris.json(
        "PUT", "/rest/api/3/issue/ACME-1", 204, params=QUIET, json={"fields": {"summary": "New"}}
    )
    assert casey.json("GET", "/rest/api/3/issue/ACME-1")["fields"]["summary"] == "New"
    assert _actions(simulator) == [("updated", CHRIS)]


def test_comment_updates_honour_it_and_new_comments_always_notify(
    simulator: Simulator, client: Client
) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Old"))
    chris = client("customer", CHRIS)
    text = {"type": "paragraph", "content": [{"type": "text", "text": "Hello"}]}
    body = {"body": {"type": "doc", "version": 1, "content": [text]}}
    note = chris.json("POST", "/rest/api/3/issue/ACME-1/comment", 201, json=body)
    path = f"/rest/api/3/issue/ACME-1/comment/{note['id']}"
    chris.json("PUT", path, params=QUIET, json=body)
    assert _actions(simulator) == [("commented", CHRIS)]
