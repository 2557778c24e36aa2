"""Tandem's own short-lived session tokens, minted after a verified page load.

A token binds a tenant, a Jira user and a project; the admin UI sends it on every fetch and
form post in the Authorization header (never a cookie, so no cross-site request can carry it).
What the user may do is still asked of Jira on each request.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

import jwt

from tandem.connect.auth import AuthError

AUDIENCE = "tandem-session"
DEFAULT_TTL_SECONDS = 15 * 60


@dataclass(frozen=True)
class Session:
    client_key: str
    account_id: str
    project_id: str
    project_key: str


class SessionTokens:
    def __init__(self, secret_key: str, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        # A key of its own, so that a session token can never pass for anything else.
        self._key = hmac.new(secret_key.encode(), b"tandem-session-v1", hashlib.sha256).digest()
        self.ttl_seconds = ttl_seconds

    def mint(self, session: Session, *, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        claims = {
            "aud": AUDIENCE,
            "iss": session.client_key,
            "sub": session.account_id,
            "prj": [session.project_id, session.project_key],
            "iat": issued,
            "exp": issued + self.ttl_seconds,
        }
        return jwt.encode(claims, self._key, algorithm="HS256")

    def verify(self, token: str) -> Session:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                audience=AUDIENCE,
                options={"require": ["exp", "iss", "sub", "prj"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("the session has expired: reload the page") from exc
        except jwt.InvalidTokenError as exc:
            raise AuthError("the session token is invalid") from exc
        project_id, project_key = claims["prj"]
        return Session(
            client_key=claims["iss"],
            account_id=claims["sub"],
            project_id=str(project_id),
            project_key=str(project_key),
        )
