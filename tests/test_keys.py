"""The installation's secret key: from the settings, or generated once into a file."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from tandem.keys import SecretKeyMissing, resolve_secret_key
from tandem.settings import Settings


def test_sqlite_key_is_generated_once_beside_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'tandem.db'}", secret_key=None)
    with caplog.at_level(logging.WARNING):
        first = resolve_secret_key(settings)
    assert "TANDEM_SECRET_KEY is not set" in caplog.text
    assert first not in caplog.text
    key_file = tmp_path / "tandem.secret"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert resolve_secret_key(settings) == first


def test_postgres_in_development_keeps_a_generated_key_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(database_url="postgresql://db/tandem", secret_key=None)
    key = resolve_secret_key(settings)
    assert (tmp_path / "tandem.secret").read_text().strip() == key
    assert resolve_secret_key(settings) == key


def test_postgres_outside_development_without_a_key_is_refused() -> None:
    settings = Settings.model_construct(
        env="production", database_url="postgresql://db/tandem", secret_key=None
    )
    with pytest.raises(SecretKeyMissing, match="TANDEM_SECRET_KEY is not set"):
        resolve_secret_key(settings)
