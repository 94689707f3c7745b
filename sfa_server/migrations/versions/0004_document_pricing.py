"""one pricing of a document: price groups, VAT exemptions, agreed net prices, shown net unit prices

customers.price_group / vat_exemption / vat_exemption_ref, price_lists.customer_group,
products.vat_nature, and on quote and order lines net_price, net_unit_price and vat_nature.
The net unit price of the lines already written is filled in with the domain's one rule
(totals.net_unit_price), so old and new lines show it the same way.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_LINE_TABLES = ("quote_lines", "order_lines")
_BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("price_group", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("vat_exemption", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("vat_exemption_ref", sa.String(length=200), nullable=True))
        batch_op.create_index("ix_customers_agent_price_group", ["agent_id", "price_group"], unique=False)
    with op.batch_alter_table("price_lists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_group", sa.String(length=80), nullable=True))
        batch_op.create_index(batch_op.f("ix_price_lists_customer_group"), ["customer_group"], unique=False)
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vat_nature", sa.String(length=10), nullable=True))
    for table in _LINE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("net_price", sa.Numeric(precision=18, scale=4), nullable=True))
            batch_op.add_column(sa.Column("net_unit_price", sa.Numeric(precision=18, scale=4), nullable=True))
            batch_op.add_column(sa.Column("vat_nature", sa.String(length=10), nullable=True))
    for table in _LINE_TABLES:
        _fill_net_unit_prices(table)


def _fill_net_unit_prices(table: str) -> None:
    # Imported here: the migration runs inside the server, which takes its rules from the domain.
    from decimal import Decimal

    from sfa_desktop.domain.discounts import DiscountError, parse_discount
    from sfa_desktop.domain.totals import net_unit_price

    conn = op.get_bind()
    lines = sa.table(table, sa.column("id", sa.String), sa.column("unit_price", sa.Numeric(18, 4)),
                     sa.column("discount", sa.String), sa.column("net_unit_price", sa.Numeric(18, 4)))
    last = ""
    while True:
        rows = conn.execute(sa.select(lines.c.id, lines.c.unit_price, lines.c.discount)
                            .where(lines.c.id > last).order_by(lines.c.id).limit(_BATCH)).all()
        if not rows:
            return
        values = []
        for row in rows:
            try:
                discount = parse_discount(row.discount)
            except DiscountError:
                continue  # an unreadable discount stays without a shown price
            values.append({"b_id": row.id, "b_net": net_unit_price(Decimal(str(row.unit_price)), discount)})
        if values:
            conn.execute(lines.update().where(lines.c.id == sa.bindparam("b_id"))
                         .values(net_unit_price=sa.bindparam("b_net")), values)
        last = rows[-1].id


def downgrade() -> None:
    for table in _LINE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("vat_nature")
            batch_op.drop_column("net_unit_price")
            batch_op.drop_column("net_price")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("vat_nature")
    with op.batch_alter_table("price_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_price_lists_customer_group"))
        batch_op.drop_column("customer_group")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_agent_price_group")
        batch_op.drop_column("vat_exemption_ref")
        batch_op.drop_column("vat_exemption")
        batch_op.drop_column("price_group")
