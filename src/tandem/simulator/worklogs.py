"""Worklogs: time logged on an issue (Browse Projects and Work On Issues to add one).

``timeSpent`` is Jira's duration text (``1w 2d 3h 4m``; a day is 8 hours, a week 5 days) or
``timeSpentSeconds`` a number; ``started`` is a Jira date-time. ``comment`` is ADF (v3).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from . import adf, issues, represent
from .clock import jira_time, now
from .errors import JiraError, bad_request
from .models import Issue, User, Worklog
from .site import Site

_UNIT_SECONDS = {"w": 5 * 8 * 3600, "d": 8 * 3600, "h": 3600, "m": 60}
_DURATION = re.compile(r"^\s*(?:\d+(?:\.\d+)?[wdhm]\s*)+$")
_PART = re.compile(r"(\d+(?:\.\d+)?)([wdhm])")


def seconds(text: str) -> int:
    """``"1d 2h 30m"`` in seconds; raises ``JiraError`` for anything else."""
    if not _DURATION.match(text):
        raise JiraError(400, [], {"timeLogged": "Invalid time duration entered."})
    return int(sum(float(n) * _UNIT_SECONDS[unit] for n, unit in _PART.findall(text)))


def duration(total: int) -> str:
    """Seconds as Jira writes them: ``1d 2h 30m`` (largest units first, zeros left out)."""
    parts = []
    for unit, size in _UNIT_SECONDS.items():
        if total >= size:
            parts.append(f"{total // size}{unit}")
            total %= size
    return " ".join(parts) or "0m"


def add_worklog(site: Site, user: User, issue: Issue, body: Any) -> Worklog:
    if not isinstance(body, dict):
        raise bad_request("Can not deserialize instance of Worklog")
    issues.require(
        site, user, issue, "WORK_ON_ISSUES", "You do not have the permission to log work."
    )
    spent = _time_spent(body)
    comment = body.get("comment")
    if comment is not None and not adf.is_document(comment):
        raise JiraError(400, [], {"comment": "Comment must be an Atlassian Document."})
    moment = now()
    worklog = Worklog(
        id=site.allocate_object_id(),
        author_id=user.account_id,
        update_author_id=user.account_id,
        comment=comment,
        started=_started(body.get("started")),
        time_spent_seconds=spent,
        created=moment,
        updated=moment,
    )
    issue.worklogs.append(worklog)
    return worklog


def _time_spent(body: dict[str, Any]) -> int:
    if "timeSpent" in body and "timeSpentSeconds" in body:
        raise bad_request("Provide either timeSpent or timeSpentSeconds, not both.")
    raw = body.get("timeSpentSeconds")
    spent = seconds(str(body["timeSpent"])) if "timeSpent" in body else raw
    if not isinstance(spent, int) or spent <= 0:
        raise JiraError(400, [], {"timeLogged": "You must indicate the time spent working."})
    return spent


def _started(raw: Any) -> datetime:
    if not isinstance(raw, str):
        raise JiraError(400, [], {"started": "You must specify a valid start date."})
    try:
        return datetime.strptime(raw, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        raise JiraError(400, [], {"started": "You must specify a valid start date."}) from None


def worklog_view(site: Site, issue: Issue, worklog: Worklog, viewer: User) -> dict[str, Any]:
    body: dict[str, Any] = {
        "self": site.url(f"/rest/api/3/issue/{issue.id}/worklog/{worklog.id}"),
        "author": represent.user_or_none(site, worklog.author_id, viewer),
        "updateAuthor": represent.user_or_none(site, worklog.update_author_id, viewer),
        "created": jira_time(worklog.created),
        "updated": jira_time(worklog.updated),
        "started": _jira_offset_time(worklog.started),
        "timeSpent": duration(worklog.time_spent_seconds),
        "timeSpentSeconds": worklog.time_spent_seconds,
        "id": worklog.id,
        "issueId": issue.id,
    }
    if worklog.comment is not None:
        body["comment"] = worklog.comment
    return body


def _jira_offset_time(moment: datetime) -> str:
    return (
        moment.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{moment.microsecond // 1000:03d}"
        + (moment.strftime("%z") or "+0000")
    )
