"""Everything a running Tandem shares: settings, database, secrets, HTTP client, verifier.

Built once in the app's lifespan (never at import time) and closed when it ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.connect.auth import RequestVerifier
from tandem.connect.install_keys import InstallKeys
from tandem.settings import Settings
from tandem.store.db import Database
from tandem.store.secrets import SecretBox, secret_box
from tandem.tenants.models import Tenant


class TenantStateHook(Protocol):
    async def __call__(self, session: AsyncSession, tenant: Tenant) -> None: ...


async def _nothing_to_do(session: AsyncSession, tenant: Tenant) -> None:
    return None


@dataclass
class Services:
    settings: Settings
    database: Database
    box: SecretBox
    http: httpx.AsyncClient
    verifier: RequestVerifier
    on_tenant_state: TenantStateHook = field(default=_nothing_to_do)

    @classmethod
    def build(cls, settings: Settings) -> Services:
        box = secret_box(settings)
        http = httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False)
        verifier = RequestVerifier(
            base_url=settings.base_url,
            allowed_hosts=settings.allowed_hosts,
            install_keys=InstallKeys(settings.install_keys_url, http),
            box=box,
        )
        return cls(
            settings=settings,
            database=Database(settings.database_url),
            box=box,
            http=http,
            verifier=verifier,
        )

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.database.dispose()
