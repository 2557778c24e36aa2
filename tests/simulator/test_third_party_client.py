"""A third-party client (PyPI's ``jira``) works against the simulator with an API token."""

from __future__ import annotations

import pytest

from jira import JIRA, JIRAError
from tests.simulator.support import CASEY, adf


def test_jira_package_creates_an_issue_and_a_comment(sim_url: str) -> None:
    jira = JIRA(
        server=f"{sim_url}/sites/customer",
        basic_auth=(CASEY, "ATATT-sim-casey-4f1d2c9e"),
        options={"rest_api_version": "3"},
    )
    issue = jira.create_issue(
        fields={
            "project": {"key": "ACME"},
            "issuetype": {"name": "Bug"},
            "summary": "Filed with the jira package",
            "description": adf("Steps to reproduce"),
        }
    )
    assert issue.key == "ACME-1"
    assert issue.fields.summary == "Filed with the jira package"
    comment = jira.add_comment(issue, adf("A comment from the jira package"))
    assert comment.author.displayName == "Casey Customer"
    assert [c.id for c in jira.comments(issue)] == [comment.id]
    with pytest.raises(JIRAError) as rejected:
        jira.add_comment(issue, "plain text is not ADF")
    assert rejected.value.status_code == 400
    found = jira.enhanced_search_issues("project = ACME", fields="summary")
    assert [i.key for i in found] == ["ACME-1"]
    jira.close()
