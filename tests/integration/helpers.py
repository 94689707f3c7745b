"""Server-side helpers for sync tests: write on the server as the office or the ERP import would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.sync import apply, protocol


@contextmanager
def server_session(url: str) -> Iterator[Session]:
    from sfa_server.db import make_engine, session_factory

    engine = make_engine(url)
    try:
        with session_factory(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


def server_rows(url: str, stream: str, **where: Any) -> list[dict[str, Any]]:
    """Rows in wire form (comparable with local_rows whatever the database returns)."""
    from sfa_server.scope import table_of

    t = table_of(stream)
    with server_session(url) as s:
        stmt = select(*(t.c[n] for n in protocol.STREAMS[stream].field_names))
        for k, v in where.items():
            stmt = stmt.where(t.c[k] == v)
        return [protocol.encode_row(stream, r) for r in s.execute(stmt).mappings()]


def local_rows(replica: Any, stream: str, **where: Any) -> list[dict[str, Any]]:
    t = apply.table_of(stream)
    with replica.session() as s:
        stmt = select(*(t.c[n] for n in protocol.STREAMS[stream].field_names))
        for k, v in where.items():
            stmt = stmt.where(t.c[k] == v)
        return [protocol.encode_row(stream, r) for r in s.execute(stmt).mappings()]


def user_id(url: str, username: str) -> str:
    [row] = server_rows(url, "users", username=username)
    return row["id"]


def place_order(replica: Any, *, customer_id: str, lines: list[tuple[str, str]],
                depends_on: tuple[str, ...] = ()) -> tuple[str, str, str]:
    """What the order screen does offline: a local order with provisional values and its
    order.submit command, in one transaction. Returns (order_id, number, command_id)."""
    import datetime as dt
    import uuid
    from decimal import Decimal

    from sfa_desktop.domain.numbering import NumberBlock, format_document_number, next_number
    from sfa_desktop.local_db.models import NumberSequence
    from sfa_desktop.sync import outbox

    users, products = apply.table_of("users"), apply.table_of("products")
    orders, order_lines = apply.table_of("orders"), apply.table_of("order_lines")
    now = dt.datetime.now(dt.UTC)
    order_id = str(uuid.uuid4())
    with replica.session(write=True) as s:
        me = s.execute(select(users).where(users.c.role == "agent")).mappings().one()
        seq_row = s.get(NumberSequence, ("O", now.year))
        if seq_row is None:
            seq_row = NumberSequence(kind="O", year=now.year, last_used=0)
            s.add(seq_row)
        block = NumberBlock(me["number_block_start"], me["number_block_end"])
        seq = next_number(block, seq_row.last_used or None)
        seq_row.last_used = seq
        number = format_document_number("O", me["agent_code"], now.year, seq)
        s.execute(orders.insert().values(
            id=order_id, number=number, customer_id=customer_id, agent_id=me["id"], status="submitted",
            currency="EUR", taxable_total=Decimal(0), vat_total=Decimal(0), grand_total=Decimal(0),
            created_at=now, updated_at=now, dirty=True))
        for n, (product_id, qty) in enumerate(lines, 1):
            p = s.execute(select(products).where(products.c.id == product_id)).mappings().first() or {
                "sku": "?", "name": "unknown product", "unit": "pz", "vat_rate": Decimal("22")}
            s.execute(order_lines.insert().values(
                id=str(uuid.uuid4()), order_id=order_id, line_no=n, product_id=product_id, sku=p["sku"],
                description=p["name"], quantity=Decimal(qty), unit=p["unit"], unit_price=Decimal(0),
                vat_rate=p["vat_rate"], net_amount=Decimal(0)))
        cmd = outbox.enqueue(s, type="order.submit", depends_on=depends_on, payload={
            "order_id": order_id, "customer_id": customer_id, "number": number,
            "lines": [{"product_id": pid, "quantity": Decimal(q)} for pid, q in lines]})
    return order_id, number, cmd.id


def some_customer_and_products(replica: Any, n: int = 2) -> tuple[str, list[str]]:
    customers, products = apply.table_of("customers"), apply.table_of("products")
    with replica.session() as s:
        customer = s.execute(select(customers.c.id).where(customers.c.status == "active")
                             .order_by(customers.c.id).limit(1)).scalar_one()
        # sold by the single piece, so that any whole quantity is valid (not cable in 100 m coils);
        # compared in Python: the replica keeps decimals as text ("1.0000")
        rows = s.execute(select(products.c.id, products.c.pack_size, products.c.min_quantity)
                         .where(products.c.active.is_(True)).order_by(products.c.id))
        pids = [pid for pid, pack, minimum in rows if (pack or 1) == 1 and (minimum or 1) <= 1][:n]
    return customer, pids
