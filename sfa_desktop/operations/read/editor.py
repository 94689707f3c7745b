"""What the quote and order editor shows beside the agent's lines, read from the replica.

The customer's credit panel, a product found by its SKU or barcode (what a scanner types), the
facts beside each line (unit, pack, stock, the last price sold to this customer), and the live
preview: the lines priced by the one pricing of a document (operations.lines.price_draft, the
domain's function the server calls too), totals, the VAT summary by rate and exemption nature,
the approval reasons the office will see and the warnings for stock, credit and overdue. Nothing
here prices on its own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sfa_desktop.domain import lifecycle
from sfa_desktop.domain.messages import N_, Message, UserError, register
from sfa_desktop.domain.pricing import suggest_quantity
from sfa_desktop.local_db.models import Customer, Order, OrderLine, Product, Quote, QuoteLine, StockLevel
from sfa_desktop.operations import context
from sfa_desktop.operations.catalog import customer_credit, product_terms
from sfa_desktop.operations.lines import LineRequest, PricingInputs, price_with, pricing_inputs
from sfa_desktop.operations.read.common import chunks
from sfa_desktop.operations.read.documents import (
    ApprovalReasonRow,
    LastPriceRow,
    approval_reason_row,
    last_prices_sold,
)

__all__ = [
    "DocumentPreview",
    "EditorCustomer",
    "EditorDocument",
    "EditorLine",
    "LinePreview",
    "ProductFacts",
    "VatRow",
    "editor_customer",
    "editor_document",
    "preview_document",
    "product_facts",
    "product_for_code",
]

register({
    "editor.stock_short": N_("Line {line} ({sku}): {available:qty} available, {quantity:qty} asked."),
    "editor.no_stock": N_("Line {line} ({sku}): no stock figure for this product."),
    "editor.credit_over": N_("With this document the customer is over the credit limit by {amount:money}."),
    "editor.overdue": N_("The customer has {amount:money} overdue."),
    "editor.customer_blocked": N_("{customer} is blocked: no new documents can be made for them."),
})

_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class EditorCustomer:
    """The customer chosen for a document, with the figures of the credit panel."""

    id: str
    name: str
    erp_code: str | None
    city: str | None
    status: str
    default_discount: str | None
    credit_managed: bool
    credit_limit: Decimal
    balance: Decimal
    open_orders: Decimal
    overdue: Decimal
    available: Decimal  # limit - (balance + open orders); negative = over the limit

    @property
    def blocked(self) -> bool:
        return self.status == "blocked"


@dataclass(frozen=True, slots=True)
class ProductFacts:
    """What the editor shows beside a line of this product."""

    id: str
    sku: str
    name: str
    unit: str
    pack_size: Decimal | None
    min_quantity: Decimal | None
    suggested_quantity: Decimal  # the smallest sellable quantity (minimum, whole packs)
    available: Decimal | None  # summed over the warehouses; None: no stock figure
    last_sold: LastPriceRow | None


@dataclass(frozen=True, slots=True)
class LinePreview:
    line_no: int
    product_id: str
    sku: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount: str | None
    net_price: Decimal | None
    net_unit_price: Decimal
    net_amount: Decimal
    vat_rate: Decimal
    vat_nature: str | None
    price_list_code: str | None


@dataclass(frozen=True, slots=True)
class VatRow:
    """One row of the VAT summary: a rate, or an exemption nature (rate 0, nature N3.5...)."""

    rate: Decimal
    nature: str | None
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class DocumentPreview:
    """The document as the office would receive it now; `problem` says why it cannot be priced."""

    lines: tuple[LinePreview, ...]
    goods_total: Decimal
    document_discount_amount: Decimal
    taxable_total: Decimal
    vat_rows: tuple[VatRow, ...]
    vat_total: Decimal
    grand_total: Decimal
    approval: tuple[ApprovalReasonRow, ...]
    warnings: tuple[Message, ...]
    problem: Message | None
    problem_line: int | None  # 1-based line the problem is about
    customer: EditorCustomer | None
    #: What the pricing read from the replica: the editor passes it back for the next recompute.
    inputs: PricingInputs | None = None


def editor_customer(session: Session, customer_id: str, *, today: dt.date | None = None,
                    exclude_order: str | None = None) -> EditorCustomer | None:
    """The customer and their credit on `today` (open orders without the one being edited)."""
    customer = session.get(Customer, customer_id) if isinstance(customer_id, str) else None
    if customer is None:
        return None
    credit = customer_credit(session, customer, on=today or context.today(), exclude_order=exclude_order)
    return EditorCustomer(customer.id, customer.name, customer.erp_code, customer.city, customer.status,
                          customer.default_discount, credit.managed, credit.credit_limit, credit.balance,
                          credit.open_orders, credit.overdue, credit.available)


def product_for_code(session: Session, code: str) -> str | None:
    """The active product whose SKU (any case) or barcode is exactly `code`, else None."""
    text = (code or "").strip()
    if not text or len(text) > 100:
        return None
    return session.scalars(select(Product.id).where(
        or_(func.upper(Product.sku) == text.upper(), Product.barcode == text))
        .order_by(Product.active.desc(), Product.sku).limit(1)).first()


def product_facts(session: Session, customer_id: str | None, product_ids: Iterable[str]) -> dict[str, ProductFacts]:
    """Per product: unit, pack, stock and the last price sold to the customer (unknown ids skipped)."""
    wanted = list(dict.fromkeys(product_ids))
    products: dict[str, Product] = {}
    available: dict[str, Decimal] = defaultdict(Decimal)
    for chunk in chunks(wanted):
        products.update((p.id, p) for p in session.scalars(select(Product).where(Product.id.in_(chunk))))
        for product_id, amount in session.execute(select(StockLevel.product_id, StockLevel.available)
                                                  .where(StockLevel.product_id.in_(chunk))):
            available[product_id] += amount
    last: dict[str, LastPriceRow] = {}
    if customer_id and products:
        last = {r.product_id: r for r in last_prices_sold(session, customer_id, product_ids=list(products))}
    return {pid: ProductFacts(p.id, p.sku, p.name, p.unit, p.pack_size, p.min_quantity,
                              suggest_quantity(product_terms(p), _ONE),
                              available.get(pid) if pid in available else None, last.get(pid))
            for pid, p in products.items()}


def _warnings(lines: Sequence[LinePreview], stock: Mapping[str, Decimal | None], customer: EditorCustomer | None,
              grand_total: Decimal) -> list[Message]:
    found: list[Message] = []
    if customer is not None and customer.blocked:
        found.append(Message("editor.customer_blocked", {"customer": customer.name}))
    # the quantity asked per product over all its lines, against what the warehouses have
    asked: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        asked[line.product_id] += line.quantity
    warned: set[str] = set()
    for line in lines:
        if line.product_id in warned or line.product_id not in stock:
            continue
        have = stock[line.product_id]
        if have is None:
            continue
        if asked[line.product_id] > have:
            warned.add(line.product_id)
            found.append(Message("editor.stock_short", {"line": line.line_no, "sku": line.sku,
                                                        "available": max(have, Decimal(0)),
                                                        "quantity": asked[line.product_id]}))
    if customer is not None and customer.credit_managed and grand_total > customer.available:
        found.append(Message("editor.credit_over", {"amount": grand_total - customer.available}))
    if customer is not None and customer.overdue > 0:
        found.append(Message("editor.overdue", {"amount": customer.overdue}))
    return found


def _line_of(problem: Message) -> int | None:
    line = problem.params.get("line") if problem.params else None
    return line if isinstance(line, int) else None


def preview_document(session: Session, *, customer_id: str, lines: Sequence[LineRequest],
                     document_discount: str | None = None, quote_id: str | None = None,
                     order_id: str | None = None, stock: Mapping[str, Decimal | None] | None = None,
                     customer: EditorCustomer | None = None, inputs: PricingInputs | None = None,
                     today: dt.date | None = None) -> DocumentPreview:
    """The live preview of a document being written (no write): see the module docstring.

    `stock`, `customer` and `inputs` (the previous preview's) may be passed when the editor
    already holds them: they do not change while the agent types, so a recompute only prices.
    `inputs` are read again when they do not cover the lines' products, the customer or the day.
    """
    on = today or context.today()
    if customer is None:
        customer = editor_customer(session, customer_id, today=on, exclude_order=order_id)
    if customer is None:
        return _empty(Message("op.customer_unknown"), None, customer)
    if not lines:
        return _empty(None, None, customer, _warnings((), {}, customer, Decimal(0)))
    product_ids = {r.product_id for r in lines}
    if inputs is None or not inputs.covers(customer_id=customer_id, product_ids=product_ids, on=on,
                                           quote_id=quote_id):
        row = session.get(Customer, customer_id)
        if row is None:
            return _empty(Message("op.customer_unknown"), None, customer)
        inputs = pricing_inputs(session, customer=row, product_ids=product_ids, on=on, quote_id=quote_id)
    try:
        priced = price_with(inputs, requests=lines, document_discount=document_discount)
    except UserError as error:
        return _empty(error.message, _line_of(error.message), customer, inputs=inputs)
    shown = tuple(LinePreview(x.line_no, x.product_id, x.sku, x.description, x.quantity, x.unit, x.unit_price,
                              x.discount_text, x.net_price, x.net_unit_price, x.net_amount, x.vat_rate, x.vat_nature,
                              x.price_list_code) for x in priced.lines)
    if stock is None or not product_ids <= stock.keys():
        stock = {pid: f.available for pid, f in product_facts(session, None, product_ids).items()}
    totals = priced.totals
    reasons = tuple(r for r in (approval_reason_row(a.to_dict()) for a in priced.approval_reasons) if r is not None)
    return DocumentPreview(
        shown, totals.goods_total, totals.document_discount_amount, totals.taxable_total,
        tuple(VatRow(b.rate, b.nature, b.taxable, b.vat) for b in totals.vat_buckets), totals.vat_total,
        totals.grand_total, reasons, tuple(_warnings(shown, stock, customer, totals.grand_total)), None, None,
        customer, inputs)


def _empty(problem: Message | None, line: int | None, customer: EditorCustomer | None,
           warnings: Sequence[Message] = (), inputs: PricingInputs | None = None) -> DocumentPreview:
    zero = Decimal(0)
    return DocumentPreview((), zero, zero, zero, (), zero, zero, (), tuple(warnings), problem, line, customer,
                           inputs)


@dataclass(frozen=True, slots=True)
class EditorLine:
    product_id: str
    sku: str
    description: str
    quantity: Decimal
    discount: str | None
    net_price: Decimal | None


@dataclass(frozen=True, slots=True)
class EditorDocument:
    """A stored quote or order as the editor opens it: what was typed, its state, what it allows."""

    kind: str  # quote, order
    id: str
    number: str
    revision: int
    customer_id: str
    status: str  # the display status (a quote past its validity is expired)
    editable: bool
    convertible: bool  # a quote that can become an order today
    lines: tuple[EditorLine, ...]
    document_discount: str | None
    notes: str | None
    customer_reference: str | None
    valid_until: dt.date | None
    signature: str | None
    quote_id: str | None


def editor_document(session: Session, kind: str, document_id: str, *, today: dt.date | None = None
                    ) -> EditorDocument | None:
    """The quote or order `document_id` for the editor; None when it is not on this computer."""
    on = today or context.today()
    model, line_model = (Quote, QuoteLine) if kind == "quote" else (Order, OrderLine)
    doc = session.get(model, document_id) if isinstance(document_id, str) else None
    if doc is None:
        return None
    parent = QuoteLine.quote_id if kind == "quote" else OrderLine.order_id
    lines = tuple(EditorLine(x.product_id, x.sku, x.description, x.quantity, x.discount, x.net_price)
                  for x in session.scalars(select(line_model).where(parent == doc.id).order_by(line_model.line_no)))
    if kind == "quote":
        latest = session.scalar(select(Quote.id).where(Quote.previous_revision_id == doc.id).limit(1)) is None
        shown = lifecycle.display_quote_status(doc.status, valid_until=doc.valid_until, today=on).value
        try:
            lifecycle.check_quote_conversion(doc.status, valid_until=doc.valid_until, today=on,
                                             is_latest_revision=latest)
            convertible = True
        except lifecycle.TransitionError:
            convertible = False
        return EditorDocument("quote", doc.id, doc.number, doc.revision, doc.customer_id, shown,
                              lifecycle.can_edit_quote(doc.status, latest) and shown != "expired", convertible, lines,
                              doc.document_discount, doc.notes, doc.customer_reference, doc.valid_until, None, None)
    return EditorDocument("order", doc.id, doc.number, 0, doc.customer_id, doc.status, doc.status == "draft", False,
                          lines, doc.document_discount, doc.notes, doc.customer_reference, None, doc.signature,
                          doc.quote_id)
