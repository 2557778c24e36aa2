"""The control API (not part of Jira): sites, users, installs, faults, counters, webhooks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from .. import connect
from ..errors import JiraError, bad_request, not_found
from ..faults import Faults
from ..models import ROLES, Project
from ..seed import SeedError, seed_error
from ..site import Site
from .deps import SITE_PREFIX, SimulatorDep, SiteDep, json_body, ok

router = APIRouter()
SITE_CONTROL = SITE_PREFIX + "/_sim"


@router.get("/_sim/sites")
async def list_sites(simulator: SimulatorDep) -> JSONResponse:
    return ok({"sites": [site.summary() for site in simulator.sites.values()]})


@router.post("/_sim/sites")
async def create_site(request: Request, simulator: SimulatorDep) -> JSONResponse:
    spec = await json_body(request)
    if not isinstance(spec, dict):
        raise bad_request("A site seed is a JSON object.")
    try:
        site = simulator.add_site(spec)
    except SeedError as error:
        raise seed_error(error) from None
    return ok(site.summary(), 201)


@router.get(SITE_CONTROL + "/users")
async def list_users(site: SiteDep) -> JSONResponse:
    return ok(
        {
            "users": [
                {
                    "accountId": u.account_id,
                    "displayName": u.display_name,
                    "emailAddress": u.email,
                    "accountType": u.account_type,
                    "apiToken": u.api_token if u.account_type != "app" else None,
                    "siteAdmin": u.site_admin,
                    "appKey": u.app_key,
                }
                for u in site.state.users
            ]
        }
    )


async def _app_key(request: Request) -> str:
    body = await json_body(request)
    key = body.get("key") if isinstance(body, dict) else None
    if not isinstance(key, str):
        raise bad_request('Send {"key": "<app key>"}.')
    return key


@router.post(SITE_CONTROL + "/install")
async def install(request: Request, simulator: SimulatorDep, site: SiteDep) -> JSONResponse:
    body = await json_body(request)
    url = body.get("descriptorUrl") if isinstance(body, dict) else None
    if not isinstance(url, str):
        raise bad_request('Send {"descriptorUrl": "https://..."}.')
    installation = await connect.install(simulator, site, url, agent=bool(body.get("agent", True)))
    return ok(_installation(site, installation.key))


def _installation(site: Site, key: str) -> dict[str, Any]:
    installation = site.installation(key)
    if installation is None:
        raise not_found(f"No app with key '{key}' is installed.")
    return {
        "key": installation.key,
        "name": installation.name,
        "clientKey": installation.client_key,
        "sharedSecret": installation.shared_secret,
        "baseUrl": site.base_url,
        "appBaseUrl": installation.base_url,
        "accountId": installation.account_id,
        "enabled": installation.enabled,
        "scopes": installation.scopes,
    }


@router.get(SITE_CONTROL + "/installations")
async def installations(site: SiteDep) -> JSONResponse:
    return ok({"installations": [_installation(site, k) for k in site.state.installations]})


@router.post(SITE_CONTROL + "/uninstall")
async def uninstall(request: Request, simulator: SimulatorDep, site: SiteDep) -> JSONResponse:
    key = await _app_key(request)
    await connect.uninstall(simulator, site, key)
    return ok({"key": key, "uninstalled": True})


@router.post(SITE_CONTROL + "/enable")
async def enable(request: Request, simulator: SimulatorDep, site: SiteDep) -> JSONResponse:
    key = await _app_key(request)
    await connect.set_enabled(simulator, site, key, True)
    return ok(_installation(site, key))


@router.post(SITE_CONTROL + "/disable")
async def disable(request: Request, simulator: SimulatorDep, site: SiteDep) -> JSONResponse:
    key = await _app_key(request)
    await connect.set_enabled(simulator, site, key, False)
    return ok(_installation(site, key))


@router.get(SITE_CONTROL + "/faults")
async def get_faults(site: SiteDep) -> JSONResponse:
    return ok(site.faults.model_dump(by_alias=True, exclude_none=True))


@router.put(SITE_CONTROL + "/faults")
async def put_faults(request: Request, site: SiteDep) -> JSONResponse:
    try:
        faults = Faults.model_validate(await json_body(request))
    except ValidationError as error:
        raise bad_request(f"Invalid faults: {error}") from None
    site.set_faults(faults)
    return ok(site.faults.model_dump(by_alias=True, exclude_none=True))


@router.delete(SITE_CONTROL + "/faults")
async def clear_faults(site: SiteDep) -> JSONResponse:
    site.set_faults(Faults())
    return ok(site.faults.model_dump(by_alias=True, exclude_none=True))


@router.get("/_sim/counters")
async def all_counters(simulator: SimulatorDep) -> JSONResponse:
    return ok(simulator.counters.as_dict())


@router.get(SITE_CONTROL + "/counters")
async def site_counters(simulator: SimulatorDep, site: SiteDep) -> JSONResponse:
    return ok(simulator.counters.as_dict(site.name).get(site.name, {}))


@router.post("/_sim/counters/reset")
async def reset_counters(simulator: SimulatorDep) -> JSONResponse:
    simulator.counters.reset()
    return ok({})


@router.get("/_sim/webhooks/pending")
async def pending_webhooks(simulator: SimulatorDep) -> JSONResponse:
    return ok(simulator.dispatcher.summary())


@router.get("/_sim/webhooks")
async def webhook_log(request: Request, simulator: SimulatorDep) -> JSONResponse:
    site = request.query_params.get("site")
    records = [d.record() for d in simulator.dispatcher.history if site in (None, d.site)]
    return ok({"deliveries": records, **simulator.dispatcher.summary()})


@router.post("/_sim/idle")
async def idle(request: Request, simulator: SimulatorDep) -> JSONResponse:
    """Wait until every queued webhook delivery has finished (or ``timeout`` seconds)."""
    try:
        timeout = float(request.query_params.get("timeout", "10"))
    except ValueError:
        raise bad_request("timeout must be a number of seconds") from None
    settled = await simulator.dispatcher.wait_idle(timeout)
    return ok({"idle": settled, **simulator.dispatcher.summary()}, 200 if settled else 504)


def _project(site: Site, key: str) -> Project:
    project = site.project(key)
    if project is None:
        raise not_found(f"No project '{key}' on site '{site.name}'.")
    return project


@router.put(SITE_CONTROL + "/projects/{projectKey}/roles/{role}")
async def set_role(projectKey: str, role: str, request: Request, site: SiteDep) -> JSONResponse:
    project = _project(site, projectKey)
    body = await json_body(request)
    members = body.get("accountIds") if isinstance(body, dict) else None
    if role not in ROLES or not isinstance(members, list):
        raise bad_request(f'Send {{"accountIds": [...]}} for one of the roles {list(ROLES)}.')
    unknown = [m for m in members if site.user(str(m)) is None]
    if unknown:
        raise JiraError(400, [f"Unknown accounts: {unknown}"])
    project.roles[role] = [str(m) for m in members]
    return ok({"roles": project.roles})


@router.put(SITE_CONTROL + "/projects/{projectKey}/screens")
async def set_screens(projectKey: str, request: Request, site: SiteDep) -> JSONResponse:
    project = _project(site, projectKey)
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request('Send {"create": [...], "edit": [...]} with field ids.')
    for name in ("create", "edit"):
        screen = body.get(name)
        if screen is not None:
            setattr(project, f"{name}_screen", [str(f) for f in screen])
    return ok({"create": project.create_screen, "edit": project.edit_screen})


@router.get(SITE_CONTROL + "/settings")
async def get_settings(site: SiteDep) -> JSONResponse:
    return ok({"webhookBodies": site.state.webhook_bodies})


@router.put(SITE_CONTROL + "/settings")
async def put_settings(request: Request, site: SiteDep) -> JSONResponse:
    """``{"webhookBodies": "wiki" | "adf"}``: rich text in webhooks as wiki markup (as Jira
    Cloud sends it) or as ADF documents."""
    body = await json_body(request)
    bodies = body.get("webhookBodies") if isinstance(body, dict) else None
    if bodies not in ("wiki", "adf"):
        raise bad_request('Send {"webhookBodies": "wiki"} or {"webhookBodies": "adf"}.')
    site.state.webhook_bodies = bodies
    return ok({"webhookBodies": site.state.webhook_bodies})


@router.get("/_sim/state")
async def state(simulator: SimulatorDep) -> JSONResponse:
    return ok(simulator.state().model_dump(mode="json"))
