"""Credentials that must not work: each way an attacker might bend a token, for each way
Tandem's routes authenticate (signed installs, Jira-signed requests, session tokens)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import jwt

from tandem.connect.jwt import CONTEXT_QSH, query_string_hash
from tandem.connect.session import Session, SessionTokens
from tests.conftest import TEST_SECRET_KEY
from tests.support.connect import JiraSite, RsaKey

VARIANTS = (
    "no-token",
    "expired",
    "wrong-secret",
    "alg-none",
    "hs-rs-confusion",
    "wrong-qsh",
    "context-qsh",
    "other-tenant",
    "tampered",
)
OTHER_SECRET_KEY = "bm90LXRoZS1zYW1lLWtleS1hdC1hbGwtMDEyMzQ1Njc="


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def hs256_with(claims: dict[str, Any], key: bytes, header: dict[str, Any] | None = None) -> str:
    """HS256 by hand, so that any bytes (a public key's PEM) can be the secret."""
    head = _segment({"alg": "HS256", "typ": "JWT", **(header or {})})
    body = _segment(claims)
    signature = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def unsigned(claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    return f"{_segment({'alg': 'none', 'typ': 'JWT', **(header or {})})}.{_segment(claims)}."


def tampered(token: str, **changes: Any) -> str:
    """``token`` with claims changed and its signature kept."""
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return f"{head}.{_segment({**claims, **changes})}.{signature}"


@dataclass(frozen=True)
class Forger:
    site: JiraSite  # the tenant under attack
    other: JiraSite  # a tenant the attacker controls (they know its shared secret)
    install_key: RsaKey
    session: Session

    def jira_claims(self, method: str, url: str, **extra: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": self.site.client_key,
            "iat": now,
            "exp": now + 180,
            "qsh": query_string_hash(method, url),
            "sub": self.session.account_id,
        }
        return {**claims, **extra}

    def jira_token(self, variant: str, method: str, url: str) -> str | None:
        """An HS256 request token as Jira signs them, bent as ``variant`` says."""
        secret = self.site.shared_secret.encode()
        claims = self.jira_claims(method, url)
        now = int(time.time())
        made: dict[str, str | None] = {
            "valid": hs256_with(claims, secret),
            "no-token": None,
            "expired": hs256_with({**claims, "iat": now - 7200, "exp": now - 3600}, secret),
            "wrong-secret": hs256_with(claims, b"x" * 40),
            "alg-none": unsigned(claims),
            "hs-rs-confusion": jwt.encode(claims, self.install_key.private_pem, algorithm="RS256"),
            "wrong-qsh": hs256_with({**claims, "qsh": query_string_hash("GET", "/other")}, secret),
            "context-qsh": hs256_with({**claims, "qsh": CONTEXT_QSH}, secret),
            "other-tenant": hs256_with(claims, self.other.shared_secret.encode()),
            "tampered": tampered(hs256_with(claims, secret), sub="557058:site-admin"),
        }
        return made[variant]

    def install_token(self, variant: str, path: str) -> str | None:
        """An RS256 signed-install token, bent as ``variant`` says."""
        key, site = self.install_key, self.site
        claims = {
            "iss": site.client_key,
            "aud": [site.app_base_url],
            "iat": int(time.time()),
            "exp": int(time.time()) + 180,
            "qsh": query_string_hash("POST", path),
        }
        header = {"kid": key.kid}
        stranger = RsaKey.generate(key.kid)
        made: dict[str, str | None] = {
            "valid": site.install_token(key, path),
            "no-token": None,
            "expired": site.install_token(key, path, expires_in=-3600),
            "wrong-secret": jwt.encode(claims, stranger.private_pem, "RS256", headers=header),
            "alg-none": unsigned(claims, header),
            "hs-rs-confusion": hs256_with(claims, key.public_pem.encode(), header),
            "wrong-qsh": site.install_token(key, path, qsh=query_string_hash("POST", "/other")),
            "context-qsh": site.install_token(key, path, qsh=CONTEXT_QSH),
            "other-tenant": site.install_token(key, path, issuer=self.other.client_key),
            "tampered": tampered(site.install_token(key, path), aud=["https://evil.example"]),
        }
        return made[variant]

    def session_token(self, variant: str, method: str, url: str) -> str | None:
        """Tandem's session token, or something passed off as one, bent as ``variant`` says."""
        tokens = SessionTokens(TEST_SECRET_KEY)
        valid = tokens.mint(self.session)
        claims = jwt.decode(valid, options={"verify_signature": False})
        jira = self.jira_claims(method, url)
        made: dict[str, str | None] = {
            "valid": valid,
            "no-token": None,
            "expired": tokens.mint(self.session, now=time.time() - 3600 * 24),
            "wrong-secret": SessionTokens(OTHER_SECRET_KEY).mint(self.session),
            "alg-none": unsigned(claims),
            "hs-rs-confusion": hs256_with(claims, self.install_key.public_pem.encode()),
            # a Jira request token, however good, is not a session
            "wrong-qsh": hs256_with({**jira, "qsh": "0" * 64}, self.site.shared_secret.encode()),
            "context-qsh": hs256_with(
                {**jira, "qsh": CONTEXT_QSH}, self.site.shared_secret.encode()
            ),
            "other-tenant": hs256_with(claims, self.other.shared_secret.encode()),
            "tampered": tampered(valid, prj=["20000", "SUP"]),
        }
        return made[variant]
