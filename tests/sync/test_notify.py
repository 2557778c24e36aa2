"""Quiet edits: notifyUsers=false only where the app user may ask for it, with a fallback."""

from __future__ import annotations

from typing import Any, cast

import pytest

from tandem.jira.client import JiraClient
from tandem.jira.errors import JiraBadRequest, JiraUnavailable
from tandem.jira.schemas import MyPermissions, Permission
from tandem.sync.engine.notify import QuietEdits


class FakeClient:
    def __init__(self, granted: set[str], refuse_quiet: bool = False) -> None:
        self.granted = granted
        self.refuse_quiet = refuse_quiet
        self.permission_calls = 0
        self.edits: list[dict[str, Any]] = []

    async def my_permissions(self, permissions: list[str], *, project: str) -> MyPermissions:
        self.permission_calls += 1
        if "down" in self.granted:
            raise JiraUnavailable("Jira is down")
        return MyPermissions(
            permissions={
                key: Permission(key=key, have_permission=key in self.granted) for key in permissions
            }
        )

    async def edit_issue(self, key: str, **edit: Any) -> None:
        if self.refuse_quiet and edit.get("notify_users") is False:
            raise JiraBadRequest(
                "Bad Request",
                status=400,
                error_messages=["To discard the user notification admin permissions are needed."],
            )
        self.edits.append({"key": key, **edit})


async def edit(quiet: QuietEdits, client: FakeClient) -> None:
    await quiet.edit(cast(JiraClient, client), "site", "10000", "SUP-1", fields={"summary": "x"})


@pytest.mark.parametrize("permission", ["ADMINISTER_PROJECTS", "ADMINISTER"])
async def test_quiet_where_the_app_user_administers(permission: str) -> None:
    client = FakeClient({permission})
    quiet = QuietEdits()
    await edit(quiet, client)
    await edit(quiet, client)
    assert client.edits[0] == {"key": "SUP-1", "fields": {"summary": "x"}, "notify_users": False}
    assert client.permission_calls == 1  # remembered


async def test_loud_where_it_may_not_and_asked_again_later() -> None:
    now = [0.0]
    client = FakeClient({"EDIT_ISSUES"})
    quiet = QuietEdits(remember=600, clock=lambda: now[0])
    await edit(quiet, client)
    assert client.edits == [{"key": "SUP-1", "fields": {"summary": "x"}}]
    now[0] = 601
    await edit(quiet, client)
    assert client.permission_calls == 2


async def test_a_refused_quiet_edit_is_sent_again_aloud_and_remembered() -> None:
    client = FakeClient({"ADMINISTER_PROJECTS"}, refuse_quiet=True)
    quiet = QuietEdits()
    await edit(quiet, client)
    await edit(quiet, client)
    assert client.edits == [{"key": "SUP-1", "fields": {"summary": "x"}}] * 2


async def test_an_unanswered_permission_question_does_not_fail_the_edit() -> None:
    client = FakeClient({"down"})
    await edit(QuietEdits(), client)
    assert client.edits == [{"key": "SUP-1", "fields": {"summary": "x"}}]
