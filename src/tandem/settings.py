"""Tandem's settings, read from ``TANDEM_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_FILE = "tandem.db"
ATLASSIAN_INSTALL_KEYS_URL = "https://connect-install-keys.atlassian.com"
MIB = 1024 * 1024


class Settings(BaseSettings):
    """Everything Tandem can be configured with; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = f"sqlite:///{DEFAULT_DATABASE_FILE}"
    base_url: str = "http://127.0.0.1:8080"
    app_key: str = "io.tandem.issue-sync"
    app_name: str = "Tandem Issue Sync"
    secret_key: SecretStr | None = None
    install_keys_url: str = ATLASSIAN_INSTALL_KEYS_URL
    allowed_hosts: Annotated[list[str], NoDecode] = ["*.atlassian.net"]
    log_level: str = "INFO"
    log_json: bool = False
    run_worker: bool = True
    reconcile_minutes: float = 10.0
    event_retention_days: float = Field(default=30.0, gt=0)
    jira_calls_per_second: float = Field(default=10.0, gt=0)
    # How long a create whose answer was lost waits for Jira to announce the new issue before
    # it searches and creates again (see tandem.sync.engine.pending).
    create_confirm_seconds: float = Field(default=120.0, gt=0)
    # Request bodies: forms, the JSON API and lifecycle callbacks are small; a webhook carries a
    # whole issue (every text field up to 32,767 characters, as ADF, plus the changelog).
    max_body_bytes: int = Field(default=1 * MIB, gt=0)
    max_webhook_bytes: int = Field(default=10 * MIB, gt=0)

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    @field_validator("base_url", "install_keys_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres")):
            raise ValueError("TANDEM_DATABASE_URL must be a sqlite:/// or postgresql:// URL")
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        if self.env == "production" and not self.is_sqlite and self.secret_key is None:
            raise ValueError(
                "TANDEM_SECRET_KEY must be set in production with PostgreSQL: it encrypts the "
                "shared secrets stored in the database (generate one with `tandem secret-key`)"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or None for PostgreSQL and in-memory SQLite."""
        if not self.is_sqlite:
            return None
        path = self.database_url.split(":///", 1)[-1]
        return None if path in ("", ":memory:") else Path(path)
