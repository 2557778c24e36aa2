"""Intake: turn a verified webhook into stored events, one per synchronization it concerns."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from tandem.jira.webhooks import WebhookEvent
from tandem.sync import service as syncs
from tandem.sync.models import Event
from tandem.sync.queue import events as queue
from tandem.sync.queue import eventtypes
from tandem.tenants.models import Tenant

log = logging.getLogger(__name__)


def dedupe_key(webhook: WebhookEvent, identifier: str | None) -> str:
    """Unique per delivery: Jira's identifier (stable across retries) and the event's ids."""
    issue_id = webhook.issue.id if webhook.issue else "-"
    comment_id = webhook.comment.id if webhook.comment else "-"
    changelog_id = webhook.changelog.id if webhook.changelog and webhook.changelog.id else "-"
    return "|".join(
        [
            identifier or "-",
            webhook.webhook_event,
            issue_id,
            comment_id,
            changelog_id,
            str(webhook.timestamp or "-"),
        ]
    )


async def store(
    *,
    session: AsyncSession,
    tenant: Tenant,
    webhook: WebhookEvent,
    payload: dict[str, object],
    identifier: str | None,
    redelivered: bool,
) -> list[Event]:
    """Store the webhook for every running or paused synchronization of its project;
    duplicates are dropped here, so a redelivery is stored once. Types Tandem does not apply
    are not stored."""
    if not eventtypes.accepted_webhook(webhook.webhook_event):
        log.info("webhook %s not stored: Tandem does not apply this type", webhook.webhook_event)
        return []
    project_id = webhook.project_id
    if webhook.issue is None or project_id is None:
        return []
    stored = []
    for sync in await syncs.receiving_for_project(
        session=session, tenant_id=tenant.id, project_id=project_id
    ):
        side = sync.side_of(tenant.id, project_id)
        assert side is not None
        new = queue.NewEvent(
            side=side,
            dedupe_key=dedupe_key(webhook, identifier),
            webhook_event=webhook.webhook_event,
            issue_id=webhook.issue.id,
            issue_key=webhook.issue.key,
            comment_id=webhook.comment.id if webhook.comment else None,
            actor_account_id=webhook.actor_account_id,
            payload=payload,
            redelivered=redelivered,
            jira_timestamp=webhook.timestamp,
        )
        event = await queue.enqueue(session=session, sync=sync, new=new)
        if event is not None:
            stored.append(event)
    return stored
