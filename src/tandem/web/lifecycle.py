"""The Connect app's HTTP entry points: the descriptor and the lifecycle callbacks."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request, Response

from tandem.connect.auth import AuthError, token_of
from tandem.connect.descriptor import build_descriptor
from tandem.tenants import service as tenants
from tandem.tenants.models import TenantState
from tandem.tenants.schemas import LifecyclePayload
from tandem.web.deps import ServicesDep

log = logging.getLogger(__name__)
router = APIRouter(tags=["connect"])


@router.get("/atlassian-connect.json")
async def descriptor(services: ServicesDep) -> dict[str, Any]:
    return build_descriptor(services.settings)


@router.post("/installed", status_code=204)
async def installed(request: Request, payload: LifecyclePayload, services: ServicesDep) -> Response:
    await services.verifier.verify_signed_install(request, payload)
    async with services.database.transaction() as session:
        tenant = await tenants.record_installed(session=session, payload=payload, box=services.box)
    log.info("installed on %s (clientKey %s)", tenant.base_url, tenant.client_key)
    return Response(status_code=204)


async def _record_state(
    request: Request, payload: LifecyclePayload, services: ServicesDep, state: TenantState
) -> Response:
    await services.verifier.verify_signed_install(request, payload)
    async with services.database.transaction() as session:
        tenant = await tenants.get_by_client_key(session=session, client_key=payload.client_key)
        if tenant is None:
            raise AuthError("no installation is known for this clientKey")
        await tenants.record_state(session=session, tenant=tenant, state=state)
        await services.on_tenant_state(session, tenant)
    log.info("%s on %s (clientKey %s)", state.value, tenant.base_url, tenant.client_key)
    return Response(status_code=204)


@router.post("/uninstalled", status_code=204)
async def uninstalled(
    request: Request, payload: LifecyclePayload, services: ServicesDep
) -> Response:
    return await _record_state(request, payload, services, TenantState.UNINSTALLED)


@router.post("/enabled", status_code=204)
async def enabled(request: Request, payload: LifecyclePayload, services: ServicesDep) -> Response:
    return await _record_state(request, payload, services, TenantState.ENABLED)


@router.post("/disabled", status_code=204)
async def disabled(request: Request, payload: LifecyclePayload, services: ServicesDep) -> Response:
    try:
        token_of(request)
    except AuthError:
        # Jira may send `disabled` unsigned right after `uninstalled`; it changes nothing then.
        async with services.database.transaction() as session:
            tenant = await tenants.get_by_client_key(session=session, client_key=payload.client_key)
        if tenant is not None and tenant.state is TenantState.UNINSTALLED:
            return Response(status_code=204)
        raise
    return await _record_state(request, payload, services, TenantState.DISABLED)
