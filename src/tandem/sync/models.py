"""Tables of the sync domain: synchronizations, their configuration, links and events."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.store.base import Base, Timestamps, utcnow
from tandem.tenants.models import Tenant


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class SyncState(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"


class Side(enum.StrEnum):
    FIRST = "first"
    SECOND = "second"

    @property
    def other(self) -> Side:
        return Side.SECOND if self is Side.FIRST else Side.FIRST


class EventStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


class Synchronization(Timestamps, Base):
    """A named link between a project on one site ("first") and one on another ("second")."""

    __tablename__ = "synchronizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    state: Mapped[SyncState] = mapped_column(_enum(SyncState), default=SyncState.REQUESTED)
    first_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    first_project_id: Mapped[str] = mapped_column(String(64))
    first_project_key: Mapped[str] = mapped_column(String(64))
    first_project_type: Mapped[str] = mapped_column(String(32))
    second_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    second_project_id: Mapped[str] = mapped_column(String(64))
    second_project_key: Mapped[str] = mapped_column(String(64))
    second_project_type: Mapped[str] = mapped_column(String(32))
    requested_by: Mapped[str] = mapped_column(String(128))
    accepted_by: Mapped[str | None] = mapped_column(String(128))
    reconciled_at: Mapped[datetime | None]

    first_tenant: Mapped[Tenant] = relationship(foreign_keys=[first_tenant_id], lazy="joined")
    second_tenant: Mapped[Tenant] = relationship(foreign_keys=[second_tenant_id], lazy="joined")

    __table_args__ = (
        Index("ix_synchronizations_first", "first_tenant_id", "first_project_id"),
        Index("ix_synchronizations_second", "second_tenant_id", "second_project_id"),
    )

    def tenant_id(self, side: Side) -> int:
        return self.first_tenant_id if side is Side.FIRST else self.second_tenant_id

    def project_id(self, side: Side) -> str:
        return self.first_project_id if side is Side.FIRST else self.second_project_id

    def project_key(self, side: Side) -> str:
        return self.first_project_key if side is Side.FIRST else self.second_project_key

    def project_type(self, side: Side) -> str:
        return self.first_project_type if side is Side.FIRST else self.second_project_type

    def tenant(self, side: Side) -> Tenant:
        return self.first_tenant if side is Side.FIRST else self.second_tenant

    def side_of(self, tenant_id: int, project_id: str) -> Side | None:
        """Which side a project is, or None if it is in neither."""
        if (self.first_tenant_id, self.first_project_id) == (tenant_id, project_id):
            return Side.FIRST
        if (self.second_tenant_id, self.second_project_id) == (tenant_id, project_id):
            return Side.SECOND
        return None


class ConfigKind(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Configuration(Timestamps, Base):
    """One version of a synchronization's configuration: its draft or its published one."""

    __tablename__ = "configurations"

    id: Mapped[int] = mapped_column(primary_key=True)
    synchronization_id: Mapped[int] = mapped_column(
        ForeignKey("synchronizations.id", ondelete="CASCADE")
    )
    kind: Mapped[ConfigKind] = mapped_column(_enum(ConfigKind))
    schema_version: Mapped[int] = mapped_column(default=1)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (UniqueConstraint("synchronization_id", "kind"),)


class AuditEntry(Base):
    """Who changed what on a synchronization, and when."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    synchronization_id: Mapped[int] = mapped_column(
        ForeignKey("synchronizations.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[str | None] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class IssueLink(Timestamps, Base):
    """Which issue on one side is which on the other, and what was last synced per field."""

    __tablename__ = "issue_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    synchronization_id: Mapped[int] = mapped_column(
        ForeignKey("synchronizations.id", ondelete="CASCADE")
    )
    first_issue_id: Mapped[str | None] = mapped_column(String(64))
    first_issue_key: Mapped[str | None] = mapped_column(String(64))
    second_issue_id: Mapped[str | None] = mapped_column(String(64))
    second_issue_key: Mapped[str | None] = mapped_column(String(64))
    # The side whose issue came first; the other side's id is None while a create is under way.
    origin: Mapped[Side] = mapped_column(_enum(Side))
    create_attempted_at: Mapped[datetime | None]
    # Per field mapping: the hash of the value both sides had after the last sync, and when
    # Tandem last wrote each side (see tandem.sync.engine.mapping.FieldState).
    field_state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        UniqueConstraint("synchronization_id", "first_issue_id"),
        UniqueConstraint("synchronization_id", "second_issue_id"),
    )

    def issue_id(self, side: Side) -> str | None:
        return self.first_issue_id if side is Side.FIRST else self.second_issue_id

    def issue_key(self, side: Side) -> str | None:
        return self.first_issue_key if side is Side.FIRST else self.second_issue_key

    def set_issue(self, side: Side, issue_id: str, issue_key: str) -> None:
        if side is Side.FIRST:
            self.first_issue_id, self.first_issue_key = issue_id, issue_key
        else:
            self.second_issue_id, self.second_issue_key = issue_id, issue_key


class CommentLink(Timestamps, Base):
    """A comment and its copy on the other side (None while it is not, or no longer, synced)."""

    __tablename__ = "comment_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_link_id: Mapped[int] = mapped_column(ForeignKey("issue_links.id", ondelete="CASCADE"))
    first_comment_id: Mapped[str | None] = mapped_column(String(64))
    second_comment_id: Mapped[str | None] = mapped_column(String(64))
    origin: Mapped[Side] = mapped_column(_enum(Side))
    author_account_id: Mapped[str | None] = mapped_column(String(128))
    author_name: Mapped[str | None] = mapped_column(String(255))
    body_hash: Mapped[str | None] = mapped_column(String(64))
    create_attempted_at: Mapped[datetime | None]
    # The newest event seen for the original comment (Jira's timestamp), so that a late,
    # stale delivery (a "created" arriving after the comment was made internal) is ignored.
    origin_seen_ms: Mapped[int | None] = mapped_column(BigInteger)
    origin_deleted: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        UniqueConstraint("issue_link_id", "first_comment_id"),
        UniqueConstraint("issue_link_id", "second_comment_id"),
    )

    def comment_id(self, side: Side) -> str | None:
        return self.first_comment_id if side is Side.FIRST else self.second_comment_id

    def set_comment(self, side: Side, comment_id: str | None) -> None:
        if side is Side.FIRST:
            self.first_comment_id = comment_id
        else:
            self.second_comment_id = comment_id


class Event(Timestamps, Base):
    """A webhook (or a change found by reconciliation) to apply to one synchronization."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    synchronization_id: Mapped[int] = mapped_column(
        ForeignKey("synchronizations.id", ondelete="CASCADE")
    )
    side: Mapped[Side] = mapped_column(_enum(Side))
    dedupe_key: Mapped[str] = mapped_column(String(255))
    webhook_event: Mapped[str] = mapped_column(String(64))
    issue_id: Mapped[str] = mapped_column(String(64))
    issue_key: Mapped[str | None] = mapped_column(String(64))
    # Events with the same order key are applied one at a time, oldest first: both sides of a
    # linked pair share "<sync>:first:<first issue id>".
    order_key: Mapped[str] = mapped_column(String(160))
    jira_timestamp: Mapped[int | None] = mapped_column(BigInteger)
    comment_id: Mapped[str | None] = mapped_column(String(64))
    actor_account_id: Mapped[str | None] = mapped_column(String(128))
    redelivered: Mapped[bool] = mapped_column(default=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus), default=EventStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    # The worker (``workers.id``) applying the event while it is "processing".
    claimed_by: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("synchronization_id", "dedupe_key"),
        Index("ix_events_queue", "status", "next_attempt_at"),
        Index("ix_events_order", "order_key", "id"),
    )


class WorkerProcess(Base):
    """A running worker; its claims stand while it is alive (see tandem.sync.queue.liveness)."""

    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunKind(enum.StrEnum):
    INITIAL = "initial"
    RECONCILE = "reconcile"


class SyncRun(Timestamps, Base):
    """A pass over existing issues: an initial sync or a reconciliation, with its progress."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    synchronization_id: Mapped[int] = mapped_column(
        ForeignKey("synchronizations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RunKind] = mapped_column(_enum(RunKind))
    jql: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="running")
    found: Mapped[int] = mapped_column(default=0)
    queued: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]
