"""Every table, imported in one place so that Alembic and tests see the whole schema.

It sits above the domains: the store knows only ``Base``, each domain declares its own tables.
"""

from __future__ import annotations

from tandem.store.base import Base
from tandem.sync.models import (
    AuditEntry,
    CommentLink,
    Configuration,
    Event,
    IssueLink,
    Synchronization,
    SyncRun,
    WorkerProcess,
)
from tandem.tenants.models import Tenant

metadata = Base.metadata

__all__ = [
    "AuditEntry",
    "CommentLink",
    "Configuration",
    "Event",
    "IssueLink",
    "SyncRun",
    "Synchronization",
    "Tenant",
    "WorkerProcess",
    "metadata",
]
