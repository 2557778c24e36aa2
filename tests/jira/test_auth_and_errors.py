"""Request signing, and errors that say what failed without ever showing a credential."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
import pytest
import respx
from atlassian_jwt.url_utils import hash_url

from tandem.connect.clientauth import ConnectJwtAuth
from tandem.jira import ApiTokenAuth, JiraClient, JiraError
from tandem.jira.errors import JiraNotFound, safe_url
from tests.jira.conftest import API_TOKEN, FakeClock, make_client

APP_KEY = "io.tandem.issue-sync"
SHARED_SECRET = "shared-secret-that-must-stay-private-0123456789"
SITE = "http://127.0.0.1:8901/sites/customer"


def signed(auth: httpx.Auth, request: httpx.Request) -> httpx.Request:
    flow = auth.sync_auth_flow(request)
    return next(flow)


def claims_of(request: httpx.Request) -> dict[str, Any]:
    scheme, token = request.headers["Authorization"].split(" ", 1)
    assert scheme == "JWT"
    return dict(
        jwt.decode(token, SHARED_SECRET, algorithms=["HS256"], options={"verify_exp": False})
    )


def test_connect_jwt_signs_the_request_relative_to_the_site_path() -> None:
    auth = ConnectJwtAuth(
        app_key=APP_KEY, shared_secret=SHARED_SECRET, base_url=SITE, now=lambda: 1_700_000_000
    )
    url = f"{SITE}/rest/api/3/search/jql?jql=project%20%3D%20ACME&fields=summary,status"
    claims = claims_of(signed(auth, httpx.Request("GET", url)))
    relative = urlsplit(url)
    expected = hash_url("GET", relative.path.removeprefix("/sites/customer") + "?" + relative.query)
    assert claims == {
        "iss": APP_KEY,
        "iat": 1_700_000_000,
        "exp": 1_700_000_060,
        "qsh": expected,
    }


def test_connect_jwt_on_a_cloud_site_uses_the_whole_path() -> None:
    auth = ConnectJwtAuth(
        app_key=APP_KEY, shared_secret=SHARED_SECRET, base_url="https://acme.atlassian.net"
    )
    request = signed(auth, httpx.Request("POST", "https://acme.atlassian.net/rest/api/3/issue"))
    assert claims_of(request)["qsh"] == hash_url("POST", "/rest/api/3/issue")


async def test_each_attempt_is_signed_afresh(clock: FakeClock) -> None:
    auth = ConnectJwtAuth(
        app_key=APP_KEY,
        shared_secret=SHARED_SECRET,
        base_url="https://acme.atlassian.net",
        now=clock,
    )
    with respx.mock(base_url="https://acme.atlassian.net") as mock:
        route = mock.get("/rest/api/3/myself").mock(
            side_effect=[
                httpx.Response(503, headers={"Retry-After": "5"}),
                httpx.Response(200, json={"accountId": "a"}),
            ]
        )
        async with make_client(clock, auth=auth) as jira:
            await jira.myself()
    first, second = (claims_of(call.request) for call in route.calls)
    assert clock.sleeps == [5.0]
    assert second["iat"] == first["iat"] + 5 and first["qsh"] == second["qsh"]


def test_api_token_auth_is_basic_auth() -> None:
    request = signed(ApiTokenAuth("bot@example.com", API_TOKEN), httpx.Request("GET", SITE))
    scheme, value = request.headers["Authorization"].split(" ")
    assert scheme == "Basic"
    assert base64.b64decode(value).decode() == f"bot@example.com:{API_TOKEN}"


def test_auth_reprs_hide_secrets() -> None:
    jwt_auth = ConnectJwtAuth(app_key=APP_KEY, shared_secret=SHARED_SECRET, base_url=SITE)
    token_auth = ApiTokenAuth("bot@example.com", API_TOKEN)
    assert SHARED_SECRET not in repr(jwt_auth) and API_TOKEN not in repr(token_auth)
    assert "bot@example.com" in repr(token_auth)


def test_error_str_is_readable() -> None:
    error = JiraNotFound(
        "Not Found",
        status=404,
        method="GET",
        url="https://acme.atlassian.net/rest/api/3/issue/ACME-9",
        error_messages=["Issue does not exist or you do not have permission to see it."],
        errors={"issue": "missing"},
    )
    assert str(error) == (
        "404 Not Found - GET https://acme.atlassian.net/rest/api/3/issue/ACME-9 - "
        "Issue does not exist or you do not have permission to see it.; issue: missing"
    )
    assert repr(error).startswith("JiraNotFound('404 Not Found")


def test_safe_url_drops_jwt_and_user_info() -> None:
    url = "https://user:pw@acme.atlassian.net/rest/api/3/issue/A-1?jwt=eyJabc&expand=names"
    assert safe_url(url) == "https://acme.atlassian.net/rest/api/3/issue/A-1?expand=names"


def _texts(error: JiraError, client: JiraClient) -> list[str]:
    return [str(error), repr(error), repr(error.args), repr(vars(error)), repr(client)]


@pytest.mark.parametrize("failure", ["401", "500", "connect"])
async def test_credentials_never_appear_in_errors(clock: FakeClock, failure: str) -> None:
    auth = ConnectJwtAuth(
        app_key=APP_KEY, shared_secret=SHARED_SECRET, base_url="https://acme.atlassian.net"
    )
    clients = [make_client(clock), make_client(clock, auth=auth)]
    with respx.mock(base_url="https://acme.atlassian.net") as mock:
        route = mock.get("/rest/api/3/myself")
        if failure == "connect":
            route.mock(side_effect=httpx.ConnectError("refused"))
        else:
            route.respond(int(failure), json={"errorMessages": ["Client must be authenticated"]})
        for client in clients:
            async with client:
                with pytest.raises(JiraError) as caught:
                    await client.myself()
            header = route.calls.last.request.headers["Authorization"]
            secret_parts = [API_TOKEN, SHARED_SECRET, header, header.split(" ", 1)[1]]
            for text in _texts(caught.value, client):
                for secret in secret_parts:
                    assert secret not in text
            assert "myself" in str(caught.value)
