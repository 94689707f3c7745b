"""history retention: when each tombstone / scope removal was recorded

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # nullable without a server default: rows written before this revision get their clock
    # started by the first prune (sfa_server.retention), so they are never pruned early
    for table in ("tombstones", "scope_removals"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in ("tombstones", "scope_removals"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("recorded_at")
