"""Comment operations shared by the platform and service desk APIs."""

from __future__ import annotations

from typing import Any

from . import adf, events
from .clock import now
from .errors import JiraError, bad_request, not_found
from .fieldvalues import INVALID_INPUT, NOT_ADF
from .models import Comment, Issue, User
from .permissions import has, is_agent
from .site import Site

PUBLIC_COMMENT_PROPERTY = "sd.public.comment"
_NO_COMMENT = "Can not find a comment for the id: {}."


def comment_body(raw: Any) -> dict[str, Any]:
    """A platform v3 comment body: an ADF document, nothing else."""
    if not isinstance(raw, dict):
        raise JiraError(400, [], {"comment": NOT_ADF})
    if not adf.is_document(raw):
        raise JiraError(400, [INVALID_INPUT], {})
    if not raw.get("content"):
        raise JiraError(400, [], {"comment": "Comment body can not be empty!"})
    return raw


def _properties(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, list) or not all(isinstance(p, dict) and "key" in p for p in raw):
        raise bad_request("Comment properties must be a list of key and value pairs.")
    return {str(p["key"]): p.get("value") for p in raw}


def _internal_from(properties: dict[str, Any], default: bool) -> bool:
    marker = properties.get(PUBLIC_COMMENT_PROPERTY)
    if isinstance(marker, dict) and "internal" in marker:
        return bool(marker["internal"])
    return default


def add_platform_comment(site: Site, actor: User, issue: Issue, body: Any) -> Comment:
    if not isinstance(body, dict):
        raise bad_request("Can not deserialize instance of Comment")
    document = comment_body(body.get("body"))
    properties = _properties(body.get("properties"))
    internal = _internal_from(properties, False)
    visibility = body.get("visibility")
    if visibility is not None and not isinstance(visibility, dict):
        raise bad_request("Comment visibility must be an object.")
    return add_comment(
        site,
        actor,
        issue,
        document,
        internal=internal,
        visibility=visibility,
        properties=properties,
    )


def add_comment(
    site: Site,
    actor: User,
    issue: Issue,
    document: dict[str, Any],
    *,
    internal: bool,
    visibility: dict[str, Any] | None = None,
    properties: dict[str, Any] | None = None,
    portal: bool = False,
) -> Comment:
    """Store a comment and emit ``comment_created`` (and the legacy ``issue_commented``).

    ``portal``: the service desk API already checked the caller may comment on the request.
    """
    project = site.project_of(issue)
    if not portal and not has(site, project, actor, "ADD_COMMENTS"):
        raise bad_request("You do not have the permission to comment on this issue.")
    jsm = project.type_key == "service_desk"
    if internal and jsm and not is_agent(site, project, actor):
        raise bad_request("Only agents can add internal comments.")
    moment = now()
    properties = dict(properties or {})
    if jsm:
        properties[PUBLIC_COMMENT_PROPERTY] = {"internal": internal}
    note = Comment(
        id=site.allocate_comment_id(),
        author_id=actor.account_id,
        update_author_id=actor.account_id,
        body=document,
        created=moment,
        updated=moment,
        internal=internal and jsm,
        visibility=visibility,
        properties=properties,
    )
    issue.comments.append(note)
    _touch(site, issue)
    _emit(site, events.COMMENT_CREATED, issue, note, actor)
    return note


def find_comment(issue: Issue, comment_id: str) -> Comment:
    note = next((c for c in issue.comments if c.id == str(comment_id)), None)
    if note is None:
        raise not_found(_NO_COMMENT.format(comment_id))
    return note


def visible_comment(site: Site, viewer: User, issue: Issue, comment_id: str) -> Comment:
    note = find_comment(issue, comment_id)
    if note.internal and not is_agent(site, site.project_of(issue), viewer):
        raise not_found(_NO_COMMENT.format(comment_id))
    return note


def update_comment(site: Site, actor: User, issue: Issue, note: Comment, body: Any) -> Comment:
    if not isinstance(body, dict):
        raise bad_request("Can not deserialize instance of Comment")
    _require_own_or_all(site, actor, issue, note, "EDIT")
    document = comment_body(body.get("body"))
    properties = _properties(body.get("properties"))
    note.body = document
    if "visibility" in body:
        note.visibility = body.get("visibility")
    note.properties.update(properties)
    if site.project_of(issue).type_key == "service_desk":
        note.internal = _internal_from(properties, note.internal)
    note.updated = now()
    note.update_author_id = actor.account_id
    _touch(site, issue)
    _emit(site, events.COMMENT_UPDATED, issue, note, actor)
    return note


def set_comment_property(
    site: Site, actor: User, issue: Issue, note: Comment, key: str, value: Any
) -> bool:
    """Set a comment property; ``sd.public.comment`` switches a JSM comment's visibility."""
    _require_own_or_all(site, actor, issue, note, "EDIT")
    created = key not in note.properties
    note.properties[key] = value
    if key == PUBLIC_COMMENT_PROPERTY and site.project_of(issue).type_key == "service_desk":
        internal = _internal_from(note.properties, note.internal)
        if internal != note.internal:
            note.internal = internal
            note.updated = now()
            _touch(site, issue)
            _emit(site, events.COMMENT_UPDATED, issue, note, actor)
    return created


def delete_comment(site: Site, actor: User, issue: Issue, note: Comment) -> None:
    _require_own_or_all(site, actor, issue, note, "DELETE")
    issue.comments.remove(note)
    _touch(site, issue)
    _emit(site, events.COMMENT_DELETED, issue, note, actor)


def _require_own_or_all(site: Site, actor: User, issue: Issue, note: Comment, verb: str) -> None:
    project = site.project_of(issue)
    own = note.author_id == actor.account_id and has(site, project, actor, f"{verb}_OWN_COMMENTS")
    if not own and not has(site, project, actor, f"{verb}_ALL_COMMENTS"):
        raise bad_request(f"You do not have the permission to {verb.lower()} this comment.")


def _touch(site: Site, issue: Issue) -> None:
    issue.updated = now()
    site.index.record(issue.id, issue)


def _emit(site: Site, name: str, issue: Issue, note: Comment, actor: User) -> None:
    event = events.comment_event(name, issue, note, actor)
    site.emit(event)
    site.emit(events.legacy_issue_update(event))
