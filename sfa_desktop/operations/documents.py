"""Draft quotes and submit orders offline: priced locally, numbered, queued for the server.

Prices and totals computed here are the agent's preview; the server re-prices with the same
domain code when the command arrives and answers with its own figures.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sfa_desktop.domain import lifecycle
from sfa_desktop.domain.discounts import (
    NO_DISCOUNT,
    Discount,
    DiscountError,
    effective_line_discount,
    format_discount,
    parse_discount,
)
from sfa_desktop.domain.numbering import NumberBlock, format_document_number, next_number
from sfa_desktop.domain.pricing import NoPriceError, QuantityError, resolve_price
from sfa_desktop.domain.totals import LineInput, document_totals
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import (
    Customer,
    NumberSequence,
    Order,
    OrderLine,
    OutboxCommand,
    Product,
    Quote,
    QuoteLine,
    Setting,
    User,
)
from sfa_desktop.operations.catalog import price_lists_for, product_terms
from sfa_desktop.sync import outbox, protocol

MAX_LINES = 2000


class DocumentError(ValueError):
    """A quote or order the agent asked for cannot be made; the message says why."""


@dataclass(frozen=True)
class LineRequest:
    """A line as the agent types it: product, quantity and (optionally) a discount like "10+5"."""

    product_id: str
    quantity: Decimal
    discount: str | None = None


@dataclass(frozen=True)
class AgentProfile:
    user_id: str
    agent_code: str
    full_name: str
    block: NumberBlock | None


def current_agent(session: Session) -> AgentProfile:
    """The agent this replica belongs to (the `users` stream carries only the caller)."""
    user = session.scalars(select(User).where(User.role == "agent")).first()
    if user is None or not user.agent_code:
        raise DocumentError("This replica has no agent profile yet: sync once before drafting documents.")
    block = None
    if user.number_block_start and user.number_block_end:
        block = NumberBlock(user.number_block_start, user.number_block_end)
    return AgentProfile(user.id, user.agent_code, user.full_name or user.username, block)


def allocate_number(session: Session, *, kind: str, agent: AgentProfile, today: dt.date) -> str:
    """Take the next number of this device's block and record it before it is used.

    The record is written in the caller's transaction, together with the document: a crash
    loses both or neither, so a number is never handed out twice.
    """
    if agent.block is None:
        raise DocumentError("The server has not reserved document numbers for this device yet: sync once.")
    # Sequences run across years within a block: the block is the device's, not the year's.
    last = session.scalar(select(NumberSequence.last_used).where(NumberSequence.kind == kind)
                          .order_by(NumberSequence.last_used.desc()).limit(1))
    try:
        sequence = next_number(agent.block, last)
    except ValueError as error:
        raise DocumentError(str(error)) from error
    row = session.get(NumberSequence, (kind, today.year))
    if row is None:
        session.add(NumberSequence(kind=kind, year=today.year, last_used=sequence))
    else:
        row.last_used = sequence
    session.flush()
    return format_document_number(kind, agent.agent_code, today.year, sequence)


@dataclass(frozen=True)
class _PricedLine:
    product: Product
    quantity: Decimal
    discount: Discount
    unit_price: Decimal
    price_list_id: str
    price_list_version: int
    net_amount: Decimal


def _price_lines(session: Session, *, customer: Customer, requests: Sequence[LineRequest],
                 document_discount: Discount, today: dt.date):
    if not requests:
        raise DocumentError("Add at least one product line.")
    if len(requests) > MAX_LINES:
        raise DocumentError(f"A document holds at most {MAX_LINES} lines; this one has {len(requests)}.")
    try:
        customer_default = parse_discount(customer.default_discount)
    except DiscountError:
        customer_default = NO_DISCOUNT
    product_ids = {r.product_id for r in requests}
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(product_ids)))}
    own, base = price_lists_for(session, customer=customer, product_ids=product_ids, on=today)
    priced, inputs = [], []
    for n, request in enumerate(requests, start=1):
        product = products.get(request.product_id)
        if product is None:
            raise DocumentError(f"Line {n}: the product is not in the catalog on this computer.")
        try:
            typed = None if request.discount in (None, "") else parse_discount(request.discount)
            discount = effective_line_discount(line_discount=typed, customer_default=customer_default)
            resolved = resolve_price(product=product_terms(product), quantity=request.quantity,
                                     on=today, customer_list=own, base_list=base)
        except (DiscountError, NoPriceError, QuantityError) as error:
            raise DocumentError(f"Line {n} ({product.sku}): {error}") from error
        line = LineInput(quantity=request.quantity, unit_price=resolved.price, discount=discount,
                         vat_rate=product.vat_rate, unit_cost=product.cost)
        inputs.append(line)
        priced.append((product, request.quantity, discount, resolved))
    totals = document_totals(inputs, document_discount)
    return [
        _PricedLine(product, quantity, discount, resolved.price, resolved.price_list_id,
                    resolved.price_list_version, amounts.net_amount)
        for (product, quantity, discount, resolved), amounts in zip(priced, totals.lines, strict=True)
    ], totals


def _customer(session: Session, customer_id: str) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise DocumentError("The customer is not on this computer (not in your portfolio any more?).")
    if customer.status == "blocked":
        raise DocumentError(f"{customer.name} is blocked: the sales office must unblock it first.")
    return customer


def _parse_document_discount(text: str | None) -> Discount:
    try:
        return parse_discount(text)
    except DiscountError as error:
        raise DocumentError(f"Document discount: {error}") from error


def _quote_validity_days(session: Session) -> int:
    setting = session.get(Setting, "quote_validity_days")
    value = setting.value if setting else None
    return value if isinstance(value, int) and 0 < value <= 365 else lifecycle.DEFAULT_QUOTE_VALIDITY_DAYS


def _line_rows(model: type[QuoteLine] | type[OrderLine], *, priced: Sequence[_PricedLine],
               **parent: str) -> list[QuoteLine | OrderLine]:
    """The document's line rows; `parent` is quote_id=... or order_id=...."""
    parent_id = next(iter(parent.values()))
    return [model(id=protocol.line_id(parent_id, n), line_no=n, product_id=line.product.id,
                  sku=line.product.sku, description=line.product.name, quantity=line.quantity,
                  unit=line.product.unit,
                  unit_price=line.unit_price, discount=format_discount(line.discount, "en") or None,
                  vat_rate=line.product.vat_rate, net_amount=line.net_amount,
                  price_list_id=line.price_list_id, price_list_version=line.price_list_version, **parent)
            for n, line in enumerate(priced, start=1)]


def _expected(lines: Sequence[_PricedLine], grand_total: Decimal) -> dict:
    """The figures the agent saw, so the server can say what changed (it never takes them)."""
    return {"grand_total": str(grand_total), "unit_prices": [str(line.unit_price) for line in lines]}


def _wire_lines(lines: Sequence[_PricedLine]) -> list[dict]:
    return [{"product_id": line.product.id, "quantity": str(line.quantity),
             "discount": format_discount(line.discount, "en")} for line in lines]


def save_quote_draft(session: Session, *, customer_id: str, lines: Sequence[LineRequest],
                     document_discount: str | None = None, notes: str | None = None,
                     customer_reference: str | None = None, valid_until: dt.date | None = None,
                     quote_id: str | None = None, today: dt.date | None = None) -> Quote:
    """Create a draft quote, or replace the lines of an existing draft, and queue quote.save."""
    today = today or dt.date.today()
    customer = _customer(session, customer_id)
    discount = _parse_document_discount(document_discount)
    priced, totals = _price_lines(session, customer=customer, requests=lines,
                                  document_discount=discount, today=today)
    agent = current_agent(session)
    now = utc_now()
    if valid_until is None:
        valid_until = lifecycle.default_valid_until(today, _quote_validity_days(session))
    if valid_until < today:
        raise DocumentError("The validity date is in the past.")
    quote = session.get(Quote, quote_id) if quote_id else None
    if quote is None:
        quote = Quote(id=quote_id or str(uuid.uuid4()),
                      number=allocate_number(session, kind="Q", agent=agent, today=today),
                      customer_id=customer.id, agent_id=agent.user_id, status="draft", revision=0,
                      currency="EUR", created_at=now)
        session.add(quote)
    elif not lifecycle.can_edit_quote(quote.status, True) or quote.customer_id != customer.id:
        raise DocumentError(f"Quote {quote.number} is {quote.status}: it can no longer be changed.")
    quote.valid_until, quote.notes, quote.customer_reference = valid_until, notes, customer_reference
    quote.document_discount = format_discount(discount, "en") if not discount.is_zero else None
    quote.taxable_total, quote.vat_total = totals.taxable_total, totals.vat_total
    quote.grand_total, quote.updated_at, quote.dirty = totals.grand_total, now, True
    session.flush()
    session.execute(delete(QuoteLine).where(QuoteLine.quote_id == quote.id))
    session.add_all(_line_rows(QuoteLine, quote_id=quote.id, priced=priced))
    outbox.enqueue(session, type="quote.save", payload={
        "quote_id": quote.id, "number": quote.number, "customer_id": customer.id,
        "lines": _wire_lines(priced), "document_discount": quote.document_discount,
        "notes": notes, "customer_reference": customer_reference,
        "valid_until": valid_until.isoformat(), "expected": _expected(priced, totals.grand_total)})
    session.flush()
    return quote


def _unsettled_commands_for_quote(session: Session, quote_id: str | None) -> list[str]:
    """Commands about `quote_id` still in the outbox: an order made from it must wait for them."""
    if quote_id is None:
        return []
    rows = session.scalars(select(OutboxCommand).where(OutboxCommand.status.in_(outbox.UNSETTLED),
                                                       OutboxCommand.type.like("quote.%")))
    return [row.id for row in rows if outbox.target_id(row.type, row.payload) == quote_id]


def submit_order(session: Session, *, customer_id: str, lines: Sequence[LineRequest],
                 document_discount: str | None = None, notes: str | None = None,
                 customer_reference: str | None = None, quote_id: str | None = None,
                 order_id: str | None = None, today: dt.date | None = None) -> Order:
    """Record an order as submitted and queue order.submit; the server decides its approval."""
    today = today or dt.date.today()
    customer = _customer(session, customer_id)
    discount = _parse_document_discount(document_discount)
    if quote_id is not None:
        quote = session.get(Quote, quote_id)
        if quote is None or quote.customer_id != customer.id:
            raise DocumentError("The quote to convert is not this customer's.")
        try:
            lifecycle.check_quote_conversion(quote.status, valid_until=quote.valid_until, today=today,
                                             is_latest_revision=True)
        except ValueError as error:
            raise DocumentError(str(error)) from error
    priced, totals = _price_lines(session, customer=customer, requests=lines,
                                  document_discount=discount, today=today)
    agent = current_agent(session)
    now = utc_now()
    order = Order(id=order_id or str(uuid.uuid4()),
                  number=allocate_number(session, kind="O", agent=agent, today=today),
                  customer_id=customer.id, agent_id=agent.user_id, quote_id=quote_id,
                  status="submitted", currency="EUR",
                  document_discount=format_discount(discount, "en") if not discount.is_zero else None,
                  notes=notes, customer_reference=customer_reference,
                  taxable_total=totals.taxable_total, vat_total=totals.vat_total,
                  grand_total=totals.grand_total, created_at=now, updated_at=now, dirty=True)
    session.add(order)
    session.flush()
    session.add_all(_line_rows(OrderLine, order_id=order.id, priced=priced))
    outbox.enqueue(session, depends_on=_unsettled_commands_for_quote(session, quote_id),
                   type="order.submit", payload={
        "order_id": order.id, "number": order.number, "customer_id": customer.id,
        "lines": _wire_lines(priced), "document_discount": order.document_discount,
        "notes": notes, "customer_reference": customer_reference, "quote_id": quote_id,
        "expected": _expected(priced, totals.grand_total)})
    session.flush()
    return order
