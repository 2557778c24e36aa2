"""More simulated sites for page tests: one with several projects (and names that try to inject
markup), with Tandem installed; and one without Tandem."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.e2e import Stack

NORA = "nora@northwind.example"
MALLORY = "mallory@northwind.example"
EVIL = "<img src=x onerror=alert('xss')>"


def northwind(name: str = "northwind") -> dict[str, Any]:
    """Two software projects and a service desk on one site; one project's name, an issue
    type and a request type carry markup."""
    return {
        "name": name,
        "title": "Northwind",
        "users": [
            {"displayName": "Nora Admin", "email": NORA, "siteAdmin": True},
            {"displayName": f"Mallory {EVIL}", "email": MALLORY},
        ],
        "issueTypes": [
            {"id": "10001", "name": "Task"},
            {"id": "10002", "name": f"Bug {EVIL}"},
            {"id": "10101", "name": "IT Help"},
        ],
        "projects": [
            _software("10000", "NW", "Northwind Web"),
            _software("10001", "EVIL", f"Project {EVIL}"),
            {
                "id": "10002",
                "key": "DESK",
                "name": "Northwind Desk",
                "type": "service_desk",
                "issueTypes": ["IT Help"],
                "roles": {"administrators": [NORA], "agents": [NORA], "members": [MALLORY]},
                "serviceDesk": {
                    "id": "1",
                    "requestTypes": [
                        {"id": "1", "key": "help", "name": f"Help {EVIL}", "issueType": "IT Help"}
                    ],
                },
            },
        ],
    }


def _software(project_id: str, key: str, name: str) -> dict[str, Any]:
    return {
        "id": project_id,
        "key": key,
        "name": name,
        "type": "software",
        "issueTypes": ["Task", f"Bug {EVIL}"],
        "roles": {"administrators": [NORA, MALLORY]},
    }


async def add_site(stack: Stack, spec: dict[str, Any], *, install: bool = True) -> str:
    """Create the site in the simulator (and install Tandem there); returns its base URL."""
    async with httpx.AsyncClient(base_url=stack.sim_url, timeout=30) as control:
        created = await control.post("/_sim/sites", json=spec)
        assert created.status_code == 201, created.text
        if install:
            installed = await control.post(
                f"/sites/{spec['name']}/_sim/install",
                json={"descriptorUrl": f"{stack.tandem_url}/atlassian-connect.json"},
            )
            assert installed.status_code == 200, installed.text
    return f"{stack.sim_url}/sites/{spec['name']}"
