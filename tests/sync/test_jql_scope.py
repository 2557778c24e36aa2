"""The admin's JQL stays inside its parentheses, and no issue outside a synchronization's
project is ever taken for one of its issues."""

from __future__ import annotations

import pytest

from tandem.jira.schemas import Issue
from tandem.sync.engine.jql import JqlRefused, check, restrict
from tandem.sync.engine.scope import belongs, in_scope
from tandem.sync.models import Side, Synchronization

ATTACK = "id = 0) OR (project = PRIV"


@pytest.mark.parametrize(
    "jql",
    [
        'summary ~ "printer"',
        "status = Done AND (priority = High OR labels in (a, b))",
        'summary ~ "a ) OR ( project = PRIV"',
        "summary ~ 'it\\'s ) broken'",
        'text ~ "say \\"hi\\" ("',
        "assignee = currentUser()",
        "NOT status = Done",
        "created >= -30d",
        'cf[10010] = "x"',
    ],
)
def test_one_clause_group_is_accepted(jql: str) -> None:
    assert check(jql) == jql
    assert restrict("project = 1", jql) == f"project = 1 AND ({jql})"


@pytest.mark.parametrize(
    ("jql", "reason"),
    [
        (ATTACK, "never opened"),
        ("id = 0) OR project = PRIV OR (id = 1", "never opened"),
        ("(status = Done", "never closed"),
        ("status = Done ORDER BY created", "ORDER BY"),
        ("status = Done order   by key", "ORDER BY"),
        ('summary ~ "open', "never closed"),
        ("summary ~ 'open", "never closed"),
        ('summary ~ "a\\"', "never closed"),
        ("status = Done OR", "needs a clause after it"),
        ("OR project = PRIV", "needs a clause before it"),
        ("status = Done AND AND id = 1", "needs a clause before it"),
        ("(OR project = PRIV)", "needs a clause before it"),
        ("(status = Done OR) project = PRIV", "needs a clause after it"),
        ("status = Done AND NOT", "needs a clause after it"),
        ("summary ~ foo\\) OR (project = PRIV", "backslash"),
        ("   ", "empty"),
        ("status = Done\x00", "control characters"),
        ("x" * 2001, "longer than"),
    ],
)
def test_anything_else_is_refused_with_a_reason(jql: str, reason: str) -> None:
    with pytest.raises(JqlRefused) as refused:
        check(jql)
    assert reason in refused.value.reason


def test_no_jql_leaves_the_query_alone() -> None:
    assert restrict("project = 1", None) == "project = 1"
    assert restrict("project = 1", "") == "project = 1"


def _sync() -> Synchronization:
    return Synchronization(
        id=7,
        name="s",
        first_project_id="10000",
        first_project_key="ACME",
        second_project_id="20000",
        second_project_key="SUP",
    )


def _issue(issue_id: str, project_id: str | None) -> Issue:
    fields = {"summary": "x"}
    if project_id is not None:
        fields["project"] = {"id": project_id, "key": f"K{project_id}"}  # type: ignore[assignment]
    return Issue.model_validate({"id": issue_id, "key": f"K-{issue_id}", "fields": fields})


def test_only_issues_that_say_they_are_in_the_project_belong() -> None:
    sync = _sync()
    assert belongs(sync, Side.FIRST, _issue("1", "10000"))
    assert not belongs(sync, Side.FIRST, _issue("2", "10001"))  # another project
    assert not belongs(sync, Side.FIRST, _issue("3", "20000"))  # the other side's project id
    assert not belongs(sync, Side.FIRST, _issue("4", None))  # cannot be proven
    assert belongs(sync, Side.SECOND, _issue("5", "20000"))
    mixed = [_issue("1", "10000"), _issue("2", "10001"), _issue("4", None)]
    assert [i.id for i in in_scope(sync, Side.FIRST, mixed)] == ["1"]
