"""The ``tandem`` command."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from tandem import logs
from tandem.app import create_app
from tandem.connect.descriptor import build_descriptor
from tandem.services import run_worker
from tandem.settings import Settings
from tandem.simulator.cli import sim
from tandem.store import migrate
from tandem.store.secrets import new_key
from tandem.sync.config import files as configfile

app = typer.Typer(help="Tandem: Jira issue synchronization.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
config_app = typer.Typer(help="A synchronization's configuration as a file.", no_args_is_help=True)
app.add_typer(config_app, name="config")
app.command("sim", help="Serve simulated Jira Cloud sites (the Power Customer scenario).")(sim)


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


@app.command()
def worker() -> None:
    """Apply queued events and reconcile, without serving HTTP (beside `tandem serve`)."""
    settings = _settings()
    logs.configure(settings.log_level, json=settings.log_json)
    try:
        asyncio.run(run_worker(settings))
    except KeyboardInterrupt:
        pass


@config_app.command("export")
def config_export(
    sync_id: Annotated[int, typer.Argument(metavar="SYNC", help="Synchronization id.")],
    published: Annotated[bool, typer.Option(help="Export the published version.")] = False,
) -> None:
    """Print a synchronization's draft (or published) configuration as JSON."""
    settings = _settings()
    try:
        document = asyncio.run(configfile.export(settings, sync_id, published=published))
    except configfile.ConfigFileError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(json.dumps(document, indent=2))


@config_app.command("import")
def config_import(
    sync_id: Annotated[int, typer.Argument(metavar="SYNC", help="Synchronization id.")],
    file: Annotated[Path, typer.Argument(help="A JSON file from `tandem config export`.")],
) -> None:
    """Replace a synchronization's draft with FILE (publish it from the UI or the API)."""
    settings = _settings()
    try:
        asyncio.run(configfile.import_(settings, sync_id, file))
    except configfile.ConfigFileError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"draft of synchronization {sync_id} replaced from {file}")


@app.command()
def demo(
    data: Annotated[
        Path | None, typer.Option(help="Data directory to use (default: a fresh one).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Tandem's port (default: a free one).")] = None,
    sim_port: Annotated[
        int | None, typer.Option(help="The Jira simulator's port (default: a free one).")
    ] = None,
    exit_after: Annotated[
        bool, typer.Option("--exit", help="Stop after the story instead of serving on.")
    ] = False,
) -> None:
    """Play the Power Customer scenario on two simulated Jira sites, then keep serving."""
    from tandem.demo.run import run

    logs.configure("WARNING")
    try:
        asyncio.run(run(typer.echo, data=data, port=port, sim_port=sim_port, exit_after=exit_after))
    except KeyboardInterrupt:
        typer.echo("stopped")
