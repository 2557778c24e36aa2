"""Install key fetching: unknown kids cost at most one fetch per cool-down, and all fetches
together are rate limited, so forged installs cannot make Tandem hammer the key server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tandem.connect.install_keys import InstallKeyError, InstallKeys
from tests.conftest import APP_BASE_URL
from tests.connect.test_lifecycle import post_lifecycle
from tests.support.connect import JiraSite, KeyServer, RsaKey

KEYS_URL = "http://keys.test"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server(rsa_key: RsaKey) -> KeyServer:
    counting = KeyServer()
    counting.add(rsa_key)
    return counting


@pytest.fixture
async def http(server: KeyServer) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=server.app)
    async with httpx.AsyncClient(transport=transport) as client:
        yield client


def keys(http: httpx.AsyncClient, clock: Clock, **limits: float) -> InstallKeys:
    return InstallKeys(KEYS_URL, http, clock=clock, **limits)  # type: ignore[arg-type]


async def refused(store: InstallKeys, kid: str) -> InstallKeyError:
    with pytest.raises(InstallKeyError) as caught:
        await store.get(kid)
    return caught.value


async def test_a_known_key_is_fetched_once(
    http: httpx.AsyncClient, server: KeyServer, rsa_key: RsaKey
) -> None:
    store = keys(http, Clock())
    for _ in range(5):
        assert await store.get(rsa_key.kid) == rsa_key.public_pem
    assert server.requests == 1


async def test_an_unknown_kid_is_fetched_once_then_refused_from_memory(
    http: httpx.AsyncClient, server: KeyServer
) -> None:
    clock = Clock()
    store = keys(http, clock, unknown_seconds=600)
    for _ in range(20):
        error = await refused(store, "forged")
        assert "no such key" in error.reason and not error.unavailable
    clock.now += 599
    await refused(store, "forged")
    assert server.requests == 1
    clock.now += 2
    await refused(store, "forged")
    assert server.requests == 2


async def test_many_unknown_kids_draw_on_one_bucket(
    http: httpx.AsyncClient, server: KeyServer, rsa_key: RsaKey
) -> None:
    clock = Clock()
    store = keys(http, clock, burst=5, refill_seconds=6)
    reasons = [(await refused(store, f"forged-{n}")).reason for n in range(100)]
    assert server.requests == 5
    assert sum("too many unknown keys" in r for r in reasons) == 95
    clock.now += 6  # one more token
    assert await store.get(rsa_key.kid) == rsa_key.public_pem
    assert server.requests == 6


async def test_an_unreachable_key_server_is_asked_again_only_after_the_cool_down(
    rsa_key: RsaKey,
) -> None:
    calls = 0

    def down(_request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503)

    clock = Clock()
    async with httpx.AsyncClient(transport=httpx.MockTransport(down)) as http:
        store = keys(http, clock, cooldown_seconds=30)
        for _ in range(10):
            assert (await refused(store, rsa_key.kid)).unavailable
        assert calls == 1
        clock.now += 31
        await refused(store, rsa_key.kid)
        assert calls == 2


async def test_forged_installs_with_unknown_kids_answer_401_and_fetch_little(
    app: FastAPI, client: httpx.AsyncClient, rsa_key: RsaKey, key_server: KeyServer
) -> None:
    services = app.state.services
    # the app's own key store, with time standing still so the count depends on nothing else
    services.verifier._install_keys = InstallKeys(key_server.url, services.http, clock=Clock())
    site = JiraSite(app_base_url=APP_BASE_URL)
    before = key_server.requests
    for n in range(100):
        token = site.install_token(rsa_key, "/installed", kid=f"unknown-{n}")
        response = await post_lifecycle(client, site, rsa_key, "installed", token=token)
        assert response.status_code == 401, response.text
    assert key_server.requests - before <= 5
