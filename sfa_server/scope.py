"""What each caller may see: the scope predicate of every stream (feed, checksums, push checks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, exists, literal_column, or_, select, true

from sfa_server.deps import Principal
from sfa_server.models import STREAM_MODELS, Customer, Order, PriceList, Quote

CUSTOMER_CHILDREN = ("addresses", "contacts", "open_items", "quotes", "orders", "activities", "deals")


def table_of(stream: str) -> Table:
    return STREAM_MODELS[stream].__table__  # type: ignore[attr-defined]


def my_customers(agent_id: str) -> Select:
    c = Customer.__table__.c
    return select(c.id).where(c.agent_id == agent_id)


def my_price_lists(agent_id: str) -> Select:
    """Base lists and lists used by one of the agent's customers: one probe of the
    (agent_id, price_list_id) index per price list, whatever the number of customers."""
    c, pl = Customer.__table__.c, PriceList.__table__.c
    used = exists().where(c.agent_id == agent_id, c.price_list_id == pl.id)
    return select(pl.id).where(or_(pl.is_base.is_(True), used))


def _unindexed(t: Table, name: str) -> Any:
    """SQLite's unary "+": the same value, but the planner may not pick an index of that column."""
    return literal_column(f"+{t.name}.{t.c[name].name}", type_=t.c[name].type)


def scope_clause(
    stream: str, *, agent_id: str | None, user_id: str, sqlite_walk_changes: bool = False
) -> ColumnElement[bool]:
    """Rows of `stream` visible to the caller. agent_id None = office/admin (everything).

    sqlite_walk_changes (SQLite only): keep the planner on the (change_tx, change_seq) index, the
    scope being a filter on it; for feed windows that already bound the rows examined."""
    t = table_of(stream)
    cols: Any = (lambda name: _unindexed(t, name)) if sqlite_walk_changes else (lambda name: t.c[name])
    if stream == "users":
        return t.c.id == user_id
    if agent_id is None or stream in (
        "settings",
        "warehouses",
        "products",
        "product_documents",
        "stock_levels",
    ):
        return true()
    if stream == "price_lists":
        return cols("id").in_(my_price_lists(agent_id))
    if stream == "price_list_items":
        return cols("price_list_id").in_(my_price_lists(agent_id))
    if stream == "customers":
        return cols("agent_id") == agent_id
    if stream in CUSTOMER_CHILDREN:
        return cols("customer_id").in_(my_customers(agent_id))
    if stream == "quote_lines":
        q = Quote.__table__.c
        return cols("quote_id").in_(select(q.id).where(q.customer_id.in_(my_customers(agent_id))))
    if stream == "order_lines":
        o = Order.__table__.c
        return cols("order_id").in_(select(o.id).where(o.customer_id.in_(my_customers(agent_id))))
    raise ValueError(f"no scope rule for stream {stream!r}")


def row_for(principal: Principal, stream: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """The row as this caller receives it (its users row carries this device's number block)."""
    out = dict(row)
    if stream == "users" and out.get("id") == principal.user_id:
        # each device numbers documents from its own block
        out["number_block_start"], out["number_block_end"] = principal.number_block
    return out
