from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from tandem.settings import Settings
from tandem.store.secrets import SecretBox, SecretKeyMissing, new_key, resolve_secret_key


def test_secret_box_round_trips_and_hides_the_plaintext() -> None:
    box = SecretBox(new_key())
    ciphertext = box.encrypt("shared-secret-value")
    assert "shared-secret-value" not in ciphertext
    assert box.decrypt(ciphertext) == "shared-secret-value"


def test_decrypting_with_another_key_says_what_is_wrong() -> None:
    ciphertext = SecretBox(new_key()).encrypt("x")
    with pytest.raises(ValueError, match="TANDEM_SECRET_KEY differs"):
        SecretBox(new_key()).decrypt(ciphertext)


def test_invalid_key_is_refused_with_advice() -> None:
    with pytest.raises(ValueError, match="tandem secret-key"):
        SecretBox("not-a-key")


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
