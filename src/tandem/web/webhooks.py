"""The webhook receiver: verify, read, store, answer. The worker applies the events later.

The JWT covers the method, path and query, not the body, so it is verified before a byte of
the body is read: an unsigned request costs Tandem nothing. The body is then read under
``TANDEM_MAX_WEBHOOK_BYTES`` (``tandem.web.limits``) and parsed as strict JSON.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from tandem.connect.auth import AuthError
from tandem.connect.descriptor import WEBHOOK_PATH
from tandem.jira import strictjson
from tandem.jira.webhooks import WebhookEvent
from tandem.sync.queue import intake
from tandem.web.deps import ServicesDep

log = logging.getLogger(__name__)
router = APIRouter(tags=["webhooks"])

MAX_IDENTIFIER_LENGTH = 128


def _problems(exc: ValidationError) -> str:
    shown = []
    for error in exc.errors()[:3]:
        where = ".".join(str(part) for part in error["loc"])
        shown.append(f"{where}: {error['msg']}" if where else error["msg"])
    return "; ".join(shown)


def _parse(body: bytes) -> tuple[WebhookEvent, dict[str, object]]:
    try:
        payload = strictjson.loads(body)
    except strictjson.InvalidJson as exc:
        raise AuthError(f"the body is not a Jira webhook: {exc}", 400) from exc
    if not isinstance(payload, dict):
        raise AuthError("the body is not a Jira webhook (JSON with webhookEvent)", 400)
    try:
        return WebhookEvent.model_validate(payload), payload
    except ValidationError as exc:
        raise AuthError(f"the body is not a Jira webhook: {_problems(exc)}", 400) from exc


def _identifier(request: Request) -> str | None:
    identifier = request.headers.get("X-Atlassian-Webhook-Identifier")
    if identifier is not None and len(identifier) > MAX_IDENTIFIER_LENGTH:
        raise AuthError("X-Atlassian-Webhook-Identifier is longer than Jira makes them", 400)
    return identifier


@router.post(WEBHOOK_PATH, status_code=204)
async def receive(request: Request, services: ServicesDep) -> Response:
    """Stored before Jira gets its answer: an event acknowledged is an event kept."""
    async with services.database.transaction() as session:
        context = await services.verifier.verify_tenant_request(session, request)
    webhook, payload = _parse(await request.body())
    retry = request.headers.get("X-Atlassian-Webhook-Retry")
    async with services.database.transaction() as session:
        stored = await intake.store(
            session=session,
            tenant=context.tenant,
            webhook=webhook,
            payload=payload,
            identifier=_identifier(request),
            redelivered=bool(retry and retry != "0"),
        )
    if stored:
        services.wake_worker()
    log.debug("webhook %s: %d event(s) stored", webhook.webhook_event, len(stored))
    return Response(status_code=204)
