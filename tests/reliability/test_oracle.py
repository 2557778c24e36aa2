"""The oracle on hand-made simulator states: each kind of breakage is found and named."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reliability.oracle import WorkloadLog, check
from tests.reliability.workload import document

pytestmark = pytest.mark.reliability

APPS = {"customer": "app-c", "support": "app-s"}
CASEY, ALEX = "casey", "alex"
TYPES = {"customer": {"1": "Task", "2": "Bug"}, "support": {"9": "IT Help"}}


class States:
    def __init__(self) -> None:
        self.sites: dict[str, dict[str, Any]] = {
            site: {
                "projects": [{"id": "100", "key": "ACME" if site == "customer" else "SUP"}],
                "issue_types": [{"id": i, "name": n} for i, n in TYPES[site].items()],
                "issues": {},
            }
            for site in ("customer", "support")
        }
        self.comments = 0

    def issue(self, site: str, key: str, summary: str, *, by: str, kind: str = "1") -> str:
        issues = self.sites[site]["issues"]
        issues[key] = {
            "key": key,
            "project_id": "100",
            "issue_type_id": kind if site == "customer" else "9",
            "fields": {"summary": summary, "description": document(summary), "creator": by},
            "comments": [],
        }
        return key

    def comment(self, site: str, key: str, text: str, *, by: str, internal: bool = False) -> None:
        self.comments += 1
        self.sites[site]["issues"][key]["comments"].append(
            {
                "id": str(self.comments),
                "author_id": by,
                "internal": internal,
                "body": document(text),
            }
        )

    def state(self) -> dict[str, Any]:
        return {"sites": self.sites}


def synced_pair() -> States:
    states = States()
    states.issue("customer", "ACME-1", "ZQt-i1 vpn v1", by=CASEY)
    states.issue("support", "SUP-1", "ZQt-i1 vpn v1", by=APPS["support"])
    states.comment("customer", "ACME-1", "ZQt-c2 v1 hello", by=CASEY)
    states.comment("support", "SUP-1", "Casey wrote:\nZQt-c2 v1 hello", by=APPS["support"])
    states.comment("support", "SUP-1", "ZQt-c3 v1 reply", by=ALEX)
    states.comment("customer", "ACME-1", "Alex wrote:\nZQt-c3 v1 reply", by=APPS["customer"])
    states.comment("support", "SUP-1", "ZQt-c4 v1 secret", by=ALEX, internal=True)
    return states


def test_a_synchronized_pair_is_clean() -> None:
    findings = check(synced_pair().state(), APPS, WorkloadLog(tag="t"))
    assert findings.clean, findings.table()
    assert findings.checked["issues"] == 1
    assert findings.checked["customer comments"] == 1
    assert findings.checked["agent replies"] == 1


def test_a_missing_request_and_a_missing_reply_copy_are_lost_with_their_keys() -> None:
    states = synced_pair()
    states.issue("customer", "ACME-2", "ZQt-i5 printer v1", by=CASEY)
    states.comment("support", "SUP-1", "ZQt-c6 v1 another reply", by=ALEX)
    findings = check(states.state(), APPS, WorkloadLog(tag="t"))
    assert len(findings.lost) == 2
    assert "ACME-2" in findings.lost[0] and "ZQt-i5" in findings.lost[0]
    assert "SUP-1 comment" in findings.lost[1] and "ZQt-c6" in findings.lost[1]


def test_a_stale_copy_is_a_lost_edit() -> None:
    states = synced_pair()
    states.sites["customer"]["issues"]["ACME-1"]["comments"][0]["body"] = document(
        "ZQt-c2 v2 hello again"
    )
    findings = check(states.state(), APPS, WorkloadLog(tag="t"))
    assert len(findings.lost) == 1 and "edit lost" in findings.lost[0]


def test_two_requests_and_an_echo_are_duplicates() -> None:
    states = synced_pair()
    states.issue("support", "SUP-2", "ZQt-i1 vpn v1", by=APPS["support"])
    states.comment("customer", "ACME-1", "Casey wrote:\nZQt-c2 v1 hello", by=APPS["customer"])
    findings = check(states.state(), APPS, WorkloadLog(tag="t"))
    assert len(findings.duplicated) == 2
    assert "SUP-1, SUP-2" in findings.duplicated[0]
    assert "echoed back" in findings.duplicated[1]


def test_internal_markers_on_the_customer_site_are_leaks() -> None:
    states = synced_pair()
    states.comment("customer", "ACME-1", "Alex wrote:\nZQt-c4 v1 secret", by=APPS["customer"])
    states.comment("customer", "ACME-1", "Alex wrote:\nZQt-c9 v1 deleted note", by=APPS["customer"])
    log = WorkloadLog(tag="t", internal_intent={"ZQt-c9"}, deleted={"ZQt-c9"})
    findings = check(states.state(), APPS, log)
    assert len(findings.leaked) == 2
    assert all("ACME-1 comment" in leak for leak in findings.leaked)


def test_an_unmapped_issue_copied_is_a_leak_and_a_deleted_original_must_take_its_copy() -> None:
    states = synced_pair()
    states.issue("customer", "ACME-3", "ZQt-i7 bug v1", by=CASEY, kind="2")
    states.issue("support", "SUP-3", "ZQt-i7 bug v1", by=APPS["support"])
    states.comment("support", "SUP-1", "Casey wrote:\nZQt-c8 v1 gone", by=APPS["support"])
    findings = check(states.state(), APPS, WorkloadLog(tag="t", deleted={"ZQt-c8"}))
    assert findings.leaked == ["ACME-3 (Bug, not mapped) copied as SUP-3"]
    assert len(findings.lost) == 1 and "ZQt-c8 was deleted" in findings.lost[0]
