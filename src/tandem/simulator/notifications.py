"""The notification emails Jira would send to an issue's watchers: recorded, never sent.

``notifyUsers=false`` is honoured as Jira's platform spec describes it:

- ``PUT /rest/api/3/issue/{issueIdOrKey}``: "To disable the notification, administer Jira or
  administer project permissions are required. If the user doesn't have the necessary
  permission the request is ignored." Without either permission the wish is ignored: the edit
  is made and the watchers are notified, with no error.
- ``PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id}``: "Whether users are notified when a
  comment is updated"; no permission is named, so it is always honoured.

Creating issues, adding comments and transitions have no such parameter and always notify.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Issue, User
from .permissions import global_permissions, has
from .site import Site


@dataclass(frozen=True)
class Notification:
    issue_key: str
    action: str  # "created", "updated", "commented", "comment_updated", "transitioned"
    actor_id: str


def may_silence_edit(site: Site, issue: Issue, user: User) -> bool:
    """Administer Projects on the issue's project, or Administer Jira."""
    project = site.project_of(issue)
    return has(site, project, user, "ADMINISTER_PROJECTS") or (
        "ADMINISTER" in global_permissions(site, user)
    )


def record(site: Site, issue: Issue, action: str, actor: User, *, notify: bool = True) -> None:
    if notify:
        site.notifications.append(Notification(issue.key, action, actor.account_id))
