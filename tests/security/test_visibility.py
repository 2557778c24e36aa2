"""What one organisation may read of the other: its own project until the request is
accepted, and on its own site only the projects Jira lets the user browse."""

from __future__ import annotations

from tests.security.conftest import CASEY, CHRIS, SAM
from tests.support.e2e import Stack
from tests.web.admin import open_admin
from tests.web.dom import main


async def test_before_acceptance_each_side_reads_only_its_own_project(stack: Stack) -> None:
    customer = await stack.api("customer", "ACME", CASEY)
    support = await stack.api("support", "SUP", SAM)
    created = await customer.post(
        "/api/synchronizations",
        json={"name": "Acme", "site_url": stack.support.base_url, "project": "SUP"},
    )
    sync_id = created.json()["id"]

    mine = await customer.get(f"/api/synchronizations/{sync_id}/metadata")
    theirs = await support.get(f"/api/synchronizations/{sync_id}/metadata")
    assert mine.status_code == 200 and list(mine.json()) == ["first"]
    assert mine.json()["first"]["key"] == "ACME"
    assert theirs.status_code == 200 and list(theirs.json()) == ["second"]
    refused = await customer.get(f"/api/synchronizations/{sync_id}/suggestions")
    assert refused.status_code == 409
    assert "must be accepted" in refused.json()["error"]
    assert "Waiting for customer" not in mine.text  # a status of SUP's workflow

    assert (await support.post(f"/api/synchronizations/{sync_id}/accept")).is_success
    both = await customer.get(f"/api/synchronizations/{sync_id}/metadata")
    assert sorted(both.json()) == ["first", "second"]
    assert (await customer.get(f"/api/synchronizations/{sync_id}/suggestions")).is_success


async def test_the_new_synchronization_page_lists_only_browsable_projects(stack: Stack) -> None:
    casey = await open_admin(stack, "customer", "ACME", CASEY)
    chris = await open_admin(stack, "customer", "OPS", CHRIS)

    def listed(html: str) -> list[str]:
        return [
            o.attrs["value"]
            for o in main(html).by_id("f-project").find_all("option")
            if o.attrs.get("value")
        ]

    assert listed((await casey.get("/ui/syncs/new/local")).text) == ["OPS"]
    assert listed((await chris.get("/ui/syncs/new/local")).text) == ["ACME", "PRIV"]


async def test_a_hidden_project_answers_like_a_missing_one(stack: Stack) -> None:
    customer = await stack.api("customer", "ACME", CASEY)
    answers = []
    for key in ("PRIV", "NOPE"):
        response = await customer.post(
            "/api/synchronizations", json={"name": "Probe", "project": key}
        )
        assert response.status_code == 404
        answers.append(response.json()["error"].replace(key, "KEY"))
    assert answers[0] == answers[1]
    assert (await customer.get("/api/synchronizations")).json() == []
    allowed = await customer.post("/api/synchronizations", json={"name": "Ops", "project": "OPS"})
    assert allowed.status_code == 201, allowed.text
