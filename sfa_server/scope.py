"""What each caller may see: the scope predicate of every stream (feed, checksums, push checks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, literal_column, or_, select, true, union

from sfa_server.deps import Principal
from sfa_server.models import STREAM_MODELS, Customer, Order, PriceList, Quote, User

CUSTOMER_CHILDREN = ("addresses", "contacts", "open_items", "quotes", "orders", "activities", "deals",
                     "sales_history")
#: Streams of the agent's own rows, whatever the customer (its targets, the reviews of its prospects).
AGENT_OWN = ("targets", "prospect_reviews")


def table_of(stream: str) -> Table:
    return STREAM_MODELS[stream].__table__  # type: ignore[attr-defined]


def my_customers(agent_id: str) -> Select:
    c = Customer.__table__.c
    return select(c.id).where(c.agent_id == agent_id)


def my_price_lists(agent_id: str) -> Select:
    """The price lists an agent's client needs to price offline as the server does: every version
    of the base lists, every version of the codes its customers' own lists have (the client picks
    the version by day), and every list of the price groups its customers are in.

    The customers are read by the (agent_id, price_list_id) and (agent_id, price_group) indexes,
    whatever their number; the price lists are few."""
    c = Customer.__table__.c
    candidate, own = PriceList.__table__.alias("candidate"), PriceList.__table__.alias("own")
    own_codes = select(own.c.code).join(Customer.__table__, own.c.id == c.price_list_id).where(
        c.agent_id == agent_id)
    groups = select(c.price_group).where(c.agent_id == agent_id, c.price_group.is_not(None))
    return select(candidate.c.id).where(or_(candidate.c.is_base.is_(True), candidate.c.code.in_(own_codes),
                                            candidate.c.customer_group.in_(groups)))


def price_list_scope_pairs(*, agent_ids: list[str] | None = None, price_list_ids: list[str] | None = None
                           ) -> Select:
    """(agent_id, price_list_id) of every price list in an agent's scope (my_price_lists for all
    agents at once), limited to some agents or some lists: what the writers compare before and after
    a change to grant or remove the lists that enter or leave a scope."""
    c = Customer.__table__.c
    candidate, own = PriceList.__table__.alias("candidate"), PriceList.__table__.alias("own")
    u = User.__table__.c
    by_own = (select(c.agent_id.label("agent_id"), candidate.c.id.label("price_list_id"))
              .select_from(Customer.__table__)
              .join(own, own.c.id == c.price_list_id)
              .join(candidate, candidate.c.code == own.c.code)
              .where(c.agent_id.is_not(None)))
    by_group = (select(c.agent_id.label("agent_id"), candidate.c.id.label("price_list_id"))
                .select_from(Customer.__table__)
                .join(candidate, and_(candidate.c.customer_group == c.price_group, c.price_group.is_not(None)))
                .where(c.agent_id.is_not(None)))
    base = (select(u.id.label("agent_id"), candidate.c.id.label("price_list_id"))
            .select_from(User.__table__).join(candidate, candidate.c.is_base.is_(True))
            .where(u.role == "agent"))
    parts = []
    for part, agent_col, list_col in ((by_own, c.agent_id, candidate.c.id), (by_group, c.agent_id, candidate.c.id),
                                      (base, u.id, candidate.c.id)):
        if agent_ids is not None:
            part = part.where(agent_col.in_(agent_ids))
        if price_list_ids is not None:
            part = part.where(list_col.in_(price_list_ids))
        parts.append(part)
    return union(*parts)


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
    if stream in AGENT_OWN:
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
