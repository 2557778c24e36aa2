"""The Connect door: sites that installed Tandem as a Connect app.

Calls are signed as the app (``clientauth``); events are webhooks signed with the tenant's
shared secret (HS256 JWT over the method, path and query), verified by ``auth``.
"""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from tandem.connect.auth import RequestVerifier
from tandem.connect.clientauth import ConnectSigner
from tandem.jira.pool import SiteAddress
from tandem.tenants.models import CONNECT_DOOR, Tenant


class ConnectDoor:
    """A ``tandem.doors.Door`` for Connect installations."""

    kind = CONNECT_DOOR

    def __init__(self, *, verifier: RequestVerifier, signer: ConnectSigner) -> None:
        self._verifier = verifier
        self._signer = signer

    def auth(self, tenant: Tenant) -> httpx.Auth:
        return self._signer.auth(tenant)

    def address(self, tenant: Tenant) -> SiteAddress:
        return self._signer.address(tenant)

    async def verify_event(self, session: AsyncSession, request: Request) -> Tenant:
        """The JWT covers the method, path and query, not the body: it is checked before a
        byte of the body is read, so an unsigned request costs nothing."""
        context = await self._verifier.verify_tenant_request(session, request)
        return context.tenant
