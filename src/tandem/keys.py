"""The installation's secret key: TANDEM_SECRET_KEY, or one generated once and kept in a file."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from tandem.settings import Settings
from tandem.store.secrets import new_key

log = logging.getLogger(__name__)

KEY_FILE_NAME = "tandem.secret"


class SecretKeyMissing(RuntimeError):
    """No TANDEM_SECRET_KEY and nowhere safe to keep a generated one."""


def resolve_secret_key(settings: Settings) -> str:
    """TANDEM_SECRET_KEY, or a key generated once and kept in a file: beside the SQLite file,
    or in the working directory for PostgreSQL in development (production refuses to start
    without the variable, see ``Settings``)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    if settings.is_sqlite and settings.sqlite_path is None:
        return new_key()  # in-memory database: the secrets die with it
    if settings.env != "development" and not settings.is_sqlite:
        raise SecretKeyMissing(
            "TANDEM_SECRET_KEY is not set: generate one with `tandem secret-key`"
        )
    folder = settings.sqlite_path.resolve().parent if settings.sqlite_path else Path.cwd()
    return _key_from_file(folder / KEY_FILE_NAME)


def _key_from_file(key_file: Path) -> str:
    if key_file.exists():
        return key_file.read_text().strip()
    log.warning(
        "TANDEM_SECRET_KEY is not set: generated one and kept it in %s; back it up with the "
        "database, or set TANDEM_SECRET_KEY",
        key_file,
    )
    key = new_key()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
