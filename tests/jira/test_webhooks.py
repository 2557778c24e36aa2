"""Webhook payloads as Jira delivered them (captured Cloud payloads, wiki-markup bodies)."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.jira import adf
from tandem.jira.webhooks import WebhookEvent
from tests.support.samples import webhook_sample, webhook_sample_names


def payload(name: str) -> dict[str, Any]:
    return webhook_sample(name)


@pytest.mark.parametrize("name", webhook_sample_names())
def test_every_captured_payload_is_read(name: str) -> None:
    event = WebhookEvent.model_validate(payload(name))
    assert event.issue is not None and event.issue.key
    assert event.project_id is not None
    assert event.actor_account_id is not None
    assert event.is_comment_event == name.startswith("comment_")


def test_comment_event() -> None:
    event = WebhookEvent.model_validate(payload("comment_created.jsdPublic.cloud.json"))
    assert event.webhook_event == "comment_created"
    assert event.comment is not None and event.comment.jsd_public is True
    assert not event.comment.is_internal
    assert adf.to_text(adf.ensure_doc(event.comment.body)) == event.comment.body


def test_changelog_items_keep_from_and_to() -> None:
    event = WebhookEvent.model_validate(payload("jira_issue_updated.changelog-resolved.cloud.json"))
    assert event.changelog is not None
    status = next(item for item in event.changelog.items if item.id == "status")
    assert (status.from_, status.to) == ("3", "10002")
    assert status.from_string and status.to_string
    assert event.changelog_dict() == {"items": [{"fieldId": "resolution"}, {"fieldId": "status"}]}
