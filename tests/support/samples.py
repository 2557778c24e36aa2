"""Webhook payloads captured from Jira Cloud, kept in tests/fixtures/webhooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

WEBHOOK_SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"


def webhook_sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((WEBHOOK_SAMPLES / name).read_text())
    return data


def webhook_sample_names() -> list[str]:
    return sorted(path.name for path in WEBHOOK_SAMPLES.glob("*.json"))
