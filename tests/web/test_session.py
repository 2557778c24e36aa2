"""The session of the admin pages: the page load verified with Jira's JWT, then Tandem's own
short-lived token on every link and form (never a cookie), refused when missing or wrong.

These checks happen before Jira is asked anything, so a site that is not reachable will do.
"""

from __future__ import annotations

import logging
import time

import httpx
import pytest
from fastapi import FastAPI

from tandem import logs
from tandem.connect.session import Session
from tandem.services import Services
from tests.support.connect import JiraSite, RsaKey
from tests.web.admin import CONTINUE_LINK, token_of
from tests.web.dom import main

PAGE = "/ui/project?projectKey=ACME&projectId=10000&xdm_e=https%3A%2F%2Facme.atlassian.net&cp="
ACCOUNT = "5c5f880629be9642ba529340"
HTML = {"Accept": "text/html"}


@pytest.fixture
def site(installed_site: JiraSite) -> JiraSite:
    return installed_site


def services(app: FastAPI) -> Services:
    found: Services = app.state.services
    return found


def session_token(app: FastAPI, site: JiraSite, *, now: float | None = None) -> str:
    session = Session(
        client_key=site.client_key, account_id=ACCOUNT, project_id="10000", project_key="ACME"
    )
    return services(app).sessions.mint(session, now=now)


async def test_the_page_load_mints_a_session_token_for_the_next_pages(
    client: httpx.AsyncClient, site: JiraSite, app: FastAPI
) -> None:
    token = site.request_token("GET", PAGE, subject=ACCOUNT)
    response = await client.get(f"{PAGE}&jwt={token}", headers=HTML)

    assert response.status_code == 200, response.text
    found = CONTINUE_LINK.search(response.text)
    assert found is not None
    assert found.group(1).startswith("/ui/syncs?s=")
    assert "jwt=" not in found.group(1)
    session = services(app).sessions.verify(token_of(found.group(1)))
    assert (session.client_key, session.account_id) == (site.client_key, ACCOUNT)
    assert (session.project_id, session.project_key) == ("10000", "ACME")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "set-cookie" not in response.headers


async def test_a_page_load_without_a_user_is_refused(
    client: httpx.AsyncClient, site: JiraSite
) -> None:
    token = site.request_token("GET", PAGE)
    response = await client.get(f"{PAGE}&jwt={token}", headers=HTML)
    assert response.status_code == 403
    assert "Log in to Jira to set up issue synchronization." in main(response.text).text()


async def test_a_browser_sees_why_a_page_load_was_refused(
    client: httpx.AsyncClient, site: JiraSite
) -> None:
    token = site.request_token("GET", PAGE, secret="x" * 40, subject=ACCOUNT)
    response = await client.get(f"{PAGE}&jwt={token}", headers=HTML)
    assert response.status_code == 401
    page = main(response.text)
    assert page.find("h1").text() == "This page could not be verified"
    assert "The JWT signature does not match." in page.text()


@pytest.mark.parametrize(
    "query",
    ["", "?s=", "?s=not-a-token", f"?s={'a' * 20}.{'b' * 20}.{'c' * 20}"],
    ids=["none", "empty", "garbage", "forged"],
)
async def test_a_page_without_a_valid_session_token_is_refused(
    client: httpx.AsyncClient, site: JiraSite, query: str
) -> None:
    response = await client.get(f"/ui/syncs{query}", headers=HTML)
    assert response.status_code == 401
    page = main(response.text)
    assert page.find("h1").text() == "Your session has ended"
    assert "Open Issue Synchronization again from the project settings" in page.text()
    assert not page.has("a")


async def test_an_expired_session_token_is_refused(
    client: httpx.AsyncClient, site: JiraSite, app: FastAPI
) -> None:
    token = session_token(app, site, now=time.time() - 3600)
    response = await client.get(f"/ui/syncs?s={token}")
    assert response.status_code == 401
    assert "The session has expired: reload the page." in main(response.text).text()


async def test_the_page_load_jwt_is_not_a_session_token(
    client: httpx.AsyncClient, site: JiraSite
) -> None:
    jwt = site.request_token("GET", "/ui/syncs", subject=ACCOUNT)
    response = await client.get(f"/ui/syncs?s={jwt}")
    assert response.status_code == 401
    assert "The session token is invalid." in main(response.text).text()


async def test_a_form_post_needs_the_token_in_the_form_not_the_url(
    client: httpx.AsyncClient, site: JiraSite, app: FastAPI
) -> None:
    """What a forged cross-site form could send: no token, or one only in the URL."""
    token = session_token(app, site)
    form = {"name": "Forged", "project": "SUP"}
    for url in ("/ui/syncs/new/local", f"/ui/syncs/new/local?s={token}"):
        response = await client.post(url, data=form, headers=HTML)
        assert response.status_code == 401, response.text
        assert main(response.text).find("h1").text() == "Your session has ended"


async def test_a_session_ends_when_tandem_is_uninstalled(
    client: httpx.AsyncClient, site: JiraSite, app: FastAPI, rsa_key: RsaKey
) -> None:
    token = session_token(app, site)
    await site.post_lifecycle(client, rsa_key, "uninstalled")
    response = await client.get(f"/ui/syncs?s={token}")
    assert response.status_code == 401
    assert "Tandem is no longer installed on this Jira site" in main(response.text).text()


def test_the_session_token_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    line = '127.0.0.1:5000 - "GET /ui/syncs/3/configure?tab=fields&s=eyJhbGc.eyJzdWIi.sig HTTP/1.1"'
    assert logs.redact(line) == (
        '127.0.0.1:5000 - "GET /ui/syncs/3/configure?tab=fields&s=[redacted] HTTP/1.1"'
    )
    assert logs.redact("GET /ui/syncs?s=abc.def.ghi") == "GET /ui/syncs?s=[redacted]"
    assert logs.redact("GET /ui/syncs?status=failed") == "GET /ui/syncs?status=failed"
    logger = logging.getLogger("uvicorn.access")
    logger.addFilter(logs.RedactingFilter())
    try:
        with caplog.at_level(logging.INFO, logger="uvicorn.access"):
            logger.info('%s "%s %s"', "127.0.0.1", "GET", "/ui/syncs?s=secret.token.value")
    finally:
        logger.filters.clear()
    assert "secret.token.value" not in caplog.text
