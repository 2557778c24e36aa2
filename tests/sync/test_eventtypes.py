"""One table routes events: the receiver, the engine and the descriptor all read it."""

from __future__ import annotations

from tandem.connect.descriptor import build_descriptor
from tandem.settings import Settings
from tandem.sync.queue import eventtypes
from tandem.sync.queue.eventtypes import Handler


def test_the_descriptor_subscribes_to_exactly_the_jira_webhooks_of_the_table() -> None:
    hooks = build_descriptor(Settings())["modules"]["webhooks"]

    assert [hook["event"] for hook in hooks] == [
        name for name, kind in eventtypes.EVENT_TYPES.items() if kind.from_jira
    ]
    assert "tandem:initial_comments" not in {hook["event"] for hook in hooks}


def test_unknown_types_have_no_handler_and_are_not_stored() -> None:
    for name in ("worklog_created", "issuelink_created", "jira:worklog_updated", ""):
        assert eventtypes.handler(name) is None
        assert not eventtypes.accepted_webhook(name)


def test_tandems_own_types_are_handled_but_never_accepted_from_jira() -> None:
    for name in (eventtypes.INITIAL_COMMENTS, eventtypes.RECONCILE_COMMENTS):
        assert eventtypes.handler(name) is not None
        assert not eventtypes.accepted_webhook(name)


def test_routes() -> None:
    assert eventtypes.handler("jira:issue_updated") is Handler.ISSUE
    assert eventtypes.handler("jira:issue_deleted") is Handler.ISSUE_DELETED
    assert eventtypes.is_comment("comment_deleted")
    assert not eventtypes.is_comment("jira:issue_created")
