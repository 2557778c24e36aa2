"""Request bodies are capped: refused before they are read when too large, never read whole."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from tandem.settings import Settings
from tests.support.connect import JiraSite
from tests.support.samples import webhook_sample

PATH = "/webhooks/jira"
CHUNK = 64 * 1024
BODY_CAP = 128 * 1024
WEBHOOK_CAP = 512 * 1024


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"max_body_bytes": BODY_CAP, "max_webhook_bytes": WEBHOOK_CAP}
    )


@dataclass
class Stream:
    """A request body sent chunk by chunk, counting what the app pulled from it."""

    total: int
    consumed: int = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        sent = 0
        while sent < self.total:
            chunk = b" " * min(CHUNK, self.total - sent)
            sent += len(chunk)
            self.consumed = sent
            yield chunk


def signed(site: JiraSite, path: str = PATH) -> dict[str, str]:
    return {
        "Authorization": f"JWT {site.request_token('POST', path)}",
        "Content-Type": "application/json",
    }


async def test_an_unsigned_50_mb_webhook_is_refused_without_reading_its_body(
    client: httpx.AsyncClient,
) -> None:
    body = Stream(50 * 1024 * 1024)
    response = await client.post(PATH, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 401
    assert "no JWT" in response.json()["error"]
    assert body.consumed == 0


async def test_a_wrongly_signed_webhook_is_refused_without_reading_its_body(
    client: httpx.AsyncClient, installed_site: JiraSite
) -> None:
    body = Stream(50 * 1024 * 1024)
    token = installed_site.request_token("POST", PATH, secret="x" * 43)
    response = await client.post(PATH, content=body, headers={"Authorization": f"JWT {token}"})
    assert response.status_code == 401
    assert body.consumed == 0


@pytest.mark.parametrize(
    ("path", "cap", "setting"),
    [
        (PATH, WEBHOOK_CAP, "TANDEM_MAX_WEBHOOK_BYTES"),
        ("/installed", BODY_CAP, "TANDEM_MAX_BODY_BYTES"),
        ("/api/synchronizations", BODY_CAP, "TANDEM_MAX_BODY_BYTES"),
        ("/ui/syncs/1/draft/fields", BODY_CAP, "TANDEM_MAX_BODY_BYTES"),
    ],
)
async def test_a_declared_length_over_the_cap_is_refused_before_any_byte_is_read(
    client: httpx.AsyncClient, path: str, cap: int, setting: str
) -> None:
    body = Stream(cap + 1)
    response = await client.post(path, content=body, headers={"Content-Length": str(cap + 1)})
    assert response.status_code == 413
    error = response.json()["error"]
    assert "larger than Tandem accepts" in error and setting in error
    assert body.consumed == 0


async def test_a_signed_chunked_webhook_over_the_cap_stops_being_read_at_the_cap(
    client: httpx.AsyncClient, installed_site: JiraSite
) -> None:
    body = Stream(50 * 1024 * 1024)
    response = await client.post(PATH, content=body, headers=signed(installed_site))
    assert response.status_code == 413
    assert "TANDEM_MAX_WEBHOOK_BYTES" in response.json()["error"]
    assert WEBHOOK_CAP < body.consumed <= WEBHOOK_CAP + CHUNK


async def test_a_signed_webhook_under_the_cap_is_accepted(
    client: httpx.AsyncClient, installed_site: JiraSite
) -> None:
    payload = webhook_sample("comment_created.jsdPublic.cloud.json")
    payload["padding"] = "x" * (WEBHOOK_CAP - 20 * 1024)
    response = await client.post(PATH, content=json.dumps(payload), headers=signed(installed_site))
    assert response.status_code == 204, response.text


@pytest.mark.parametrize(
    "path", ["/installed", "/api/synchronizations", "/ui/syncs/1/draft/fields"]
)
async def test_a_chunked_body_over_the_general_cap_stops_being_read_at_the_cap(
    client: httpx.AsyncClient, path: str
) -> None:
    body = Stream(50 * 1024 * 1024)
    content_type = (
        "application/x-www-form-urlencoded" if path.startswith("/ui") else "application/json"
    )
    response = await client.post(path, content=body, headers={"Content-Type": content_type})
    assert response.status_code == 413
    assert "TANDEM_MAX_BODY_BYTES" in response.json()["error"]
    assert body.consumed <= BODY_CAP + CHUNK
