"""Customer request parts with their own endpoints: the caller's requests, participants,
customer transitions and the status history.

Customers act on the requests they reported or take part in; agents on every request of their
desks. The simulator configures no customer-facing transitions, so a customer sees none and an
agent sees the workflow's transitions from the current status.
"""

from __future__ import annotations

from typing import Any

from . import issues, servicedesk, servicedesk_views
from .defaults import REQUEST_TYPE_FIELD_ID
from .models import Issue, User
from .permissions import is_agent
from .site import Site

OWNERSHIP = {"OWNED_REQUESTS", "PARTICIPATED_REQUESTS", "ALL_REQUESTS"}


def my_requests(site: Site, user: User, filters: dict[str, Any]) -> list[Issue]:
    """Requests ``user`` may see, newest activity first, narrowed by the list's filters.

    ``filters``: ``ownership`` (set of ``OWNERSHIP`` values), ``status`` (``OPEN_REQUESTS``,
    ``CLOSED_REQUESTS``, ``ALL_REQUESTS``), ``desk``, ``request_type``, ``text``.
    """
    found = []
    for project, desk in servicedesk.visible_desks(site, user):
        if filters.get("desk") not in (None, desk.id):
            continue
        agent = is_agent(site, project, user)
        for issue in site.state.issues.values():
            if issue.project_id == project.id and (agent or servicedesk.involves(issue, user)):
                found.append(issue)
    wanted = [i for i in found if _matches(site, user, i, filters)]
    return sorted(wanted, key=lambda i: i.updated, reverse=True)


def _matches(site: Site, user: User, issue: Issue, filters: dict[str, Any]) -> bool:
    ownership: set[str] = filters.get("ownership") or set()
    mine = issue.fields.get("reporter") == user.account_id
    taking_part = user.account_id in issue.participants
    if ownership and "ALL_REQUESTS" not in ownership:
        owned_ok = "OWNED_REQUESTS" in ownership and mine
        if not owned_ok and not ("PARTICIPATED_REQUESTS" in ownership and taking_part):
            return False
    state = site.status(issue.fields.get("status"))
    closed = state is not None and state.category == "done"
    status_filter = filters.get("status") or "ALL_REQUESTS"
    if (status_filter == "OPEN_REQUESTS" and closed) or (
        status_filter == "CLOSED_REQUESTS" and not closed
    ):
        return False
    kind = filters.get("request_type")
    if kind is not None and str(issue.fields.get(REQUEST_TYPE_FIELD_ID) or "") != kind:
        return False
    text = str(filters.get("text") or "").lower().strip("*")
    return not text or text in str(issue.fields.get("summary", "")).lower()


def participants(site: Site, issue: Issue) -> list[User]:
    return [u for u in (site.user(a) for a in issue.participants) if u is not None]


def change_participants(
    site: Site, caller: User, issue: Issue, body: Any, *, add: bool
) -> list[User]:
    """Add or remove ``body["accountIds"]``: agents for anyone, customers for themselves."""
    if not isinstance(body, dict) or not isinstance(body.get("accountIds", []), list):
        raise servicedesk.sd_error(400, "The request body is not valid.")
    account_ids = [str(a) for a in body.get("accountIds") or []]
    agent = is_agent(site, site.project_of(issue), caller)
    if not agent and any(a != caller.account_id for a in account_ids):
        raise servicedesk.sd_error(
            403, "You do not have permission to manage participants on this request."
        )
    for account_id in account_ids:
        account = site.user(account_id)
        if account is None or not account.active:
            raise servicedesk.sd_error(400, f"The user '{account_id}' does not exist.")
        present = account_id in issue.participants
        if add and not present:
            issue.participants.append(account_id)
        elif not add and present:
            issue.participants.remove(account_id)
    site.index.record(issue.id, issue)
    return participants(site, issue)


def customer_transitions(site: Site, user: User, issue: Issue) -> list[dict[str, Any]]:
    if not is_agent(site, site.project_of(issue), user):
        return []
    return [{"id": t.id, "name": t.name} for t in issues.available_transitions(site, issue)]


def perform_transition(site: Site, caller: User, issue: Issue, body: Any) -> None:
    """Move the request along ``body["id"]``; ``additionalComment.body`` becomes a public
    comment."""
    if not isinstance(body, dict) or not body.get("id"):
        raise servicedesk.sd_error(400, "The transition ID is required.")
    offered = {t["id"] for t in customer_transitions(site, caller, issue)}
    if str(body["id"]) not in offered:
        raise servicedesk.sd_error(
            400, f"The transition with ID {body['id']} is not available for this request."
        )
    issues.transition_issue(site, caller, issue, {"transition": {"id": str(body["id"])}})
    comment = body.get("additionalComment")
    if isinstance(comment, dict) and comment.get("body"):
        servicedesk.add_comment(site, caller, issue, {"body": comment["body"], "public": True})


def status_history(site: Site, issue: Issue) -> list[dict[str, Any]]:
    """Each status the request has had, newest first (``CustomerRequestStatusDTO``)."""
    entries = [(issue.created, _first_status(issue))]
    for history in issue.histories:
        for item in history.items:
            if item.field_id == "status" and item.to_value:
                entries.append((history.created, item.to_value))
    return [_status(site, moment, status_id) for moment, status_id in reversed(entries)]


def _first_status(issue: Issue) -> str:
    for history in issue.histories:
        for item in history.items:
            if item.field_id == "status" and item.from_value:
                return item.from_value
    return str(issue.fields.get("status"))


def _status(site: Site, moment: Any, status_id: str) -> dict[str, Any]:
    state = site.status(status_id)
    return {
        "status": state.name if state else "",
        "statusCategory": servicedesk_views.CATEGORY[state.category] if state else "UNDEFINED",
        "statusDate": servicedesk_views.date(moment),
    }
