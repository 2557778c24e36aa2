"""Atlassian Connect JWT: the canonical request hash (qsh), signing and decoding.

The canonical request is ``METHOD&path&query``: the path relative to the product's or the
app's base URL with ``&`` encoded, the query parameters sorted with ``jwt`` left out, every key
and value percent-encoded per RFC 3986 (``~`` kept), repeated values sorted and comma-joined.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import jwt

CONTEXT_QSH = "context-qsh"
HS256 = "HS256"
RS256 = "RS256"


def _encode(value: str) -> str:
    return quote(value, safe="~")


def canonical_path(path: str, base_path: str = "") -> str:
    """The request path relative to ``base_path``, never empty, ``&`` encoded."""
    base_path = base_path.rstrip("/")
    if base_path and path.startswith(base_path):
        path = path[len(base_path) :]
    path = "/" + path.strip("/") if path.strip("/") else "/"
    return path.replace("&", "%26")


def canonical_query(query: str | Mapping[str, str | list[str]]) -> str:
    """Sorted, percent-encoded query parameters without ``jwt``."""
    grouped: dict[str, list[str]] = {}
    if isinstance(query, str):
        for key, value in parse_qsl(query, keep_blank_values=True):
            grouped.setdefault(key, []).append(value)
    else:
        for key, raw in query.items():
            grouped.setdefault(key, []).extend(raw if isinstance(raw, list) else [raw])
    grouped.pop("jwt", None)
    return "&".join(
        f"{_encode(key)}={','.join(_encode(v) for v in sorted(values))}"
        for key, values in sorted(grouped.items())
    )


def canonical_request(method: str, url: str, base_path: str = "") -> str:
    """``METHOD&path&query`` for a URL (absolute or path with query)."""
    parts = urlsplit(url)
    return "&".join(
        [method.upper(), canonical_path(parts.path, base_path), canonical_query(parts.query)]
    )


def query_string_hash(method: str, url: str, base_path: str = "") -> str:
    """The ``qsh`` claim of a request: sha256 hex of its canonical form."""
    return hashlib.sha256(canonical_request(method, url, base_path).encode()).hexdigest()


def sign(
    *,
    issuer: str,
    secret: str,
    method: str,
    url: str,
    base_path: str = "",
    ttl_seconds: int = 180,
    extra_claims: Mapping[str, Any] | None = None,
    now: float | None = None,
) -> str:
    """An HS256 token for one request (``iss``, ``iat``, ``exp``, ``qsh``)."""
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "qsh": query_string_hash(method, url, base_path),
    }
    claims.update(extra_claims or {})
    return jwt.encode(claims, secret, algorithm=HS256)


def unverified_header(token: str) -> dict[str, Any]:
    """The token's header, unverified. Raises ``jwt.InvalidTokenError`` if malformed."""
    return dict(jwt.get_unverified_header(token))


def unverified_claims(token: str) -> dict[str, Any]:
    """The token's claims, unverified. Raises ``jwt.InvalidTokenError`` if malformed."""
    claims = jwt.decode(token, options={"verify_signature": False})
    if not isinstance(claims, dict):
        raise jwt.InvalidTokenError("claims are not a JSON object")
    return claims
