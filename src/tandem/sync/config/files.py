"""Configurations as files (`tandem config export/import`)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tandem.settings import Settings
from tandem.store.db import Database
from tandem.sync import service as syncs
from tandem.sync.config import drafts
from tandem.sync.config.schemas import SyncConfig
from tandem.sync.models import ConfigKind, Synchronization

CLI_ACTOR = "tandem-cli"


class ConfigFileError(Exception):
    """A configuration file or synchronization that cannot be used; the message says why."""


@asynccontextmanager
async def _synchronization(
    settings: Settings, sync_id: int
) -> AsyncIterator[tuple[AsyncSession, Synchronization]]:
    database = Database(settings.database_url)
    try:
        async with database.transaction() as session:
            sync = await syncs.get(session=session, sync_id=sync_id)
            if sync is None:
                raise ConfigFileError(f"there is no synchronization {sync_id}")
            yield session, sync
    finally:
        await database.dispose()


async def export(settings: Settings, sync_id: int, *, published: bool) -> dict[str, Any]:
    kind = ConfigKind.PUBLISHED if published else ConfigKind.DRAFT
    async with _synchronization(settings, sync_id) as (session, sync):
        config = await drafts.configuration(session=session, sync=sync, kind=kind)
    if config is None:
        raise ConfigFileError(f"synchronization {sync_id} has no {kind.value} version")
    return config.model_dump(mode="json")


def read(file: Path) -> SyncConfig:
    """A configuration file, validated; errors name the file and what is wrong."""
    try:
        return SyncConfig.model_validate(json.loads(file.read_text()))
    except OSError as exc:
        raise ConfigFileError(f"cannot read {file}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigFileError(f"{file} is not JSON: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigFileError(f"{file} is not a valid configuration: {problems}") from exc


async def import_(settings: Settings, sync_id: int, file: Path) -> None:
    config = read(file)
    async with _synchronization(settings, sync_id) as (session, sync):
        await drafts.replace_draft(session=session, sync=sync, config=config, account_id=CLI_ACTOR)
