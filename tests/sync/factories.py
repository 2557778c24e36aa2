"""Rows for service tests: tenants and synchronizations straight in the database."""

from __future__ import annotations

import secrets

from tandem.store.db import Database
from tandem.store.secrets import SecretBox
from tandem.sync import service as syncs
from tandem.sync.models import Synchronization
from tandem.sync.service import ProjectSide
from tandem.tenants.models import Tenant, TenantState
from tests.conftest import TEST_SECRET_KEY


async def tenant(database: Database, base_url: str = "https://acme.atlassian.net") -> Tenant:
    async with database.transaction() as session:
        row = Tenant(
            client_key=f"client-{secrets.token_hex(4)}",
            base_url=base_url,
            display_url=base_url,
            product_type="jira",
            description="",
            shared_secret_encrypted=SecretBox(TEST_SECRET_KEY).encrypt("secret"),
            state=TenantState.INSTALLED,
        )
        session.add(row)
    return row


async def synchronization(
    database: Database, first: Tenant, second: Tenant, name: str = "Acme support"
) -> Synchronization:
    async with database.transaction() as session:
        return await syncs.request(
            session=session,
            name=name,
            first=ProjectSide(first, "10000", "ACME", "software"),
            second=ProjectSide(second, "20000", "SUP", "service_desk"),
            requested_by="customer-admin",
        )
