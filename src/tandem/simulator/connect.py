"""Installing Connect apps: the descriptor, the app user, lifecycle callbacks signed as Jira does.

``installed`` and ``uninstalled`` are signed RS256 with the simulator's install key (served by
``kid``); ``enabled`` and ``disabled`` with the installation's shared secret.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import httpx

from .errors import JiraError
from .models import (
    ROLE_AGENTS,
    ROLE_APPS,
    Installation,
    PropertyExtraction,
    User,
    WebhookModule,
)
from .simulator import Simulator
from .site import Site
from .tokens import shared_secret_token, signed_install_token

SERVER_VERSION = "100265"
PLUGINS_VERSION = "1001.0.0-SNAPSHOT"


class InstallError(JiraError):
    """The install could not complete; the message says which step failed."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(status, [message])


async def install(
    simulator: Simulator, site: Site, descriptor_url: str, *, agent: bool = True
) -> Installation:
    """Fetch the descriptor, create the app user, call ``installed``; undo it all on failure."""
    async with _client(simulator) as client:
        descriptor = await _fetch_descriptor(client, descriptor_url)
        previous = site.installation(str(descriptor.get("key")))
        installation = _installation(site, descriptor, previous)
        app_user = _ensure_app_user(site, installation)
        site.state.installations[installation.key] = installation
        grant_project_access(site, app_user, agent=agent)
        try:
            await _lifecycle(simulator, site, client, installation, "installed")
        except InstallError:
            if previous is None:
                del site.state.installations[installation.key]
            else:
                site.state.installations[installation.key] = previous
            raise
    return installation


async def uninstall(simulator: Simulator, site: Site, app_key: str) -> None:
    installation = _installed(site, app_key)
    async with _client(simulator) as client:
        await _lifecycle(simulator, site, client, installation, "uninstalled")
    del site.state.installations[app_key]


async def set_enabled(simulator: Simulator, site: Site, app_key: str, enabled: bool) -> None:
    installation = _installed(site, app_key)
    async with _client(simulator) as client:
        event = "enabled" if enabled else "disabled"
        await _lifecycle(simulator, site, client, installation, event)
    installation.enabled = enabled


def grant_project_access(site: Site, app_user: User, *, agent: bool) -> None:
    """Apps get the add-ons project role everywhere, and the agent role in service projects."""
    for project in site.state.projects:
        _add_role(project.roles, ROLE_APPS, app_user.account_id)
        if project.type_key == "service_desk":
            if agent:
                _add_role(project.roles, ROLE_AGENTS, app_user.account_id)
            elif app_user.account_id in project.roles.get(ROLE_AGENTS, []):
                project.roles[ROLE_AGENTS].remove(app_user.account_id)


def _add_role(roles: dict[str, list[str]], role: str, account_id: str) -> None:
    members = roles.setdefault(role, [])
    if account_id not in members:
        members.append(account_id)


def _client(simulator: Simulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=simulator.transport, timeout=10.0)


def _installed(site: Site, app_key: str) -> Installation:
    installation = site.installation(app_key)
    if installation is None:
        raise JiraError(404, [f"No app with key '{app_key}' is installed on site '{site.name}'."])
    return installation


async def _fetch_descriptor(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    try:
        response = await client.get(url)
    except httpx.HTTPError as error:
        raise InstallError(f"Could not fetch the descriptor at {url}: {error}", 502) from None
    if response.status_code != 200:
        raise InstallError(f"The descriptor at {url} answered {response.status_code}.", 502)
    try:
        descriptor = response.json()
    except ValueError:
        raise InstallError(f"The descriptor at {url} is not JSON.") from None
    _check_descriptor(descriptor)
    return dict(descriptor)


def _check_descriptor(descriptor: Any) -> None:
    if not isinstance(descriptor, dict):
        raise InstallError("The descriptor is not a JSON object.")
    for key in ("key", "baseUrl"):
        if not isinstance(descriptor.get(key), str) or not descriptor[key]:
            raise InstallError(f"The descriptor has no '{key}'.")
    authentication = descriptor.get("authentication") or {}
    if str(authentication.get("type", "")).lower() != "jwt":
        raise InstallError("The descriptor's authentication type must be 'jwt'.")
    if not (descriptor.get("lifecycle") or {}).get("installed"):
        raise InstallError("A JWT app must declare the 'installed' lifecycle callback.")


def _installation(
    site: Site, descriptor: dict[str, Any], previous: Installation | None
) -> Installation:
    key = str(descriptor["key"])
    modules = descriptor.get("modules") or {}
    return Installation(
        key=key,
        name=str(descriptor.get("name") or key),
        client_key=previous.client_key if previous else str(uuid.uuid4()),
        shared_secret=previous.shared_secret if previous else secrets.token_urlsafe(48),
        base_url=str(descriptor["baseUrl"]).rstrip("/"),
        account_id=previous.account_id if previous else _app_account_id(site, key),
        descriptor=descriptor,
        scopes=[str(s).upper() for s in descriptor.get("scopes") or ["READ"]],
        webhooks=[_webhook(w) for w in modules.get("webhooks") or []],
        extractions=_extractions(modules.get("jiraEntityProperties") or []),
    )


def _app_account_id(site: Site, key: str) -> str:
    return f"557058:{uuid.uuid5(uuid.NAMESPACE_URL, f'{site.state.cloud_id}/{key}')}"


def _webhook(module: dict[str, Any]) -> WebhookModule:
    return WebhookModule(
        event=str(module.get("event", "")),
        url=str(module.get("url", "/")),
        exclude_body=bool(module.get("excludeBody", False)),
        filter=module.get("filter") or None,
    )


def _extractions(modules: list[dict[str, Any]]) -> list[PropertyExtraction]:
    found: list[PropertyExtraction] = []
    for module in modules:
        if str(module.get("entityType", "issue")).lower() != "issue":
            continue
        for configuration in module.get("keyConfigurations") or []:
            for extraction in configuration.get("extractions") or []:
                found.append(
                    PropertyExtraction(
                        property_key=str(configuration.get("propertyKey")),
                        object_name=str(extraction.get("objectName")),
                        type=str(extraction.get("type", "string")).lower(),
                        alias=extraction.get("alias"),
                    )
                )
    return found


def _ensure_app_user(site: Site, installation: Installation) -> User:
    user = site.user(installation.account_id)
    if user is None:
        user = User(
            account_id=installation.account_id,
            display_name=installation.name,
            account_type="app",
            app_key=installation.key,
            time_zone=site.state.default_time_zone,
        )
        site.state.users.append(user)
    user.display_name = installation.name
    user.active = True
    return user


def lifecycle_payload(site: Site, installation: Installation, event: str) -> dict[str, Any]:
    return {
        "key": installation.key,
        "clientKey": installation.client_key,
        "sharedSecret": installation.shared_secret,
        "serverVersion": SERVER_VERSION,
        "pluginsVersion": PLUGINS_VERSION,
        "baseUrl": site.base_url,
        "displayUrl": site.base_url,
        "productType": "jira",
        "description": f"Atlassian JIRA at {site.base_url}",
        "eventType": event,
        "cloudId": site.state.cloud_id,
    }


async def _lifecycle(
    simulator: Simulator,
    site: Site,
    client: httpx.AsyncClient,
    installation: Installation,
    event: str,
) -> None:
    path = (installation.descriptor.get("lifecycle") or {}).get(event)
    if not path:
        return
    url = installation.base_url + "/" + str(path).lstrip("/")
    if event in ("installed", "uninstalled"):
        token = signed_install_token(
            simulator.keys,
            client_key=installation.client_key,
            app_base_url=installation.base_url,
            method="POST",
            url=url,
        )
    else:
        token = shared_secret_token(
            installation.shared_secret,
            client_key=installation.client_key,
            app_base_url=installation.base_url,
            method="POST",
            url=url,
        )
    try:
        response = await client.post(
            url,
            json=lifecycle_payload(site, installation, event),
            headers={"Authorization": f"JWT {token}"},
        )
    except httpx.HTTPError as error:
        raise InstallError(f"The app's '{event}' callback failed: {error}", 502) from None
    if response.status_code >= 300:
        raise InstallError(
            f"The app's '{event}' callback answered {response.status_code}: {response.text[:200]}",
            502,
        )
