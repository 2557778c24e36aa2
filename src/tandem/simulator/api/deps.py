"""Request dependencies: the simulator, the site, the authenticated caller, inputs."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response

from .. import scopes
from ..auth import Actor, authenticate
from ..errors import JiraError, bad_request
from ..simulator import Simulator
from ..site import Site

SITE_PREFIX = "/sites/{site}"


async def get_simulator(request: Request) -> Simulator:
    simulator: Simulator = request.app.state.simulator
    return simulator


SimulatorDep = Annotated[Simulator, Depends(get_simulator)]


async def get_site(site: str, simulator: SimulatorDep) -> Site:
    found = simulator.sites.get(site)
    if found is None:
        raise JiraError(404, [f"There is no site named '{site}'."])
    return found


SiteDep = Annotated[Site, Depends(get_site)]


def endpoint(request: Request) -> str:
    """``METHOD /rest/...``: the route template below the site prefix."""
    route = request.scope.get("route")
    template = str(getattr(route, "path", request.url.path))
    return f"{request.method} {template.removeprefix(SITE_PREFIX)}"


def relative_url(request: Request, site: Site) -> str:
    raw = request.scope.get("raw_path") or request.url.path.encode()
    path = raw.decode("latin-1")
    marker = path.find(site.base_path)
    path = path[marker + len(site.base_path) :] if marker >= 0 else path
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


async def get_actor(request: Request, site: SiteDep) -> Actor:
    actor = authenticate(
        site,
        method=request.method,
        relative_url=relative_url(request, site),
        authorization=request.headers.get("authorization", ""),
    )
    if actor.installation is not None:
        scopes.check(actor.installation.scopes, endpoint(request))
    return actor


ActorDep = Annotated[Actor, Depends(get_actor)]


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        raise bad_request("No content to map due to end-of-input")
    try:
        return json.loads(raw)
    except ValueError as error:
        raise bad_request(f"Unexpected character in the request body: {error}") from None


def values(request: Request, name: str) -> list[str]:
    """A repeatable, comma-separable query parameter (``fields``, ``expand``, ``properties``)."""
    return [
        v.strip() for raw in request.query_params.getlist(name) for v in raw.split(",") if v.strip()
    ]


def flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() == "true"


def notify_users(request: Request) -> bool:
    """``notifyUsers``: true unless sent as false (its default in Jira's spec)."""
    return request.query_params.get("notifyUsers", "true").lower() != "false"


def integer(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"The value '{raw}' of '{name}' is not a number.") from None


def ok(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def no_content() -> Response:
    return Response(status_code=204)
