"""the office's approval queue: pending orders read in page order by index (all agents, or one)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 04:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
# MERGE: another branch may add its own 0007; chain one after the other then
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_queue", ["status", "created_at", "id"], unique=False)
        batch_op.create_index("ix_orders_queue_agent", ["status", "agent_id", "created_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_queue_agent")
        batch_op.drop_index("ix_orders_queue")
