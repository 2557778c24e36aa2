"""Signed installs and the other lifecycle callbacks, through the app over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tandem.store.db import Database
from tandem.store.secrets import SecretBox
from tandem.tenants.models import Tenant, TenantState
from tests.conftest import APP_BASE_URL, TEST_SECRET_KEY
from tests.support.connect import JiraSite, KeyServer, RsaKey


@pytest.fixture
def site() -> JiraSite:
    return JiraSite(app_base_url=APP_BASE_URL)


async def post_lifecycle(
    client: httpx.AsyncClient,
    site: JiraSite,
    key: RsaKey,
    event: str,
    *,
    body: dict[str, Any] | None = None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    path = f"/{event}"
    token = token if token is not None else site.install_token(key, path)
    auth = {"Authorization": f"JWT {token}"} if token else {}
    return await client.post(path, json=body or site.lifecycle_body(event), headers=headers or auth)


async def stored_tenant(database: Database, client_key: str) -> Tenant | None:
    async with database.transaction() as session:
        return await session.scalar(select(Tenant).where(Tenant.client_key == client_key))


async def test_signed_install_stores_the_tenant_with_an_encrypted_secret(
    client: httpx.AsyncClient, site: JiraSite, rsa_key: RsaKey, database: Database
) -> None:
    response = await post_lifecycle(client, site, rsa_key, "installed")

    assert response.status_code == 204, response.text
    tenant = await stored_tenant(database, site.client_key)
    assert tenant is not None
    assert tenant.state is TenantState.INSTALLED
    assert tenant.base_url == site.base_url
    assert site.shared_secret not in tenant.shared_secret_encrypted
    assert SecretBox(TEST_SECRET_KEY).decrypt(tenant.shared_secret_encrypted) == site.shared_secret


async def test_reinstall_replaces_the_shared_secret(
    client: httpx.AsyncClient, site: JiraSite, rsa_key: RsaKey, database: Database
) -> None:
    assert (await post_lifecycle(client, site, rsa_key, "installed")).status_code == 204
    site.shared_secret = "a-brand-new-shared-secret-after-reinstall"
    assert (await post_lifecycle(client, site, rsa_key, "installed")).status_code == 204

    tenant = await stored_tenant(database, site.client_key)
    assert tenant is not None
    assert SecretBox(TEST_SECRET_KEY).decrypt(tenant.shared_secret_encrypted) == site.shared_secret


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda s, k: "", "no JWT"),
        (lambda s, k: s.install_token(k, "/installed", expires_in=-120), "expired"),
        (lambda s, k: s.install_token(k, "/installed", qsh="0" * 64), "qsh does not match"),
        (lambda s, k: s.install_token(k, "/enabled"), "qsh does not match"),
        (
            lambda s, k: s.install_token(k, "/installed", audience=["https://evil.example"]),
            "audience",
        ),
        (lambda s, k: s.install_token(k, "/installed", kid="unknown-kid"), "unknown kid"),
        (lambda s, k: s.install_token(k, "/installed", issuer="someone-else"), "issuer"),
        (lambda s, k: s.request_token("POST", "/installed"), "RS256"),
        (lambda s, k: "not.a.jwt", "malformed"),
    ],
    ids=[
        "missing-token",
        "expired",
        "wrong-qsh",
        "qsh-of-another-request",
        "wrong-audience",
        "unknown-kid",
        "issuer-is-not-the-body-client-key",
        "hs256-instead-of-signed-install",
        "malformed",
    ],
)
async def test_install_is_refused_with_a_reason(
    client: httpx.AsyncClient,
    site: JiraSite,
    rsa_key: RsaKey,
    database: Database,
    make_token: Any,
    reason: str,
) -> None:
    response = await post_lifecycle(
        client, site, rsa_key, "installed", token=make_token(site, rsa_key)
    )

    assert response.status_code in (400, 401)
    assert reason in response.json()["error"]
    assert await stored_tenant(database, site.client_key) is None


async def test_install_signed_by_a_key_the_server_does_not_vouch_for_is_refused(
    client: httpx.AsyncClient, site: JiraSite, rsa_key: RsaKey
) -> None:
    impostor = RsaKey(kid=rsa_key.kid, private_pem=RsaKey.generate("x").private_pem, public_pem="")
    response = await post_lifecycle(
        client, site, rsa_key, "installed", token=site.install_token(impostor, "/installed")
    )
    assert response.status_code == 401
    assert response.json() == {"error": "the JWT signature does not match"}


async def test_audience_with_trailing_slash_is_accepted(
    client: httpx.AsyncClient, site: JiraSite, rsa_key: RsaKey
) -> None:
    token = site.install_token(rsa_key, "/installed", audience=APP_BASE_URL + "/")
    assert (
        await post_lifecycle(client, site, rsa_key, "installed", token=token)
    ).status_code == 204


async def test_install_from_a_host_outside_allowed_hosts_is_refused(
    client: httpx.AsyncClient, rsa_key: RsaKey, database: Database
) -> None:
    site = JiraSite(app_base_url=APP_BASE_URL, base_url="https://jira.attacker.example")
    response = await post_lifecycle(client, site, rsa_key, "installed")
    assert response.status_code == 401
    assert "TANDEM_ALLOWED_HOSTS" in response.json()["error"]
    assert await stored_tenant(database, site.client_key) is None


async def test_install_without_a_shared_secret_is_a_bad_request(
    client: httpx.AsyncClient, site: JiraSite, rsa_key: RsaKey
) -> None:
    body = site.lifecycle_body("installed")
    del body["clientKey"]
    response = await post_lifecycle(client, site, rsa_key, "installed", body=body)
    assert response.status_code == 400
    assert "clientKey" in response.json()["error"]


async def test_install_keys_are_fetched_once_per_kid(
    client: httpx.AsyncClient, site: JiraSite, rsa_key: RsaKey, key_server: KeyServer
) -> None:
    before = key_server.requests
    for _ in range(3):
        assert (await post_lifecycle(client, site, rsa_key, "installed")).status_code == 204
    assert key_server.requests - before <= 1


@pytest.mark.parametrize(
    ("event", "state"),
    [
        ("uninstalled", TenantState.UNINSTALLED),
        ("disabled", TenantState.DISABLED),
        ("enabled", TenantState.ENABLED),
    ],
)
async def test_lifecycle_events_record_the_state_and_keep_the_tenant(
    client: httpx.AsyncClient,
    site: JiraSite,
    rsa_key: RsaKey,
    database: Database,
    event: str,
    state: TenantState,
) -> None:
    await post_lifecycle(client, site, rsa_key, "installed")

    response = await post_lifecycle(client, site, rsa_key, event)

    assert response.status_code == 204, response.text
    tenant = await stored_tenant(database, site.client_key)
    assert tenant is not None and tenant.state is state


async def test_lifecycle_event_for_an_unknown_client_is_refused(
    client: httpx.AsyncClient, site: JiraSite, rsa_key: RsaKey
) -> None:
    response = await post_lifecycle(client, site, rsa_key, "uninstalled")
    assert response.status_code == 401


async def test_unsigned_disabled_is_accepted_only_after_uninstall(
    client: httpx.AsyncClient, site: JiraSite, rsa_key: RsaKey, database: Database
) -> None:
    await post_lifecycle(client, site, rsa_key, "installed")
    unsigned = await client.post("/disabled", json=site.lifecycle_body("disabled"))
    assert unsigned.status_code == 401
    tenant = await stored_tenant(database, site.client_key)
    assert tenant is not None and tenant.state is TenantState.INSTALLED

    await post_lifecycle(client, site, rsa_key, "uninstalled")
    unsigned = await client.post("/disabled", json=site.lifecycle_body("disabled"))
    assert unsigned.status_code == 204
    tenant = await stored_tenant(database, site.client_key)
    assert tenant is not None and tenant.state is TenantState.UNINSTALLED
