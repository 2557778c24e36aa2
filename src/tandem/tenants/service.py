"""Tenant services: look up and record lifecycle changes. The caller owns the transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.store.base import utcnow
from tandem.store.secrets import SecretBox
from tandem.tenants.models import Tenant, TenantState
from tandem.tenants.schemas import LifecyclePayload


async def get_by_client_key(*, session: AsyncSession, client_key: str) -> Tenant | None:
    """The tenant with this clientKey, whatever its state."""
    return await session.scalar(select(Tenant).where(Tenant.client_key == client_key))


async def get(*, session: AsyncSession, tenant_id: int) -> Tenant | None:
    return await session.get(Tenant, tenant_id)


def shared_secret(*, tenant: Tenant, box: SecretBox) -> str:
    return box.decrypt(tenant.shared_secret_encrypted)


async def record_installed(
    *, session: AsyncSession, payload: LifecyclePayload, box: SecretBox
) -> Tenant:
    """Create the tenant, or update it on a re-install (a new sharedSecret replaces the old)."""
    if payload.shared_secret is None:
        raise ValueError("an installed callback must carry a sharedSecret")
    encrypted = box.encrypt(payload.shared_secret.get_secret_value())
    tenant = await get_by_client_key(session=session, client_key=payload.client_key)
    if tenant is None:
        tenant = Tenant(client_key=payload.client_key, shared_secret_encrypted=encrypted)
        session.add(tenant)
    tenant.base_url = payload.base_url.rstrip("/")
    tenant.display_url = payload.display_url
    tenant.product_type = payload.product_type
    tenant.description = payload.description
    tenant.shared_secret_encrypted = encrypted
    tenant.state = TenantState.INSTALLED
    tenant.installed_at = utcnow()
    tenant.uninstalled_at = None
    await session.flush()
    return tenant


async def record_state(*, session: AsyncSession, tenant: Tenant, state: TenantState) -> Tenant:
    """Mark the tenant enabled, disabled or uninstalled; nothing is deleted."""
    tenant.state = state
    if state is TenantState.UNINSTALLED:
        tenant.uninstalled_at = utcnow()
    await session.flush()
    return tenant


async def get_by_base_url(*, session: AsyncSession, base_url: str) -> Tenant | None:
    """The tenant installed at this Jira URL (its baseUrl or displayUrl)."""
    url = base_url.rstrip("/")
    return await session.scalar(
        select(Tenant)
        .where((Tenant.base_url == url) | (Tenant.display_url == url))
        .order_by(Tenant.id.desc())
        .limit(1)
    )
