"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 21:17:04.227577
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the change feed's sequence (PostgreSQL; SQLite stamps from the counters table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.CreateSequence(sa.Sequence("sfa_change_seq", start=1), if_not_exists=True))
    op.create_table('activities',
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('agent_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index('ix_activities_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_customer_id'), ['customer_id'], unique=False)

    op.create_table('addresses',
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('street', sa.String(length=255), nullable=False),
    sa.Column('city', sa.String(length=255), nullable=False),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('province', sa.String(length=10), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addresses'))
    )
    with op.batch_alter_table('addresses', schema=None) as batch_op:
        batch_op.create_index('ix_addresses_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_addresses_customer_id'), ['customer_id'], unique=False)

    op.create_table('applied_commands',
    sa.Column('command_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=100), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('command_id', name=op.f('pk_applied_commands'))
    )
    with op.batch_alter_table('applied_commands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applied_commands_user_id'), ['user_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=100), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=100), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_object', ['object_type', 'object_id'], unique=False)

    op.create_table('contacts',
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=255), nullable=True),
    sa.Column('phone', sa.String(length=255), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_customer_id'), ['customer_id'], unique=False)

    op.create_table('counters',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counters'))
    )
    op.create_table('customers',
    sa.Column('erp_code', sa.String(length=80), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('vat_number', sa.String(length=40), nullable=True),
    sa.Column('tax_code', sa.String(length=40), nullable=True),
    sa.Column('segment', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('payment_terms', sa.String(length=255), nullable=True),
    sa.Column('price_list_id', sa.String(length=100), nullable=True),
    sa.Column('default_discount', sa.String(length=100), nullable=True),
    sa.Column('credit_limit', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('balance', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('overdue_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('agent_id', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=255), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('city', sa.String(length=255), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('erp_code', name=op.f('uq_customers_erp_code'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index('ix_customers_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_price_list_id'), ['price_list_id'], unique=False)
        batch_op.create_index('ix_customers_agent_price_list', ['agent_id', 'price_list_id'], unique=False)

    op.create_table('deals',
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('agent_id', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('stage', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('expected_close', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deals'))
    )
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deals_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index('ix_deals_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_customer_id'), ['customer_id'], unique=False)

    op.create_table('login_attempts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_ip_at', ['ip', 'at'], unique=False)
        batch_op.create_index('ix_login_attempts_username_at', ['username', 'at'], unique=False)

    op.create_table('open_items',
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('document_number', sa.String(length=80), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('paid', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_items'))
    )
    with op.batch_alter_table('open_items', schema=None) as batch_op:
        batch_op.create_index('ix_open_items_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_open_items_customer_id'), ['customer_id'], unique=False)

    op.create_table('order_lines',
    sa.Column('order_id', sa.String(length=100), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=100), nullable=False),
    sa.Column('sku', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('discount', sa.String(length=100), nullable=True),
    sa.Column('vat_rate', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('net_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('price_list_id', sa.String(length=100), nullable=True),
    sa.Column('price_list_version', sa.Integer(), nullable=True),
    sa.Column('list_price', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('unit_cost', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index('ix_order_lines_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_lines_order_id'), ['order_id'], unique=False)

    op.create_table('orders',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('agent_id', sa.String(length=100), nullable=False),
    sa.Column('quote_id', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('document_discount', sa.String(length=100), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('customer_reference', sa.String(length=255), nullable=True),
    sa.Column('taxable_total', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('vat_total', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('grand_total', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('approval_reasons', sa.JSON(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_orders_number'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index('ix_orders_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_status'), ['status'], unique=False)

    op.create_table('price_list_items',
    sa.Column('price_list_id', sa.String(length=100), nullable=False),
    sa.Column('product_id', sa.String(length=100), nullable=False),
    sa.Column('min_quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('price', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_list_items'))
    )
    with op.batch_alter_table('price_list_items', schema=None) as batch_op:
        batch_op.create_index('ix_price_list_items_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index('ix_price_list_items_list_product', ['price_list_id', 'product_id'], unique=False)

    op.create_table('price_lists',
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('is_base', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_lists'))
    )
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.create_index('ix_price_lists_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_lists_is_base'), ['is_base'], unique=False)

    op.create_table('product_documents',
    sa.Column('product_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_documents'))
    )
    with op.batch_alter_table('product_documents', schema=None) as batch_op:
        batch_op.create_index('ix_product_documents_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_documents_product_id'), ['product_id'], unique=False)

    op.create_table('products',
    sa.Column('sku', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('category', sa.String(length=255), nullable=True),
    sa.Column('brand', sa.String(length=255), nullable=True),
    sa.Column('barcode', sa.String(length=50), nullable=True),
    sa.Column('pack_size', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('min_quantity', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('cost', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('sku', name=op.f('uq_products_sku'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index('ix_products_change', ['change_tx', 'change_seq'], unique=False)

    op.create_table('quote_lines',
    sa.Column('quote_id', sa.String(length=100), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=100), nullable=False),
    sa.Column('sku', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('discount', sa.String(length=100), nullable=True),
    sa.Column('vat_rate', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('net_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('price_list_id', sa.String(length=100), nullable=True),
    sa.Column('price_list_version', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_lines'))
    )
    with op.batch_alter_table('quote_lines', schema=None) as batch_op:
        batch_op.create_index('ix_quote_lines_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_quote_lines_quote_id'), ['quote_id'], unique=False)

    op.create_table('quotes',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('agent_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('previous_revision_id', sa.String(length=100), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('document_discount', sa.String(length=100), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('customer_reference', sa.String(length=255), nullable=True),
    sa.Column('lost_reason', sa.Text(), nullable=True),
    sa.Column('taxable_total', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('vat_total', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('grand_total', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('priced_on', sa.Date(), nullable=True),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes')),
    sa.UniqueConstraint('number', name=op.f('uq_quotes_number'))
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index('ix_quotes_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotes_customer_id'), ['customer_id'], unique=False)

    op.create_table('number_blocks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('start', sa.BigInteger(), nullable=False),
    sa.Column('end', sa.BigInteger(), nullable=False),
    sa.Column('allocated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_number_blocks'))
    )
    with op.batch_alter_table('number_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_number_blocks_device_id'), ['device_id'], unique=False)

    op.create_table('refresh_tokens',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=100), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_refresh_tokens_token_hash'))
    )
    with op.batch_alter_table('refresh_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresh_tokens_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refresh_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('scope_grants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agent_id', sa.String(length=100), nullable=False),
    sa.Column('stream', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scope_grants'))
    )
    with op.batch_alter_table('scope_grants', schema=None) as batch_op:
        batch_op.create_index('ix_scope_grants_agent_change', ['agent_id', 'change_tx', 'change_seq'], unique=False)

    op.create_table('scope_removals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agent_id', sa.String(length=100), nullable=False),
    sa.Column('stream', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scope_removals'))
    )
    with op.batch_alter_table('scope_removals', schema=None) as batch_op:
        batch_op.create_index('ix_scope_removals_agent_change', ['agent_id', 'change_tx', 'change_seq'], unique=False)

    op.create_table('server_secrets',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_server_secrets'))
    )
    op.create_table('settings',
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settings'))
    )
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.create_index('ix_settings_change', ['change_tx', 'change_seq'], unique=False)

    op.create_table('stock_levels',
    sa.Column('product_id', sa.String(length=100), nullable=False),
    sa.Column('warehouse_id', sa.String(length=100), nullable=False),
    sa.Column('on_hand', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('reserved', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('available', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('incoming', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('incoming_date', sa.Date(), nullable=True),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_levels'))
    )
    with op.batch_alter_table('stock_levels', schema=None) as batch_op:
        batch_op.create_index('ix_stock_levels_change', ['change_tx', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_levels_product_id'), ['product_id'], unique=False)

    op.create_table('tombstones',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('stream', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.String(length=100), nullable=False),
    sa.Column('agent_id', sa.String(length=100), nullable=True),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tombstones'))
    )
    with op.batch_alter_table('tombstones', schema=None) as batch_op:
        batch_op.create_index('ix_tombstones_change', ['change_tx', 'change_seq'], unique=False)

    op.create_table('users',
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('full_name', sa.String(length=255), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('agent_code', sa.String(length=20), nullable=True),
    sa.Column('max_line_discount', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('max_avg_discount', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('number_block_start', sa.BigInteger(), nullable=True),
    sa.Column('number_block_end', sa.BigInteger(), nullable=True),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('agent_code', name=op.f('uq_users_agent_code')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_change', ['change_tx', 'change_seq'], unique=False)

    op.create_table('warehouses',
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('change_tx', sa.BigInteger(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warehouses')),
    sa.UniqueConstraint('code', name=op.f('uq_warehouses_code'))
    )
    with op.batch_alter_table('warehouses', schema=None) as batch_op:
        batch_op.create_index('ix_warehouses_change', ['change_tx', 'change_seq'], unique=False)

    op.create_table('devices',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=100), nullable=True),
    sa.Column('number_block_start', sa.BigInteger(), nullable=False),
    sa.Column('number_block_end', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_devices_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices'))
    )
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_devices_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_devices_user_id'))

    op.drop_table('devices')
    with op.batch_alter_table('warehouses', schema=None) as batch_op:
        batch_op.drop_index('ix_warehouses_change')

    op.drop_table('warehouses')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_change')

    op.drop_table('users')
    with op.batch_alter_table('tombstones', schema=None) as batch_op:
        batch_op.drop_index('ix_tombstones_change')

    op.drop_table('tombstones')
    with op.batch_alter_table('stock_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_levels_product_id'))
        batch_op.drop_index('ix_stock_levels_change')

    op.drop_table('stock_levels')
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.drop_index('ix_settings_change')

    op.drop_table('settings')
    op.drop_table('server_secrets')
    with op.batch_alter_table('scope_removals', schema=None) as batch_op:
        batch_op.drop_index('ix_scope_removals_agent_change')

    op.drop_table('scope_removals')
    with op.batch_alter_table('scope_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_scope_grants_agent_change')

    op.drop_table('scope_grants')
    with op.batch_alter_table('refresh_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_tokens_user_id'))
        batch_op.drop_index(batch_op.f('ix_refresh_tokens_device_id'))

    op.drop_table('refresh_tokens')
    op.drop_table('number_blocks')
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotes_customer_id'))
        batch_op.drop_index('ix_quotes_change')
        batch_op.drop_index(batch_op.f('ix_quotes_agent_id'))

    op.drop_table('quotes')
    with op.batch_alter_table('quote_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quote_lines_quote_id'))
        batch_op.drop_index('ix_quote_lines_change')

    op.drop_table('quote_lines')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_change')

    op.drop_table('products')
    with op.batch_alter_table('product_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_documents_product_id'))
        batch_op.drop_index('ix_product_documents_change')

    op.drop_table('product_documents')
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_lists_is_base'))
        batch_op.drop_index('ix_price_lists_change')

    op.drop_table('price_lists')
    with op.batch_alter_table('price_list_items', schema=None) as batch_op:
        batch_op.drop_index('ix_price_list_items_list_product')
        batch_op.drop_index('ix_price_list_items_change')

    op.drop_table('price_list_items')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_status'))
        batch_op.drop_index(batch_op.f('ix_orders_customer_id'))
        batch_op.drop_index('ix_orders_change')
        batch_op.drop_index(batch_op.f('ix_orders_agent_id'))

    op.drop_table('orders')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_order_id'))
        batch_op.drop_index('ix_order_lines_change')

    op.drop_table('order_lines')
    with op.batch_alter_table('open_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open_items_customer_id'))
        batch_op.drop_index('ix_open_items_change')

    op.drop_table('open_items')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_username_at')
        batch_op.drop_index('ix_login_attempts_ip_at')

    op.drop_table('login_attempts')
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deals_customer_id'))
        batch_op.drop_index('ix_deals_change')
        batch_op.drop_index(batch_op.f('ix_deals_agent_id'))

    op.drop_table('deals')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_price_list_id'))
        batch_op.drop_index('ix_customers_change')
        batch_op.drop_index(batch_op.f('ix_customers_agent_id'))

    op.drop_table('customers')
    op.drop_table('counters')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_customer_id'))
        batch_op.drop_index('ix_contacts_change')

    op.drop_table('contacts')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_object')
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
    with op.batch_alter_table('applied_commands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applied_commands_user_id'))

    op.drop_table('applied_commands')
    with op.batch_alter_table('addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_addresses_customer_id'))
        batch_op.drop_index('ix_addresses_change')

    op.drop_table('addresses')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_customer_id'))
        batch_op.drop_index('ix_activities_change')
        batch_op.drop_index(batch_op.f('ix_activities_agent_id'))

    op.drop_table('activities')
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.DropSequence(sa.Sequence("sfa_change_seq"), if_exists=True))
