"""What to do when applying an event fails: retry later, or park it with advice for the admin.

exception                      action   what the admin reads
JiraUnavailable, timeouts      retry    Jira did not answer; Tandem keeps trying
JiraRateLimited                retry    Jira asked Tandem to slow down
JiraConflict (409)             retry    the issue was being changed
JiraAuthError (401)            fail     Jira refused Tandem's credentials: reinstall
JiraPermissionError (403)      fail     the app's account lacks a permission (e.g. JSM agent)
JiraNotFound (404)             fail     the issue, comment or project is gone
JiraBadRequest (400)           fail     Jira's own field errors, with a hint where we have one
SyncFailure                    fail     a rule of ours (e.g. a field not on the edit screen:
                                        add it to the screen; Tandem may not override
                                        screen security, which needs Administer Jira)
ValidationError, TypeError,    fail     the stored event's data is not a shape Tandem can apply
KeyError, AttributeError,               (which field, not its value); retrying cannot help
IndexError, ValueError,
RecursionError
anything else                  retry    a fault of Tandem's own; parked after the last attempt
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from pydantic import ValidationError

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
# Overriding screen security needs the Administer Jira global permission (Jira's spec, on
# PUT /rest/api/3/issue/{issueIdOrKey}), which Tandem's scopes do not ask for: the one remedy
# is the screen itself.
SCREEN_ADVICE = (
    "add the field to the screen Jira uses to edit issues of that type in the target project, "
    "then retry the event"
)
AGENT_ADVICE = "in the service project, give the app's account the agent role"


# Raised when a payload is not of the shape its event type promises: the same data fails the
# same way on every attempt, so it is parked at once instead of holding the later events.
PAYLOAD_SHAPE_ERRORS = (TypeError, KeyError, AttributeError, IndexError, ValueError, RecursionError)
MAX_DETAIL = 200


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
            hints.append(f"field {field_id} is not on the target's screen: {SCREEN_ADVICE}")
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


def _shape_problem(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": str(exc)}
        where = ".".join(str(part) for part in first["loc"]) or "the event"
        detail = f"{where}: {first['msg']} ({exc.error_count()} problem(s))"
    else:
        detail = f"{type(exc).__name__}: {exc}"
    if len(detail) > MAX_DETAIL:
        detail = detail[:MAX_DETAIL] + "…"
    return f"the event's data is not in a shape Tandem can apply ({detail})"


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
    if isinstance(exc, PAYLOAD_SHAPE_ERRORS):
        return Outcome(False, _shape_problem(exc))
    # A fault of Tandem's own: retried (a restart with a fix may apply it), then parked.
    return Outcome(True, f"Tandem could not apply this change ({type(exc).__name__}: {exc})")
