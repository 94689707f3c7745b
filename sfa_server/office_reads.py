"""What the office reads: the approval queue in keyset pages, and one order with everything weighed
before deciding it (lines with list price, discounts and margin; credit with the overdue invoices and
the other open orders; stock per warehouse; the quote it came from; its audit trail).

The queue's default order (oldest first, of everybody or of one agent) walks the index
ix_orders_queue(_agent) from the cursor on, so a page costs the same on page 1 and on page 50.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import String, cast, func, or_, select, tuple_
from sqlalchemy.orm import Session

from sfa_desktop.domain.approval import RULES
from sfa_desktop.domain.credit import OpenItemView, days_past_due
from sfa_server.commands import today
from sfa_server.deps import ApiError
from sfa_server.models import (
    AuditEntry,
    Customer,
    OpenItem,
    Order,
    OrderLine,
    Quote,
    StockLevel,
    User,
    Warehouse,
)
from sfa_server.office_schemas import (
    ApprovalQueuePublic,
    ApprovalReasonPublic,
    AuditEntryPublic,
    CreditPublic,
    OpenInvoicePublic,
    OpenOrderPublic,
    OrderDetailPublic,
    OrderForApprovalPublic,
    OrderLinePublic,
    QuoteOriginPublic,
    StockPublic,
)
from sfa_server.pricing import OPEN_ORDER_STATUSES, customer_credit

PENDING = "pending_approval"
#: Sort keys of the queue and the column each one orders by (the id breaks ties).
SORTS = {"created_at": Order.created_at, "grand_total": Order.grand_total, "number": Order.number}
_HUNDRED = Decimal(100)


def utc(when: dt.datetime | None) -> dt.datetime | None:
    if when is None:
        return None
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


# --------------------------------------------------------------------------- cursors


def _encode_cursor(sort: str, descending: bool, value: Any, row_id: str) -> str:
    raw = value.isoformat() if isinstance(value, dt.datetime) else str(value)
    doc = json.dumps([sort, descending, raw, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(doc).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str, descending: bool) -> tuple[Any, str]:
    try:
        doc = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        csort, cdesc, raw, row_id = doc
        if csort != sort or cdesc != descending or not isinstance(raw, str) or not isinstance(row_id, str):
            raise ValueError("the cursor belongs to another sort")
        if sort == "created_at":
            value: Any = utc(dt.datetime.fromisoformat(raw))
        elif sort == "grand_total":
            value = Decimal(raw)
        else:
            value = raw
        return value, row_id
    except (ValueError, TypeError, binascii.Error, ArithmeticError) as exc:
        raise ApiError(422, "The page cursor is not valid: ask for the first page again.", "invalid") from exc


# --------------------------------------------------------------------------- the queue


def _reason_filter(reason: str) -> Any:
    if reason not in RULES:
        raise ApiError(422, f"reason must be one of: {', '.join(RULES)}.", "invalid")
    text = cast(Order.approval_reasons, String)
    # reasons are stored as compact JSON; a bulk load may have written them with spaces
    return or_(text.like(f'%"rule":"{reason}"%'), text.like(f'%"rule": "{reason}"%'))


def _reasons(raw: Any) -> list[ApprovalReasonPublic]:
    out = []
    for r in raw or []:
        if not isinstance(r, dict) or "rule" not in r:
            continue
        out.append(ApprovalReasonPublic(
            rule=str(r["rule"]), message=str(r.get("message") or r["rule"]), code=r.get("code"),
            params=r.get("params") or {}, figure=_decimal(r.get("figure")), limit=_decimal(r.get("limit")),
            role=r.get("role"), sku=r.get("sku")))
    return out


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except ArithmeticError:
        return None


def _summary(o: Any, customer_name: str | None, erp_code: str | None, username: str | None,
             full_name: str | None) -> dict[str, Any]:
    return {"id": o.id, "number": o.number, "status": o.status, "customer_id": o.customer_id,
            "customer_name": customer_name, "customer_erp_code": erp_code, "agent_id": o.agent_id,
            "agent_username": username, "agent_name": full_name, "taxable_total": o.taxable_total,
            "grand_total": o.grand_total, "approval_reasons": _reasons(o.approval_reasons),
            "created_at": utc(o.created_at)}


def approval_queue(session: Session, *, agent_id: str | None, reason: str | None, sort: str, descending: bool,
                   cursor: str | None, limit: int) -> ApprovalQueuePublic:
    """One page of the orders waiting for a decision, and how many there are in all."""
    column = SORTS[sort]
    where = [Order.status == PENDING]
    if agent_id:
        where.append(Order.agent_id == agent_id)
    if reason:
        where.append(_reason_filter(reason))
    total = session.execute(select(func.count()).select_from(Order).where(*where)).scalar_one()
    page = list(where)
    if cursor:
        value, after = _decode_cursor(cursor, sort, descending)
        key = tuple_(column, Order.id)
        page.append(key < tuple_(value, after) if descending else key > tuple_(value, after))
    order_by = (column.desc(), Order.id.desc()) if descending else (column, Order.id)
    o = Order.__table__.c
    # the page's orders alone first (by index), then their customers and agents by primary key
    rows = session.execute(
        select(o.id, o.number, o.status, o.customer_id, o.agent_id, o.taxable_total, o.grand_total,
               o.approval_reasons, o.created_at).where(*page).order_by(*order_by).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    customers = _by_id(session, Customer, {r.customer_id for r in rows}, Customer.name, Customer.erp_code)
    agents = _by_id(session, User, {r.agent_id for r in rows}, User.username, User.full_name)
    orders = [OrderForApprovalPublic(**_summary(r, *customers.get(r.customer_id, (None, None)),
                                                *agents.get(r.agent_id, (None, None)))) for r in rows]
    last = rows[-1] if rows else None
    next_cursor = _encode_cursor(sort, descending, getattr(last, sort), last.id) if more and last else None
    return ApprovalQueuePublic(orders=orders, total=total, next_cursor=next_cursor, sort=sort,
                               descending=descending)


def _by_id(session: Session, model: Any, ids: set[str], *columns: Any) -> dict[str, tuple]:
    if not ids:
        return {}
    return {r[0]: tuple(r[1:]) for r in session.execute(select(model.id, *columns).where(model.id.in_(ids)))}


# --------------------------------------------------------------------------- one order


def _line(ln: OrderLine) -> OrderLinePublic:
    net_unit = ln.net_unit_price
    below = None
    if ln.list_price and net_unit is not None and ln.list_price > 0:
        below = ((ln.list_price - net_unit) / ln.list_price * _HUNDRED).quantize(Decimal("0.01"))
    margin = margin_pct = None
    if ln.unit_cost is not None:
        margin = (ln.net_amount - ln.unit_cost * ln.quantity).quantize(Decimal("0.01"))
        if ln.net_amount:
            margin_pct = (margin / ln.net_amount * _HUNDRED).quantize(Decimal("0.01"))
    return OrderLinePublic(
        line_no=ln.line_no, product_id=ln.product_id, sku=ln.sku, description=ln.description,
        quantity=ln.quantity, unit=ln.unit, list_price=ln.list_price, unit_price=ln.unit_price,
        discount=ln.discount, net_unit_price=net_unit, net_amount=ln.net_amount, vat_rate=ln.vat_rate,
        discount_from_list_pct=below, unit_cost=ln.unit_cost, margin=margin, margin_pct=margin_pct)


def audit_entries(session: Session, *, order_id: str | None, limit: int) -> list[AuditEntryPublic]:
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if order_id:
        stmt = stmt.where(AuditEntry.object_type == "order", AuditEntry.object_id == order_id)
    return [AuditEntryPublic(at=utc(e.at), actor=e.actor, action=e.action, object_type=e.object_type,
                             object_id=e.object_id, details=e.details if isinstance(e.details, dict) else None)
            for e in session.execute(stmt).scalars()]


def _credit(session: Session, customer: Customer, order: Order) -> CreditPublic:
    on = today()
    credit = customer_credit(session, customer, on=on, exclude_order=order.id)
    invoices = []
    for item in session.execute(select(OpenItem).where(OpenItem.customer_id == customer.id)
                                .order_by(OpenItem.due_date)).scalars():
        view = OpenItemView(item.document_number, item.document_date, item.due_date, item.amount, item.paid)
        late = days_past_due(view, on)
        if late > 0 and view.open_amount > 0:
            invoices.append(OpenInvoicePublic(document_number=item.document_number, document_date=item.document_date,
                                              due_date=item.due_date, amount=item.amount, paid=item.paid,
                                              open=view.open_amount, days_overdue=late))
    others = session.execute(
        select(Order.id, Order.number, Order.status, Order.created_at, Order.grand_total)
        .where(Order.customer_id == customer.id, Order.status.in_(OPEN_ORDER_STATUSES), Order.id != order.id)
        .order_by(Order.created_at.desc()).limit(50)).all()
    return CreditPublic(
        customer_status=customer.status, credit_limit=credit.credit_limit, balance=credit.balance,
        overdue=credit.overdue, overdue_erp=credit.overdue_erp, outstanding=credit.outstanding,
        open_orders_total=credit.open_orders, exposure=credit.exposure, available=credit.available,
        overdue_invoices=invoices,
        open_orders=[OpenOrderPublic(id=r.id, number=r.number, status=r.status, created_at=utc(r.created_at),
                                     grand_total=r.grand_total) for r in others])


def _stock(session: Session, lines: list[OrderLine]) -> list[StockPublic]:
    skus = {ln.product_id: ln.sku for ln in lines}
    if not skus:
        return []
    houses = {w.id: w for w in session.execute(select(Warehouse)).scalars()}
    rows = session.execute(select(StockLevel).where(StockLevel.product_id.in_(list(skus)))
                           .order_by(StockLevel.product_id, StockLevel.warehouse_id)).scalars()
    return [StockPublic(product_id=s.product_id, sku=skus[s.product_id], warehouse_id=s.warehouse_id,
                        warehouse_code=getattr(houses.get(s.warehouse_id), "code", None),
                        warehouse_name=getattr(houses.get(s.warehouse_id), "name", None), on_hand=s.on_hand,
                        reserved=s.reserved, available=s.available, incoming=s.incoming,
                        incoming_date=s.incoming_date) for s in rows]


def order_detail(session: Session, order_id: str) -> OrderDetailPublic:
    order = session.get(Order, order_id)
    if order is None:
        raise ApiError(404, f"Order {order_id[:40]} does not exist.", "not_found")
    customer = session.get(Customer, order.customer_id)
    agent = session.get(User, order.agent_id)
    lines = list(session.execute(select(OrderLine).where(OrderLine.order_id == order_id)
                                 .order_by(OrderLine.line_no)).scalars())
    public_lines = [_line(ln) for ln in lines]
    margins = [ln.margin for ln in public_lines]
    margin = sum((m for m in margins if m is not None), Decimal(0)) if margins and None not in margins else None
    net = sum((ln.net_amount for ln in lines), Decimal(0))
    quote = session.get(Quote, order.quote_id) if order.quote_id else None
    return OrderDetailPublic(
        **_summary(order, customer.name if customer else None, customer.erp_code if customer else None,
                   agent.username if agent else None, agent.full_name if agent else None),
        vat_total=order.vat_total, document_discount=order.document_discount, notes=order.notes,
        customer_reference=order.customer_reference, decision_note=order.decision_note,
        decided_by=order.decided_by, decided_at=utc(order.decided_at), margin=margin,
        margin_pct=(margin / net * _HUNDRED).quantize(Decimal("0.01")) if margin is not None and net else None,
        lines=public_lines, credit=_credit(session, customer, order) if customer is not None else None,
        stock=_stock(session, lines),
        quote=QuoteOriginPublic(id=quote.id, number=quote.number, status=quote.status, revision=quote.revision,
                                valid_until=quote.valid_until, grand_total=quote.grand_total,
                                created_at=utc(quote.created_at)) if quote is not None else None,
        audit=audit_entries(session, order_id=order_id, limit=200))
