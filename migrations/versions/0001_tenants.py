"""tenants

Revision ID: 0001
Revises:
Create Date: 2026-11-25 06:55:43.346185
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=255), nullable=False),
        sa.Column("base_url", sa.String(length=2048), nullable=False),
        sa.Column("display_url", sa.String(length=2048), nullable=True),
        sa.Column("product_type", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("shared_secret_encrypted", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "installed",
                "enabled",
                "disabled",
                "uninstalled",
                name="tenantstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("uninstalled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("client_key", name=op.f("uq_tenants_client_key")),
    )


def downgrade() -> None:
    op.drop_table("tenants")
