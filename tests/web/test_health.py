from __future__ import annotations

import httpx
from sqlalchemy import text

from tandem.store import migrate
from tandem.store.db import Database


async def test_healthz_answers_while_the_process_is_up(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_the_migration_at_head(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"


async def test_readyz_is_unavailable_when_migrations_are_behind(
    client: httpx.AsyncClient, database: Database, database_url: str
) -> None:
    head = migrate.head_revision(database_url)
    async with database.transaction() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = 'behind'"))
    try:
        response = await client.get("/readyz")
    finally:
        async with database.transaction() as session:
            await session.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head}
            )
    assert response.status_code == 503
    assert "tandem db upgrade" in response.json()["reason"]
