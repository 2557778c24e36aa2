"""What the engine does with each kind of failure, and what the admin reads."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from tandem.jira.errors import (
    JiraAuthError,
    JiraBadRequest,
    JiraConflict,
    JiraNotFound,
    JiraPermissionError,
    JiraRateLimited,
    JiraUnavailable,
)
from tandem.jira.webhooks import WebhookEvent
from tandem.sync.queue.failures import SyncFailure, classify


@pytest.mark.parametrize(
    ("exc", "transient", "advice"),
    [
        (JiraUnavailable("503", status=503), True, "Jira did not answer"),
        (httpx.ConnectError("refused"), True, "Jira did not answer"),
        (JiraRateLimited("429", status=429), True, "rate limit"),
        (JiraConflict("409", status=409), True, "being changed"),
        (JiraAuthError("401", status=401), False, "reinstall Tandem on that site"),
        (JiraPermissionError("403", status=403), False, "agent role"),
        (JiraNotFound("404", status=404), False, "no longer exists"),
        (
            JiraBadRequest(
                "400",
                status=400,
                errors={
                    "labels": "Field 'labels' cannot be set. It is not on the appropriate screen"
                },
            ),
            False,
            "labels is not on the target's screen",
        ),
        (
            JiraBadRequest("400", status=400, error_messages=["Only agents can add internal"]),
            False,
            "give the app's account the agent role",
        ),
        (SyncFailure("add the field to the screen"), False, "add the field to the screen"),
        (KeyError("body"), False, "not in a shape Tandem can apply (KeyError: 'body')"),
        (TypeError("'str' object is not a mapping"), False, "not in a shape Tandem can apply"),
        (AttributeError("'list' has no attribute 'get'"), False, "AttributeError"),
        (RecursionError("maximum recursion depth"), False, "not in a shape Tandem can apply"),
        (RuntimeError("surprise"), True, "Tandem could not apply this change (RuntimeError"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else None,
)
def test_each_failure_is_retried_or_parked_with_advice(
    exc: BaseException, transient: bool, advice: str
) -> None:
    outcome = classify(exc, where="SUP-1")
    assert outcome.transient is transient
    assert advice in outcome.message


def test_a_payload_of_the_wrong_shape_is_parked_with_the_field_not_its_value() -> None:
    secret_body = "internal note: the customer's password is hunter2"
    try:
        WebhookEvent.model_validate(
            {"webhookEvent": "comment_created", "comment": {"id": secret_body}}
        )
    except ValidationError as exc:
        outcome = classify(exc, where="SUP-1")
    assert outcome.transient is False
    assert "comment.id" in outcome.message
    assert "hunter2" not in outcome.message


def test_a_long_reason_is_cut() -> None:
    outcome = classify(ValueError("x" * 5000), where="SUP-1")
    assert outcome.transient is False
    assert len(outcome.message) < 300
