"""Line and document totals: net per line, taxable and VAT per rate and nature, grand total, margin.

The rounding rule (docs/pricing.md): each line's net amount is rounded half-up to the cent once,
from the exact quantity × price × discount factor (or quantity × the net price the agent agreed);
the document discount is applied per VAT summary row to the sum of that row's line nets and
rounded once per row; VAT is computed per row on its taxable amount and rounded once per row, as
Italian invoices do. A summary row is one (rate, exemption nature): two exempt natures at 0 % are
two rows, since the invoice must state each one with its legal reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from sfa_desktop.domain.discounts import NO_DISCOUNT, Discount
from sfa_desktop.domain.money import ZERO, as_decimal, round_cent, round_to
from sfa_desktop.domain.vat import check_nature

__all__ = [
    "NET_UNIT_PRICE_PLACES",
    "DocumentTotals",
    "LineAmounts",
    "LineInput",
    "VatBucket",
    "document_totals",
    "line_amounts",
    "margin_percent",
    "net_unit_price",
]

#: Decimals of the net unit price shown on lines, PDFs and approvals (and of a typed net price);
#: the net amount is computed from the exact price, never from the shown one.
NET_UNIT_PRICE_PLACES = 4
_HUNDRED = Decimal(100)
_MAX_QUANTITY = Decimal("1e7")
_MAX_PRICE = Decimal("1e9")


@dataclass(frozen=True)
class LineInput:
    """What a document line says: quantity, list/agreed unit price, discount, VAT %, known cost.

    `net_price` is a net unit price the agent agreed instead of a discount: the line's net is then
    quantity × net_price (and `discount` must be empty). `vat_nature` is the exemption of a 0 % line.
    """

    quantity: Decimal
    unit_price: Decimal
    discount: Discount = NO_DISCOUNT
    vat_rate: Decimal = Decimal("22")
    unit_cost: Decimal | None = None
    net_price: Decimal | None = None
    vat_nature: str | None = None

    def __post_init__(self) -> None:
        quantity = as_decimal(self.quantity, what="quantity")
        if quantity < 0 or quantity > _MAX_QUANTITY:
            raise ValueError(f"quantity {quantity} is outside 0 .. {_MAX_QUANTITY:,.0f}")
        price = as_decimal(self.unit_price, what="unit price")
        if price < 0 or price > _MAX_PRICE:
            raise ValueError(f"unit price {price} is outside 0 .. {_MAX_PRICE:,.0f}")
        rate = as_decimal(self.vat_rate, what="VAT rate")
        if rate < 0 or rate > _HUNDRED:
            raise ValueError(f"VAT rate {rate} is not a percentage between 0 and 100")
        if not isinstance(self.discount, Discount):
            raise TypeError(f"discount must be a Discount, not {type(self.discount).__name__}")
        if self.unit_cost is not None:
            cost = as_decimal(self.unit_cost, what="unit cost")
            if cost < 0 or cost > _MAX_PRICE:
                raise ValueError(f"unit cost {cost} is outside 0 .. {_MAX_PRICE:,.0f}")
            object.__setattr__(self, "unit_cost", cost)
        if self.net_price is not None:
            net = as_decimal(self.net_price, what="net price")
            if net < 0 or net > _MAX_PRICE:
                raise ValueError(f"net price {net} is outside 0 .. {_MAX_PRICE:,.0f}")
            if not self.discount.is_zero:
                raise ValueError("a line has either a discount or a net price, not both")
            object.__setattr__(self, "net_price", net)
        check_nature(self.vat_nature)
        if self.vat_nature is not None and rate != 0:
            raise ValueError(f"VAT nature {self.vat_nature} goes with a 0 % rate, not {rate} %")
        object.__setattr__(self, "quantity", quantity)
        object.__setattr__(self, "unit_price", price)
        object.__setattr__(self, "vat_rate", rate)


@dataclass(frozen=True)
class LineAmounts:
    """The figures of one line. gross - discount_amount == net_amount, to the cent."""

    gross_amount: Decimal
    net_unit_price: Decimal
    net_amount: Decimal
    discount_amount: Decimal
    vat_rate: Decimal
    margin: Decimal | None
    margin_pct: Decimal | None
    cost_amount: Decimal | None = None
    vat_nature: str | None = None


@dataclass(frozen=True)
class VatBucket:
    """One row of the VAT summary ("riepilogo IVA"): taxable amount and VAT at one rate and nature."""

    rate: Decimal
    taxable: Decimal
    vat: Decimal
    goods: Decimal = ZERO
    document_discount: Decimal = ZERO
    nature: str | None = None


@dataclass(frozen=True)
class DocumentTotals:
    """All totals of a quote or order; margin is None when any line's cost is unknown."""

    lines: tuple[LineAmounts, ...]
    goods_total: Decimal
    document_discount_amount: Decimal
    taxable_total: Decimal
    vat_buckets: tuple[VatBucket, ...]
    vat_total: Decimal
    grand_total: Decimal
    margin: Decimal | None
    margin_pct: Decimal | None


def margin_percent(margin: Decimal, revenue: Decimal) -> Decimal | None:
    """Margin as a percentage of the selling amount (not a mark-up on cost); None on zero revenue."""
    if revenue == 0:
        return None
    return round_to(margin * _HUNDRED / revenue, 2)


def net_unit_price(unit_price: Decimal, discount: Discount = NO_DISCOUNT,
                   net_price: Decimal | None = None) -> Decimal:
    """The net unit price as every document shows it: the agreed net price when there is one, else
    unit price × discount factor rounded half-up to 4 decimals (docs/pricing.md, "Net unit price")."""
    if net_price is not None:
        return net_price
    with localcontext() as ctx:
        ctx.prec = 150
        return round_to(discount.apply(unit_price), NET_UNIT_PRICE_PLACES)


def line_amounts(line: LineInput) -> LineAmounts:
    """Compute one line: net = round_cent(quantity × unit price × discount factor), rounded once
    (with an agreed net price: round_cent(quantity × net price))."""
    with localcontext() as ctx:
        ctx.prec = 150  # exact: no intermediate rounding before the one cent rounding
        exact_gross = line.quantity * line.unit_price
        agreed = line.net_price
        exact_net = line.quantity * agreed if agreed is not None else line.discount.apply(exact_gross)
        gross = round_cent(exact_gross)
        net = round_cent(exact_net)
        net_unit = net_unit_price(line.unit_price, line.discount, line.net_price)
        cost_amount = None if line.unit_cost is None else round_cent(line.quantity * line.unit_cost)
    margin = None if cost_amount is None else net - cost_amount
    return LineAmounts(
        gross_amount=gross,
        net_unit_price=net_unit,
        net_amount=net,
        discount_amount=gross - net,
        vat_rate=line.vat_rate,
        margin=margin,
        margin_pct=None if margin is None else margin_percent(margin, net),
        cost_amount=cost_amount,
        vat_nature=line.vat_nature,
    )


def _row_key(key: tuple[Decimal, str | None]) -> tuple[Decimal, str]:
    return key[0], key[1] or ""


def document_totals(lines: Sequence[LineInput], document_discount: Discount = NO_DISCOUNT) -> DocumentTotals:
    """Totals of a document; VAT per (rate, nature) on the summed taxable amount of that row."""
    if not isinstance(document_discount, Discount):
        raise TypeError(f"document_discount must be a Discount, not {type(document_discount).__name__}")
    amounts = tuple(line_amounts(line) for line in lines)
    goods_by_row: dict[tuple[Decimal, str | None], Decimal] = {}
    for amount in amounts:
        key = (amount.vat_rate, amount.vat_nature)
        goods_by_row[key] = goods_by_row.get(key, ZERO) + amount.net_amount
    buckets = []
    for rate, nature in sorted(goods_by_row, key=_row_key):
        goods = goods_by_row[(rate, nature)]
        with localcontext() as ctx:
            ctx.prec = 150
            taxable = round_cent(document_discount.apply(goods))
            vat = round_cent(taxable * rate / _HUNDRED)
        buckets.append(VatBucket(rate=rate, taxable=taxable, vat=vat, goods=goods,
                                 document_discount=goods - taxable, nature=nature))
    goods_total = sum((a.net_amount for a in amounts), ZERO)
    taxable_total = sum((b.taxable for b in buckets), ZERO)
    vat_total = sum((b.vat for b in buckets), ZERO)
    margin: Decimal | None = None
    margin_pct: Decimal | None = None
    if all(a.cost_amount is not None for a in amounts):
        cost_total = sum((a.cost_amount for a in amounts if a.cost_amount is not None), ZERO)
        margin = taxable_total - cost_total
        margin_pct = margin_percent(margin, taxable_total)
    return DocumentTotals(
        lines=amounts,
        goods_total=goods_total,
        document_discount_amount=goods_total - taxable_total,
        taxable_total=taxable_total,
        vat_buckets=tuple(buckets),
        vat_total=vat_total,
        grand_total=taxable_total + vat_total,
        margin=margin,
        margin_pct=margin_pct,
    )
