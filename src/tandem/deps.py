"""Request dependencies: the services built at start-up and the authenticated caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from tandem.connect.auth import AuthError
from tandem.services import Services
from tandem.tenants import service as tenants
from tandem.tenants.models import Tenant


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


@dataclass(frozen=True)
class Caller:
    """A Jira user acting on one project, verified, and an admin of that project."""

    tenant: Tenant
    account_id: str
    project_id: str
    project_key: str


async def get_caller(request: Request, services: ServicesDep) -> Caller:
    """The session token's user, if Jira says they administer the token's project."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthError("authentication required: send the session token as a Bearer token")
    session_claims = services.sessions.verify(token.strip())
    async with services.database.transaction() as session:
        tenant = await tenants.get_by_client_key(
            session=session, client_key=session_claims.client_key
        )
    if tenant is None or not tenant.is_active:
        raise AuthError("the session's Jira site is no longer installed")
    caller = Caller(
        tenant=tenant,
        account_id=session_claims.account_id,
        project_id=session_claims.project_id,
        project_key=session_claims.project_key,
    )
    if not await services.is_project_admin(tenant, caller.account_id, caller.project_id):
        raise AuthError(f"only administrators of {caller.project_key} can do this", status=403)
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]
