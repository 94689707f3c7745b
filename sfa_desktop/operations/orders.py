"""The agent's orders offline: a draft kept on this computer, submitted to the office, cancelled.

A draft order belongs to the agent and stays local (no command); submitting it queues
order.submit and from then on the order belongs to the server, which decides its approval.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sfa_desktop.domain import lifecycle
from sfa_desktop.domain.discounts import format_discount
from sfa_desktop.domain.lifecycle import OrderStatus, status_label
from sfa_desktop.domain.signature import SignatureError, check_signature
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import Order, OrderLine, OutboxCommand, QuoteLine
from sfa_desktop.operations import context
from sfa_desktop.operations.errors import InvalidInputError, NotAllowedError, NotFoundError
from sfa_desktop.operations.lines import LineRequest, expected, line_rows, price_draft, requests_of, wire_lines
from sfa_desktop.operations.quotes import is_latest_revision, load_quote
from sfa_desktop.operations.texts import clean_text
from sfa_desktop.sync import outbox


def load_order(session: Session, order_id: str) -> Order:
    order = session.get(Order, order_id)
    if order is None:
        raise NotFoundError("op.order_unknown")
    return order


def _changes(order: Order, *, outbox_changed: bool) -> Changes:
    return Changes({"orders": frozenset({order.id}), "order_lines": frozenset()}, outbox=outbox_changed,
                   created=order.id)


def _write(session: Session, *, order: Order | None, customer_id: str, lines: Sequence[LineRequest],
           document_discount: str | None, notes: str | None, customer_reference: str | None,
           quote_id: str | None, status: OrderStatus, today: dt.date, order_id: str | None,
           signature: str | None = None):
    customer = context.customer_for_documents(session, customer_id)
    try:
        signature = check_signature(signature)
    except SignatureError as error:
        raise InvalidInputError(error.message) from error
    priced = price_draft(session, customer=customer, requests=lines, document_discount=document_discount,
                         on=today, quote_id=quote_id)
    notes = clean_text(notes, "notes", 4000)
    customer_reference = clean_text(customer_reference, "customer_reference", 200)
    agent = context.current_agent(session)
    now = utc_now()
    number = order.number if order is not None else ""
    if status is OrderStatus.SUBMITTED and (not number or number.startswith("DRAFT")):
        number = context.allocate_number(session, kind="O", agent=agent, on=today)
    if order is None:
        order_id = order_id or str(uuid.uuid4())
        order = Order(id=order_id, number=number or f"DRAFT-{order_id[:8]}", customer_id=customer.id,
                      agent_id=agent.user_id, status=status.value, currency="EUR", created_at=now,
                      taxable_total=0, vat_total=0, grand_total=0)
        session.add(order)
    order.number = number or order.number
    order.customer_id, order.quote_id, order.status = customer.id, quote_id, status.value
    order.document_discount = format_discount(priced.document_discount, "en") or None
    order.notes, order.customer_reference, order.signature = notes, customer_reference, signature
    totals = priced.totals
    order.taxable_total, order.vat_total, order.grand_total = (totals.taxable_total, totals.vat_total,
                                                               totals.grand_total)
    order.updated_at, order.dirty = now, True
    # the approval preview: the very reasons the office will see (the server decides again)
    order.approval_reasons = [r.to_dict() for r in priced.approval_reasons] or None
    session.flush()
    session.execute(delete(OrderLine).where(OrderLine.order_id == order.id))
    session.add_all(line_rows(OrderLine, order_id=order.id, priced=priced))
    session.flush()
    return order, priced


def save_order_draft(session: Session, *, customer_id: str, lines: Sequence[LineRequest],
                     document_discount: str | None = None, notes: str | None = None,
                     customer_reference: str | None = None, order_id: str | None = None,
                     quote_id: str | None = None, signature: str | None = None,
                     today: dt.date | None = None) -> Changes:
    """Keep an order being written on this computer (nothing is sent until it is submitted).

    `signature`: the customer's signature drawn on screen (domain.signature path data).
    """
    order = session.get(Order, order_id) if order_id else None
    if order is not None and order.status != OrderStatus.DRAFT.value:
        raise NotAllowedError("op.order_not_draft", number=order.number,
                              status=status_label("order_status", order.status))
    order, _ = _write(session, order=order, customer_id=customer_id, lines=lines,
                      document_discount=document_discount, notes=notes, customer_reference=customer_reference,
                      quote_id=quote_id, status=OrderStatus.DRAFT, today=today or context.today(),
                      order_id=order_id, signature=signature)
    return _changes(order, outbox_changed=False)


def discard_order_draft(session: Session, *, order_id: str) -> Changes:
    """Throw away a draft order (it was never sent)."""
    order = load_order(session, order_id)
    if order.status != OrderStatus.DRAFT.value:
        raise NotAllowedError("op.order_not_draft", number=order.number,
                              status=status_label("order_status", order.status))
    session.delete(order)
    return _changes(order, outbox_changed=False)


def _unsettled_commands_for_quote(session: Session, quote_id: str | None) -> list[str]:
    """Commands about `quote_id` still in the outbox: an order made from it must wait for them."""
    if quote_id is None:
        return []
    rows = session.scalars(select(OutboxCommand).where(OutboxCommand.status.in_(outbox.UNSETTLED),
                                                       OutboxCommand.type.like("quote.%")))
    return [row.id for row in rows if outbox.target_id(row.type, row.payload) == quote_id]


def _check_quote(session: Session, quote_id: str, customer_id: str, today: dt.date,
                 order_id: str | None = None) -> None:
    quote = load_quote(session, quote_id)
    if quote.customer_id != customer_id:
        raise NotAllowedError("op.quote_other_customer")
    ordered = session.scalar(select(Order.number).where(
        Order.quote_id == quote.id, Order.id != (order_id or ""),
        Order.status.not_in(("draft", "cancelled", "rejected"))).limit(1))
    if ordered:
        raise NotAllowedError("op.quote_already_ordered", number=quote.number, order=ordered)
    try:
        lifecycle.check_quote_conversion(quote.status, valid_until=quote.valid_until, today=today,
                                         is_latest_revision=is_latest_revision(session, quote))
    except lifecycle.TransitionError as error:
        raise NotAllowedError("op.quote_transition", number=quote.number, error=error.message) from error


def submit_order(session: Session, *, customer_id: str | None = None,
                 lines: Sequence[LineRequest] | None = None, document_discount: str | None = None,
                 notes: str | None = None, customer_reference: str | None = None, quote_id: str | None = None,
                 order_id: str | None = None, signature: str | None = None,
                 today: dt.date | None = None) -> Changes:
    """Submit an order (a draft of this computer, or a new one) and queue order.submit.

    Without `lines`, a draft `order_id` is submitted as it was saved (with its signature). The
    server decides its approval; the customer's signature travels with the order.
    """
    today = today or context.today()
    draft = session.get(Order, order_id) if order_id else None
    if draft is not None and draft.status != OrderStatus.DRAFT.value:
        raise NotAllowedError("op.order_not_draft", number=draft.number,
                              status=status_label("order_status", draft.status))
    if draft is not None:
        customer_id = customer_id or draft.customer_id
        quote_id = quote_id or draft.quote_id
        signature = signature if signature is not None else draft.signature
        if lines is None:
            lines = requests_of(session.scalars(select(OrderLine).where(OrderLine.order_id == draft.id)).all())
            document_discount = document_discount if document_discount is not None else draft.document_discount
            notes = notes if notes is not None else draft.notes
            customer_reference = customer_reference if customer_reference is not None else \
                draft.customer_reference
    if customer_id is None:
        raise NotFoundError("op.customer_unknown")
    if quote_id is not None:
        _check_quote(session, quote_id, customer_id, today, order_id)
    order, priced = _write(session, order=draft, customer_id=customer_id, lines=lines or [],
                           document_discount=document_discount, notes=notes,
                           customer_reference=customer_reference, quote_id=quote_id,
                           status=OrderStatus.SUBMITTED, today=today, order_id=order_id,
                           signature=signature)
    signed = {"signature": order.signature} if order.signature else {}
    outbox.enqueue(session, depends_on=_unsettled_commands_for_quote(session, quote_id), type="order.submit",
                   payload={"order_id": order.id, "number": order.number, "customer_id": order.customer_id,
                            "lines": wire_lines(priced), "document_discount": order.document_discount,
                            "notes": order.notes, "customer_reference": order.customer_reference,
                            "quote_id": quote_id, "expected": expected(priced), **signed})
    session.flush()
    return _changes(order, outbox_changed=True)


def convert_quote(session: Session, *, quote_id: str, order_id: str | None = None,
                  today: dt.date | None = None) -> Changes:
    """The customer signed the quote: an order with its lines, prices and terms, submitted at once.

    The quote becomes won on the server with the order (a sent quote is accepted by converting it).
    """
    today = today or context.today()
    quote = load_quote(session, quote_id)
    _check_quote(session, quote.id, quote.customer_id, today)
    lines = requests_of(session.scalars(select(QuoteLine).where(QuoteLine.quote_id == quote.id)).all())
    changes = submit_order(session, customer_id=quote.customer_id, lines=lines,
                           document_discount=quote.document_discount, notes=quote.notes,
                           customer_reference=quote.customer_reference, quote_id=quote.id,
                           order_id=order_id, today=today)
    quote.status, quote.dirty = lifecycle.QuoteStatus.ACCEPTED.value, True
    return changes | Changes.of("quotes", quote.id)


def cancel_order(session: Session, *, order_id: str, reason: str | None = None) -> Changes:
    """Cancel a submitted order (the customer changed their mind); the office sees the reason."""
    order = load_order(session, order_id)
    if order.status == OrderStatus.DRAFT.value:
        return discard_order_draft(session, order_id=order_id)
    reason = clean_text(reason, "reason", 1000)
    try:
        lifecycle.order_transition(order.status if order.status != "submitted" else "pending_approval",
                                   "cancelled")
    except lifecycle.TransitionError as error:
        raise NotAllowedError("op.order_transition", number=order.number, error=error.message) from error
    order.status, order.decision_note, order.updated_at, order.dirty = ("cancelled", reason, utc_now(), True)
    submitted = [row.id for row in session.scalars(select(OutboxCommand).where(
        OutboxCommand.type == "order.submit", OutboxCommand.status.in_(outbox.UNSETTLED)))
        if row.payload.get("order_id") == order.id]
    outbox.enqueue(session, type="order.cancel", depends_on=submitted,
                   payload={"order_id": order.id, **({"reason": reason} if reason else {})})
    return _changes(order, outbox_changed=True)
