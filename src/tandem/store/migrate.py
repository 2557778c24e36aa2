"""Alembic migrations, run from code: upgrade to head and check the current revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

import tandem
from tandem.store.db import sync_url


def migrations_dir() -> Path:
    """The migrations shipped in the wheel, or the repository's top-level folder."""
    packaged = Path(tandem.__file__).parent / "migrations"
    if packaged.is_dir():
        return packaged
    return Path(tandem.__file__).resolve().parents[2] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", sync_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to ``revision``."""
    command.upgrade(alembic_config(database_url), revision)


def head_revision(database_url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The revision the connected database is at (run through ``AsyncConnection.run_sync``)."""
    return MigrationContext.configure(connection).get_current_revision()
