from __future__ import annotations

import json

import jwt
import pytest

from tandem.connect.jwt import canonical_request, query_string_hash, sign, unverified_claims
from tests.support.openapi import SPECS_DIR

VECTORS = json.loads((SPECS_DIR / "qsh-vectors.json").read_text())


@pytest.mark.parametrize("vector", VECTORS["jira"], ids=lambda v: f"{v['method']} {v['url']}")
def test_canonical_request_matches_atlassian_for_jira_paths(vector: dict[str, str]) -> None:
    assert canonical_request(vector["method"], vector["url"]) == vector["canonical"]
    assert query_string_hash(vector["method"], vector["url"]) == vector["qsh"]


UNIT_REQUESTS = {
    "GET /path": ("GET", "/path", ""),
    "GET (no path)": ("GET", "", ""),
    "GET /": ("GET", "/", ""),
    "POST /hello-world body params, checkBody=false": ("POST", "/hello-world", ""),
    "POST /rest/api/2/project&a=b?x=y": ("POST", "/rest/api/2/project&a=b?x=y", ""),
    "GET /jira/rest/api/2/project/jira?x=y baseUrl=/jira": (
        "GET",
        "/jira/rest/api/2/project/jira?x=y",
        "/jira",
    ),
}


@pytest.mark.parametrize(
    "vector", [v for v in VECTORS["unit"] if v["case"] in UNIT_REQUESTS], ids=lambda v: v["case"]
)
def test_canonical_request_matches_atlassian_unit_vectors(vector: dict[str, str]) -> None:
    method, url, base_path = UNIT_REQUESTS[vector["case"]]
    assert canonical_request(method, url, base_path) == vector["canon"]
    assert query_string_hash(method, url, base_path) == vector["qsh"]


@pytest.mark.parametrize(
    "vector",
    [v for v in VECTORS["unit"] if v["case"].startswith(("GET /hello-world", "github-for-jira"))],
    ids=lambda v: v["case"],
)
def test_page_load_urls_drop_the_jwt_and_sort_parameters(vector: dict[str, str]) -> None:
    case = vector["case"]
    url = case.split(" ", 1)[1] if case.startswith("GET ") else None
    if url is None:  # github-for-jira: the canonical form is the request itself
        method, path, query = vector["canon"].split("&", 2)
        url = f"{path}?{query}"
    assert query_string_hash("GET", url) == vector["qsh"]


def test_repeated_parameters_are_sorted_and_comma_joined() -> None:
    assert canonical_request("get", "/a?b=2&b=1&a=x y~") == "GET&/a&a=x%20y~&b=1,2"


def test_signed_token_carries_the_request_hash() -> None:
    token = sign(
        issuer="app",
        secret="a-shared-secret-of-at-least-32-bytes!",
        method="GET",
        url="/sites/x/rest/api/3/myself",
        base_path="/sites/x",
        now=1_000,
    )
    claims = jwt.decode(
        token,
        "a-shared-secret-of-at-least-32-bytes!",
        algorithms=["HS256"],
        options={"verify_exp": False},
    )
    assert claims == {
        "iss": "app",
        "iat": 1_000,
        "exp": 1_180,
        "qsh": query_string_hash("GET", "/rest/api/3/myself"),
    }
    assert unverified_claims(token)["iss"] == "app"
