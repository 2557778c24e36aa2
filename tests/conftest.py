"""Shared fixtures: databases (SQLite and PostgreSQL), settings, the app over HTTP, a key server."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import create_engine, text

from tandem.app import create_app
from tandem.settings import Settings
from tandem.store import migrate
from tandem.store.db import Database, sync_url
from tandem.tables import metadata
from tests.support.connect import JiraSite, KeyServer, RsaKey
from tests.support.servers import serve

BACKENDS = ("sqlite", "postgresql")
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
APP_BASE_URL = "https://tandem.example.test"
TEST_SECRET_KEY = "Hc7ZQ0c6C4p0TgdR3T9X2vDq1wS8d4q5bPzY0m3nK1o="


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        default=os.environ.get("TANDEM_TEST_DATABASES", ",".join(BACKENDS)),
        help="comma-separated databases to run database tests on: sqlite,postgresql",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        chosen = [b.strip() for b in metafunc.config.getoption("--db").split(",") if b.strip()]
        unknown = set(chosen) - set(BACKENDS)
        if unknown:
            raise pytest.UsageError(f"--db: unknown databases {sorted(unknown)}")
        metafunc.parametrize("backend", chosen, scope="session")


def _create_postgres_database() -> tuple[str, str]:
    name = f"tandem_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_postgres_database(name: str) -> None:
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of the backend with every migration applied, for the whole session."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'tandem.db'}"
        migrate.upgrade(url)
        yield url
        return
    explicit = os.environ.get("TANDEM_TEST_DATABASE_URL")
    if explicit:
        migrate.upgrade(explicit)
        yield explicit
        return
    name, url = _create_postgres_database()
    try:
        migrate.upgrade(url)
        yield url
    finally:
        _drop_postgres_database(name)


def _empty_tables(url: str) -> None:
    engine = create_engine(sync_url(url))
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def database_url(migrated_database: str) -> Iterator[str]:
    """The session's migrated database, emptied after each test."""
    yield migrated_database
    _empty_tables(migrated_database)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
def rsa_key() -> RsaKey:
    return RsaKey.generate("test-kid-1")


@pytest.fixture(scope="session")
def key_server(rsa_key: RsaKey) -> Iterator[KeyServer]:
    server = KeyServer()
    server.add(rsa_key)
    with serve(server.app) as url:
        server.url = url
        yield server


@pytest.fixture
def settings(database_url: str, key_server: KeyServer, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        base_url=APP_BASE_URL,
        secret_key=TEST_SECRET_KEY,
        install_keys_url=key_server.url,
        allowed_hosts=["*.atlassian.net"],
        run_worker=False,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=APP_BASE_URL) as http:
        yield http


@pytest.fixture
async def installed_site(client: httpx.AsyncClient, rsa_key: RsaKey) -> JiraSite:
    """A Jira site that installed the app through a signed ``installed`` callback."""
    site = JiraSite(app_base_url=APP_BASE_URL)
    assert (await site.post_lifecycle(client, rsa_key, "installed")).status_code == 204
    return site
