"""The agent's quotes offline: save a draft, send it, mark it won or lost, revise it.

Each operation validates, writes the replica and queues its command in the caller's transaction,
and returns the Changes it made. Converting a quote to an order is in orders.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sfa_desktop.domain import lifecycle
from sfa_desktop.domain.discounts import format_discount
from sfa_desktop.domain.lifecycle import QuoteStatus, status_label
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import Quote, QuoteLine, Setting
from sfa_desktop.operations import context
from sfa_desktop.operations.errors import InvalidInputError, NotAllowedError, NotFoundError
from sfa_desktop.operations.lines import LineRequest, expected, line_rows, price_draft, wire_lines
from sfa_desktop.operations.texts import clean_text
from sfa_desktop.sync import outbox
from sfa_desktop.sync.protocol import line_id


def _validity_days(session: Session) -> int:
    setting = session.get(Setting, "quote_validity_days")
    value = setting.value if setting else None
    return value if isinstance(value, int) and 0 < value <= 365 else lifecycle.DEFAULT_QUOTE_VALIDITY_DAYS


def load_quote(session: Session, quote_id: str) -> Quote:
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFoundError("op.quote_unknown")
    return quote


def is_latest_revision(session: Session, quote: Quote) -> bool:
    return session.scalar(select(Quote.id).where(Quote.previous_revision_id == quote.id).limit(1)) is None


def _changes(quote: Quote) -> Changes:
    return Changes({"quotes": frozenset({quote.id}), "quote_lines": frozenset()}, outbox=True, created=quote.id)


def save_quote(session: Session, *, customer_id: str, lines: Sequence[LineRequest],
               document_discount: str | None = None, notes: str | None = None,
               customer_reference: str | None = None, valid_until: dt.date | None = None,
               quote_id: str | None = None, deal_id: str | None = None,
               today: dt.date | None = None) -> Changes:
    """Create a draft quote, or change the latest draft, and queue quote.save.

    A draft saved again before it was sent replaces its unsent command (saving as one types).
    """
    today = today or context.today()
    customer = context.customer_for_documents(session, customer_id)
    priced = price_draft(session, customer=customer, requests=lines, document_discount=document_discount,
                         on=today)
    notes = clean_text(notes, "notes", 4000)
    customer_reference = clean_text(customer_reference, "customer_reference", 200)
    if valid_until is None:
        valid_until = lifecycle.default_valid_until(today, _validity_days(session))
    if valid_until < today:
        raise InvalidInputError("op.validity_in_past")
    agent = context.current_agent(session)
    now = utc_now()
    quote = session.get(Quote, quote_id) if quote_id else None
    if quote is None:
        quote = Quote(id=quote_id or str(uuid.uuid4()),
                      number=context.allocate_number(session, kind="Q", agent=agent, on=today),
                      customer_id=customer.id, agent_id=agent.user_id, status=QuoteStatus.DRAFT.value,
                      revision=1, currency="EUR", created_at=now)
        session.add(quote)
    elif not lifecycle.can_edit_quote(quote.status, is_latest_revision(session, quote)) or \
            quote.customer_id != customer.id:
        raise NotAllowedError("op.quote_not_editable", number=quote.number,
                              status=status_label("quote_status", quote.status))
    totals = priced.totals
    quote.valid_until, quote.notes, quote.customer_reference = valid_until, notes, customer_reference
    quote.document_discount = format_discount(priced.document_discount, "en") or None
    quote.deal_id = deal_id if deal_id is not None else quote.deal_id
    quote.taxable_total, quote.vat_total = totals.taxable_total, totals.vat_total
    quote.grand_total, quote.updated_at, quote.dirty = totals.grand_total, now, True
    session.flush()
    session.execute(delete(QuoteLine).where(QuoteLine.quote_id == quote.id))
    session.add_all(line_rows(QuoteLine, quote_id=quote.id, priced=priced))
    payload = {"quote_id": quote.id, "number": quote.number, "customer_id": customer.id,
               "lines": wire_lines(priced), "document_discount": quote.document_discount, "notes": notes,
               "customer_reference": customer_reference, "valid_until": valid_until,
               "expected": expected(priced)}
    if quote.deal_id:
        payload["deal_id"] = quote.deal_id
    outbox.enqueue_or_replace(session, type="quote.save", payload=payload)
    session.flush()
    return _changes(quote)


def _transition(session: Session, quote_id: str, target: QuoteStatus, *, reason: str | None,
                today: dt.date | None) -> Quote:
    today = today or context.today()
    quote = load_quote(session, quote_id)
    if not is_latest_revision(session, quote):
        raise NotAllowedError("op.quote_transition", number=quote.number,
                              error=lifecycle.TransitionError("lifecycle.newer_revision").message)
    try:
        lifecycle.quote_transition(quote.status, target, lost_reason=reason, today=today,
                                   valid_until=quote.valid_until)
    except lifecycle.TransitionError as error:
        raise NotAllowedError("op.quote_transition", number=quote.number, error=error.message) from error
    quote.status, quote.updated_at, quote.dirty = target.value, utc_now(), True
    return quote


def send_quote(session: Session, *, quote_id: str, today: dt.date | None = None) -> Changes:
    """The quote goes to the customer (printed or e-mailed): draft -> sent."""
    quote = _transition(session, quote_id, QuoteStatus.SENT, reason=None, today=today)
    outbox.enqueue(session, type="quote.send", payload={"quote_id": quote.id})
    return _changes(quote)


def accept_quote(session: Session, *, quote_id: str, reason: str | None = None,
                 today: dt.date | None = None) -> Changes:
    """The customer accepted: the quote is won (with an optional reason: price, service...)."""
    reason = clean_text(reason, "reason", 1000)
    quote = _transition(session, quote_id, QuoteStatus.ACCEPTED, reason=reason, today=today)
    quote.won_reason = reason
    payload = {"quote_id": quote.id, **({"reason": reason} if reason else {})}
    outbox.enqueue(session, type="quote.accept", payload=payload)
    return _changes(quote)


def lose_quote(session: Session, *, quote_id: str, reason: str | None, today: dt.date | None = None) -> Changes:
    """The customer said no: lost, with the reason (price, competitor, timing...), which is required."""
    reason = clean_text(reason, "reason", 1000)
    if not reason:
        raise InvalidInputError("op.lost_needs_reason")
    quote = _transition(session, quote_id, QuoteStatus.LOST, reason=reason, today=today)
    quote.lost_reason = reason
    outbox.enqueue(session, type="quote.lose", payload={"quote_id": quote.id, "reason": reason})
    return _changes(quote)


def revise_quote(session: Session, *, quote_id: str, new_quote_id: str | None = None,
                 today: dt.date | None = None) -> Changes:
    """A new revision (a draft numbered anew) of a sent, lost or expired quote; the old one is kept."""
    today = today or context.today()
    old = load_quote(session, quote_id)
    if not lifecycle.can_revise_quote(lifecycle.display_quote_status(old.status, valid_until=old.valid_until,
                                                                       today=today),
                                      is_latest_revision(session, old)):
        raise NotAllowedError("op.quote_not_editable", number=old.number,
                              status=status_label("quote_status", old.status))
    agent = context.current_agent(session)
    now = utc_now()
    new = Quote(id=new_quote_id or str(uuid.uuid4()),
                number=context.allocate_number(session, kind="Q", agent=agent, on=today),
                customer_id=old.customer_id, agent_id=agent.user_id, status=QuoteStatus.DRAFT.value,
                revision=old.revision + 1, previous_revision_id=old.id,
                valid_until=lifecycle.revision_valid_until(old.valid_until, today, _validity_days(session)),
                currency=old.currency, document_discount=old.document_discount, notes=old.notes,
                customer_reference=old.customer_reference, deal_id=old.deal_id,
                taxable_total=old.taxable_total, vat_total=old.vat_total, grand_total=old.grand_total,
                created_at=now, updated_at=now, dirty=True)
    session.add(new)
    session.flush()
    for line in session.scalars(select(QuoteLine).where(QuoteLine.quote_id == old.id)).all():
        session.add(QuoteLine(**{c.key: getattr(line, c.key) for c in QuoteLine.__table__.c
                                 if c.key not in ("id", "quote_id")},
                              id=line_id(new.id, line.line_no), quote_id=new.id))
    outbox.enqueue(session, type="quote.revise",
                   payload={"quote_id": old.id, "new_quote_id": new.id, "number": new.number})
    return Changes({"quotes": frozenset({old.id, new.id}), "quote_lines": frozenset()}, outbox=True,
                   created=new.id)
