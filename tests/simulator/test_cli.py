"""``tandem sim``: what it prints, fault flags, the state file, ``python -m tandem.simulator``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner

from tandem.simulator import cli
from tests.support.servers import free_port, serve


def _command() -> typer.Typer:
    app = typer.Typer()
    app.command()(cli.sim)
    return app


def _fake_server(monkeypatch: pytest.MonkeyPatch, visit: Any) -> None:
    """Serve the app the command built, visit it, then return as if stopped by Ctrl-C."""

    def run(app: Any, *, port: int, **options: Any) -> None:
        with serve(app, port=port) as url, httpx.Client(base_url=url) as http:
            visit(http)

    monkeypatch.setattr(cli.uvicorn, "run", run)


def test_prints_sites_and_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    _fake_server(
        monkeypatch,
        lambda http: seen.update(
            faults=http.get("/sites/support/_sim/faults").json(),
            sites=http.get("/_sim/sites").json()["sites"],
        ),
    )
    port = free_port()
    result = CliRunner().invoke(
        _command(),
        [
            "--site",
            "support",
            "--port",
            str(port),
            "--latency",
            "5-10",
            "--rate-limit",
            "0.25",
            "--seed",
            "4",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"support: http://127.0.0.1:{port}/sites/support" in result.output
    assert "sam@support.example" in result.output and "ATATT-sim-sam-2b9e5f71" in result.output
    assert "customer:" not in result.output
    assert [s["name"] for s in seen["sites"]] == ["support"]
    assert seen["faults"]["rateLimit"]["rate"] == 0.25
    assert seen["faults"]["latency"] == {"minMs": 5.0, "maxMs": 10.0}


def test_state_file_survives_a_restart(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    state = tmp_path / "sim.json"
    auth = ("casey@acme.example", "ATATT-sim-casey-4f1d2c9e")

    def create(http: httpx.Client) -> None:
        created = http.post(
            "/sites/customer/rest/api/3/issue",
            auth=auth,
            json={
                "fields": {
                    "project": {"key": "ACME"},
                    "issuetype": {"name": "Task"},
                    "summary": "Persisted",
                }
            },
        )
        assert created.status_code == 201, created.text

    _fake_server(monkeypatch, create)
    first = CliRunner().invoke(_command(), ["--state", str(state), "--port", str(free_port())])
    assert first.exit_code == 0, first.output
    assert state.exists()
    found: dict[str, Any] = {}
    _fake_server(
        monkeypatch,
        lambda http: found.update(
            http.get("/sites/customer/rest/api/3/issue/ACME-1", auth=auth).json()
        ),
    )
    second = CliRunner().invoke(_command(), ["--state", str(state), "--port", str(free_port())])
    assert second.exit_code == 0, second.output
    assert found["fields"]["summary"] == "Persisted"


def test_unknown_site_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_server(monkeypatch, lambda http: None)
    result = CliRunner().invoke(_command(), ["--site", "nowhere"])
    assert result.exit_code != 0


def test_module_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tandem.simulator", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and "--state" in done.stdout
