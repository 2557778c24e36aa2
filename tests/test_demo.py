"""`tandem demo` as a new user runs it: a subprocess on a fresh data directory."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tandem.jira import adf

CASEY = ("casey@acme.example", "ATATT-sim-casey-4f1d2c9e")
ALEX = ("alex@support.example", "ATATT-sim-alex-7c4a1e38")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}


def test_demo_exit_plays_the_story_and_ends(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tandem", "demo", "--exit", "--data", str(tmp_path / "data")],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "ACME-4 Bug" in result.stdout and "(not synchronized)" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("ACME-1 "))
    assert "SUP-1" in row and "Get IT Help" in row and "3 (1 internal)" in row
    assert (tmp_path / "data" / "tandem.db").exists()


def test_demo_keeps_serving_and_the_simulated_sites_show_the_synced_state(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tandem", "demo", "--data", str(tmp_path / "data")],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        output = []
        for line in process.stdout:
            output.append(line)
            if line.startswith("Tandem keeps running"):
                break
        text = "".join(output)
        support = re.search(r"support site: (\S+)", text)
        customer = re.search(r"customer site: (\S+)", text)
        assert support and customer, text

        sup = httpx.get(f"{support[1]}/rest/api/3/issue/SUP-1", auth=ALEX).json()
        assert sup["fields"]["summary"] == "VPN drops every hour (office only)"
        assert sup["fields"]["customfield_10010"]["requestType"]["name"] == "Get IT Help"
        acme_comments = httpx.get(
            f"{customer[1]}/rest/api/3/issue/ACME-1/comment", auth=CASEY
        ).json()["comments"]
        bodies = [adf.to_text(c["body"]) for c in acme_comments]
        assert any("router logs" in body for body in bodies)
        assert not any("Legacy plan" in body for body in bodies)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()
