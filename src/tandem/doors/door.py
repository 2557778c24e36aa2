"""The ``Door`` interface and ``Doors``, the registry that dispatches on a tenant's door.

Rules every door keeps:

- ``kind`` is stored in ``tenants.door``; a tenant is called and heard only through the door
  of its kind, so a site connected one way cannot be spoken for another way;
- ``address`` names the site and its credentials without building the auth (a version or a
  ciphertext, never the secret): when it changes, the pool builds a new client;
- ``verify_event`` decides which active tenant sent an event request, before the engine sees
  anything, and raises ``AuthError`` with the reason otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from tandem.doors.errors import AuthError
from tandem.jira.pool import ClientPool, SiteAddress
from tandem.jira.ratelimit import RateLimits
from tandem.tenants.models import Tenant


class Door(Protocol):
    """One way a Jira site is connected: how Tandem calls it and how it hears from it."""

    @property
    def kind(self) -> str:
        """The name stored in ``tenants.door`` for the sites of this door."""
        ...

    def auth(self, tenant: Tenant) -> httpx.Auth:
        """How calls to ``tenant``'s Jira prove they are Tandem's."""
        ...

    def address(self, tenant: Tenant) -> SiteAddress:
        """``tenant``'s site and a name for its current credentials."""
        ...

    async def verify_event(self, session: AsyncSession, request: Request) -> Tenant:
        """The active tenant that sent this event request; ``AuthError`` if none proves it."""
        ...


class UnknownDoor(LookupError):
    """A tenant of a door this Tandem does not open."""


class Doors:
    """The doors this Tandem opens, by kind; one client pool serves the sites of all of them."""

    def __init__(self, doors: Iterable[Door] = ()) -> None:
        self._doors: dict[str, Door] = {}
        for door in doors:
            self.add(door)

    def add(self, door: Door) -> None:
        if door.kind in self._doors:
            raise ValueError(f"a door of kind {door.kind!r} is already open")
        self._doors[door.kind] = door

    def get(self, kind: str) -> Door:
        try:
            return self._doors[kind]
        except KeyError:
            raise UnknownDoor(f"no door of kind {kind!r} is open") from None

    def of(self, tenant: Tenant) -> Door:
        """The door ``tenant`` is connected through."""
        return self.get(tenant.door)

    async def verify_event(self, kind: str, session: AsyncSession, request: Request) -> Tenant:
        """The tenant that sent an event to the receiver of door ``kind``: verified by that
        door, and connected through it."""
        tenant = await self.get(kind).verify_event(session, request)
        if tenant.door != kind:
            raise AuthError(f"this Jira site is not connected through {kind}")
        return tenant

    def auth(self, tenant: Tenant) -> httpx.Auth:
        return self.of(tenant).auth(tenant)

    def address(self, tenant: Tenant) -> SiteAddress:
        """The door's address, its credentials named with the door: a site that moves to
        another door gets a new client even if the credentials' names collide."""
        address = self.of(tenant).address(tenant)
        return replace(address, credentials=f"{tenant.door}:{address.credentials}")

    def client_pool(
        self,
        *,
        calls_per_second: float = RateLimits.default.rate,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> ClientPool[Tenant]:
        """One pool for every site, each client signed by its tenant's door."""
        return ClientPool(
            address=self.address,
            auth=self.auth,
            calls_per_second=calls_per_second,
            transport=transport,
        )
