"""The entity property every copy Tandem creates carries: which issue it is a copy of.

``peers`` holds "<synchronization>:<side>:<source issue id>" and is indexed (see the
descriptor's jiraEntityProperties), so a JQL search finds the copy of a source issue even when
Tandem's own record of the link is gone. Anyone who may edit an issue may write the property
too, so only an issue Tandem created itself is taken for a copy.
"""

from __future__ import annotations

from typing import Any

from tandem.sync.models import Side, Synchronization

KEY = "tandem-link"


def peer_tag(sync: Synchronization, source: Side, issue_id: str) -> str:
    return f"{sync.id}:{source.value}:{issue_id}"


def value(sync: Synchronization, source: Side, issue_id: str, issue_key: str) -> dict[str, Any]:
    return {
        "peers": [peer_tag(sync, source, issue_id)],
        "synchronization": sync.id,
        "source": {"side": source.value, "issueId": issue_id, "issueKey": issue_key},
    }


def source_of(found: Any, sync_id: int) -> tuple[Side, str] | None:
    """The side and id of the issue a copy was made from, if ``found`` is the value of this
    synchronization's property."""
    if not isinstance(found, dict) or found.get("synchronization") != sync_id:
        return None
    source = found.get("source")
    if not isinstance(source, dict):
        return None
    side, issue_id = source.get("side"), source.get("issueId")
    if side not in (Side.FIRST.value, Side.SECOND.value) or not isinstance(issue_id, str):
        return None
    return Side(side), issue_id


def copies_jql(sync: Synchronization, source: Side, issue_ids: list[str]) -> str:
    """Issues of the other project that Tandem made as copies of any of ``issue_ids``. Tandem
    searches as its own account, so ``currentUser()`` is Tandem there."""
    tags = ", ".join(f'"{peer_tag(sync, source, issue_id)}"' for issue_id in issue_ids)
    return (
        f"project = {sync.project_id(source.other)} AND creator = currentUser() "
        f"AND issue.property[{KEY}].peers in ({tags})"
    )
