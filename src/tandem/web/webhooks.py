"""The webhook receiver: verify, read, store, answer. The worker applies the events later.

One receiver for every door: the door of the route (``add_receiver``) says which tenant sent
the request (``tandem.doors``), before the body is read where its proof allows (Connect's JWT
covers the method, path and query, not the body: an unsigned request costs Tandem nothing).
The body is then read under ``TANDEM_MAX_WEBHOOK_BYTES`` (``tandem.web.limits``), parsed as
strict JSON and stored, whatever the door, in one transaction before the answer.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from tandem.connect.descriptor import WEBHOOK_PATH
from tandem.doors.errors import AuthError
from tandem.jira import strictjson
from tandem.jira.webhooks import WebhookEvent
from tandem.services import Services
from tandem.sync.queue import intake
from tandem.tenants.models import CONNECT_DOOR
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


async def receive(door: str, request: Request, services: Services) -> Response:
    """Stored before Jira gets its answer: an event acknowledged is an event kept."""
    async with services.database.transaction() as session:
        tenant = await services.doors.verify_event(door, session, request)
    webhook, payload = _parse(await request.body())
    retry = request.headers.get("X-Atlassian-Webhook-Retry")
    async with services.database.transaction() as session:
        stored = await intake.store(
            session=session,
            tenant=tenant,
            webhook=webhook,
            payload=payload,
            identifier=_identifier(request),
            redelivered=bool(retry and retry != "0"),
        )
    if stored:
        services.wake_worker()
    log.debug("webhook %s: %d event(s) stored", webhook.webhook_event, len(stored))
    return Response(status_code=204)


def add_receiver(router: APIRouter, path: str, door: str) -> None:
    """Receive the webhooks of door ``door``'s sites at ``path``."""

    async def receive_webhook(request: Request, services: ServicesDep) -> Response:
        return await receive(door, request, services)

    router.add_api_route(
        path, receive_webhook, methods=["POST"], status_code=204, name=f"webhooks_{door}"
    )


add_receiver(router, WEBHOOK_PATH, CONNECT_DOOR)
