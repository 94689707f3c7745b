"""One pricing of a document: the function the client's preview and the server both call.

Each side loads its own data (the replica, the server's tables) into these plain records and calls
`price_document`; everything that decides a figure happens here: which price list version applies
on the day, the quantity checks, the discount or agreed net price of each line, the VAT rate or
exemption nature, the rounding, the totals and the approval reasons. So an offline preview equals
the server's answer unless the data really changed (docs/pricing.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext

from sfa_desktop.domain.approval import (
    ApprovalPolicy,
    ApprovalReason,
    CustomerCredit,
    OrderLineForApproval,
    evaluate_order,
)
from sfa_desktop.domain.credit import CreditSituation
from sfa_desktop.domain.discounts import (
    NO_DISCOUNT,
    Discount,
    DiscountError,
    effective_line_discount,
    format_discount,
    parse_discount,
)
from sfa_desktop.domain.messages import N_, Message, UserError, register
from sfa_desktop.domain.money import ZERO, round_to
from sfa_desktop.domain.pricing import (
    NoPriceError,
    PriceListView,
    ProductTerms,
    QuantityError,
    check_quantity,
    choose_price_lists,
    resolve_price,
)
from sfa_desktop.domain.totals import NET_UNIT_PRICE_PLACES, DocumentTotals, LineInput, document_totals
from sfa_desktop.domain.totals import net_unit_price as shown_net_unit_price
from sfa_desktop.domain.vat import VatError, check_nature, check_product_vat, line_vat

__all__ = [
    "ApprovalInputs",
    "CustomerTerms",
    "HonouredQuote",
    "LineRequest",
    "PricedDocument",
    "PricedLine",
    "PricingError",
    "QuotedPrice",
    "equivalent_discount_percent",
    "honoured_prices",
    "price_document",
    "quoted_price",
]

_HUNDRED = Decimal(100)


class PricingError(UserError):
    """A document that cannot be priced; the message names the line and says why.

    `reason` is the stable code the server answers with (invalid, not_found, invalid_quantity,
    invalid_discount, no_price), the same words whichever side refused.
    """

    def __init__(self, reason: str, message: Message | str, /, **params: object) -> None:
        self.reason = reason
        super().__init__(message, **params)


register({
    "pricing.no_lines": N_("Add at least one product line."),
    "pricing.too_many_lines": N_("A document holds at most {max} lines; this one has {count}."),
    "pricing.product_unknown": N_("Line {line}: the product is not in the catalog."),
    "pricing.line_problem": N_("Line {line} ({sku}): {error}"),
    "pricing.document_discount": N_("Document discount: {error}"),
    "pricing.discount_and_net_price": N_("Give either a discount or a net price, not both."),
    "pricing.net_price_negative": N_("The net price cannot be negative."),
    "pricing.net_price_decimals": N_("The net price {price} has more than {max} decimals."),
    "pricing.net_price_above_list": N_("The net price {net:price} is above the price {price:price}: leave the "
                                       "discount empty to sell at that price."),
    "pricing.cannot_price": N_("the figures cannot be computed ({detail})."),
})


@dataclass(frozen=True)
class CustomerTerms:
    """What pricing needs to know about the customer.

    `price_list_code` is the code of the customer's own list (every version of it counts, by day);
    `price_group` picks the group list; `default_discount` is the text stored on the customer
    (an unreadable one counts as none); `vat_exemption` is a nature code (e.g. N3.5 for an
    exporter's "dichiarazione d'intento") applied to every line that would carry VAT, and
    `vat_exemption_ref` the reference the documents print with it (the protocol number).
    """

    status: str = "active"
    price_list_code: str | None = None
    price_group: str | None = None
    default_discount: str | None = None
    vat_exemption: str | None = None
    vat_exemption_ref: str | None = None


@dataclass(frozen=True)
class LineRequest:
    """A line as the agent asked for it: a discount ("10+5") or a net price, or neither."""

    product_id: str
    quantity: Decimal
    discount: str | None = None
    net_price: Decimal | None = None
    description: str | None = None


@dataclass(frozen=True)
class QuotedPrice:
    """What a quote line promised for a product: its unit price and where it came from, and the
    net unit price it showed (totals.net_unit_price)."""

    unit_price: Decimal
    net_unit_price: Decimal
    price_list_id: str | None = None
    price_list_code: str | None = None
    price_list_version: int | None = None


@dataclass(frozen=True)
class HonouredQuote:
    """The prices of a quote an order is made from, honoured while the quote is valid.

    `prices` maps product id -> the promised price (the first line of that product on the quote).
    """

    number: str
    valid_until: dt.date | None
    prices: Mapping[str, QuotedPrice] = field(default_factory=dict, hash=False)

    def is_valid_on(self, on: dt.date) -> bool:
        return self.valid_until is None or on <= self.valid_until


@dataclass(frozen=True)
class ApprovalInputs:
    """What the approval rules need besides the document: the thresholds and the customer's credit."""

    policy: ApprovalPolicy
    credit: CreditSituation


@dataclass(frozen=True)
class PricedLine:
    """A line as priced: the figures the line row stores, the PDF prints and the server answers."""

    line_no: int
    product_id: str
    sku: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    price_list_id: str | None
    price_list_code: str | None
    price_list_version: int | None
    discount: Discount
    net_price: Decimal | None
    net_unit_price: Decimal
    net_amount: Decimal
    vat_rate: Decimal
    vat_nature: str | None
    unit_cost: Decimal | None
    #: The net unit price a still-valid quote promised for this product, when the line honours one.
    quote_price: Decimal | None = None

    @property
    def discount_text(self) -> str | None:
        """The discount as stored and sent ("10+5"); None for no discount or a net price."""
        return format_discount(self.discount, "en") or None

    @property
    def discount_percent(self) -> Decimal:
        """The single discount this line gives, to 0.01 %: the cascade's equivalent, or for a net
        price the discount that takes the unit price to it (what the approval rules judge)."""
        return equivalent_discount_percent(self.unit_price, self.discount, self.net_price)


@dataclass(frozen=True)
class PricedDocument:
    lines: tuple[PricedLine, ...]
    totals: DocumentTotals
    document_discount: Discount
    #: Why the sales office must look at the order; empty when approval was not asked or not needed.
    approval_reasons: tuple[ApprovalReason, ...] = ()


def equivalent_discount_percent(unit_price: Decimal, discount: Discount = NO_DISCOUNT,
                                net_price: Decimal | None = None) -> Decimal:
    """(unit price − exact net) / unit price × 100, half-up to 0.01 %; 0 for a free list price."""
    if unit_price <= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 150
        net = net_price if net_price is not None else discount.apply(unit_price)
        return round_to((unit_price - net) * _HUNDRED / unit_price, 2)


def _customer_default(text: str | None) -> Discount:
    try:
        return parse_discount(text)
    except DiscountError:
        return NO_DISCOUNT  # the office's data: an unreadable default is no default, not a refusal


def _line_error(reason: str, n: int, sku: str, error: UserError) -> PricingError:
    return PricingError(reason, "pricing.line_problem", line=n, sku=sku, error=error.message)


def _check_net_price(net_price: Decimal, unit_price: Decimal) -> None:
    if net_price < 0:
        raise UserError("pricing.net_price_negative")
    if net_price != round_to(net_price, NET_UNIT_PRICE_PLACES):
        raise UserError("pricing.net_price_decimals", price=str(net_price), max=NET_UNIT_PRICE_PLACES)
    if net_price > unit_price:
        raise UserError("pricing.net_price_above_list", net=net_price, price=unit_price)


def price_document(
    *,
    customer: CustomerTerms,
    products: Mapping[str, ProductTerms],
    price_lists: Iterable[PriceListView],
    lines: Sequence[LineRequest],
    document_discount: str | None,
    on: dt.date,
    max_lines: int,
    honoured_quote: HonouredQuote | None = None,
    approval: ApprovalInputs | None = None,
) -> PricedDocument:
    """Price every line for `customer` on day `on`, total the document and judge its approval.

    `price_lists` holds every candidate version (base lists, all versions of the customer's own
    code and of its group's lists) with the breaks of the products involved; the choice by day is
    made here (pricing.choose_price_lists). `max_lines` is the protocol's limit (one constant for
    both sides, passed in since the domain does not import the protocol). With `approval` the
    approval reasons are computed on the document's own figures. Raises PricingError naming the
    line and the reason.
    """
    try:
        doc_discount = parse_discount(document_discount)
    except DiscountError as error:
        raise PricingError("invalid_discount", "pricing.document_discount", error=error.message) from error
    if not lines:
        raise PricingError("invalid", "pricing.no_lines")
    if len(lines) > max_lines:
        raise PricingError("invalid", "pricing.too_many_lines", max=max_lines, count=len(lines))
    try:
        exemption = check_nature(customer.vat_exemption)
    except VatError as error:
        raise PricingError("invalid", error.message) from error
    chosen = choose_price_lists(price_lists, own_code=customer.price_list_code, price_group=customer.price_group,
                                on=on)
    default = _customer_default(customer.default_discount)
    quoted = honoured_quote.prices if honoured_quote is not None and honoured_quote.is_valid_on(on) else {}
    priced: list[PricedLine] = []
    inputs: list[LineInput] = []
    for n, request in enumerate(lines, start=1):
        product = products.get(request.product_id)
        if product is None:
            raise PricingError("not_found", "pricing.product_unknown", line=n)
        try:
            check_product_vat(product.vat_rate, product.vat_nature)
        except VatError as error:
            raise _line_error("invalid", n, product.sku, error) from error
        promise = quoted.get(product.product_id)
        try:
            if promise is not None:
                check_quantity(product, request.quantity)
                unit_price = promise.unit_price
                source = (promise.price_list_id, promise.price_list_code, promise.price_list_version)
            else:
                resolved = resolve_price(product=product, quantity=request.quantity, on=on,
                                         customer_list=chosen.own, group_list=chosen.group, base_list=chosen.base)
                unit_price = resolved.price
                source = (resolved.price_list_id, resolved.price_list_code, resolved.price_list_version)
        except QuantityError as error:
            raise _line_error("invalid_quantity", n, product.sku, error) from error
        except NoPriceError as error:
            raise _line_error("no_price", n, product.sku, error) from error
        try:
            if request.net_price is not None:
                if request.discount not in (None, ""):
                    raise UserError("pricing.discount_and_net_price")
                _check_net_price(request.net_price, unit_price)
                discount = NO_DISCOUNT
            else:
                typed = None if request.discount in (None, "") else parse_discount(request.discount)
                discount = effective_line_discount(line_discount=typed, customer_default=default)
        except UserError as error:
            raise _line_error("invalid_discount", n, product.sku, error) from error
        rate, nature = line_vat(rate=product.vat_rate, nature=product.vat_nature, customer_exemption=exemption)
        try:
            line_input = LineInput(quantity=request.quantity, unit_price=unit_price, discount=discount,
                                   vat_rate=rate, unit_cost=product.cost, net_price=request.net_price,
                                   vat_nature=nature)
        except (TypeError, ValueError) as error:  # figures of the catalog outside what a document holds
            raise _line_error("invalid", n, product.sku,
                              UserError("pricing.cannot_price", detail=str(error)[:200])) from error
        inputs.append(line_input)
        priced.append(PricedLine(
            line_no=n, product_id=product.product_id, sku=product.sku,
            description=request.description or product.name, quantity=request.quantity, unit=product.unit,
            unit_price=unit_price, price_list_id=source[0], price_list_code=source[1],
            price_list_version=source[2], discount=discount, net_price=request.net_price,
            net_unit_price=ZERO, net_amount=ZERO, vat_rate=rate, vat_nature=nature, unit_cost=product.cost,
            quote_price=promise.net_unit_price if promise is not None else None))
    totals = document_totals(inputs, doc_discount)
    done = tuple(_with_amounts(line, amounts.net_unit_price, amounts.net_amount)
                 for line, amounts in zip(priced, totals.lines, strict=True))
    reasons: tuple[ApprovalReason, ...] = ()
    if approval is not None:
        reasons = tuple(evaluate_order(
            lines=[OrderLineForApproval(sku=x.sku, quantity=x.quantity, list_price=x.unit_price,
                                        unit_price=x.unit_price, discount=x.discount, unit_cost=x.unit_cost,
                                        quote_price=x.quote_price, vat_rate=x.vat_rate, net_price=x.net_price)
                   for x in done],
            document_discount=doc_discount,
            customer=CustomerCredit.from_situation(approval.credit, status=customer.status),
            policy=approval.policy, totals=totals))
    return PricedDocument(done, totals, doc_discount, reasons)


def _with_amounts(line: PricedLine, net_unit_price: Decimal, net_amount: Decimal) -> PricedLine:
    return replace(line, net_unit_price=net_unit_price, net_amount=net_amount)


def quoted_price(*, unit_price: Decimal, discount: str | None, net_price: Decimal | None,
                 net_unit_price: Decimal | None, price_list_id: str | None = None,
                 price_list_code: str | None = None, price_list_version: int | None = None) -> QuotedPrice | None:
    """What a stored quote line promised; its shown net price (stored, else by the one rule of
    totals.net_unit_price for lines written before it was stored). None: a line that cannot be read."""
    if net_unit_price is None:
        try:
            net_unit_price = shown_net_unit_price(unit_price, parse_discount(discount), net_price)
        except DiscountError:
            return None
    return QuotedPrice(unit_price=unit_price, net_unit_price=net_unit_price, price_list_id=price_list_id,
                       price_list_code=price_list_code, price_list_version=price_list_version)


def honoured_prices(lines: Iterable[tuple[str, QuotedPrice | None]]) -> dict[str, QuotedPrice]:
    """product id -> promised price from (product id, price) pairs in line order: the first wins."""
    out: dict[str, QuotedPrice] = {}
    for product_id, price in lines:
        if price is not None:
            out.setdefault(product_id, price)
    return out
