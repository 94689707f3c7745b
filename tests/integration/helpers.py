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
                discount: str | None = None) -> tuple[str, str, str]:
    """What the order screen does offline: operations.submit_order, priced from the replica.

    Quantities are rounded up to what the product is sold in (packs, minimum). Returns
    (order_id, number, command_id).
    """
    from decimal import Decimal

    from sfa_desktop.domain.pricing import suggest_quantity
    from sfa_desktop.local_db.models import Order, OutboxCommand, Product
    from sfa_desktop.operations import submit_order
    from sfa_desktop.operations.catalog import product_terms
    from sfa_desktop.operations.lines import LineRequest

    with replica.session(write=True) as s:
        requests = []
        for product_id, qty in lines:
            product = s.get(Product, product_id)
            quantity = suggest_quantity(product_terms(product), Decimal(qty)) if product else Decimal(qty)
            requests.append(LineRequest(product_id, quantity, discount))
        changes = submit_order(s, customer_id=customer_id, lines=requests)
        order = s.get(Order, changes.created)
        command = s.scalars(select(OutboxCommand).where(OutboxCommand.type == "order.submit")
                            .order_by(OutboxCommand.seq.desc())).first()
        return order.id, order.number, command.id


def some_customer_and_products(replica: Any, n: int = 2) -> tuple[str, list[str]]:
    """An active customer and `n` active products with a base-list price (sellable to anyone)."""
    customers, products = apply.table_of("customers"), apply.table_of("products")
    lists, items = apply.table_of("price_lists"), apply.table_of("price_list_items")
    with replica.session() as s:
        customer = s.execute(select(customers.c.id).where(customers.c.status == "active")
                             .order_by(customers.c.id).limit(1)).scalar_one()
        priced = select(items.c.product_id).join(lists, lists.c.id == items.c.price_list_id).where(
            lists.c.is_base.is_(True))
        # sold by the single piece, so that any whole quantity is valid (not cable in 100 m coils);
        # compared in Python: the replica keeps decimals as text ("1.0000")
        rows = s.execute(select(products.c.id, products.c.pack_size, products.c.min_quantity)
                         .where(products.c.active.is_(True), products.c.id.in_(priced)).order_by(products.c.id))
        pids = [pid for pid, pack, minimum in rows if (pack or 1) == 1 and (minimum or 1) <= 1][:n]
    return customer, pids
