"""``tandem sim``: serve simulated Jira Cloud sites, print where they are and who can log in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn

from . import persistence
from .app import create_app
from .faults import (
    Faults,
    Latency,
    Outage,
    PerIssueWriteLimit,
    RateLimit,
    ServerErrors,
    WebhookFaults,
)
from .simulator import Simulator

DEFAULT_SITES = ("customer", "support")


def sim(
    site: Annotated[
        list[str] | None,
        typer.Option("--site", help="Sites of the scenario to serve (default: customer, support)."),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8900,
    scenario: Annotated[
        Path | None, typer.Option(help="Scenario YAML (default: the power-customer one).")
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option(help="JSON state file: loaded at start if present, saved at exit."),
    ] = None,
    public_url: Annotated[
        str | None, typer.Option(help="Root URL clients use (default: http://HOST:PORT).")
    ] = None,
    latency: Annotated[
        str | None, typer.Option(help="Added latency in ms, fixed ('200') or a range ('50-400').")
    ] = None,
    rate_limit: Annotated[
        float, typer.Option(help="Fraction of REST calls answered 429 with Retry-After.")
    ] = 0.0,
    retry_after: Annotated[int, typer.Option(help="Retry-After seconds of those 429s.")] = 1,
    per_issue_writes: Annotated[
        int | None, typer.Option(help="Writes allowed per issue in --per-issue-window seconds.")
    ] = None,
    per_issue_window: Annotated[float, typer.Option(help="Per-issue write window.")] = 2.0,
    server_errors: Annotated[
        float, typer.Option(help="Fraction of REST calls answered with a 5xx.")
    ] = 0.0,
    error_status: Annotated[int, typer.Option(help="Status of those errors.")] = 500,
    drop_webhooks: Annotated[float, typer.Option(help="Fraction of webhooks dropped.")] = 0.0,
    duplicate_webhooks: Annotated[
        float, typer.Option(help="Fraction of webhooks delivered twice.")
    ] = 0.0,
    reorder_webhooks: Annotated[
        float, typer.Option(help="Random delay window (ms) that reorders webhooks.")
    ] = 0.0,
    search_lag: Annotated[
        float, typer.Option(help="Seconds before JQL search sees a write.")
    ] = 0.0,
    outage: Annotated[
        float | None, typer.Option(help="Answer every REST call 503 for this many seconds.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the faults' randomness.")] = None,
    webhook_time_scale: Annotated[
        float,
        typer.Option(help="Multiplies Jira's webhook retry delays (30 minutes in all at 1)."),
    ] = 1.0,
) -> None:
    """Serve simulated Jira Cloud sites (Jira Software and Jira Service Management)."""
    root = (public_url or f"http://{host}:{port}").rstrip("/")
    simulator = build(
        site, scenario=scenario, state=state, public_url=root, webhook_time_scale=webhook_time_scale
    )
    faults = build_faults(
        latency=latency,
        rate_limit=rate_limit,
        retry_after=retry_after,
        per_issue_writes=per_issue_writes,
        per_issue_window=per_issue_window,
        server_errors=server_errors,
        error_status=error_status,
        drop_webhooks=drop_webhooks,
        duplicate_webhooks=duplicate_webhooks,
        reorder_webhooks=reorder_webhooks,
        search_lag=search_lag,
        outage=outage,
        seed=seed,
    )
    for each in simulator.sites.values():
        each.set_faults(faults)
    for line in describe(simulator):
        typer.echo(line)
    try:
        uvicorn.run(create_app(simulator), host=host, port=port, log_level="warning")
    finally:
        if state is not None:
            persistence.save(simulator, state)
            typer.echo(f"state saved to {state}")


def build(
    sites: list[str] | None,
    *,
    scenario: Path | None,
    state: Path | None,
    public_url: str,
    webhook_time_scale: float = 1.0,
) -> Simulator:
    options: dict[str, Any] = {"public_url": public_url, "webhook_time_scale": webhook_time_scale}
    if state is not None and state.exists():
        return persistence.load(state, **options)
    wanted = list(sites or DEFAULT_SITES)
    simulator = Simulator.from_scenario(scenario, sites=wanted, **options)
    missing = sorted(set(wanted) - set(simulator.sites))
    if missing:
        names = ", ".join(missing)
        raise typer.BadParameter(f"the scenario has no site named {names}", param_hint="--site")
    return simulator


def build_faults(
    *,
    latency: str | None,
    rate_limit: float,
    retry_after: int,
    per_issue_writes: int | None,
    per_issue_window: float,
    server_errors: float,
    error_status: int,
    drop_webhooks: float,
    duplicate_webhooks: float,
    reorder_webhooks: float,
    search_lag: float,
    outage: float | None,
    seed: int | None,
) -> Faults:
    return Faults(
        seed=seed,
        latency=_latency(latency),
        rate_limit=RateLimit(rate=rate_limit, retry_after=retry_after) if rate_limit else None,
        per_issue_write_limit=PerIssueWriteLimit(
            limit=per_issue_writes, window_seconds=per_issue_window, retry_after=retry_after
        )
        if per_issue_writes
        else None,
        server_errors=ServerErrors(rate=server_errors, status=error_status)
        if server_errors
        else None,
        webhooks=WebhookFaults(
            drop_rate=drop_webhooks,
            duplicate_rate=duplicate_webhooks,
            reorder_window_ms=reorder_webhooks,
        )
        if drop_webhooks or duplicate_webhooks or reorder_webhooks
        else None,
        search_lag_seconds=search_lag,
        outage=Outage(seconds=outage) if outage else None,
    )


def _latency(text: str | None) -> Latency | None:
    if not text:
        return None
    low, _, high = text.partition("-")
    try:
        return Latency(min_ms=float(low), max_ms=float(high) if high else None)
    except ValueError:
        raise typer.BadParameter(
            "use '200' or '50-400' (milliseconds)", param_hint="--latency"
        ) from None


def describe(simulator: Simulator) -> list[str]:
    """Each site's base URL, then every person's email, API token and accountId."""
    lines = [f"Jira simulator at {simulator.root_url}"]
    for site in simulator.sites.values():
        lines.append(f"  {site.name}: {site.base_url}  ({site.state.title})")
        for project in site.state.projects:
            lines.append(
                f"    project {project.key} ({project.type_key}): "
                f"{site.base_url}/browse/{project.key}"
            )
        for user in site.state.users:
            if user.account_type != "app":
                lines.append(
                    f"    {user.display_name} <{user.email}> token {user.api_token} "
                    f"accountId {user.account_id} ({user.account_type})"
                )
    return lines
