"""Authentication of every request Jira sends to Tandem.

Each check is a small named step that fails with a reason saying exactly what is wrong:

- signed installs (lifecycle callbacks): token -> RS256 header with ``kid`` -> public key from the
  key server -> signature and ``exp`` -> ``aud`` is our base URL -> ``iss`` is the body's
  clientKey -> ``qsh`` of the request -> the site's host is allowed;
- everything else (webhooks, page loads, calls from our pages): token -> HS256 header -> ``iss``
  names a known, installed tenant -> signature with its shared secret, ``exp``/``iat`` -> ``qsh``
  of the request (``context-qsh`` only where the route allows context tokens).
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Any
from urllib.parse import urlsplit

import jwt
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from tandem.connect import jwt as connect_jwt
from tandem.connect.install_keys import InstallKeyError, InstallKeys
from tandem.doors.errors import AuthError
from tandem.store.secrets import SecretBox
from tandem.tenants import service as tenants
from tandem.tenants.models import Tenant
from tandem.tenants.schemas import LifecyclePayload

__all__ = ["AuthError", "JiraRequestContext", "RequestVerifier", "token_of"]

LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class JiraRequestContext:
    """Who a verified request comes from: the tenant and, for page loads, the user."""

    tenant: Tenant
    account_id: str | None
    claims: dict[str, Any]


def token_of(request: Request) -> str:
    """The JWT of the ``Authorization: JWT`` header or the ``jwt`` query parameter."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.upper() == "JWT" and credentials.strip():
        return credentials.strip()
    token = request.query_params.get("jwt")
    if token:
        return token
    raise AuthError("authentication required: no JWT in the Authorization header or jwt parameter")


def _header_and_claims(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return connect_jwt.unverified_header(token), connect_jwt.unverified_claims(token)
    except jwt.InvalidTokenError as exc:
        raise AuthError(f"the JWT is malformed: {exc}", status=400) from exc


def _verify_signature(token: str, key: Any, algorithm: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("the JWT has expired") from exc
    except jwt.ImmatureSignatureError as exc:
        raise AuthError("the JWT is not valid yet (iat in the future)") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise AuthError(f"the JWT lacks the {exc.claim!r} claim") from exc
    except jwt.InvalidSignatureError as exc:
        raise AuthError("the JWT signature does not match") from exc
    except jwt.InvalidTokenError as exc:
        raise AuthError(f"the JWT is invalid: {exc}") from exc
    return dict(claims)


def _check_qsh(
    claims: dict[str, Any], request: Request, base_path: str, allow_context: bool
) -> None:
    qsh = claims.get("qsh")
    if not qsh:
        raise AuthError("the JWT lacks the 'qsh' claim")
    if qsh == connect_jwt.CONTEXT_QSH:
        if allow_context:
            return
        raise AuthError("a context token (qsh 'context-qsh') is not accepted here")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if qsh != connect_jwt.query_string_hash(request.method, target, base_path):
        raise AuthError("the JWT's qsh does not match this request")


def _host_allowed(base_url: str, patterns: list[str]) -> bool:
    host = (urlsplit(base_url).hostname or "").lower()
    return bool(host) and any(fnmatch(host, pattern.lower()) for pattern in patterns)


class RequestVerifier:
    """Verifies lifecycle callbacks and tenant requests for one app installation."""

    def __init__(
        self,
        *,
        base_url: str,
        allowed_hosts: list[str],
        install_keys: InstallKeys,
        box: SecretBox,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._base_path = urlsplit(self._base_url).path
        self._allowed_hosts = allowed_hosts
        self._install_keys = install_keys
        self._box = box

    async def verify_signed_install(self, request: Request, payload: LifecyclePayload) -> None:
        """Check an RS256 lifecycle callback; the body is not covered by the JWT, so it is
        tied to the token through ``iss`` and its baseUrl is held to the allowed hosts."""
        token = token_of(request)
        header, _ = _header_and_claims(token)
        if header.get("alg") != connect_jwt.RS256:
            raise AuthError("lifecycle callbacks must be signed with RS256 (signed install)")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthError("the JWT header lacks a 'kid'")
        try:
            public_key = await self._install_keys.get(kid)
        except InstallKeyError as exc:
            raise AuthError(exc.reason, status=503 if exc.unavailable else 401) from exc
        claims = _verify_signature(token, public_key, connect_jwt.RS256)
        self._check_audience(claims)
        if claims["iss"] != payload.client_key:
            raise AuthError("the JWT issuer does not match the clientKey of the body")
        _check_qsh(claims, request, self._base_path, allow_context=False)
        if not _host_allowed(payload.base_url, self._allowed_hosts):
            raise AuthError("the Jira site's host is not in TANDEM_ALLOWED_HOSTS")

    def _check_audience(self, claims: dict[str, Any]) -> None:
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if not any(str(aud).rstrip("/") == self._base_url for aud in audiences):
            raise AuthError("the JWT audience is not this app's base URL")

    async def verify_tenant_request(
        self, session: AsyncSession, request: Request, *, allow_context_qsh: bool = False
    ) -> JiraRequestContext:
        """Check an HS256 request signed with a tenant's shared secret."""
        token = token_of(request)
        header, unverified = _header_and_claims(token)
        if header.get("alg") != connect_jwt.HS256:
            raise AuthError("the JWT must be signed with HS256")
        client_key = unverified.get("iss")
        if not isinstance(client_key, str) or not client_key:
            raise AuthError("the JWT lacks the 'iss' claim")
        tenant = await tenants.get_by_client_key(session=session, client_key=client_key)
        if tenant is None or not tenant.is_active:
            raise AuthError("no installation is known for this JWT issuer")
        secret = tenants.shared_secret(tenant=tenant, box=self._box)
        claims = _verify_signature(token, secret, connect_jwt.HS256)
        _check_qsh(claims, request, self._base_path, allow_context_qsh)
        subject = claims.get("sub")
        return JiraRequestContext(
            tenant=tenant, account_id=subject if isinstance(subject, str) else None, claims=claims
        )
