"""What a Jira site does to an app in tests: sign installs (RS256) and requests (HS256)."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, Response

from tandem.connect.clientauth import ConnectSigner
from tandem.connect.jwt import query_string_hash
from tandem.jira.pool import ClientPool
from tandem.store.secrets import SecretBox
from tandem.tenants.models import Tenant


@dataclass(frozen=True)
class RsaKey:
    kid: str
    private_pem: bytes
    public_pem: str

    @classmethod
    def generate(cls, kid: str) -> RsaKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(kid=kid, private_pem=private_pem, public_pem=public_pem.decode())


@dataclass
class KeyServer:
    """A tiny install key server: ``GET /{kid}`` answers the PEM public key."""

    keys: dict[str, str] = field(default_factory=dict)
    url: str = ""
    requests: int = 0

    def add(self, key: RsaKey) -> None:
        self.keys[key.kid] = key.public_pem

    @property
    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/{kid}")
        async def public_key(kid: str) -> Response:
            self.requests += 1
            if kid not in self.keys:
                return PlainTextResponse("not found", status_code=404)
            return PlainTextResponse(self.keys[kid])

        return app


@dataclass
class JiraSite:
    """One fake Jira site installing the app at ``app_base_url``."""

    app_base_url: str
    base_url: str = "https://acme.atlassian.net"
    client_key: str = field(default_factory=lambda: f"client-{secrets.token_hex(6)}")
    shared_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def lifecycle_body(self, event: str, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "key": "io.tandem.issue-sync",
            "clientKey": self.client_key,
            "sharedSecret": self.shared_secret,
            "baseUrl": self.base_url,
            "displayUrl": self.base_url,
            "productType": "jira",
            "description": "Atlassian JIRA at " + self.base_url,
            "eventType": event,
        }
        if event != "installed":
            body.pop("sharedSecret")
        body.update(overrides)
        return body

    def install_token(
        self,
        key: RsaKey,
        path: str,
        *,
        method: str = "POST",
        audience: Any = None,
        issuer: str | None = None,
        expires_in: int = 180,
        qsh: str | None = None,
        kid: str | None = None,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer or self.client_key,
            "aud": audience if audience is not None else [self.app_base_url],
            "iat": now,
            "exp": now + expires_in,
            "qsh": qsh or query_string_hash(method, path),
        }
        headers = {"kid": kid or key.kid}
        return jwt.encode(claims, key.private_pem, algorithm="RS256", headers=headers)

    async def post_lifecycle(
        self, client: httpx.AsyncClient, key: RsaKey, event: str
    ) -> httpx.Response:
        """Send a signed ``event`` callback (installed, uninstalled, ...) to the app."""
        token = self.install_token(key, f"/{event}")
        return await client.post(
            f"/{event}",
            json=self.lifecycle_body(event),
            headers={"Authorization": f"JWT {token}"},
        )

    def request_token(
        self,
        method: str,
        path: str,
        *,
        secret: str | None = None,
        expires_in: int = 180,
        qsh: str | None = None,
        subject: str | None = None,
        issuer: str | None = None,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer or self.client_key,
            "iat": now,
            "exp": now + expires_in,
            "qsh": qsh or query_string_hash(method, path),
        }
        if subject:
            claims["sub"] = subject
        return jwt.encode(claims, secret or self.shared_secret, algorithm="HS256")


def tenant_clients(*, app_key: str, box: SecretBox) -> ClientPool[Tenant]:
    """A pool that calls Connect tenants' Jira as the app, for tests that read the simulated
    sites as Tandem sees them (the app's own pool serves every door: ``Doors.client_pool``)."""
    signer = ConnectSigner(app_key=app_key, box=box)
    return ClientPool(address=signer.address, auth=signer.auth)
