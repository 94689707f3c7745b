"""The lines of a quote or order as the agent types them, priced offline for the preview.

The preview uses the same domain pricing as the server; the server prices again when the command
arrives and answers with its own figures (and says what changed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain.discounts import (
    NO_DISCOUNT,
    Discount,
    DiscountError,
    effective_line_discount,
    format_discount,
    parse_discount,
)
from sfa_desktop.domain.pricing import NoPriceError, QuantityError, resolve_price
from sfa_desktop.domain.totals import DocumentTotals, LineInput, document_totals
from sfa_desktop.local_db.models import Customer, OrderLine, Product, QuoteLine
from sfa_desktop.operations.catalog import price_lists_for, product_terms
from sfa_desktop.operations.errors import InvalidInputError, NotFoundError
from sfa_desktop.sync import protocol

MAX_LINES = protocol.MAX_DOCUMENT_LINES


@dataclass(frozen=True)
class LineRequest:
    """A line as the agent types it: product, quantity and (optionally) a discount like "10+5"."""

    product_id: str
    quantity: Decimal
    discount: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class PricedLine:
    product: Product
    quantity: Decimal
    discount: Discount
    unit_price: Decimal
    price_list_id: str
    price_list_version: int
    net_amount: Decimal
    description: str | None = None


@dataclass(frozen=True)
class PricedDraft:
    lines: tuple[PricedLine, ...]
    totals: DocumentTotals
    document_discount: Discount


def parse_document_discount(text: str | None) -> Discount:
    try:
        return parse_discount(text)
    except DiscountError as error:
        raise InvalidInputError("op.document_discount", error=error.message) from error


def price_draft(session: Session, *, customer: Customer, requests: Sequence[LineRequest],
                document_discount: str | None, on: dt.date) -> PricedDraft:
    """Price every line for `customer` on day `on` and total the document, or say which line fails."""
    discount = parse_document_discount(document_discount)
    if not requests:
        raise InvalidInputError("op.no_lines")
    if len(requests) > MAX_LINES:
        raise InvalidInputError("op.too_many_lines", max=MAX_LINES, count=len(requests))
    try:
        customer_default = parse_discount(customer.default_discount)
    except DiscountError:
        customer_default = NO_DISCOUNT
    product_ids = {r.product_id for r in requests}
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(product_ids)))}
    own, base = price_lists_for(session, customer=customer, product_ids=product_ids, on=on)
    priced, inputs = [], []
    for n, request in enumerate(requests, start=1):
        product = products.get(request.product_id)
        if product is None:
            raise NotFoundError("op.product_unknown", line=n)
        try:
            typed = None if request.discount in (None, "") else parse_discount(request.discount)
            line_discount = effective_line_discount(line_discount=typed, customer_default=customer_default)
            resolved = resolve_price(product=product_terms(product), quantity=request.quantity,
                                     on=on, customer_list=own, base_list=base)
        except (DiscountError, NoPriceError, QuantityError) as error:
            raise InvalidInputError("op.line_problem", line=n, sku=product.sku, error=error.message) from error
        inputs.append(LineInput(quantity=request.quantity, unit_price=resolved.price, discount=line_discount,
                                vat_rate=product.vat_rate, unit_cost=product.cost))
        priced.append((product, request, line_discount, resolved))
    totals = document_totals(inputs, discount)
    return PricedDraft(tuple(
        PricedLine(product, request.quantity, line_discount, resolved.price, resolved.price_list_id,
                   resolved.price_list_version, amounts.net_amount, request.description)
        for (product, request, line_discount, resolved), amounts in zip(priced, totals.lines, strict=True)
    ), totals, discount)


def line_rows(model: type[QuoteLine] | type[OrderLine], *, priced: PricedDraft,
              **parent: str) -> list[QuoteLine | OrderLine]:
    """The document's line rows; `parent` is quote_id=... or order_id=...."""
    parent_id = next(iter(parent.values()))
    return [model(id=protocol.line_id(parent_id, n), line_no=n, product_id=line.product.id,
                  sku=line.product.sku, description=line.description or line.product.name,
                  quantity=line.quantity, unit=line.product.unit, unit_price=line.unit_price,
                  discount=format_discount(line.discount, "en") or None, vat_rate=line.product.vat_rate,
                  net_amount=line.net_amount, price_list_id=line.price_list_id,
                  price_list_version=line.price_list_version, **parent)
            for n, line in enumerate(priced.lines, start=1)]


def expected(priced: PricedDraft) -> dict[str, Any]:
    """The figures the agent saw, so the server can say what changed (it never takes them)."""
    return {"grand_total": priced.totals.grand_total, "unit_prices": [line.unit_price for line in priced.lines]}


def wire_lines(priced: PricedDraft) -> list[dict[str, Any]]:
    return [{"product_id": line.product.id, "quantity": line.quantity,
             "discount": format_discount(line.discount, "en") or None,
             **({"description": line.description}
                if line.description and line.description != line.product.name else {})}
            for line in priced.lines]


def requests_of(lines: Sequence[QuoteLine | OrderLine]) -> list[LineRequest]:
    """The stored lines of a document as requests again (to convert, revise or re-price it)."""
    return [LineRequest(line.product_id, line.quantity, line.discount, line.description)
            for line in sorted(lines, key=lambda x: x.line_no)]
