"""Platform v3 parts of an issue with their own endpoints: assignee, watchers, changelog."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import issues, represent
from ..errors import bad_request
from ..models import User
from ..site import Site
from .deps import SITE_PREFIX, ActorDep, SiteDep, integer, json_body, no_content, ok

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3/issue/{issueIdOrKey}")


@router.put("/assignee")
async def assign(issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep) -> Response:
    """``{"accountId": id}`` assigns, ``null`` unassigns (Assign Issues permission)."""
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    issues.require(
        site, actor.user, issue, "ASSIGN_ISSUES", "You do not have permission to assign issues."
    )
    body = await json_body(request)
    if not isinstance(body, dict) or "accountId" not in body:
        raise bad_request("Can not deserialize instance of UserBean")
    account_id = body["accountId"]
    if account_id is not None:
        account_id = _active_user(site, str(account_id)).account_id
    issues.apply_changes(
        site, actor.user, issue, {"assignee": account_id}, type_name="issue_assigned"
    )
    return no_content()


def _active_user(site: Site, account_id: str) -> User:
    account = site.user(account_id)
    if account is None or not account.active:
        raise bad_request(f"User '{account_id}' does not exist or is not active.")
    return account


@router.get("/watchers")
async def get_watchers(issueIdOrKey: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    watchers = [u for u in (site.user(w) for w in issue.watchers) if u is not None]
    return ok(
        {
            "self": site.url(f"/rest/api/3/issue/{issue.key}/watchers"),
            "isWatching": actor.user.account_id in issue.watchers,
            "watchCount": len(watchers),
            "watchers": [represent.user(site, u, viewer=actor.user) for u in watchers],
        }
    )


@router.post("/watchers")
async def add_watcher(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> Response:
    """The body is the account id as a JSON string; an empty body adds the caller."""
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    raw = (await request.body()).strip()
    account_id = actor.user.account_id if not raw else await json_body(request)
    if not isinstance(account_id, str):
        raise bad_request("The account id must be a JSON string.")
    if account_id != actor.user.account_id:
        issues.require(site, actor.user, issue, "MANAGE_WATCHERS", "You cannot add other watchers.")
    account = _active_user(site, account_id)
    if account.account_id not in issue.watchers:
        issue.watchers.append(account.account_id)
        site.index.record(issue.id, issue)
    return no_content()


@router.delete("/watchers")
async def remove_watcher(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> Response:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    account_id = request.query_params.get("accountId")
    if not account_id:
        raise bad_request("The 'accountId' query parameter is required.")
    if account_id != actor.user.account_id:
        issues.require(
            site, actor.user, issue, "MANAGE_WATCHERS", "You cannot remove other watchers."
        )
    if account_id in issue.watchers:
        issue.watchers.remove(account_id)
        site.index.record(issue.id, issue)
    return no_content()


@router.get("/changelog")
async def get_changelog(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    histories: list[dict[str, Any]] = [
        represent.history(site, h, actor.user) for h in issue.histories
    ]
    start = max(0, integer(request, "startAt", 0))
    limit = max(1, min(integer(request, "maxResults", 100), 100))
    page = histories[start : start + limit]
    return ok(
        {
            "self": str(request.url),
            "startAt": start,
            "maxResults": limit,
            "total": len(histories),
            "isLast": start + len(page) >= len(histories),
            "values": page,
        }
    )
