"""The webhook receiver: verify, store, answer. The worker applies the events later."""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from tandem.connect.auth import AuthError
from tandem.connect.descriptor import WEBHOOK_PATH
from tandem.deps import ServicesDep
from tandem.jira.webhooks import WebhookEvent
from tandem.sync import intake

log = logging.getLogger(__name__)
router = APIRouter(tags=["webhooks"])


def _parse(body: bytes) -> tuple[WebhookEvent, dict[str, object]]:
    try:
        payload = json.loads(body)
        return WebhookEvent.model_validate(payload), payload
    except (ValueError, ValidationError) as exc:
        raise AuthError("the body is not a Jira webhook (JSON with webhookEvent)", 400) from exc


@router.post(WEBHOOK_PATH, status_code=204)
async def receive(request: Request, services: ServicesDep) -> Response:
    """Stored before Jira gets its answer: an event acknowledged is an event kept."""
    body = await request.body()
    retry = request.headers.get("X-Atlassian-Webhook-Retry")
    async with services.database.transaction() as session:
        context = await services.verifier.verify_tenant_request(session, request)
        webhook, payload = _parse(body)
        stored = await intake.store(
            session=session,
            tenant=context.tenant,
            webhook=webhook,
            payload=payload,
            identifier=request.headers.get("X-Atlassian-Webhook-Identifier"),
            redelivered=bool(retry and retry != "0"),
        )
    if stored:
        services.wake_worker()
    log.debug("webhook %s: %d event(s) stored", webhook.webhook_event, len(stored))
    return Response(status_code=204)
