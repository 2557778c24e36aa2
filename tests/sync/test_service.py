"""Synchronization states, configuration versions and the audit log, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tandem.cli import app as cli
from tandem.store.db import Database
from tandem.sync import service as syncs
from tandem.sync.config import drafts
from tandem.sync.config.schemas import CommentSettings, SyncConfig
from tandem.sync.errors import SyncError
from tandem.sync.models import ConfigKind, Synchronization, SyncState
from tests.conftest import TEST_SECRET_KEY
from tests.sync import factories


@pytest.fixture
async def sync(database: Database) -> Synchronization:
    customer = await factories.tenant(database)
    support = await factories.tenant(database, "https://support.atlassian.net")
    return await factories.synchronization(database, customer, support)


async def act(database: Database, sync: Synchronization, action: str) -> Synchronization:
    async with database.transaction() as session:
        attached = await session.get(Synchronization, sync.id)
        assert attached is not None
        return await syncs.transition(
            session=session, sync=attached, action=action, account_id="admin"
        )


async def test_a_request_starts_requested_with_an_empty_draft(
    database: Database, sync: Synchronization
) -> None:
    assert sync.state is SyncState.REQUESTED
    async with database.transaction() as session:
        assert await drafts.draft(session=session, sync=sync) == SyncConfig()
        published = await drafts.configuration(
            session=session, sync=sync, kind=ConfigKind.PUBLISHED
        )
    assert published is None


async def test_the_lifecycle_from_request_to_active_and_paused(
    database: Database, sync: Synchronization
) -> None:
    await act(database, sync, "accept")
    with pytest.raises(SyncError, match="publish the draft before starting"):
        await act(database, sync, "start")
    async with database.transaction() as session:
        attached = await session.get(Synchronization, sync.id)
        assert attached is not None
        assert await drafts.publish(session=session, sync=attached, account_id="admin") == 1
    assert (await act(database, sync, "start")).state is SyncState.ACTIVE
    assert (await act(database, sync, "pause")).state is SyncState.PAUSED
    assert (await act(database, sync, "start")).state is SyncState.ACTIVE
    async with database.transaction() as session:
        actions = [e.action for e in await syncs.audit_log(session=session, sync=sync)]
    assert actions == ["start", "pause", "start", "published", "accept", "requested"]


@pytest.mark.parametrize("action", ["pause", "reject", "accept"])
async def test_actions_not_allowed_from_a_state_say_why(
    database: Database, sync: Synchronization, action: str
) -> None:
    await act(database, sync, "accept")
    with pytest.raises(SyncError, match=f"cannot {action} a synchronization that is accepted"):
        await act(database, sync, action)


async def test_a_project_cannot_be_synchronized_with_itself(database: Database) -> None:
    site = await factories.tenant(database)
    async with database.transaction() as session:
        with pytest.raises(SyncError, match="with itself"):
            await syncs.request(
                session=session,
                name="loop",
                first=syncs.ProjectSide(site, "1", "A", "software"),
                second=syncs.ProjectSide(site, "1", "A", "software"),
                requested_by="x",
            )


async def test_uninstall_pauses_active_synchronizations_and_keeps_their_configuration(
    database: Database, sync: Synchronization
) -> None:
    await act(database, sync, "accept")
    async with database.transaction() as session:
        attached = await session.get(Synchronization, sync.id)
        assert attached is not None
        await drafts.replace_draft(
            session=session,
            sync=attached,
            config=SyncConfig(comments=CommentSettings(enabled=True)),
            account_id="admin",
        )
        await drafts.publish(session=session, sync=attached, account_id="admin")
    await act(database, sync, "start")
    async with database.transaction() as session:
        attached = await session.get(Synchronization, sync.id)
        assert attached is not None
        assert await syncs.pause_for_tenant(session=session, tenant=attached.first_tenant) == 1
    async with database.transaction() as session:
        attached = await session.get(Synchronization, sync.id)
        assert attached is not None and attached.state is SyncState.PAUSED
        published = await drafts.configuration(
            session=session, sync=attached, kind=ConfigKind.PUBLISHED
        )
    assert published is not None and published.comments.enabled


def test_config_export_and_import_round_trip_through_the_cli(
    database_url: str, sync: Synchronization, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TANDEM_DATABASE_URL", database_url)
    monkeypatch.setenv("TANDEM_SECRET_KEY", TEST_SECRET_KEY)
    runner = CliRunner()
    config = SyncConfig(comments=CommentSettings(enabled=True, enriched=False))
    file = tmp_path / "config.json"
    file.write_text(config.model_dump_json())

    imported = runner.invoke(cli, ["config", "import", str(sync.id), str(file)])
    exported = runner.invoke(cli, ["config", "export", str(sync.id)])

    assert imported.exit_code == 0, imported.output
    assert exported.exit_code == 0, exported.output
    assert SyncConfig.model_validate(json.loads(exported.output)) == config


def test_config_import_of_an_invalid_file_is_a_clear_error(
    database_url: str, sync: Synchronization, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TANDEM_DATABASE_URL", database_url)
    file = tmp_path / "config.json"
    file.write_text(json.dumps({"issue_types": [{"direction": "sideways"}]}))

    result = CliRunner().invoke(cli, ["config", "import", str(sync.id), str(file)])

    assert result.exit_code == 1
    assert "is not a valid configuration" in result.output
    assert "issue_types.0.direction" in result.output


def test_config_export_of_an_unknown_synchronization_says_so(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TANDEM_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["config", "export", "999"])
    assert result.exit_code == 1
    assert "there is no synchronization 999" in result.output
