"""Who is calling: Connect JWT (HS256, the app's shared secret) or basic auth with an API token.

Checks run in order and each failure says what was wrong, as a 401.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

import jwt
from atlassian_jwt.url_utils import canonicalize_request

from .errors import NOT_AUTHENTICATED, unauthorized
from .models import Installation, User
from .site import Site
from .tokens import qsh

CLOCK_SKEW_SECONDS = 30


@dataclass(frozen=True)
class Actor:
    """The user a call acts as; for app calls, the app's user and its installation."""

    user: User
    installation: Installation | None = None


def authenticate(site: Site, *, method: str, relative_url: str, authorization: str) -> Actor:
    """``relative_url``: the request's path and query below the site's base path."""
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() == "jwt" and credentials:
        return _jwt(site, method, relative_url, credentials.strip())
    if scheme.lower() == "basic" and credentials:
        return _basic(site, credentials.strip())
    raise unauthorized(NOT_AUTHENTICATED)


def _basic(site: Site, credentials: str) -> Actor:
    try:
        email, _, token = base64.b64decode(credentials).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise unauthorized("Basic authentication credentials are malformed.") from None
    user = site.user_by_email(email)
    if user is None or not user.api_token or user.api_token != token or not user.active:
        raise unauthorized(NOT_AUTHENTICATED)
    return Actor(user)


def _jwt(site: Site, method: str, relative_url: str, token: str) -> Actor:
    header, claims = _unverified(token)
    if header.get("alg") != "HS256":
        raise unauthorized(f"JWT algorithm '{header.get('alg')}' is not accepted; use HS256.")
    issuer = claims.get("iss")
    if not isinstance(issuer, str):
        raise unauthorized("JWT has no 'iss' claim.")
    installation = site.installation(issuer)
    if installation is None:
        raise unauthorized(f"No app with key '{issuer}' is installed on this site.")
    if not installation.enabled:
        raise unauthorized(f"The app '{issuer}' is disabled on this site.")
    _verify(token, installation.shared_secret)
    expected = qsh(method, relative_url)
    if claims.get("qsh") != expected:
        canonical = canonicalize_request(method.upper(), relative_url)
        raise unauthorized(
            f"JWT 'qsh' does not match the request; expected the hash of '{canonical}'."
        )
    user = site.user(installation.account_id)
    if user is None:
        raise unauthorized(f"The app '{issuer}' has no user on this site.")
    return Actor(user, installation)


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError as error:
        raise unauthorized(f"JWT is malformed: {error}") from None
    return dict(header), dict(claims)


def _verify(token: str, secret: str) -> None:
    try:
        jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            leeway=CLOCK_SKEW_SECONDS,
            options={"verify_aud": False, "require": ["iss", "iat", "exp", "qsh"]},
        )
    except jwt.ExpiredSignatureError:
        raise unauthorized("JWT has expired.") from None
    except jwt.InvalidSignatureError:
        raise unauthorized("JWT signature verification failed.") from None
    except jwt.MissingRequiredClaimError as error:
        raise unauthorized(f"JWT is missing the '{error.claim}' claim.") from None
    except jwt.InvalidTokenError as error:
        raise unauthorized(f"JWT is invalid: {error}") from None
