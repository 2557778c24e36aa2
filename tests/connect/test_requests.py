"""HS256 requests from an installed site: page loads (and, through them, every tenant route)."""

from __future__ import annotations

import httpx
import pytest

from tandem.connect.jwt import CONTEXT_QSH
from tests.support.connect import JiraSite, RsaKey

PAGE = "/ui/project?projectKey=ACME&projectId=10000&xdm_e=https%3A%2F%2Facme.atlassian.net&cp="


@pytest.fixture
def site(installed_site: JiraSite) -> JiraSite:
    return installed_site


async def test_page_load_with_a_valid_token_renders_the_page(
    client: httpx.AsyncClient, site: JiraSite
) -> None:
    token = site.request_token("GET", PAGE, subject="5c5f880629be9642ba529340")
    response = await client.get(f"{PAGE}&jwt={token}")
    assert response.status_code == 200, response.text
    assert "Issue Synchronization" in response.text
    assert "ACME" in response.text


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda s: s.request_token("GET", PAGE, expires_in=-120), "expired"),
        (lambda s: s.request_token("GET", PAGE, secret="x" * 40), "signature"),
        (lambda s: s.request_token("GET", PAGE.replace("ACME", "OTHER")), "qsh"),
        (lambda s: s.request_token("GET", PAGE, qsh=CONTEXT_QSH), "context token"),
        (lambda s: s.request_token("GET", PAGE, issuer="unknown-client"), "no installation"),
    ],
    ids=["expired", "wrong-secret", "wrong-qsh", "context-qsh-on-page-load", "unknown-issuer"],
)
async def test_page_load_is_refused_with_a_reason(
    client: httpx.AsyncClient, site: JiraSite, make_token: object, reason: str
) -> None:
    token = make_token(site)  # type: ignore[operator]
    response = await client.get(f"{PAGE}&jwt={token}")
    assert response.status_code == 401
    assert reason in response.json()["error"]
    assert site.base_url not in response.text


async def test_page_load_without_a_token_is_refused(
    client: httpx.AsyncClient, site: JiraSite
) -> None:
    response = await client.get(PAGE)
    assert response.status_code == 401
    assert "no JWT" in response.json()["error"]


async def test_uninstalled_site_can_no_longer_load_pages(
    client: httpx.AsyncClient, site: JiraSite, rsa_key: RsaKey
) -> None:
    await site.post_lifecycle(client, rsa_key, "uninstalled")
    response = await client.get(f"{PAGE}&jwt={site.request_token('GET', PAGE)}")
    assert response.status_code == 401
