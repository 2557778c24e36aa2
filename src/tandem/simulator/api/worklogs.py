"""Platform v3 issue worklogs: the issue's worklogs, and logging work."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import issues, worklogs
from .deps import SITE_PREFIX, ActorDep, SiteDep, integer, json_body, ok

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3/issue/{issueIdOrKey}/worklog")


@router.get("")
async def get_worklogs(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    """Oldest first; ``startedAfter``/``startedBefore`` are epoch milliseconds."""
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    after = integer(request, "startedAfter", 0)
    before = integer(request, "startedBefore", 2**62)
    found = [
        w
        for w in sorted(issue.worklogs, key=lambda w: w.created)
        if after <= _millis(w.started) < before
    ]
    start = max(0, integer(request, "startAt", 0))
    limit = max(1, min(integer(request, "maxResults", 5000), 5000))
    page = found[start : start + limit]
    return ok(
        {
            "startAt": start,
            "maxResults": limit,
            "total": len(found),
            "worklogs": [worklogs.worklog_view(site, issue, w, actor.user) for w in page],
        }
    )


def _millis(moment: datetime) -> int:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(aware.timestamp() * 1000)


@router.post("")
async def add_worklog(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    worklog = worklogs.add_worklog(site, actor.user, issue, await json_body(request))
    return ok(worklogs.worklog_view(site, issue, worklog, actor.user), 201)
