"""Request dependencies of the HTTP adapters: the services built at start-up, the verified
caller of the JSON API, and the synchronization a route names."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tandem.connect.auth import AuthError
from tandem.services import Services
from tandem.sync.models import Synchronization
from tandem.tenants import service as tenants
from tandem.usecases.caller import Caller, visible_sync


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def caller_from_session(services: Services, token: str) -> Caller:
    """Who a session token speaks for; ``AuthError`` if it is invalid or the site is gone."""
    claims = services.sessions.verify(token)
    async with services.database.transaction() as session:
        tenant = await tenants.get_by_client_key(session=session, client_key=claims.client_key)
    if tenant is None or not tenant.is_active:
        raise AuthError("Tandem is no longer installed on this Jira site")
    return Caller(
        tenant=tenant,
        account_id=claims.account_id,
        project_id=claims.project_id,
        project_key=claims.project_key,
    )


async def get_caller(request: Request, services: ServicesDep) -> Caller:
    """The session token's user, if Jira says they administer the token's project."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthError("authentication required: send the session token as a Bearer token")
    caller = await caller_from_session(services, token.strip())
    if not await services.is_project_admin(caller.tenant, caller.account_id, caller.project_id):
        raise AuthError(f"only administrators of {caller.project_key} can do this", status=403)
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


async def get_sync(sync_id: int, caller: CallerDep, services: ServicesDep) -> Synchronization:
    return await visible_sync(db=services.database, caller=caller, sync_id=sync_id)


SyncDep = Annotated[Synchronization, Depends(get_sync)]
