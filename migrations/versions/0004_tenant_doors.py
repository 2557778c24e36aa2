"""tenant doors

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-09 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every site known so far installed the Connect app.
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(
            sa.Column("door", sa.String(length=32), server_default="connect", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("door")
