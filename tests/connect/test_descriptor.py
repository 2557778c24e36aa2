from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tandem.cli import app as cli
from tandem.connect.descriptor import WEBHOOK_EVENTS, build_descriptor
from tandem.settings import Settings
from tests.conftest import APP_BASE_URL

COMMITTED = Path(__file__).resolve().parents[2] / "atlassian-connect.json"


@pytest.fixture
def default_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("TANDEM_"):
            monkeypatch.delenv(name)


@pytest.mark.usefixtures("default_env")
def test_committed_descriptor_is_the_default_rendering() -> None:
    assert json.loads(COMMITTED.read_text()) == build_descriptor(Settings()), (
        "atlassian-connect.json is stale: regenerate it with `tandem descriptor > "
        "atlassian-connect.json` (with no TANDEM_* variables set)"
    )


@pytest.mark.usefixtures("default_env")
def test_cli_prints_the_live_descriptor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_BASE_URL", "https://tandem.example.org/")
    result = CliRunner().invoke(cli, ["descriptor"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["baseUrl"] == "https://tandem.example.org"


async def test_served_descriptor_declares_what_jira_needs(client: httpx.AsyncClient) -> None:
    response = await client.get("/atlassian-connect.json")
    assert response.status_code == 200
    descriptor = response.json()
    assert descriptor["baseUrl"] == APP_BASE_URL
    assert descriptor["authentication"] == {"type": "jwt"}
    assert descriptor["apiMigrations"] == {"signed-install": True, "context-qsh": True}
    assert set(descriptor["scopes"]) == {"READ", "WRITE", "DELETE"}
    assert descriptor["lifecycle"] == {
        "installed": "/installed",
        "uninstalled": "/uninstalled",
        "enabled": "/enabled",
        "disabled": "/disabled",
    }
    webhooks = descriptor["modules"]["webhooks"]
    assert [hook["event"] for hook in webhooks] == list(WEBHOOK_EVENTS)
    assert all(hook["excludeBody"] is False for hook in webhooks)
    (panel,) = descriptor["modules"]["jiraProjectAdminTabPanels"]
    assert panel["name"]["value"] == "Issue Synchronization"
    (entity,) = descriptor["modules"]["jiraEntityProperties"]
    assert entity["entityType"] == "issue"
