"""deals.close_reason, quotes.won_reason and quotes.deal_id

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("close_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("won_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("deal_id", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_quotes_deal_id"), ["deal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quotes_deal_id"))
        batch_op.drop_column("deal_id")
        batch_op.drop_column("won_reason")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_column("close_reason")
