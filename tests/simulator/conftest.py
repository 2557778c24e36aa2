"""Fixtures: a simulator of the power-customer scenario served on loopback, site clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tandem.simulator import Simulator, create_app
from tandem.simulator.tokens import KeyPair
from tests.simulator.support import SiteClient
from tests.support.servers import serve

# Jira Cloud's 30-minute retry schedule in 0.18 s.
WEBHOOK_TIME_SCALE = 0.0001


@pytest.fixture(scope="session")
def install_keys() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture
def simulator(install_keys: KeyPair) -> Simulator:
    return Simulator.from_scenario(keys=install_keys, webhook_time_scale=WEBHOOK_TIME_SCALE)


@pytest.fixture
def sim_url(simulator: Simulator) -> Iterator[str]:
    with serve(create_app(simulator)) as url:
        yield url


@pytest.fixture
def client(sim_url: str) -> Iterator[Callable[[str, str], SiteClient]]:
    """``client(site, email)``: a spec-checked client of a site acting as a seeded user."""
    made: list[SiteClient] = []

    def make(site: str, email: str) -> SiteClient:
        made.append(SiteClient(sim_url, site, email))
        return made[-1]

    yield make
    for site_client in made:
        site_client.close()
