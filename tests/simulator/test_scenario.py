"""The power-customer scenario and the site control API."""

from __future__ import annotations

import httpx

from tandem.simulator import Simulator
from tandem.simulator.defaults import REQUEST_TYPE_FIELD_ID
from tandem.simulator.tokens import KeyPair


def test_scenario_defines_both_sites(simulator: Simulator) -> None:
    customer, support = simulator.site("customer"), simulator.site("support")
    acme = customer.project("ACME")
    sup = support.project("SUP")
    assert acme is not None and acme.type_key == "software" and acme.name == "Acme Power Customer"
    assert sup is not None and sup.type_key == "service_desk" and sup.name == "First Level Support"
    assert [customer.issue_type(i).name for i in acme.issue_type_ids] == [  # type: ignore[union-attr]
        "Task",
        "Bug",
        "Story",
        "Epic",
        "New Feature",
        "Improvement",
    ]
    assert sup.service_desk is not None and sup.service_desk.portal_key == "sup"
    names = {
        r.name: support.issue_type(r.issue_type_id).name  # type: ignore[union-attr]
        for r in sup.service_desk.request_types
    }
    assert names["Get IT Help"] == "IT Help"
    assert names["Purchase request"] == "Purchase"
    assert names["Request a new account"] == "Access"
    assert customer.field(REQUEST_TYPE_FIELD_ID) is not None


def test_users_have_tokens_and_roles(simulator: Simulator) -> None:
    customer, support = simulator.site("customer"), simulator.site("support")
    casey = customer.user_by_email("casey@acme.example")
    pat = support.user_by_email("pat@acme.example")
    assert casey is not None and casey.api_token and casey.account_type == "atlassian"
    assert pat is not None and pat.account_type == "customer"
    sam = support.user_by_email("sam@support.example")
    assert sam is not None
    assert sam.account_id in support.project("SUP").roles["administrators"]  # type: ignore[union-attr]


def test_only_some_sites(install_keys: KeyPair) -> None:
    simulator = Simulator.from_scenario(sites=["support"], keys=install_keys)
    assert list(simulator.sites) == ["support"]


def test_control_api_lists_sites_and_users(sim_url: str) -> None:
    sites = httpx.get(f"{sim_url}/_sim/sites").json()["sites"]
    assert [s["name"] for s in sites] == ["customer", "support"]
    assert sites[0]["baseUrl"] == f"{sim_url}/sites/customer"
    users = httpx.get(f"{sim_url}/sites/support/_sim/users").json()["users"]
    assert {u["displayName"] for u in users} == {"Sam Support", "Alex Agent", "Pat Portal"}
    assert all(u["apiToken"] for u in users)


def test_control_api_creates_a_site(sim_url: str) -> None:
    seed = {
        "name": "extra",
        "users": [{"displayName": "Eve Extra", "email": "eve@extra.example"}],
        "issueTypes": [{"id": "10001", "name": "Task"}],
        "projects": [{"key": "EXT", "name": "Extra", "type": "software"}],
    }
    created = httpx.post(f"{sim_url}/_sim/sites", json=seed)
    assert created.status_code == 201, created.text
    assert created.json()["projects"][0]["key"] == "EXT"
    again = httpx.post(f"{sim_url}/_sim/sites", json=seed)
    assert again.status_code == 400


def test_seeded_issues_with_comments(sim_url: str) -> None:
    seed = {
        "name": "seeded",
        "users": [{"displayName": "Ada Agent", "email": "ada@seeded.example", "siteAdmin": True}],
        "issueTypes": [{"id": "10001", "name": "IT Help"}],
        "projects": [
            {
                "key": "HELP",
                "name": "Help",
                "type": "service_desk",
                "roles": {
                    "administrators": ["ada@seeded.example"],
                    "agents": ["ada@seeded.example"],
                },
                "serviceDesk": {
                    "portalKey": "help",
                    "requestTypes": [
                        {"id": "1", "key": "help", "name": "Help me", "issueType": "IT Help"}
                    ],
                },
            }
        ],
        "issues": [
            {
                "project": "HELP",
                "issueType": "IT Help",
                "summary": "Seeded",
                "reporter": "ada@seeded.example",
                "description": "First line",
                "comments": [{"body": "internal", "internal": True}, {"body": "public"}],
            }
        ],
    }
    assert httpx.post(f"{sim_url}/_sim/sites", json=seed).status_code == 201
    users = httpx.get(f"{sim_url}/sites/seeded/_sim/users").json()["users"]
    auth = ("ada@seeded.example", users[0]["apiToken"])
    found = httpx.get(
        f"{sim_url}/sites/seeded/rest/api/3/search/jql",
        auth=auth,
        params={"jql": "project = HELP", "fields": "summary,comment"},
    ).json()
    comments = found["issues"][0]["fields"]["comment"]["comments"]
    assert [c["jsdPublic"] for c in comments] == [False, True]
