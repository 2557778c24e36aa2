"""What to do when applying an event fails: retry later, or park it with advice for the admin.

exception                      action   what the admin reads
JiraUnavailable, timeouts      retry    Jira did not answer; Tandem keeps trying
JiraRateLimited                retry    Jira asked Tandem to slow down
JiraConflict (409)             retry    the issue was being changed
JiraAuthError (401)            fail     Jira refused Tandem's credentials: reinstall
JiraPermissionError (403)      fail     the app's account lacks a permission (e.g. JSM agent)
JiraNotFound (404)             fail     the issue, comment or project is gone
JiraBadRequest (400)           fail     Jira's own field errors, with a hint where we have one
SyncFailure                    fail     a rule of ours (e.g. a field not on the edit screen)
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from tandem.jira.errors import (
    JiraAuthError,
    JiraBadRequest,
    JiraConflict,
    JiraError,
    JiraNotFound,
    JiraPermissionError,
    JiraRateLimited,
    JiraUnavailable,
)

NOT_ON_SCREEN = "not on the appropriate screen"
AGENT_ADVICE = "in the service project, give the app's account the agent role"


class SyncFailure(Exception):
    """A permanent failure found by Tandem itself; the message says what to fix."""


@dataclass(frozen=True)
class Outcome:
    transient: bool
    message: str


def _bad_request_hint(exc: JiraBadRequest) -> str:
    hints = []
    for field_id, message in sorted(exc.errors.items()):
        if NOT_ON_SCREEN in message:
            hints.append(
                f"field {field_id} is not on the target's screen: add it to the screen, or let "
                "Tandem's app user administer the project so it can override screen security"
            )
        elif "request type" in message.lower() or "requesttype" in field_id.lower():
            hints.append(
                f"the request type set by the configuration was refused ({message}): choose an "
                "existing request type under Fields - Default Values, publish, then retry"
            )
        else:
            hints.append(f"{field_id}: {message}")
    for message in exc.error_messages:
        hints.append(message)
        if "agent" in message.lower():
            hints.append(AGENT_ADVICE)
    return "Jira refused the change: " + "; ".join(hints or [str(exc)])


def classify(exc: BaseException, *, where: str) -> Outcome:
    """The action for an exception raised while writing to ``where`` (e.g. "SUP-3")."""
    if isinstance(exc, (JiraUnavailable, httpx.TransportError)):
        return Outcome(True, f"Jira did not answer while writing to {where}: {exc}")
    if isinstance(exc, JiraRateLimited):
        return Outcome(True, f"Jira's rate limit was reached while writing to {where}")
    if isinstance(exc, JiraConflict):
        return Outcome(True, f"{where} was being changed by someone else: {exc}")
    if isinstance(exc, JiraAuthError):
        return Outcome(
            False, f"Jira refused Tandem's credentials for {where}: reinstall Tandem on that site"
        )
    if isinstance(exc, JiraPermissionError):
        return Outcome(
            False,
            f"Tandem's app account may not do this on {where}: {AGENT_ADVICE} (Jira said: {exc})",
        )
    if isinstance(exc, JiraNotFound):
        return Outcome(False, f"{where} no longer exists or Tandem cannot see it ({exc})")
    if isinstance(exc, JiraBadRequest):
        return Outcome(False, _bad_request_hint(exc))
    if isinstance(exc, (SyncFailure, JiraError)):
        return Outcome(False, str(exc))
    # A fault of Tandem's own: retried (a restart with a fix may apply it), then parked.
    return Outcome(True, f"Tandem could not apply this change ({type(exc).__name__}: {exc})")
