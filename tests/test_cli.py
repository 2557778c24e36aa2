"""The ``tandem`` command as a user runs it: a real process on a fresh directory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.servers import free_port


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(extra)
    return env


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tandem", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=_clean_env(TANDEM_RUN_WORKER="false"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    pytest.fail(f"tandem serve did not start:\n{output}")
                time.sleep(0.2)
        yield url, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_serve_on_a_fresh_directory_answers_descriptor_and_health(
    served: tuple[str, Path],
) -> None:
    url, directory = served
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{url}/readyz")
    assert ready.status_code == 200, ready.text
    descriptor = httpx.get(f"{url}/atlassian-connect.json").json()
    assert descriptor["baseUrl"] == "http://127.0.0.1:8080"
    assert (directory / "tandem.db").exists()
    assert (directory / "tandem.secret").exists()


def test_invalid_configuration_is_a_clear_cli_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tandem", "db", "upgrade"],
        cwd=tmp_path,
        env=_clean_env(TANDEM_DATABASE_URL="mysql://nope"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "invalid configuration" in result.stderr
    assert "Traceback" not in result.stderr


def test_sim_serves_the_two_scenario_sites(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tandem", "sim", "--port", str(port)],
        cwd=tmp_path,
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                sites = httpx.get(f"http://127.0.0.1:{port}/_sim/sites", timeout=1).json()
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "sim did not start"
                time.sleep(0.2)
        assert sorted(site["name"] for site in sites["sites"]) == ["customer", "support"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_worker_runs_until_asked_to_stop(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'tandem.db'}"
    upgrade = subprocess.run(
        [sys.executable, "-m", "tandem", "db", "upgrade"],
        env=_clean_env(TANDEM_DATABASE_URL=database),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "tandem", "worker"],
        env=_clean_env(TANDEM_DATABASE_URL=database),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        started = process.stdout.readline()
        while "worker started" not in started:
            assert started, "the worker exited before it started"
            started = process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert "worker stopped" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
        if process.stdout:
            process.stdout.close()
