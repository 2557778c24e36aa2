from __future__ import annotations

import json
import logging

import pytest

from tandem import logs


def test_page_load_tokens_and_credentials_are_redacted() -> None:
    line = (
        'GET /ui/project?projectKey=ACME&jwt=eyJhbGc.eyJpc3M.sig&cp= "Authorization: JWT '
        'eyJ.abc.def" {"sharedSecret": "hunter2-secret"}'
    )
    cleaned = logs.redact(line)
    assert "eyJhbGc" not in cleaned and "eyJ.abc" not in cleaned and "hunter2" not in cleaned
    assert "projectKey=ACME" in cleaned


def test_json_logs_are_one_object_per_line_without_secrets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logs.configure("INFO", json=True)
    try:
        logging.getLogger("tandem.test").info("page load %s", "/ui?jwt=abc.def.ghi")
        record = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    finally:
        logging.getLogger().handlers.clear()
    assert record["level"] == "INFO"
    assert record["logger"] == "tandem.test"
    assert record["message"] == "page load /ui?jwt=[redacted]"
