"""Which values of a webhook are wiki markup standing for a document (read again as ADF)."""

from __future__ import annotations

from tandem.jira import adf
from tandem.jira.webhooks import WebhookEvent
from tandem.sync.config.schemas import Direction, FieldMapping, Ref
from tandem.sync.engine.mapping import source_issue
from tandem.sync.engine.richtext import wiki_fields
from tandem.sync.models import Side
from tests.support.samples import webhook_sample
from tests.sync.test_mapping import issue, seed_config

NOTES = FieldMapping(
    direction=Direction.BOTH,
    first=Ref(id="customfield_10077"),
    second=Ref(id="customfield_20077"),
)
PRIORITY = FieldMapping(
    direction=Direction.BOTH, first=Ref(id="priority"), second=Ref(id="priority")
)


def test_a_string_description_is_wiki_markup_in_any_payload() -> None:
    config = seed_config()
    wiki = issue(description="*Steps*\n# one")
    assert wiki_fields(config, Side.FIRST, wiki, wiki_payload=False) == ["description"]
    document = issue(description=adf.from_text("Steps"))
    assert wiki_fields(config, Side.FIRST, document, wiki_payload=True) == []


def test_in_a_wiki_payload_every_mapped_string_but_the_summary_may_be_a_document() -> None:
    config = seed_config(fields=[*seed_config().fields, NOTES, PRIORITY])
    values = issue(
        description="h1. Title", customfield_10077="multi\nline", priority={"name": "High"}
    )
    assert wiki_fields(config, Side.FIRST, values, wiki_payload=True) == [
        "description",
        "customfield_10077",
    ]
    assert wiki_fields(config, Side.FIRST, values, wiki_payload=False) == ["description"]


def test_fields_that_are_not_mapped_are_not_read() -> None:
    config = seed_config()
    values = issue(description=None, customfield_10077="text")
    assert wiki_fields(config, Side.FIRST, values, wiki_payload=True) == []


def test_a_genuine_cloud_payload_is_read_as_wiki_markup() -> None:
    event = WebhookEvent.model_validate(webhook_sample("jira_issue_created.cloud.json"))
    assert event.wiki_bodies and event.issue is not None
    config = seed_config(fields=[*seed_config().fields, NOTES])
    found = wiki_fields(config, Side.FIRST, source_issue(event.issue), wiki_payload=True)
    assert found == ["description", "customfield_10077"]
