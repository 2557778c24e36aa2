"""Platform v3 metadata: projects and their statuses, issue types, create metadata, fields,
users, permissions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import represent
from ..clock import jira_time, now
from ..connect import SERVER_VERSION
from ..errors import JiraError, bad_request, forbidden, not_found
from ..models import Project, User
from ..permissions import (
    GLOBAL_PERMISSIONS,
    PROJECT_PERMISSIONS,
    global_permissions,
    has,
    project_permissions,
)
from ..site import Site
from .deps import SITE_PREFIX, ActorDep, SiteDep, integer, json_body, ok, values

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3")

_ACTION_PERMISSION = {
    "view": "BROWSE_PROJECTS",
    "browse": "BROWSE_PROJECTS",
    "edit": "ADMINISTER_PROJECTS",
    "create": "CREATE_ISSUES",
}


def browsable_project(site: Site, user: User, reference: str) -> Project:
    project = site.project(reference)
    if project is None or not has(site, project, user, "BROWSE_PROJECTS"):
        kind = "id" if reference.isdigit() else "key"
        raise not_found(f"No project could be found with {kind} '{reference}'.")
    return project


@router.get("/project/search")
async def search_projects(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    action = request.query_params.get("action", "view")
    permission = _ACTION_PERMISSION.get(action, "BROWSE_PROJECTS")
    keys = {k.upper() for k in values(request, "keys")}
    ids = set(values(request, "id"))
    text = request.query_params.get("query", "").lower()
    type_key = request.query_params.get("typeKey")
    found = [
        p
        for p in sorted(site.state.projects, key=lambda p: p.key)
        if has(site, p, actor.user, permission)
        and (not keys or p.key in keys)
        and (not ids or p.id in ids)
        and (not text or text in p.key.lower() or text in p.name.lower())
        and (not type_key or p.type_key in type_key.split(","))
    ]
    start = max(0, integer(request, "startAt", 0))
    limit = max(1, min(integer(request, "maxResults", 50), 100))
    page = found[start : start + limit]
    full = bool({"description", "lead", "issueTypes"} & set(values(request, "expand")))
    return ok(
        {
            "self": str(request.url),
            "maxResults": limit,
            "startAt": start,
            "total": len(found),
            "isLast": start + len(page) >= len(found),
            "values": [represent.project(site, p, viewer=actor.user, full=full) for p in page],
        }
    )


@router.get("/project/{projectIdOrKey}")
async def get_project(projectIdOrKey: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    project = browsable_project(site, actor.user, projectIdOrKey)
    return ok(represent.project(site, project, viewer=actor.user))


@router.get("/project/{projectIdOrKey}/statuses")
async def project_statuses(projectIdOrKey: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    """Each issue type of the project with the statuses of its workflow."""
    project = browsable_project(site, actor.user, projectIdOrKey)
    statuses = [s for s in (site.status(i) for i in project.workflow.statuses) if s is not None]
    return ok(
        [
            {
                "self": site.url(f"/rest/api/3/issuetype/{kind.id}"),
                "id": kind.id,
                "name": kind.name,
                "subtask": kind.subtask,
                "statuses": [represent.status(site, s) for s in statuses],
            }
            for kind in represent.project_issue_types(site, project)
        ]
    )


@router.get("/issuetype/project")
async def issue_types_for_project(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    project_id = request.query_params.get("projectId", "")
    if not project_id.isdigit():
        raise bad_request("The 'projectId' query parameter is required and must be a number.")
    project = site.project(project_id)
    if project is None or not has(site, project, actor.user, "BROWSE_PROJECTS"):
        raise not_found(f"No project could be found with id '{project_id}'.")
    return ok([represent.issue_type(site, t) for t in represent.project_issue_types(site, project)])


@router.get("/field")
async def get_fields(site: SiteDep, actor: ActorDep) -> JSONResponse:
    return ok(
        [
            {
                "id": f.id,
                "key": f.id,
                "name": f.name,
                "custom": f.custom,
                "orderable": f.orderable,
                "navigable": f.navigable,
                "searchable": f.searchable,
                "clauseNames": f.clause_names,
                "schema": f.type_schema,
            }
            for f in site.state.fields
        ]
    )


def _full_user(site: Site, account: User, viewer: User) -> dict[str, Any]:
    return {
        **represent.user(site, account, viewer=viewer),
        "locale": "en_US",
        "groups": {"size": 0, "items": []},
        "applicationRoles": {"size": 0, "items": []},
        "expand": "groups,applicationRoles",
    }


@router.get("/myself")
async def myself(site: SiteDep, actor: ActorDep) -> JSONResponse:
    return ok(_full_user(site, actor.user, actor.user))


@router.get("/user")
async def get_user(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    account_id = request.query_params.get("accountId")
    if not account_id:
        raise bad_request("The query parameter 'accountId' is required.")
    account = site.user(account_id)
    if account is None:
        raise not_found(
            f"Specified user '{account_id}' does not exist or you do not have required permissions"
        )
    return ok(_full_user(site, account, actor.user))


@router.get("/user/search")
async def search_users(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    text = request.query_params.get("query", "").lower()
    account_id = request.query_params.get("accountId")
    if not text and not account_id:
        raise bad_request("One of 'query' or 'accountId' query parameters must be provided.")
    found = [
        u
        for u in site.state.users
        if u.active
        and (not account_id or u.account_id == account_id)
        and (not text or _user_matches(u, text))
    ]
    start = max(0, integer(request, "startAt", 0))
    limit = max(1, integer(request, "maxResults", 50))
    return ok([represent.user(site, u, viewer=actor.user) for u in found[start : start + limit]])


def _user_matches(account: User, text: str) -> bool:
    words = account.display_name.lower().split()
    return any(w.startswith(text) for w in words) or (account.email or "").lower().startswith(text)


@router.get("/mypermissions")
async def my_permissions(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    wanted = values(request, "permissions")
    if not wanted:
        raise bad_request("The 'permissions' query parameter is required.")
    unknown = [p for p in wanted if p not in PROJECT_PERMISSIONS and p not in GLOBAL_PERMISSIONS]
    if unknown:
        raise bad_request(f"Unrecognized permission keys: {', '.join(unknown)}.")
    granted = _context_permissions(request, site, actor.user)
    return ok({"permissions": {key: _permission(key, key in granted) for key in wanted}})


def _context_permissions(request: Request, site: Site, user: User) -> set[str]:
    params = request.query_params
    reference = params.get("projectKey") or params.get("projectId")
    issue_reference = params.get("issueKey") or params.get("issueId")
    projects = site.state.projects
    if issue_reference:
        issue = site.issue(issue_reference)
        if issue is None:
            raise not_found(f"Issue '{issue_reference}' does not exist.")
        projects = [site.project_of(issue)]
    elif reference:
        project = site.project(reference)
        if project is None:
            raise not_found(f"No project could be found with key '{reference}'.")
        projects = [project]
    granted = set(global_permissions(site, user))
    for project in projects:
        granted |= project_permissions(site, project, user)
    return granted


_PERMISSION_IDS = [*PROJECT_PERMISSIONS, *GLOBAL_PERMISSIONS]


def _permission(key: str, have: bool) -> dict[str, Any]:
    is_global = key in GLOBAL_PERMISSIONS
    name = GLOBAL_PERMISSIONS.get(key) or PROJECT_PERMISSIONS[key]
    return {
        "id": str(_PERMISSION_IDS.index(key)),
        "key": key,
        "name": name,
        "type": "GLOBAL" if is_global else "PROJECT",
        "description": name,
        "havePermission": have,
    }


@router.post("/permissions/check")
async def check_permissions(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request("Can not deserialize instance of BulkPermissionsRequestBean")
    subject = _permission_subject(site, actor.user, actor.installation is not None, body)
    requests = body.get("projectPermissions") or []
    globals_wanted = [g for g in body.get("globalPermissions") or [] if g]
    held_global = global_permissions(site, subject)
    return ok(
        {
            "globalPermissions": [g for g in globals_wanted if g in held_global],
            "projectPermissions": [
                grant for entry in requests for grant in _project_grants(site, subject, entry)
            ],
        }
    )


def _permission_subject(site: Site, caller: User, is_app: bool, body: dict[str, Any]) -> User:
    account_id = body.get("accountId")
    if not account_id or account_id == caller.account_id:
        return caller
    if not is_app and "ADMINISTER" not in global_permissions(site, caller):
        raise forbidden(
            "You must have the Administer Jira global permission to check the "
            "permissions of other users."
        )
    subject = site.user(str(account_id))
    if subject is None:
        raise JiraError(400, [f"The user with account ID '{account_id}' does not exist."])
    return subject


def _project_grants(site: Site, subject: User, entry: Any) -> list[dict[str, Any]]:
    if not isinstance(entry, dict) or not isinstance(entry.get("permissions"), list):
        raise bad_request("Each project permission request needs a 'permissions' list.")
    project_ids = [str(p) for p in entry.get("projects") or [] if p is not None]
    issue_ids = [str(i) for i in entry.get("issues") or [] if i is not None]
    grants = []
    for permission in [p for p in entry["permissions"] if p]:
        projects = [
            int(p.id)
            for pid in project_ids
            if (p := site.project(pid)) and p.id == pid and has(site, p, subject, permission)
        ]
        issues = [
            int(i.id)
            for iid in issue_ids
            if (i := site.state.issues.get(iid))
            and has(site, site.project_of(i), subject, permission)
        ]
        grants.append({"permission": permission, "projects": projects, "issues": issues})
    return grants


@router.get("/serverInfo")
async def server_info(site: SiteDep, actor: ActorDep) -> JSONResponse:
    return ok(
        {
            "baseUrl": site.base_url,
            "displayUrl": site.base_url,
            "version": "1001.0.0-SNAPSHOT",
            "versionNumbers": [1001, 0, 0],
            "deploymentType": "Cloud",
            "buildNumber": int(SERVER_VERSION),
            "buildDate": jira_time(now()),
            "serverTime": jira_time(now()),
            "scmInfo": "simulated",
            "serverTitle": site.state.title,
        }
    )
