"""The ``tandem`` command."""

from __future__ import annotations

import json
from typing import Annotated

import typer
import uvicorn

from tandem import logs
from tandem.app import create_app
from tandem.connect.descriptor import build_descriptor
from tandem.settings import Settings
from tandem.store import migrate
from tandem.store.secrets import new_key

app = typer.Typer(help="Tandem: Jira issue synchronization.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        typer.echo(f"error: invalid configuration: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
) -> None:
    """Run the app (with its worker); upgrades the embedded SQLite database first."""
    settings = _settings()
    logs.configure(settings.log_level, json=settings.log_json)
    if settings.is_sqlite:
        migrate.upgrade(settings.database_url)
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None, access_log=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply the database migrations up to REVISION (default: the newest)."""
    settings = _settings()
    logs.configure(settings.log_level, json=settings.log_json)
    migrate.upgrade(settings.database_url, revision)
    typer.echo(f"database at {migrate.head_revision(settings.database_url)}")


@app.command()
def descriptor() -> None:
    """Print the Connect descriptor for the current settings."""
    typer.echo(json.dumps(build_descriptor(_settings()), indent=2))


@app.command("secret-key")
def secret_key() -> None:
    """Print a new random TANDEM_SECRET_KEY."""
    typer.echo(new_key())
