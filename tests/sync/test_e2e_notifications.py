"""Tandem's edits do not email the other side's watchers where its app user may prevent it."""

from __future__ import annotations

import pytest

from tandem.jira import adf
from tandem.simulator.models import ROLE_APPS
from tests.support.e2e import Stack
from tests.sync.scenario import (
    AGENT,
    CUSTOMER_ADMIN,
    comments,
    create_issue,
    power_customer_sync,
    project_issues,
)

pytestmark = pytest.mark.e2e
APP_KEY = "io.tandem.issue-sync"


def app_notifications(stack: Stack) -> list[str]:
    site = stack.simulator.site("support")
    (app,) = [u for u in site.state.users if u.app_key == APP_KEY]
    return [n.action for n in site.notifications if n.actor_id == app.account_id]


async def edit_on_the_customer_side(stack: Stack) -> str:
    casey = stack.jira("customer", CUSTOMER_ADMIN)
    created = await create_issue(casey, "Task", "Before")
    await stack.settle()
    await casey.put(f"/rest/api/3/issue/{created['key']}", json={"fields": {"summary": "After"}})
    note = await casey.post(
        f"/rest/api/3/issue/{created['key']}/comment", json={"body": adf.from_text("first")}
    )
    await stack.settle()
    await casey.put(
        f"/rest/api/3/issue/{created['key']}/comment/{note.json()['id']}",
        json={"body": adf.from_text("edited")},
    )
    await stack.settle()
    (request,) = await project_issues(stack.jira("support", AGENT), "SUP")
    assert request["fields"]["summary"] == "After"
    copies = await comments(stack.jira("support", AGENT), request["key"])
    assert [adf.to_text(adf.strip_header(c["body"])) for c in copies] == ["edited"]
    return str(request["key"])


async def test_edits_are_quiet_where_the_app_user_administers_the_project(stack: Stack) -> None:
    await power_customer_sync(stack)  # the add-ons role administers projects by default
    await edit_on_the_customer_side(stack)
    # a new comment has no notifyUsers in Jira's API: only it is announced
    assert app_notifications(stack) == ["commented"]


async def test_edits_still_apply_and_notify_where_it_may_not(stack: Stack) -> None:
    project = stack.simulator.site("support").project("SUP")
    assert project is not None
    project.roles[ROLE_APPS] = []  # left with the agent role: edits, does not administer
    await power_customer_sync(stack)
    await edit_on_the_customer_side(stack)
    actions = app_notifications(stack)
    assert "updated" in actions and "commented" in actions
    assert "comment_updated" not in actions  # notifyUsers on comment edits needs no permission
