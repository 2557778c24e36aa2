"""Attachments: files on an issue, their content kept (base64) in the site state.

Adding needs Create Attachments and the ``X-Atlassian-Token: no-check`` header Jira demands
of multipart uploads; deleting needs Delete Own Attachments for one's own, Delete All
Attachments for anyone's; reading needs Browse Projects on the issue.
"""

from __future__ import annotations

import base64
from typing import Any

from . import issues, represent
from .clock import jira_time, now
from .errors import JiraError, not_found
from .models import Attachment, Issue, User
from .permissions import has
from .site import Site

NO_CHECK = "no-check"
UPLOAD_LIMIT = 10485760  # bytes, as ``attachment/meta`` reports (not enforced)


def add(
    site: Site, user: User, issue: Issue, files: list[tuple[str, str, bytes]]
) -> list[Attachment]:
    """Store ``(filename, mime type, content)`` files on ``issue``."""
    issues.require(
        site, user, issue, "CREATE_ATTACHMENTS", "You do not have permission to attach files."
    )
    added = []
    for filename, mime_type, content in files:
        attachment = Attachment(
            id=site.allocate_object_id(),
            issue_id=issue.id,
            author_id=user.account_id,
            filename=filename,
            mime_type=mime_type or "application/octet-stream",
            created=now(),
            size=len(content),
            content_base64=base64.b64encode(content).decode(),
        )
        site.state.attachments[attachment.id] = attachment
        added.append(attachment)
    return added


def visible(site: Site, user: User, attachment_id: str) -> tuple[Attachment, Issue]:
    attachment = site.state.attachments.get(attachment_id)
    issue = site.state.issues.get(attachment.issue_id) if attachment else None
    if attachment is None or issue is None:
        raise not_found(f"The attachment with id '{attachment_id}' does not exist.")
    if not has(site, site.project_of(issue), user, "BROWSE_PROJECTS"):
        raise JiraError(403, ["You do not have permission to view this attachment."])
    return attachment, issue


def content(attachment: Attachment) -> bytes:
    return base64.b64decode(attachment.content_base64)


def delete(site: Site, user: User, attachment_id: str) -> None:
    attachment, issue = visible(site, user, attachment_id)
    own = attachment.author_id == user.account_id
    needed = "DELETE_OWN_ATTACHMENTS" if own else "DELETE_ALL_ATTACHMENTS"
    if not has(site, site.project_of(issue), user, needed):
        raise JiraError(403, ["You do not have permission to delete this attachment."])
    del site.state.attachments[attachment.id]


def for_issue(site: Site, issue: Issue) -> list[Attachment]:
    return [a for a in site.state.attachments.values() if a.issue_id == issue.id]


def view(site: Site, attachment: Attachment, viewer: User) -> dict[str, Any]:
    return {
        "self": site.url(f"/rest/api/3/attachment/{attachment.id}"),
        "id": attachment.id,
        "filename": attachment.filename,
        "author": represent.user_or_none(site, attachment.author_id, viewer),
        "created": jira_time(attachment.created),
        "size": attachment.size,
        "mimeType": attachment.mime_type,
        "content": site.url(f"/rest/api/3/attachment/content/{attachment.id}"),
    }
