"""What the synchronization domain refuses, with the HTTP status that says why."""

from __future__ import annotations

from tandem.sync.models import Configuration


class SyncError(Exception):
    """An action that cannot be done; ``status`` is the HTTP status that says why."""

    def __init__(self, reason: str, status: int = 409) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class DraftChanged(SyncError):
    """The draft is no longer the revision an edit was made on."""

    def __init__(self, row: Configuration | None) -> None:
        self.revision = row.revision if row is not None else 0
        by = "it is gone"
        if row is not None:
            by = f"by {row.updated_by or 'Tandem'} at {row.updated_at:%Y-%m-%d %H:%M} UTC"
        super().__init__(
            f"the draft was changed since this page was loaded ({by}; now revision "
            f"{self.revision}): reload to see the current draft; nothing was changed"
        )
