"""The one error of a request that does not prove who sent it, whatever the door."""

from __future__ import annotations


class AuthError(Exception):
    """A request that is not authenticated; ``status`` is 401, 400, 403 or 503."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
