"""The customer list: ids for a filter and a sort, rows for a batch of ids, and the filter choices.

Figures are the ones the credit panel shows: overdue from the open items on the day asked about
(domain.credit), available credit from the limit, the balance and the open orders. Per-customer
aggregates are read in one grouped pass over the whole portfolio when many customers are asked
about, and money is summed in Python (the replica keeps exact Decimal text).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, or_, select, text, true
from sqlalchemy.orm import Session

from sfa_desktop.domain.credit import CreditSituation, OpenItemView, credit_situation, overdue
from sfa_desktop.domain.money import ZERO
from sfa_desktop.local_db import search
from sfa_desktop.local_db.models import Activity, Address, Customer, OpenItem, Order
from sfa_desktop.local_db.queries import OPEN_ORDER_STATUSES
from sfa_desktop.operations import context
from sfa_desktop.operations.read.common import (
    as_set,
    check_sort,
    chunks,
    code_variants,
    core,
    customers_matching,
    day_start,
    in_order,
    local_day,
    match_expression,
    ranks_matches,
    same_text,
    sort_ids,
    text_key,
    unique_ids,
    usually_true,
)

__all__ = [
    "CUSTOMER_SORTS",
    "ORDERED_STATUSES",
    "CustomerRow",
    "customer_cities",
    "customer_ids",
    "customer_provinces",
    "customer_rows",
    "customer_segments",
]

CUSTOMER_SORTS = ("relevance", "name", "erp_code", "city", "province", "segment", "status", "balance",
                  "overdue", "credit_limit", "available", "last_order", "last_visit")
VISIT = "visit"
#: Orders that count as the customer ordering (the last order date): not drafts, rejected or cancelled.
ORDERED_STATUSES = ("submitted", "pending_approval", "approved", "fulfilled")
#: Above this many customers, aggregates are read for the whole portfolio in one grouped pass
#: instead of IN lists.
_WHOLE_PORTFOLIO = 900
#: The address whose city and province a customer is listed under, in order of preference.
_ADDRESS_PREFERENCE = ("billing", "registered", "legal", "shipping")


@dataclass(frozen=True, slots=True)
class CustomerRow:
    id: str
    erp_code: str | None
    name: str
    city: str | None
    province: str | None
    segment: str | None
    status: str  # active, prospect, blocked
    balance: Decimal
    overdue: Decimal  # open items due before the day asked about (domain.credit.overdue)
    credit_limit: Decimal
    available: Decimal | None  # limit - balance - open orders; None: no credit management (limit 0)
    last_order_date: dt.date | None
    last_visit_date: dt.date | None
    unsent: bool  # the agent's change of this customer is still in the outbox


# --------------------------------------------------------------------------- aggregates

def _per_customer(session: Session, stmt: Select[Any], column: Any, ids: Sequence[str] | None) -> list[Any]:
    """Run `stmt` for these customers (IN lists) or for all of them (ids None)."""
    conn = core(session)
    if ids is None:
        return list(conn.execute(stmt))
    out: list[Any] = []
    for chunk in chunks(ids):
        out.extend(conn.execute(stmt.where(column.in_(chunk))))
    return out


def _scope(ids: Sequence[str]) -> Sequence[str] | None:
    return None if len(ids) > _WHOLE_PORTFOLIO else ids


def open_items_by_customer(session: Session, ids: Sequence[str] | None, *, due_before: dt.date | None = None
                           ) -> dict[str, list[OpenItemView]]:
    stmt = select(OpenItem.customer_id, OpenItem.document_number, OpenItem.document_date, OpenItem.due_date,
                  OpenItem.amount, OpenItem.paid)
    if due_before is not None:
        stmt = stmt.where(OpenItem.due_date < due_before)
    items: dict[str, list[OpenItemView]] = defaultdict(list)
    for r in _per_customer(session, stmt, OpenItem.customer_id, ids):
        items[r.customer_id].append(OpenItemView(r.document_number, r.document_date, r.due_date, r.amount, r.paid))
    return items


def overdue_by_customer(session: Session, ids: Sequence[str] | None, *, on: dt.date) -> dict[str, Decimal]:
    """Overdue per customer on `on` (only customers with some); the domain's definition."""
    found = {cid: overdue(items, on) for cid, items in open_items_by_customer(session, ids, due_before=on).items()}
    return {cid: amount for cid, amount in found.items() if amount > 0}


def open_orders_by_customer(session: Session, ids: Sequence[str] | None) -> dict[str, Decimal]:
    """Sum of the open orders (submitted, pending approval, approved) per customer, in Decimal."""
    is_open = Order.status.in_([str(s) for s in OPEN_ORDER_STATUSES])
    # Portfolio-wide the status index finds the few open orders; for some customers theirs does.
    stmt = select(Order.customer_id, Order.grand_total).where(usually_true(is_open) if ids is not None else is_open)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in _per_customer(session, stmt, Order.customer_id, ids):
        totals[r.customer_id] += r.grand_total
    return dict(totals)


def last_order_by_customer(session: Session, ids: Sequence[str] | None) -> dict[str, dt.datetime]:
    stmt = (select(Order.customer_id, func.max(Order.created_at).label("last"))
            .where(usually_true(Order.status.in_(ORDERED_STATUSES))).group_by(Order.customer_id))
    return {r.customer_id: r.last for r in _per_customer(session, stmt, Order.customer_id, ids)}


#: A visit that happened: logged as done, or planned and then done (a plan alone is not a visit).
_VISIT_DONE = or_(Activity.planned_at.is_(None), Activity.done_at.is_not(None))


def last_visit_by_customer(session: Session, ids: Sequence[str] | None) -> dict[str, dt.datetime]:
    # a visit only planned is not a visit yet (occurred_at holds the planned time until it is done)
    stmt = (select(Activity.customer_id, func.max(Activity.occurred_at).label("last"))
            .where(Activity.kind == VISIT, _VISIT_DONE)
            .group_by(Activity.customer_id))
    return {r.customer_id: r.last for r in _per_customer(session, stmt, Activity.customer_id, ids)}


def places_by_customer(session: Session, ids: Sequence[str] | None) -> dict[str, tuple[str | None, str | None]]:
    """(city, province) of the address each customer is listed under (billing first)."""
    preference = case({kind: n for n, kind in enumerate(_ADDRESS_PREFERENCE)}, value=Address.kind,
                      else_=len(_ADDRESS_PREFERENCE))
    ranked = select(Address.customer_id, Address.city, Address.province, func.row_number().over(
        partition_by=Address.customer_id, order_by=(preference, Address.kind, Address.id)).label("n"))
    if ids is not None:
        found: dict[str, tuple[str | None, str | None]] = {}
        for chunk in chunks(ids):
            found.update(_first_places(session, ranked.where(Address.customer_id.in_(chunk))))
        return found
    return _first_places(session, ranked)


def _first_places(session: Session, ranked: Select[Any]) -> dict[str, tuple[str | None, str | None]]:
    sub = ranked.subquery()
    rows = core(session).execute(select(sub.c.customer_id, sub.c.city, sub.c.province).where(sub.c.n == 1))
    return {cid: (city, province.upper() if province else None) for cid, city, province in rows}


def situation_of(credit_limit: Decimal, balance: Decimal, open_orders_total: Decimal,
                 items: Iterable[OpenItemView], on: dt.date, overdue_erp: Decimal | None = None) -> CreditSituation:
    return credit_situation(credit_limit=credit_limit, balance=balance, open_orders_total=open_orders_total,
                            items=items, on=on, overdue_erp=overdue_erp)


def available_of(situation: CreditSituation) -> Decimal | None:
    return situation.available if situation.managed else None


# --------------------------------------------------------------------------- ids

def _codes(user_text: str) -> list[str]:
    """The text as an ERP code or a VAT number may be stored (digits alone also with the IT prefix)."""
    codes = code_variants(user_text)
    if codes and codes[0].isdigit():
        codes.append("IT" + codes[0])
    return codes


def _text_clause(user_text: str) -> Any:
    expression = match_expression(user_text)
    if expression is None:
        return true()
    codes = _codes(user_text)
    clauses = [Customer.id.in_(customers_matching(expression))]
    if codes:
        clauses += [Customer.erp_code.in_(codes), Customer.vat_number.in_(codes)]
    return or_(*clauses)


def _relevance(session: Session, user_text: str) -> dict[str, int] | None:
    """Position of every customer matching the text (exact ERP code or VAT number first, then the
    best full-text matches); None when the text holds nothing to look for."""
    expression = match_expression(user_text)
    if expression is None:  # no letters or digits: nothing to look for
        return None
    codes = _codes(user_text)
    order: dict[str, int] = {}
    if codes:
        exact = session.scalars(select(Customer.id).where(Customer.erp_code.in_(codes) | Customer.vat_number.in_(codes))
                                .order_by(Customer.name))
        for cid in exact:
            order.setdefault(cid, len(order))
    fts = search.CUSTOMER_INDEX.fts
    rank = "f.rank" if ranks_matches(user_text) else "f.rowid"
    matched = session.execute(
        text(f"SELECT c.id FROM {fts} f JOIN customers c ON c.rowid = f.rowid "
             f"WHERE {fts} MATCH :q ORDER BY {rank}"), {"q": expression}).scalars()
    for cid in matched:
        order.setdefault(cid, len(order))
    return order


def customer_ids(session: Session, *, text: str | None = None, province: str | None = None, city: str | None = None,
                 segment: str | Iterable[str] | None = None, status: str | Iterable[str] | None = None,
                 overdue_only: bool = False, not_visited_days: int | None = None, today: dt.date | None = None,
                 sort: str | None = None, descending: bool = False) -> list[str]:
    """Ids of the agent's customers that pass every filter given, in the order asked.

    text: words of the name, ERP code, VAT number or city (as prefixes; an exact code comes first);
    province / city: as listed (the billing address's province; city as the customer has it);
    segment / status: one value or several; overdue_only: with invoices overdue on `today`;
    not_visited_days: no visit logged in the last N days (never visited included).
    sort: one of CUSTOMER_SORTS; default relevance when there is text, else name. Missing values
    (no visit yet, no credit management) go last in either direction.
    """
    if text is not None and not isinstance(text, str):
        raise TypeError("search text must be a string")
    today = today or context.today()
    sort = sort or ("relevance" if text and text.strip() else "name")
    check_sort(sort, CUSTOMER_SORTS)
    if not_visited_days is not None and (isinstance(not_visited_days, bool) or not isinstance(not_visited_days, int)
                                         or not_visited_days < 0):
        raise ValueError("not_visited_days must be a whole number of days, 0 or more")
    # Only the columns the filters and the sort need: a list of the whole portfolio reads 5,000 rows.
    wanted = {"id", "name"}
    if city or sort == "city":
        wanted.add("city")
    if sort in ("erp_code", "segment", "status", "balance", "credit_limit"):
        wanted.add(sort)
    if sort == "available":
        wanted |= {"balance", "credit_limit"}
    table = Customer.__table__
    stmt = select(*(table.c[name] for name in ("id", "name", "erp_code", "city", "segment", "status", "balance",
                                                 "credit_limit") if name in wanted))
    relevance = _relevance(session, text) if text and text.strip() else None
    if relevance is not None:
        stmt = stmt.where(_text_clause(text or ""))
    segments = as_set(segment)
    if segments is not None:
        stmt = stmt.where(Customer.segment.in_(sorted(segments)))
    statuses = as_set(status)
    if statuses is not None:
        stmt = stmt.where(Customer.status.in_(sorted(statuses)))
    if not_visited_days is not None:
        since = day_start(today - dt.timedelta(days=not_visited_days))
        visited = select(Activity.customer_id).where(Activity.kind == VISIT, Activity.occurred_at >= since,
                                                     _VISIT_DONE)
        stmt = stmt.where(Customer.id.not_in(visited))
    rows = core(session).execute(stmt).all()
    ids = [r.id for r in rows]
    places: dict[str, tuple[str | None, str | None]] = {}
    if province or city or sort in ("city", "province"):
        places = places_by_customer(session, _scope(ids))

    def city_of(r: Any) -> str | None:
        return r.city or places.get(r.id, (None, None))[0]

    if city:
        rows = [r for r in rows if same_text(city_of(r), city)]
    if province:
        rows = [r for r in rows if same_text(places.get(r.id, (None, None))[1], province)]
    overdue_amounts: dict[str, Decimal] = {}
    if overdue_only or sort == "overdue":
        overdue_amounts = overdue_by_customer(session, _scope([r.id for r in rows]), on=today)
    if overdue_only:
        rows = [r for r in rows if r.id in overdue_amounts]
    names = {r.id: text_key(r.name) for r in rows}
    tie = names.__getitem__
    if sort == "relevance":
        position = relevance or {}
        return sort_ids(((r.id, position.get(r.id)) for r in rows), descending=descending, tie=tie)
    if sort == "name":
        return sort_ids(((r.id, names[r.id]) for r in rows), descending=descending)
    keys: Iterable[tuple[str, Any]]
    if sort == "city":
        keys = ((r.id, text_key(city_of(r))) for r in rows)
    elif sort == "province":
        keys = ((r.id, places.get(r.id, (None, None))[1]) for r in rows)
    elif sort in ("erp_code", "segment", "status"):
        keys = ((r.id, text_key(getattr(r, sort))) for r in rows)
    elif sort in ("balance", "credit_limit"):
        keys = ((r.id, getattr(r, sort)) for r in rows)
    elif sort == "overdue":
        keys = ((r.id, overdue_amounts.get(r.id, ZERO)) for r in rows)
    elif sort == "available":
        open_orders = open_orders_by_customer(session, _scope([r.id for r in rows]))
        keys = ((r.id, available_of(situation_of(r.credit_limit, r.balance, open_orders.get(r.id, ZERO), (),
                                                 today))) for r in rows)
    elif sort == "last_order":
        last = last_order_by_customer(session, _scope([r.id for r in rows]))
        keys = ((r.id, last.get(r.id)) for r in rows)
    else:
        last = last_visit_by_customer(session, _scope([r.id for r in rows]))
        keys = ((r.id, last.get(r.id)) for r in rows)
    return sort_ids(keys, descending=descending, tie=tie)


# --------------------------------------------------------------------------- rows

def customer_rows(session: Session, ids: Iterable[str], *, today: dt.date | None = None) -> list[CustomerRow]:
    """Rows for these customer ids, in their order (unknown ids skipped); overdue on `today`."""
    wanted = unique_ids(ids)
    if not wanted:
        return []
    today = today or context.today()
    table = Customer.__table__
    found: dict[str, Any] = {}
    for chunk in chunks(wanted):
        found.update((r.id, r) for r in session.execute(select(table).where(table.c.id.in_(chunk))))
    present = list(found)
    places = places_by_customer(session, present)
    items = open_items_by_customer(session, present)
    open_orders = open_orders_by_customer(session, present)
    last_orders = last_order_by_customer(session, present)
    last_visits = last_visit_by_customer(session, present)
    rows = {}
    for cid, r in found.items():
        situation = situation_of(r.credit_limit, r.balance, open_orders.get(cid, ZERO), items.get(cid, ()), today)
        place_city, province = places.get(cid, (None, None))
        rows[cid] = CustomerRow(
            id=cid, erp_code=r.erp_code, name=r.name, city=r.city or place_city, province=province,
            segment=r.segment, status=r.status, balance=r.balance, overdue=situation.overdue,
            credit_limit=r.credit_limit, available=available_of(situation),
            last_order_date=local_day(last_orders.get(cid)), last_visit_date=local_day(last_visits.get(cid)),
            unsent=bool(r.dirty))
    return in_order(wanted, rows)


# --------------------------------------------------------------------------- filter choices

def _choices(values: Iterable[str | None]) -> list[str]:
    distinct: dict[str, str] = {}
    for value in values:
        if value and value.strip():
            distinct.setdefault(text_key(value.strip()), value.strip())
    return [distinct[k] for k in sorted(distinct)]


def customer_segments(session: Session) -> list[str]:
    """The segments the agent's customers have, for the filter (sorted, accents and case folded)."""
    return _choices(session.scalars(select(Customer.segment).distinct()))


def customer_cities(session: Session) -> list[str]:
    """The cities customers are listed under (their own, else their billing address's)."""
    places = places_by_customer(session, None)
    rows = session.execute(select(Customer.id, Customer.city))
    return _choices(city or places.get(cid, (None, None))[0] for cid, city in rows)


def customer_provinces(session: Session) -> list[str]:
    """The provinces (sigle: MI, BO...) of the addresses customers are listed under."""
    return _choices(province for _, province in places_by_customer(session, None).values())
