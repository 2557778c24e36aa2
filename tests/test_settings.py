from __future__ import annotations

import pytest
from pydantic import ValidationError

from tandem.settings import Settings


def test_defaults_are_the_embedded_sqlite_file() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.is_sqlite
    assert str(settings.sqlite_path) == "tandem.db"
    assert settings.allowed_hosts == ["*.atlassian.net"]


def test_allowed_hosts_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_ALLOWED_HOSTS", "*.atlassian.net, 127.0.0.1 ,localhost")
    assert Settings().allowed_hosts == ["*.atlassian.net", "127.0.0.1", "localhost"]


def test_production_with_postgres_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ValidationError, match="TANDEM_SECRET_KEY must be set"):
        Settings(env="production", database_url="postgresql://db/tandem", secret_key=None)


def test_unknown_database_is_refused() -> None:
    with pytest.raises(ValidationError, match="sqlite:/// or postgresql://"):
        Settings(database_url="mysql://db/tandem")


def test_body_caps_default_to_one_mib_and_ten_mib_for_webhooks() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.max_body_bytes == 1024 * 1024
    assert settings.max_webhook_bytes == 10 * 1024 * 1024


def test_body_caps_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_MAX_BODY_BYTES", "65536")
    monkeypatch.setenv("TANDEM_MAX_WEBHOOK_BYTES", "2097152")
    settings = Settings()
    assert (settings.max_body_bytes, settings.max_webhook_bytes) == (65536, 2097152)


@pytest.mark.parametrize("name", ["max_body_bytes", "max_webhook_bytes"])
def test_a_body_cap_must_be_positive(name: str) -> None:
    with pytest.raises(ValidationError, match=name):
        Settings(**{name: 0})
