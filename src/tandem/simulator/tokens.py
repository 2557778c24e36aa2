"""JWTs the simulator signs (installs, webhooks, page loads) and the qsh it checks.

The query string hash comes from PyPI's ``atlassian-jwt``, not from Tandem.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
from atlassian_jwt.url_utils import hash_url
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

TOKEN_TTL_SECONDS = 180


@dataclass(frozen=True)
class KeyPair:
    """The RSA key pair signed installs use; the public half is served by ``kid``."""

    kid: str
    private_pem: str

    @classmethod
    def generate(cls) -> KeyPair:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return cls(kid=f"sim-{uuid.uuid4()}", private_pem=pem.decode())

    @property
    def public_pem(self) -> str:
        private = serialization.load_pem_private_key(self.private_pem.encode(), password=None)
        public = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return public.decode()


def relative_url(url: str, base_url: str) -> str:
    """``url``'s path and query relative to ``base_url``'s path (Jira's context path)."""
    parts = urlsplit(url)
    base_path = urlsplit(base_url).path.rstrip("/")
    path = parts.path
    if base_path and path.startswith(base_path):
        path = path[len(base_path) :]
    path = path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def qsh(method: str, relative: str) -> str:
    return str(hash_url(method.upper(), relative))


def _claims(issuer: str, method: str, relative: str, extra: dict[str, Any]) -> dict[str, Any]:
    issued = int(time.time())
    return {
        "iss": issuer,
        "iat": issued,
        "exp": issued + TOKEN_TTL_SECONDS,
        "qsh": qsh(method, relative),
        **extra,
    }


def signed_install_token(
    keys: KeyPair, *, client_key: str, app_base_url: str, method: str, url: str
) -> str:
    """RS256, ``kid`` header, audience the app's base URL: how Jira signs lifecycle calls."""
    claims = _claims(client_key, method, relative_url(url, app_base_url), {"aud": [app_base_url]})
    return jwt.encode(claims, keys.private_pem, algorithm="RS256", headers={"kid": keys.kid})


def shared_secret_token(
    secret: str,
    *,
    client_key: str,
    app_base_url: str,
    method: str,
    url: str,
    extra: dict[str, Any] | None = None,
) -> str:
    """HS256 with the installation's shared secret: webhooks, page loads, enable/disable."""
    claims = _claims(client_key, method, relative_url(url, app_base_url), dict(extra or {}))
    return jwt.encode(claims, secret, algorithm="HS256")
