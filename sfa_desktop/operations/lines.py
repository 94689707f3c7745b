"""The lines of a quote or order as the agent types them, priced offline for the preview.

The preview is the domain's one pricing of a document (domain.document_pricing), fed from the
replica; the server prices again with the same function when the command arrives and answers with
its own figures (and says what changed, which happens only when the data really changed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain import document_pricing as dp
from sfa_desktop.domain.approval import ApprovalReason
from sfa_desktop.domain.discounts import Discount
from sfa_desktop.domain.totals import DocumentTotals
from sfa_desktop.local_db.models import Customer, OrderLine, PriceList, Product, Quote, QuoteLine
from sfa_desktop.operations.catalog import (
    approval_policy,
    candidate_price_lists,
    customer_credit,
    customer_terms,
    product_terms,
)
from sfa_desktop.operations.errors import InvalidInputError, NotFoundError
from sfa_desktop.sync import protocol

MAX_LINES = protocol.MAX_DOCUMENT_LINES


@dataclass(frozen=True)
class LineRequest:
    """A line as the agent types it: product, quantity, and a discount like "10+5" or the net unit
    price agreed with the customer (not both)."""

    product_id: str
    quantity: Decimal
    discount: str | None = None
    description: str | None = None
    net_price: Decimal | None = None


@dataclass(frozen=True)
class PricedDraft:
    """The preview: priced lines, totals, and what the office would be asked to approve."""

    lines: tuple[dp.PricedLine, ...]
    totals: DocumentTotals
    document_discount: Discount
    approval_reasons: tuple[ApprovalReason, ...] = ()
    #: product id -> catalog name (a line's description is sent only when the agent changed it)
    product_names: Mapping[str, str] = field(default_factory=dict)


def _honoured_quote(session: Session, quote_id: str | None) -> dp.HonouredQuote | None:
    """The prices of the quote an order is made from (its validity is checked by the operation)."""
    quote = session.get(Quote, quote_id) if quote_id else None
    if quote is None:
        return None
    lines = session.scalars(select(QuoteLine).where(QuoteLine.quote_id == quote.id)
                            .order_by(QuoteLine.line_no)).all()
    list_ids = {line.price_list_id for line in lines if line.price_list_id}
    codes = dict(session.execute(select(PriceList.id, PriceList.code).where(PriceList.id.in_(list_ids))).all()) \
        if list_ids else {}
    return dp.HonouredQuote(number=quote.number, valid_until=quote.valid_until, prices=dp.honoured_prices(
        (line.product_id, dp.quoted_price(unit_price=line.unit_price, discount=line.discount,
                                          net_price=line.net_price, net_unit_price=line.net_unit_price,
                                          price_list_id=line.price_list_id,
                                          price_list_code=codes.get(line.price_list_id),
                                          price_list_version=line.price_list_version))
        for line in lines))


@dataclass(frozen=True)
class PricingInputs:
    """What pricing a document for a customer reads from the replica, as plain domain records.

    The editor keeps these while the agent types (they change only with a sync or a new product),
    so a recompute after an edit is the domain's pricing alone; a save always reads them afresh.
    """

    customer_id: str
    on: dt.date
    quote_id: str | None
    terms: dp.CustomerTerms
    products: Mapping[str, Any]  # product id -> domain.pricing.ProductTerms
    price_lists: tuple[Any, ...]  # domain.pricing.PriceListView, every candidate version
    approval: dp.ApprovalInputs
    honoured: dp.HonouredQuote | None

    def covers(self, *, customer_id: str, product_ids: set[str], on: dt.date, quote_id: str | None) -> bool:
        return (customer_id == self.customer_id and on == self.on and quote_id == self.quote_id
                and product_ids <= self.products.keys())


def pricing_inputs(session: Session, *, customer: Customer, product_ids: set[str], on: dt.date,
                   quote_id: str | None = None) -> PricingInputs:
    terms = customer_terms(session, customer)
    products = {p.id: product_terms(p) for p in session.scalars(select(Product).where(Product.id.in_(product_ids)))}
    return PricingInputs(customer.id, on, quote_id, terms, products,
                         tuple(candidate_price_lists(session, terms=terms, product_ids=product_ids)),
                         dp.ApprovalInputs(policy=approval_policy(session),
                                           credit=customer_credit(session, customer, on=on)),
                         _honoured_quote(session, quote_id))


def price_with(inputs: PricingInputs, *, requests: Sequence[LineRequest], document_discount: str | None
               ) -> PricedDraft:
    """The one pricing of a document (domain.document_pricing) over inputs already read."""
    try:
        priced = dp.price_document(
            customer=inputs.terms, products=inputs.products, price_lists=inputs.price_lists,
            lines=[dp.LineRequest(product_id=r.product_id, quantity=r.quantity, discount=r.discount,
                                  net_price=r.net_price, description=r.description) for r in requests],
            document_discount=document_discount, on=inputs.on, max_lines=MAX_LINES,
            honoured_quote=inputs.honoured, approval=inputs.approval)
    except dp.PricingError as error:
        raise (NotFoundError if error.reason == "not_found" else InvalidInputError)(error.message) from error
    return PricedDraft(priced.lines, priced.totals, priced.document_discount, priced.approval_reasons,
                       {p.product_id: p.name for p in inputs.products.values()})


def price_draft(session: Session, *, customer: Customer, requests: Sequence[LineRequest],
                document_discount: str | None, on: dt.date, quote_id: str | None = None) -> PricedDraft:
    """Price every line for `customer` on day `on` and total the document, or say which line fails.

    With `quote_id` (an order made from a quote) the quote's prices are honoured as the server
    honours them. The approval reasons are the ones the server will give if nothing changes.
    """
    inputs = pricing_inputs(session, customer=customer, product_ids={r.product_id for r in requests}, on=on,
                            quote_id=quote_id)
    return price_with(inputs, requests=requests, document_discount=document_discount)


def line_rows(model: type[QuoteLine] | type[OrderLine], *, priced: PricedDraft,
              **parent: str) -> list[QuoteLine | OrderLine]:
    """The document's line rows; `parent` is quote_id=... or order_id=...."""
    parent_id = next(iter(parent.values()))
    return [model(id=protocol.line_id(parent_id, line.line_no), line_no=line.line_no, product_id=line.product_id,
                  sku=line.sku, description=line.description, quantity=line.quantity, unit=line.unit,
                  unit_price=line.unit_price, discount=line.discount_text, vat_rate=line.vat_rate,
                  net_amount=line.net_amount, price_list_id=line.price_list_id,
                  price_list_version=line.price_list_version, net_price=line.net_price,
                  net_unit_price=line.net_unit_price, vat_nature=line.vat_nature, **parent)
            for line in priced.lines]


def expected(priced: PricedDraft) -> dict[str, Any]:
    """The figures the agent saw, so the server can say what changed (it never takes them)."""
    return {"grand_total": priced.totals.grand_total, "unit_prices": [line.unit_price for line in priced.lines]}


def wire_lines(priced: PricedDraft) -> list[dict[str, Any]]:
    """The lines as the command carries them: what the agent asked for (a discount, or the net
    price agreed with the customer), never a price of ours."""
    out = []
    for line in priced.lines:
        wire: dict[str, Any] = {"product_id": line.product_id, "quantity": line.quantity}
        if line.net_price is not None:
            wire["net_price"] = line.net_price
        else:
            wire["discount"] = line.discount_text
        if line.description and line.description != priced.product_names.get(line.product_id):
            wire["description"] = line.description
        out.append(wire)
    return out


def requests_of(lines: Sequence[QuoteLine | OrderLine]) -> list[LineRequest]:
    """The stored lines of a document as requests again (to convert, revise or re-price it)."""
    return [LineRequest(line.product_id, line.quantity, line.discount, line.description, line.net_price)
            for line in sorted(lines, key=lambda x: x.line_no)]
