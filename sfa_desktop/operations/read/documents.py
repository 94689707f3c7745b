"""Quotes and orders for lists and detail screens, and the last price sold to a customer.

A quote shows its display status (a sent quote past its validity is expired); lists hold the latest
revision of each quote unless asked otherwise. Lines, revisions and approval reasons come with the
detail. Totals are sorted in Python (exact Decimal text in the replica).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import String, and_, false, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session

from sfa_desktop.domain.discounts import DiscountError, parse_discount
from sfa_desktop.domain.lifecycle import OrderStatus, QuoteStatus, display_quote_status
from sfa_desktop.domain.messages import Message
from sfa_desktop.domain.money import round_to
from sfa_desktop.domain.totals import NET_UNIT_PRICE_PLACES
from sfa_desktop.local_db.models import Order, OrderLine, Quote, QuoteLine
from sfa_desktop.operations import context
from sfa_desktop.operations.read.common import (
    as_set,
    check_sort,
    chunks,
    core,
    customer_names,
    customers_matching,
    day_range,
    in_order,
    like_pattern,
    match_expression,
    sort_ids,
    text_key,
    unique_ids,
    usually_true,
)

__all__ = [
    "DOCUMENT_SORTS",
    "SOLD_STATUSES",
    "ApprovalReasonRow",
    "LastPriceRow",
    "LineRow",
    "OrderDetail",
    "OrderRow",
    "QuoteDetail",
    "QuoteRevisionRow",
    "QuoteRow",
    "last_prices_sold",
    "order_detail",
    "order_ids",
    "order_rows",
    "quote_detail",
    "quote_ids",
    "quote_rows",
]

#: Columns a list of quotes or orders can be sorted by.
DOCUMENT_SORTS = ("date", "number", "customer", "total", "status")
QUOTE_SORTS = (*DOCUMENT_SORTS, "valid_until")
#: Orders whose prices the customer really paid: the last price sold comes from these.
SOLD_STATUSES = (OrderStatus.APPROVED.value, OrderStatus.FULFILLED.value)
#: Stored quote statuses shown as expired once past their validity (lifecycle.display_quote_status).
_EXPIRING = (QuoteStatus.DRAFT.value, QuoteStatus.SENT.value)


# --------------------------------------------------------------------------- rows

@dataclass(frozen=True, slots=True)
class QuoteRow:
    id: str
    number: str
    revision: int
    customer_id: str
    customer_name: str | None  # None when the customer is not in the replica any more
    status: str  # the display status: a draft or sent quote past valid_until is "expired"
    stored_status: str
    valid_until: dt.date | None
    taxable_total: Decimal
    grand_total: Decimal
    created_at: dt.datetime
    updated_at: dt.datetime
    deal_id: str | None
    is_latest_revision: bool
    unsent: bool  # the agent's change is still in the outbox


@dataclass(frozen=True, slots=True)
class OrderRow:
    id: str
    number: str
    customer_id: str
    customer_name: str | None
    status: str
    quote_id: str | None
    taxable_total: Decimal
    grand_total: Decimal
    created_at: dt.datetime
    updated_at: dt.datetime
    decision_note: str | None  # the office's note on its decision (or the agent's cancel reason)
    decided_by: str | None
    decided_at: dt.datetime | None
    needs_approval_reasons: int  # how many approval reasons the server recorded
    unsent: bool


@dataclass(frozen=True, slots=True)
class LineRow:
    id: str
    line_no: int
    product_id: str
    sku: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal  # before the line discount
    discount: str | None  # "10+5"
    net_unit_price: Decimal  # after the line discount, 4 decimals (before the document discount)
    vat_rate: Decimal
    net_amount: Decimal
    price_list_id: str | None
    price_list_version: int | None


@dataclass(frozen=True, slots=True)
class QuoteRevisionRow:
    id: str
    number: str
    revision: int
    status: str  # display status
    grand_total: Decimal
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class QuoteDetail:
    quote: QuoteRow
    document_discount: str | None
    vat_total: Decimal
    currency: str
    notes: str | None
    customer_reference: str | None
    lost_reason: str | None
    won_reason: str | None
    lines: tuple[LineRow, ...]
    #: Every revision of this quote, oldest first (this one included).
    revisions: tuple[QuoteRevisionRow, ...]
    #: Orders made from this quote, newest first.
    orders: tuple[OrderRow, ...]


@dataclass(frozen=True, slots=True)
class ApprovalReasonRow:
    rule: str  # approval rule code (credit_limit, line_discount...)
    role: str | None  # who can clear it: office, sales_manager
    message: Message  # what the rule found, rendered in the reader's language
    role_label: Message | None


@dataclass(frozen=True, slots=True)
class OrderDetail:
    order: OrderRow
    document_discount: str | None
    vat_total: Decimal
    currency: str
    notes: str | None
    customer_reference: str | None
    lines: tuple[LineRow, ...]
    approval_reasons: tuple[ApprovalReasonRow, ...]
    #: The quote the order came from (None when it was written directly).
    quote: QuoteRevisionRow | None


@dataclass(frozen=True, slots=True)
class LastPriceRow:
    """The last time a product was sold to a customer (an approved or fulfilled order)."""

    product_id: str
    sku: str
    description: str
    order_id: str
    order_number: str
    date: dt.date  # the order's date, local
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount: str | None
    net_unit_price: Decimal


# --------------------------------------------------------------------------- shared helpers

def net_unit_price(unit_price: Decimal, discount: str | None) -> Decimal:
    """The unit price after the line discount, as the line's figures define it (domain rounding)."""
    try:
        steps = parse_discount(discount)
    except DiscountError:  # a discount the server wrote that this version cannot read
        return round_to(unit_price, NET_UNIT_PRICE_PLACES)
    return round_to(steps.apply(unit_price), NET_UNIT_PRICE_PLACES)


def _line_row(line: Any) -> LineRow:
    return LineRow(line.id, line.line_no, line.product_id, line.sku, line.description, line.quantity, line.unit,
                   line.unit_price, line.discount, net_unit_price(line.unit_price, line.discount), line.vat_rate,
                   line.net_amount, line.price_list_id, line.price_list_version)


def _text_filter(text: str | None, number_column: Any, customer_column: Any) -> Any | None:
    """number contains the text, or the customer's name/code/VAT/city match it; None = no filter."""
    if text is None:
        return None
    pattern = like_pattern(text)
    expression = match_expression(text)
    if pattern is None and expression is None:
        return None
    clauses = []
    if pattern is not None:
        clauses.append(number_column.like(pattern, escape="\\"))
    if expression is not None:
        clauses.append(customer_column.in_(customers_matching(expression)))
    return or_(*clauses)


def _today(today: dt.date | None) -> dt.date:
    return today or context.today()


# --------------------------------------------------------------------------- quotes

def _quote_status_clause(statuses: frozenset[str], today: dt.date) -> Any:
    """Stored statuses that show as the display statuses asked for on `today`."""
    clauses = []
    valid = or_(Quote.valid_until.is_(None), Quote.valid_until >= today)
    for status in statuses:
        if status == QuoteStatus.EXPIRED.value:
            clauses.append(or_(Quote.status == status,
                               and_(Quote.status.in_(_EXPIRING), Quote.valid_until < today)))
        elif status in _EXPIRING:
            clauses.append(and_(Quote.status == status, valid))
        else:
            clauses.append(Quote.status == status)
    return or_(*clauses) if clauses else false()


def quote_ids(session: Session, *, status: str | Iterable[str] | None = None, customer_id: str | None = None,
              text: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None,
              latest_only: bool = True, today: dt.date | None = None, sort: str = "date",
              descending: bool = True) -> list[str]:
    """Ids of the quotes that pass the filters, in the order asked (newest first by default).

    status: display statuses (expired includes sent quotes past their validity on `today`);
    text: part of the number, or words of the customer's name, code, VAT number or city;
    date_from / date_to: the local day the quote was made, both included;
    latest_only: only the latest revision of each quote.
    """
    check_sort(sort, QUOTE_SORTS)
    today = _today(today)
    stmt = select(Quote.id, Quote.number, Quote.customer_id, Quote.status, Quote.valid_until, Quote.grand_total,
                  Quote.created_at)
    wanted = as_set(status)
    if wanted is not None:
        by_status = _quote_status_clause(wanted, today)
        stmt = stmt.where(usually_true(by_status) if customer_id is not None else by_status)
    if customer_id is not None:
        stmt = stmt.where(Quote.customer_id == customer_id)
    matched = _text_filter(text, Quote.number, Quote.customer_id)
    if matched is not None:
        stmt = stmt.where(matched)
    start, end = day_range(date_from, date_to)
    if start is not None:
        stmt = stmt.where(Quote.created_at >= start)
    if end is not None:
        stmt = stmt.where(Quote.created_at < end)
    if latest_only:
        newer = select(Quote.previous_revision_id).where(Quote.previous_revision_id.is_not(None))
        if customer_id is not None:  # a revision is for the same customer: look among theirs only
            newer = newer.where(Quote.customer_id == customer_id)
        stmt = stmt.where(Quote.id.not_in(newer))
    rows = core(session).execute(stmt).all()
    return _sorted_documents(session, rows, sort=sort, descending=descending,
                             status_of=lambda r: display_quote_status(r.status, valid_until=r.valid_until,
                                                                      today=today).value)


def _sorted_documents(session: Session, rows: Sequence[Any], *, sort: str, descending: bool,
                      status_of: Any) -> list[str]:
    by_id = {r.id: r for r in rows}
    number = {r.id: r.number for r in rows}

    def tie(id_: str) -> Any:
        return (by_id[id_].created_at, number[id_])

    if sort == "date":
        keys = ((r.id, (r.created_at, r.number)) for r in rows)
        return sort_ids(keys, descending=descending)
    if sort == "number":
        return sort_ids(((r.id, r.number) for r in rows), descending=descending)
    if sort == "total":
        return sort_ids(((r.id, r.grand_total) for r in rows), descending=descending, tie=tie)
    if sort == "status":
        return sort_ids(((r.id, status_of(r)) for r in rows), descending=descending, tie=tie)
    if sort == "valid_until":
        return sort_ids(((r.id, r.valid_until) for r in rows), descending=descending, tie=tie)
    names = customer_names(session, (r.customer_id for r in rows))
    return sort_ids(((r.id, text_key(names.get(r.customer_id))) for r in rows), descending=descending, tie=tie)


def quote_rows(session: Session, ids: Iterable[str], *, today: dt.date | None = None) -> list[QuoteRow]:
    """Rows for these quote ids, in their order; unknown ids are skipped."""
    wanted = unique_ids(ids)
    today = _today(today)
    quotes: dict[str, Any] = {}
    superseded: set[str] = set()
    table = Quote.__table__
    for chunk in chunks(wanted):
        quotes.update((q.id, q) for q in session.execute(select(table).where(table.c.id.in_(chunk))))
        superseded.update(session.scalars(select(Quote.previous_revision_id)
                                          .where(Quote.previous_revision_id.in_(chunk))))
    names = customer_names(session, (q.customer_id for q in quotes.values()))
    rows = {q.id: _quote_row(q, names.get(q.customer_id), q.id not in superseded, today) for q in quotes.values()}
    return in_order(wanted, rows)


def _quote_row(q: Any, customer_name: str | None, latest: bool, today: dt.date) -> QuoteRow:
    shown = display_quote_status(q.status, valid_until=q.valid_until, today=today).value
    return QuoteRow(q.id, q.number, q.revision, q.customer_id, customer_name, shown, q.status, q.valid_until,
                    q.taxable_total, q.grand_total, q.created_at, q.updated_at, q.deal_id, latest, bool(q.dirty))


def _revision_row(q: Any, today: dt.date) -> QuoteRevisionRow:
    return QuoteRevisionRow(q.id, q.number, q.revision,
                            display_quote_status(q.status, valid_until=q.valid_until, today=today).value,
                            q.grand_total, q.created_at)


def _revision_chain(session: Session, quote: Quote) -> list[Quote]:
    """Every revision linked to `quote`, oldest first (the links are few: walk them)."""
    chain = [quote]
    seen = {quote.id}
    current = quote
    while current.previous_revision_id and current.previous_revision_id not in seen:
        older = session.get(Quote, current.previous_revision_id)
        if older is None:
            break
        chain.insert(0, older)
        seen.add(older.id)
        current = older
    current = quote
    while True:
        newer = session.scalars(select(Quote).where(Quote.previous_revision_id == current.id)
                                .order_by(Quote.revision)).first()
        if newer is None or newer.id in seen:
            break
        chain.append(newer)
        seen.add(newer.id)
        current = newer
    return chain


def quote_detail(session: Session, quote_id: str, *, today: dt.date | None = None) -> QuoteDetail | None:
    """A quote with its lines, its revisions and the orders made from it; None when it is not here."""
    if not isinstance(quote_id, str):
        return None
    today = _today(today)
    quote = session.get(Quote, quote_id)
    if quote is None:
        return None
    [row] = quote_rows(session, [quote_id], today=today)
    lines = session.scalars(select(QuoteLine).where(QuoteLine.quote_id == quote_id).order_by(QuoteLine.line_no))
    line_rows = tuple(_line_row(line) for line in lines)
    revisions = tuple(_revision_row(q, today) for q in _revision_chain(session, quote))
    order_list = session.scalars(select(Order.id).where(Order.quote_id == quote_id)
                                 .order_by(Order.created_at.desc())).all()
    return QuoteDetail(row, quote.document_discount, quote.vat_total, quote.currency, quote.notes,
                       quote.customer_reference, quote.lost_reason, quote.won_reason, line_rows, revisions,
                       tuple(order_rows(session, order_list)))


# --------------------------------------------------------------------------- orders

def order_ids(session: Session, *, status: str | Iterable[str] | None = None, customer_id: str | None = None,
              text: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None,
              sort: str = "date", descending: bool = True) -> list[str]:
    """Ids of the orders that pass the filters, in the order asked (newest first by default).

    status: stored statuses (draft, submitted, pending_approval, approved, rejected, fulfilled, cancelled);
    text: part of the number, or words of the customer's name, code, VAT number or city;
    date_from / date_to: the local day the order was made, both included.
    """
    check_sort(sort, DOCUMENT_SORTS)
    stmt = select(Order.id, Order.number, Order.customer_id, Order.status, Order.grand_total, Order.created_at)
    wanted = as_set(status)
    if wanted is not None:
        by_status = Order.status.in_(sorted(wanted))
        stmt = stmt.where(usually_true(by_status) if customer_id is not None else by_status)
    if customer_id is not None:
        stmt = stmt.where(Order.customer_id == customer_id)
    matched = _text_filter(text, Order.number, Order.customer_id)
    if matched is not None:
        stmt = stmt.where(matched)
    start, end = day_range(date_from, date_to)
    if start is not None:
        stmt = stmt.where(Order.created_at >= start)
    if end is not None:
        stmt = stmt.where(Order.created_at < end)
    rows = core(session).execute(stmt).all()
    return _sorted_documents(session, rows, sort=sort, descending=descending, status_of=lambda r: r.status)


def _order_row(o: Any, customer_name: str | None) -> OrderRow:
    reasons = o.approval_reasons if isinstance(o.approval_reasons, list) else []
    return OrderRow(o.id, o.number, o.customer_id, customer_name, o.status, o.quote_id, o.taxable_total,
                    o.grand_total, o.created_at, o.updated_at, o.decision_note, o.decided_by, o.decided_at,
                    len(reasons), bool(o.dirty))


def order_rows(session: Session, ids: Iterable[str]) -> list[OrderRow]:
    """Rows for these order ids, in their order; unknown ids are skipped."""
    wanted = unique_ids(ids)
    orders: dict[str, Any] = {}
    table = Order.__table__
    for chunk in chunks(wanted):
        orders.update((o.id, o) for o in session.execute(select(table).where(table.c.id.in_(chunk))))
    names = customer_names(session, (o.customer_id for o in orders.values()))
    rows = {o.id: _order_row(o, names.get(o.customer_id)) for o in orders.values()}
    return in_order(wanted, rows)


def approval_reason_row(doc: Any) -> ApprovalReasonRow | None:
    """One stored approval reason ({"rule", "role", "code", "params", "message"}) as a row."""
    if not isinstance(doc, dict):
        return None
    message = Message.from_wire(doc)
    if message is None:  # an older server's reason in English only
        message = Message("text", {"text": str(doc.get("message") or doc.get("rule") or "")})
    role = doc.get("role") if isinstance(doc.get("role"), str) else None
    return ApprovalReasonRow(str(doc.get("rule") or ""), role, message, Message(f"role.{role}") if role else None)


def order_detail(session: Session, order_id: str, *, today: dt.date | None = None) -> OrderDetail | None:
    """An order with its lines, why it needs approval, the office's decision and the quote it came
    from; None when it is not here."""
    if not isinstance(order_id, str):
        return None
    order = session.get(Order, order_id)
    if order is None:
        return None
    [row] = order_rows(session, [order_id])
    lines = session.scalars(select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.line_no))
    reasons = tuple(r for r in (approval_reason_row(d) for d in (order.approval_reasons or [])
                                if isinstance(order.approval_reasons, list)) if r is not None)
    quote = session.get(Quote, order.quote_id) if order.quote_id else None
    return OrderDetail(row, order.document_discount, order.vat_total, order.currency, order.notes,
                       order.customer_reference, tuple(_line_row(line) for line in lines), reasons,
                       _revision_row(quote, _today(today)) if quote is not None else None)


# --------------------------------------------------------------------------- last price sold

#: Orders read at first when walking a customer's sales back from the newest; each next batch is
#: twice as big (few queries for a customer with years of orders, few lines for the newest 50).
_FIRST_SALES_BATCH = 25


def _growing(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    start, size = 0, _FIRST_SALES_BATCH
    while start < len(items):
        yield items[start:start + size]
        start, size = start + size, min(size * 2, 800)


def last_prices_sold(session: Session, customer_id: str, *, product_ids: Iterable[str] | None = None,
                     limit: int | None = None) -> list[LastPriceRow]:
    """Per product, the last price sold to the customer (approved or fulfilled orders), newest first.

    `product_ids` restricts it to some products; `limit` keeps the most recent products only.
    """
    conn = core(session)
    if product_ids is not None:
        return _last_prices_of(conn, customer_id, unique_ids(product_ids), limit)
    # Walk the customer's orders back from the newest, a batch at a time, and stop once `limit`
    # products are found: a big customer's 24 months of lines are not read for the newest 50.
    orders = conn.execute(select(Order.id, Order.number, Order.created_at)
                          .where(Order.customer_id == customer_id, usually_true(Order.status.in_(SOLD_STATUSES)))
                          .order_by(Order.created_at.desc(), Order.number.desc())).all()
    found: dict[str, LastPriceRow] = {}
    for batch in _growing(orders):
        lines: dict[str, list[Any]] = {}
        for line in conn.execute(_SOLD_LINE.where(OrderLine.order_id.in_([o.id for o in batch]))):
            lines.setdefault(line.order_id, []).append(line)
        for order in batch:
            for line in sorted(lines.get(order.id, ()), key=lambda ln: ln.line_no):
                if line.product_id not in found:
                    found[line.product_id] = _last_price(line, order)
                    if limit is not None and len(found) >= limit:
                        return list(found.values())
    return list(found.values())


_SOLD_LINE = select(OrderLine.order_id, OrderLine.line_no, OrderLine.product_id, OrderLine.sku,
                    OrderLine.description, OrderLine.quantity, OrderLine.unit, OrderLine.unit_price,
                    OrderLine.discount)


def _last_price(line: Any, order: Any) -> LastPriceRow:
    return LastPriceRow(line.product_id, line.sku, line.description, order.id, order.number,
                        order.created_at.astimezone().date(), line.quantity, line.unit, line.unit_price,
                        line.discount, net_unit_price(line.unit_price, line.discount))


def _last_prices_of(conn: Any, customer_id: str, product_ids: list[str], limit: int | None) -> list[LastPriceRow]:
    """The last sale of some products (a product detail, a document's lines): read through the
    products' lines, which are few per product, one row per product."""
    if not product_ids:
        return []
    # SQLite takes the other columns from the row holding the one max() (documented for min/max
    # aggregates); the order's date and number make that row unique.
    latest = func.max(type_coerce(Order.created_at, String) + literal(" ") + Order.number, type_=String)
    stmt = (select(OrderLine.product_id, OrderLine.sku, OrderLine.description, OrderLine.quantity, OrderLine.unit,
                   OrderLine.unit_price, OrderLine.discount, Order.id, Order.number, Order.created_at,
                   latest.label("latest"))
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.customer_id == customer_id, usually_true(Order.status.in_(SOLD_STATUSES)))
            .group_by(OrderLine.product_id))
    found = []
    for chunk in chunks(product_ids):
        found.extend(conn.execute(stmt.where(OrderLine.product_id.in_(chunk))))
    found.sort(key=lambda r: (r.latest, r.product_id), reverse=True)
    return [_last_price(r, r) for r in (found if limit is None else found[:limit])]
