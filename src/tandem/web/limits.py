"""Caps on request bodies, enforced before and while a body is read.

A body whose ``Content-Length`` is over the cap is answered 413 before any route sees the
request; a body sent without one (chunked) is counted as it arrives and refused the moment it
goes over, so no request makes Tandem hold more than its cap in memory. Webhooks have a larger
cap of their own (``TANDEM_MAX_WEBHOOK_BYTES``): they carry whole issues. Every other body
(lifecycle callbacks, the JSON API, the admin forms) is held to ``TANDEM_MAX_BODY_BYTES``.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tandem.connect.descriptor import WEBHOOK_PATH

TOO_LARGE = 413


class BodyTooLarge(HTTPException):
    """Raised by the counting ``receive`` when a body goes over its cap."""

    def __init__(self, limit: int, setting: str) -> None:
        self.reason = f"the request body is larger than Tandem accepts ({limit} bytes, {setting})"
        super().__init__(TOO_LARGE, detail=self.reason)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def refuse(send: Send, reason: str) -> None:
    body = json.dumps({"error": reason}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": TOO_LARGE,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Pure ASGI middleware: wraps ``receive`` so that no route can read past the cap."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_webhook_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_webhook_bytes = max_webhook_bytes

    def _limit(self, path: str) -> tuple[int, str]:
        if path.rstrip("/").endswith(WEBHOOK_PATH):
            return self.max_webhook_bytes, "TANDEM_MAX_WEBHOOK_BYTES"
        return self.max_body_bytes, "TANDEM_MAX_BODY_BYTES"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self._limit(scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await refuse(send, BodyTooLarge(limit, setting).reason)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit, setting)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await refuse(send, exc.reason)
