"""The Power Customer sites with more people and projects, for authorization tests: a
confidential project PRIV on the customer's site that only Chris may see, a project OPS that
Casey may browse but not administer, and Dana, who may browse nothing."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from tandem.app import create_app
from tandem.simulator import Simulator, seed
from tandem.simulator import create_app as create_simulator_app
from tests.support.e2e import stack, tandem_settings
from tests.support.servers import free_port, serve

__all__ = ["servers", "stack"]

CASEY = "casey@acme.example"
CHRIS = "chris@acme.example"
DANA = "dana@acme.example"
SAM = "sam@support.example"
ALEX = "alex@support.example"
PAT = "pat@acme.example"
PRIV_ID, OPS_ID = "10100", "10101"


def scenario() -> dict[str, Any]:
    document = copy.deepcopy(seed.load_document(None))
    customer = next(s for s in document["sites"] if s["name"] == "customer")
    customer["users"].append({"displayName": "Dana Nobody", "email": DANA})
    customer["projects"] += [
        {
            "id": PRIV_ID,
            "key": "PRIV",
            "name": "Confidential board matters",
            "type": "software",
            "issueTypes": ["Task", "Bug"],
            "roles": {"administrators": [CHRIS], "members": [CHRIS]},
        },
        {
            "id": OPS_ID,
            "key": "OPS",
            "name": "Operations",
            "type": "software",
            "issueTypes": ["Task", "Bug"],
            "roles": {"administrators": [CHRIS], "members": [CASEY, CHRIS]},
        },
    ]
    return document


@pytest.fixture
def servers(database_url: str) -> Iterator[tuple[str, str, Simulator]]:
    simulator = Simulator.from_scenario(scenario(), webhook_time_scale=0.001)
    with serve(create_simulator_app(simulator)) as sim_url:
        tandem_port = free_port()
        tandem_url = f"http://127.0.0.1:{tandem_port}"
        app = create_app(tandem_settings(database_url, tandem_url, sim_url))
        with serve(app, port=tandem_port):
            yield sim_url, tandem_url, simulator
