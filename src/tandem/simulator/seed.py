"""Building sites from seed documents (the scenario YAML, or JSON sent to the control API).

Users are referred to by email (or accountId), issue types by name, as people write seeds.
A site's ``defaultTimeZone`` (an IANA name, "UTC" if absent) is the zone of users without their
own ``timeZone`` and of the app users that installs create, as Jira's default user time zone is.
"""

from __future__ import annotations

import hashlib
import uuid
from importlib import resources
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from . import defaults
from .errors import JiraError
from .models import (
    ROLE_ADMINISTRATORS,
    ROLE_MEMBERS,
    IssueType,
    Project,
    ProjectType,
    RequestType,
    RequestTypeField,
    ServiceDesk,
    SiteState,
    User,
    WebhookBodies,
)

DEFAULT_SCENARIO = "power-customer"


class SeedError(ValueError):
    """A seed document that cannot be built into a site."""


def load_document(source: str | Path | dict[str, Any] | None) -> dict[str, Any]:
    """A scenario document from a dict, a YAML/JSON file, or a bundled scenario name."""
    if isinstance(source, dict):
        return source
    if source is None or (isinstance(source, str) and "/" not in source and "." not in source):
        name = source or DEFAULT_SCENARIO
        text = resources.files("tandem.simulator").joinpath(f"scenarios/{name}.yaml").read_text()
    else:
        text = Path(source).read_text()
    document = yaml.safe_load(text)
    if not isinstance(document, dict):
        raise SeedError("a scenario is a mapping with a 'sites' list")
    return document


def site_specs(document: dict[str, Any]) -> list[dict[str, Any]]:
    sites = document.get("sites", [])
    if not isinstance(sites, list):
        raise SeedError("'sites' must be a list")
    return sites


def build_site(spec: dict[str, Any]) -> SiteState:
    name = _required(spec, "name")
    state = SiteState(
        name=name,
        title=spec.get("title", name),
        default_time_zone=time_zone(spec.get("defaultTimeZone", "UTC")),
        cloud_id=spec.get("cloudId") or str(uuid.uuid5(uuid.NAMESPACE_URL, f"sim:{name}")),
        statuses=list(defaults.STATUSES),
        priorities=list(defaults.PRIORITIES),
        fields=defaults.fields(),
        webhook_bodies=_webhook_bodies(spec),
    )
    state.users = [_user(state, u) for u in spec.get("users", [])]
    state.issue_types = [_issue_type(t) for t in spec.get("issueTypes", [])]
    for index, project in enumerate(spec.get("projects", [])):
        state.projects.append(_project(state, project, index))
    return state


def _webhook_bodies(spec: dict[str, Any]) -> WebhookBodies:
    value = spec.get("webhookBodies", "wiki")
    if value not in ("wiki", "adf"):
        raise SeedError(f"webhookBodies is 'wiki' or 'adf', not {value!r}")
    return cast(WebhookBodies, value)


def _required(spec: dict[str, Any], key: str) -> Any:
    if key not in spec:
        raise SeedError(f"missing '{key}' in {spec!r}")
    return spec[key]


def time_zone(name: Any) -> str:
    """An IANA time zone name, checked (``SeedError`` if Jira would not know it)."""
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise SeedError(f"unknown time zone '{name}'") from None
    return str(name)


def _user(state: SiteState, spec: dict[str, Any]) -> User:
    email = spec.get("email")
    handle = email or _required(spec, "displayName")
    digest = hashlib.sha256(f"{state.name}:{handle}".encode()).hexdigest()
    return User(
        account_id=spec.get("accountId") or digest[:24],
        display_name=_required(spec, "displayName"),
        email=email,
        account_type=spec.get("accountType", "atlassian"),
        api_token=spec.get("apiToken") or f"ATATT-sim-{digest[24:40]}",
        site_admin=bool(spec.get("siteAdmin", False)),
        email_public=bool(spec.get("emailPublic", False)),
        time_zone=time_zone(spec.get("timeZone", state.default_time_zone)),
    )


def _issue_type(spec: dict[str, Any]) -> IssueType:
    return IssueType(
        id=str(_required(spec, "id")),
        name=_required(spec, "name"),
        description=spec.get("description", ""),
        subtask=bool(spec.get("subtask", False)),
        hierarchy_level=int(spec.get("hierarchyLevel", 0)),
    )


def _account(state: SiteState, reference: str) -> str:
    wanted = reference.lower()
    for user in state.users:
        if wanted in (user.account_id.lower(), (user.email or "").lower()):
            return user.account_id
    raise SeedError(f"unknown user '{reference}' on site '{state.name}'")


def _type_id(state: SiteState, reference: str) -> str:
    for kind in state.issue_types:
        if reference.lower() in (kind.name.lower(), kind.id):
            return kind.id
    raise SeedError(f"unknown issue type '{reference}' on site '{state.name}'")


def _project(state: SiteState, spec: dict[str, Any], index: int) -> Project:
    type_key: ProjectType = spec.get("type", "software")
    type_names = spec.get("issueTypes") or [t.name for t in state.issue_types]
    roles = {
        role: [_account(state, ref) for ref in refs]
        for role, refs in (spec.get("roles") or {}).items()
    }
    if type_key == "software" and ROLE_MEMBERS not in roles:
        roles[ROLE_MEMBERS] = [u.account_id for u in state.users if u.account_type == "atlassian"]
    lead = spec.get("lead")
    admins = roles.get(ROLE_ADMINISTRATORS) or [state.users[0].account_id]
    screens = spec.get("screens") or {}
    issue_type_ids = [_type_id(state, name) for name in type_names]
    return Project(
        id=str(spec.get("id", 10000 + index)),
        key=str(_required(spec, "key")).upper(),
        name=_required(spec, "name"),
        type_key=type_key,
        description=spec.get("description", ""),
        lead_account_id=_account(state, lead) if lead else admins[0],
        issue_type_ids=issue_type_ids,
        workflow=defaults.workflow(type_key),
        roles=roles,
        create_screen=screens.get("create") or defaults.create_screen(type_key),
        edit_screen=screens.get("edit") or defaults.edit_screen(type_key),
        service_desk=_service_desk(state, spec.get("serviceDesk"))
        if type_key == "service_desk"
        else None,
    )


def _service_desk(state: SiteState, spec: dict[str, Any] | None) -> ServiceDesk:
    spec = spec or {}
    return ServiceDesk(
        id=str(spec.get("id", "1")),
        portal_id=str(spec.get("portalId", spec.get("id", "1"))),
        portal_key=spec.get("portalKey", "sd"),
        request_types=[_request_type(state, r) for r in spec.get("requestTypes", [])],
    )


def _request_type(state: SiteState, spec: dict[str, Any]) -> RequestType:
    fields = spec.get("fields") or [
        {"fieldId": "summary", "label": "Summary", "required": True},
        {"fieldId": "description", "label": "Description"},
    ]
    return RequestType(
        id=str(_required(spec, "id")),
        key=_required(spec, "key"),
        name=_required(spec, "name"),
        issue_type_id=_type_id(state, _required(spec, "issueType")),
        description=spec.get("description", ""),
        help_text=spec.get("helpText", ""),
        fields=[
            RequestTypeField(
                field_id=f["fieldId"],
                label=f.get("label", f["fieldId"]),
                required=bool(f.get("required", False)),
            )
            for f in fields
        ],
    )


def seed_error(error: SeedError) -> JiraError:
    return JiraError(400, [str(error)])
