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


def test_jira_package_with_its_default_options(sim_url: str) -> None:
    """pycontribs ``jira`` as most people use it: REST v2, rich text as wiki markup."""
    jira = JIRA(server=f"{sim_url}/sites/customer", basic_auth=(CASEY, "ATATT-sim-casey-4f1d2c9e"))
    assert jira.server_info()["deploymentType"] == "Cloud"
    issue = jira.create_issue(
        project="ACME",
        issuetype={"name": "Bug"},
        summary="Filed through v2",
        description="h3. Steps\n* plug in\n* press *start*",
    )
    assert issue.key == "ACME-1"
    assert issue.fields.description == "h3. Steps\n\n* plug in\n* press *start*"
    comment = jira.add_comment(issue, "Seen on {{main}}")
    assert comment.body == "Seen on {{main}}"
    assert [c.body for c in jira.comments(issue)] == ["Seen on {{main}}"]
    issue.update(fields={"summary": "Renamed through v2", "labels": ["v2"]})
    assert jira.issue("ACME-1").fields.summary == "Renamed through v2"
    done = next(t["id"] for t in jira.transitions(issue) if t["name"] == "Done")
    jira.transition_issue(issue, done, comment="Closing it")
    found = jira.search_issues("project = ACME", fields="summary,status")
    assert [(i.key, i.fields.status.name) for i in found] == [("ACME-1", "Done")]
    assert [c.body for c in jira.comments("ACME-1")] == ["Seen on {{main}}", "Closing it"]
    assert [p.key for p in jira.projects()] == ["ACME"]
    assert "Medium" in [p.name for p in jira.priorities()]
    assert "Done" in [r.name for r in jira.resolutions()]
    assert jira.issue("ACME-1").fields.resolution.name == "Done"
    chris = next(u for u in jira.search_users(query="chris"))
    assert jira.assign_issue("ACME-1", "chris")  # the client looks the user up by name
    assert jira.issue("ACME-1").fields.assignee.displayName == chris.displayName
    jira.add_watcher("ACME-1", "chris")
    assert [w.accountId for w in jira.watchers("ACME-1").watchers] == [chris.accountId]
    jira.close()
