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


@pytest.mark.parametrize("name", webhook_sample_names())
def test_cloud_payloads_carry_rich_text_as_wiki_markup(name: str) -> None:
    """Jira Cloud's webhooks are REST v2 representations: their links say so."""
    event = WebhookEvent.model_validate(payload(name))
    assert event.wiki_bodies
    assert event.issue is not None and event.issue.self_url is not None
    assert "/rest/api/2/" in event.issue.self_url


def test_a_v3_payload_carries_documents() -> None:
    sample = payload("comment_created.jsdPublic.cloud.json")
    sample["issue"]["self"] = sample["issue"]["self"].replace("/api/2/", "/api/3/")
    sample["comment"]["self"] = sample["comment"]["self"].replace("/api/2/", "/api/3/")
    sample["comment"]["body"] = adf.from_text("Added a comment")
    event = WebhookEvent.model_validate(sample)
    assert not event.wiki_bodies
    assert event.comment is not None and adf.is_doc(event.comment.body)


def test_a_string_body_is_wiki_markup_whatever_the_links() -> None:
    sample = payload("comment_created.jsdPublic.cloud.json")
    for part in ("issue", "comment"):
        del sample[part]["self"]
    event = WebhookEvent.model_validate(sample)
    assert event.wiki_bodies
    assert event.comment is not None and event.comment.body == "Added a comment"
