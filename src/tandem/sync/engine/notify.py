"""Quiet edits: Tandem's edits are sent with ``notifyUsers=false`` where Jira honours it, so the
other side's watchers are not emailed about every synchronized change.

Jira's platform spec (``tests/specs/jira-platform-v3.json``) offers ``notifyUsers`` on two of
the calls Tandem makes:

- ``PUT /rest/api/3/issue/{issueIdOrKey}``: "To disable the notification, administer Jira or
  administer project permissions are required. If the user doesn't have the necessary
  permission the request is ignored." Tandem asks Jira (``GET /mypermissions``, once per
  project every ten minutes) whether its app user holds *Administer Projects* there or
  *Administer Jira*, and sends ``notifyUsers=false`` only then; should Jira refuse it anyway,
  the edit is sent again without it and the project is remembered as not allowed.
- ``PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id}``: no permission is named; always sent.

Creating issues, adding comments and transitions take no such parameter: Jira notifies
watchers of those.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tandem.jira.client import JiraClient
from tandem.jira.errors import JiraBadRequest, JiraError, JiraPermissionError

ADMINISTER_PROJECTS = "ADMINISTER_PROJECTS"
ADMINISTER = "ADMINISTER"
REMEMBER_SECONDS = 600.0


def refuses_quiet(exc: JiraError) -> bool:
    """Whether Jira's refusal is about ``notifyUsers`` rather than the edit itself."""
    messages = [*exc.error_messages, *exc.errors.values(), *exc.errors]
    return any("notif" in message.lower() for message in messages)


class QuietEdits:
    """Whether Tandem may edit quietly in a project, asked once and remembered a while."""

    def __init__(
        self, *, remember: float = REMEMBER_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.remember = remember
        self.clock = clock
        self._known: dict[tuple[str, str], tuple[bool, float]] = {}

    async def allowed(self, client: JiraClient, site: str, project_id: str) -> bool:
        known = self._known.get((site, project_id))
        if known is not None and known[1] > self.clock():
            return known[0]
        try:
            granted = await client.my_permissions(
                [ADMINISTER_PROJECTS, ADMINISTER], project=project_id
            )
        except JiraError:
            return False  # not knowing is not a reason to fail the edit: it notifies
        allowed = granted.has(ADMINISTER_PROJECTS) or granted.has(ADMINISTER)
        self.forget(site, project_id, allowed=allowed)
        return allowed

    def forget(self, site: str, project_id: str, *, allowed: bool) -> None:
        self._known[(site, project_id)] = (allowed, self.clock() + self.remember)

    async def edit(
        self, client: JiraClient, site: str, project_id: str, key: str, **edit: Any
    ) -> None:
        """``client.edit_issue(key, **edit)``, quietly where allowed."""
        if not await self.allowed(client, site, project_id):
            await client.edit_issue(key, **edit)
            return
        try:
            await client.edit_issue(key, notify_users=False, **edit)
        except (JiraBadRequest, JiraPermissionError) as exc:
            if not refuses_quiet(exc):
                raise
            self.forget(site, project_id, allowed=False)
            await client.edit_issue(key, **edit)
