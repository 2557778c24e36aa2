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
