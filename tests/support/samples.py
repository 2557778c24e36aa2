"""Webhook payloads captured from Jira Cloud, kept in tests/specs/webhooks."""

from __future__ import annotations

import json
from typing import Any

from tests.support.openapi import SPECS_DIR

WEBHOOK_SAMPLES = SPECS_DIR / "webhooks"


def webhook_sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((WEBHOOK_SAMPLES / name).read_text())
    return data


def webhook_sample_names() -> list[str]:
    return sorted(path.name for path in WEBHOOK_SAMPLES.glob("*.json"))
