"""Issue links: create, find and delete links between issues, by the site's link types.

Creating and reading need Browse Projects on both issues; creating needs Link Issues on the
outward (from) issue's project, deleting on either project. A duplicate link is not stored
twice. An optional ``comment`` goes on the outward issue.
"""

from __future__ import annotations

from typing import Any

from . import comments, issues, represent
from .errors import JiraError, bad_request, not_found
from .models import Issue, IssueLink, IssueLinkType, User
from .permissions import has
from .site import Site

_SUMMARY_FIELDS = ("summary", "status", "priority", "issuetype")


def link_type(site: Site, reference: Any) -> IssueLinkType:
    """The type named by ``{"id": ...}`` or ``{"name": ...}`` (or a bare id)."""
    wanted = reference if isinstance(reference, dict) else {"id": reference}
    for kind in site.state.link_types:
        if kind.id == str(wanted.get("id")) or kind.name.lower() == str(wanted.get("name")).lower():
            return kind
    raise not_found(
        f"No issue link type with name '{wanted.get('name') or wanted.get('id')}' found."
    )


def _linked(site: Site, user: User, reference: Any) -> Issue:
    if not isinstance(reference, dict) or not (reference.get("key") or reference.get("id")):
        raise bad_request("The issue key or id of both linked issues is required.")
    return issues.visible_issue(site, user, str(reference.get("key") or reference.get("id")))


def create_link(site: Site, user: User, body: Any) -> IssueLink:
    if not isinstance(body, dict):
        raise bad_request("Can not deserialize instance of LinkIssueRequestJsonBean")
    kind = link_type(site, body.get("type"))
    inward = _linked(site, user, body.get("inwardIssue"))
    outward = _linked(site, user, body.get("outwardIssue"))
    if not has(site, site.project_of(outward), user, "LINK_ISSUES"):
        raise JiraError(404, ["You do not have the permission to link issues."])
    link = next(
        (
            k
            for k in site.state.issue_links.values()
            if (k.type_id, k.inward_issue_id, k.outward_issue_id)
            == (kind.id, inward.id, outward.id)
        ),
        None,
    )
    if link is None:
        link = IssueLink(
            id=site.allocate_object_id(),
            type_id=kind.id,
            inward_issue_id=inward.id,
            outward_issue_id=outward.id,
        )
        site.state.issue_links[link.id] = link
    if isinstance(body.get("comment"), dict):
        comments.add_platform_comment(site, user, outward, body["comment"])
    return link


def visible_link(site: Site, user: User, link_id: str) -> tuple[IssueLink, Issue, Issue]:
    link = site.state.issue_links.get(link_id)
    inward = site.state.issues.get(link.inward_issue_id) if link else None
    outward = site.state.issues.get(link.outward_issue_id) if link else None
    if link is None or inward is None or outward is None:
        raise not_found(f"No issue link with id '{link_id}' exists.")
    for issue in (inward, outward):
        if not has(site, site.project_of(issue), user, "BROWSE_PROJECTS"):
            raise not_found(f"No issue link with id '{link_id}' exists.")
    return link, inward, outward


def delete_link(site: Site, user: User, link_id: str) -> None:
    link, inward, outward = visible_link(site, user, link_id)
    if not any(has(site, site.project_of(i), user, "LINK_ISSUES") for i in (inward, outward)):
        raise JiraError(403, ["You do not have the permission to delete links."])
    del site.state.issue_links[link.id]


def link_type_view(site: Site, kind: IssueLinkType) -> dict[str, Any]:
    return {
        "id": kind.id,
        "name": kind.name,
        "inward": kind.inward,
        "outward": kind.outward,
        "self": site.url(f"/rest/api/3/issueLinkType/{kind.id}"),
    }


def linked_issue(site: Site, issue: Issue, viewer: User) -> dict[str, Any]:
    return {
        "id": issue.id,
        "key": issue.key,
        "self": site.url(f"/rest/api/3/issue/{issue.id}"),
        "fields": {f: represent.field_value(site, issue, f, viewer) for f in _SUMMARY_FIELDS},
    }


def link_view(site: Site, link: IssueLink, inward: Issue, outward: Issue, viewer: User) -> Any:
    kind = next((k for k in site.state.link_types if k.id == link.type_id), None)
    return {
        "id": link.id,
        "self": site.url(f"/rest/api/3/issueLink/{link.id}"),
        "type": link_type_view(site, kind) if kind else {"id": link.type_id},
        "inwardIssue": linked_issue(site, inward, viewer),
        "outwardIssue": linked_issue(site, outward, viewer),
    }
