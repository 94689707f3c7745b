"""the CRM: sales history, targets, prospect reviews; activities with a plan; deals' stage history

Revision ID: 0006
Revises: 0005 (0004 on the crm branch: 0005 comes from another branch)
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
# MERGE: "0005" once the migration 0005 of another branch is in
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('prospect_reviews',
    sa.Column('agent_id', sa.String(length=100), nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('candidates', sa.JSON(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('merged_into', sa.String(length=100), nullable=True),
    sa.Column('erp_code', sa.String(length=80), nullable=True),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prospect_reviews'))
    )
    with op.batch_alter_table('prospect_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prospect_reviews_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index('ix_prospect_reviews_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_prospect_reviews_status'), ['status'], unique=False)

    op.create_table('sales_history',
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('product_id', sa.String(length=100), nullable=False),
    sa.Column('document_number', sa.String(length=80), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('net_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('category', sa.String(length=255), nullable=True),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_history'))
    )
    with op.batch_alter_table('sales_history', schema=None) as batch_op:
        batch_op.create_index('ix_sales_history_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_history_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_history_document_date'), ['document_date'], unique=False)

    op.create_table('targets',
    sa.Column('agent_id', sa.String(length=100), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=255), nullable=True),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets'))
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index('ix_targets_change', ['change_tx', 'change_seq'], unique=False)

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('planned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('duration_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('next_action', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('next_action_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('follow_up_of', sa.String(length=100), nullable=True))
    # activities logged before the agenda were done when they happened
    op.execute("UPDATE activities SET done_at = occurred_at WHERE done_at IS NULL")

    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage_history', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_column('stage_history')

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('follow_up_of')
        batch_op.drop_column('next_action_at')
        batch_op.drop_column('next_action')
        batch_op.drop_column('outcome')
        batch_op.drop_column('done_at')
        batch_op.drop_column('duration_minutes')
        batch_op.drop_column('planned_at')

    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index('ix_targets_change')
        batch_op.drop_index(batch_op.f('ix_targets_agent_id'))

    op.drop_table('targets')
    with op.batch_alter_table('sales_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_history_document_date'))
        batch_op.drop_index(batch_op.f('ix_sales_history_customer_id'))
        batch_op.drop_index('ix_sales_history_change')

    op.drop_table('sales_history')
    with op.batch_alter_table('prospect_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prospect_reviews_status'))
        batch_op.drop_index('ix_prospect_reviews_change')
        batch_op.drop_index(batch_op.f('ix_prospect_reviews_agent_id'))

    op.drop_table('prospect_reviews')
