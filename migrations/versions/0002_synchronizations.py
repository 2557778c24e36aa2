"""synchronizations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 07:36:04.128138
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "synchronizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "requested",
                "accepted",
                "rejected",
                "active",
                "paused",
                "deleted",
                name="syncstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("first_tenant_id", sa.Integer(), nullable=False),
        sa.Column("first_project_id", sa.String(length=64), nullable=False),
        sa.Column("first_project_key", sa.String(length=64), nullable=False),
        sa.Column("first_project_type", sa.String(length=32), nullable=False),
        sa.Column("second_tenant_id", sa.Integer(), nullable=False),
        sa.Column("second_project_id", sa.String(length=64), nullable=False),
        sa.Column("second_project_key", sa.String(length=64), nullable=False),
        sa.Column("second_project_type", sa.String(length=32), nullable=False),
        sa.Column("requested_by", sa.String(length=128), nullable=False),
        sa.Column("accepted_by", sa.String(length=128), nullable=True),
        sa.Column("reconciled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_tenant_id"],
            ["tenants.id"],
            name=op.f("fk_synchronizations_first_tenant_id_tenants"),
        ),
        sa.ForeignKeyConstraint(
            ["second_tenant_id"],
            ["tenants.id"],
            name=op.f("fk_synchronizations_second_tenant_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_synchronizations")),
    )
    with op.batch_alter_table("synchronizations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_synchronizations_first", ["first_tenant_id", "first_project_id"], unique=False
        )
        batch_op.create_index(
            "ix_synchronizations_second", ["second_tenant_id", "second_project_id"], unique=False
        )

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("synchronization_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["synchronization_id"],
            ["synchronizations.id"],
            name=op.f("fk_audit_entries_synchronization_id_synchronizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_entries_synchronization_id"), ["synchronization_id"], unique=False
        )

    op.create_table(
        "configurations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("synchronization_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("draft", "published", name="configkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["synchronization_id"],
            ["synchronizations.id"],
            name=op.f("fk_configurations_synchronization_id_synchronizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configurations")),
        sa.UniqueConstraint(
            "synchronization_id", "kind", name=op.f("uq_configurations_synchronization_id_kind")
        ),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("synchronization_id", sa.Integer(), nullable=False),
        sa.Column(
            "side",
            sa.Enum("first", "second", name="side", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("webhook_event", sa.String(length=64), nullable=False),
        sa.Column("issue_id", sa.String(length=64), nullable=False),
        sa.Column("issue_key", sa.String(length=64), nullable=True),
        sa.Column("order_key", sa.String(length=160), nullable=False),
        sa.Column("jira_timestamp", sa.BigInteger(), nullable=True),
        sa.Column("comment_id", sa.String(length=64), nullable=True),
        sa.Column("actor_account_id", sa.String(length=128), nullable=True),
        sa.Column("redelivered", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "processing",
                "done",
                "failed",
                "skipped",
                name="eventstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["synchronization_id"],
            ["synchronizations.id"],
            name=op.f("fk_events_synchronization_id_synchronizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint(
            "synchronization_id", "dedupe_key", name=op.f("uq_events_synchronization_id_dedupe_key")
        ),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_order", ["order_key", "id"], unique=False)
        batch_op.create_index("ix_events_queue", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "issue_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("synchronization_id", sa.Integer(), nullable=False),
        sa.Column("first_issue_id", sa.String(length=64), nullable=True),
        sa.Column("first_issue_key", sa.String(length=64), nullable=True),
        sa.Column("second_issue_id", sa.String(length=64), nullable=True),
        sa.Column("second_issue_key", sa.String(length=64), nullable=True),
        sa.Column(
            "origin",
            sa.Enum("first", "second", name="side", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("create_attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("field_state", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["synchronization_id"],
            ["synchronizations.id"],
            name=op.f("fk_issue_links_synchronization_id_synchronizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_links")),
        sa.UniqueConstraint(
            "synchronization_id",
            "first_issue_id",
            name=op.f("uq_issue_links_synchronization_id_first_issue_id"),
        ),
        sa.UniqueConstraint(
            "synchronization_id",
            "second_issue_id",
            name=op.f("uq_issue_links_synchronization_id_second_issue_id"),
        ),
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("synchronization_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("initial", "reconcile", name="runkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("jql", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["synchronization_id"],
            ["synchronizations.id"],
            name=op.f("fk_sync_runs_synchronization_id_synchronizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_runs_synchronization_id"), ["synchronization_id"], unique=False
        )

    op.create_table(
        "comment_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_link_id", sa.Integer(), nullable=False),
        sa.Column("first_comment_id", sa.String(length=64), nullable=True),
        sa.Column("second_comment_id", sa.String(length=64), nullable=True),
        sa.Column(
            "origin",
            sa.Enum("first", "second", name="side", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("author_account_id", sa.String(length=128), nullable=True),
        sa.Column("author_name", sa.String(length=255), nullable=True),
        sa.Column("body_hash", sa.String(length=64), nullable=True),
        sa.Column("create_attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("origin_seen_ms", sa.BigInteger(), nullable=True),
        sa.Column("origin_deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_link_id"],
            ["issue_links.id"],
            name=op.f("fk_comment_links_issue_link_id_issue_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_links")),
        sa.UniqueConstraint(
            "issue_link_id",
            "first_comment_id",
            name=op.f("uq_comment_links_issue_link_id_first_comment_id"),
        ),
        sa.UniqueConstraint(
            "issue_link_id",
            "second_comment_id",
            name=op.f("uq_comment_links_issue_link_id_second_comment_id"),
        ),
    )
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("app_account_id", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("app_account_id")

    op.drop_table("comment_links")
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_runs_synchronization_id"))

    op.drop_table("sync_runs")
    op.drop_table("issue_links")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_queue")
        batch_op.drop_index("ix_events_order")

    op.drop_table("events")
    op.drop_table("configurations")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_synchronization_id"))

    op.drop_table("audit_entries")
    with op.batch_alter_table("synchronizations", schema=None) as batch_op:
        batch_op.drop_index("ix_synchronizations_second")
        batch_op.drop_index("ix_synchronizations_first")

    op.drop_table("synchronizations")
