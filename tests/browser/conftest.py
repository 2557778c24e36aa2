"""Chromium (Debian's) driven by Playwright, against the simulator and Tandem over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.support.e2e import servers, stack

__all__ = ["servers", "stack", "browser", "screenshots"]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's Chromium is needed at {CHROMIUM}: apt-get install chromium")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Path:
    """Where a test saves a picture of each step (kept as test artifacts, not in git)."""
    name = str(request.node.name)
    folder = SCREENSHOTS / name.replace("[", "-").rstrip("]")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder
