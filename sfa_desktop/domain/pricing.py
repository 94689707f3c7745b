"""Price resolution: customer's list, then base list; validity dates; quantity breaks; pack sizes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from sfa_desktop.domain.money import as_decimal

__all__ = [
    "MAX_QUANTITY",
    "QUANTITY_DECIMALS",
    "NoPriceError",
    "PriceBreak",
    "PriceListView",
    "ProductTerms",
    "QuantityError",
    "ResolvedPrice",
    "check_quantity",
    "resolve_price",
    "suggest_quantity",
]

MAX_QUANTITY = Decimal("1e7")
QUANTITY_DECIMALS = 3


class NoPriceError(ValueError):
    """No price applies; `code` is a stable machine reason, the message says why in words."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class QuantityError(ValueError):
    """A quantity the product cannot be sold in; `code` is a stable machine reason."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PriceBreak:
    """From `min_quantity` units up, the unit price is `price`."""

    min_quantity: Decimal
    price: Decimal

    def __post_init__(self) -> None:
        if as_decimal(self.min_quantity, what="break quantity") < 0:
            raise ValueError(f"price break quantity {self.min_quantity} is negative")
        if as_decimal(self.price, what="break price") < 0:
            raise ValueError(f"price {self.price} is negative")


@dataclass(frozen=True)
class PriceListView:
    """A price list as the domain needs it; `breaks` maps product id -> its quantity breaks."""

    id: str
    code: str
    version: int
    currency: str
    valid_from: date | None
    valid_to: date | None
    is_base: bool
    breaks: Mapping[str, Sequence[PriceBreak]] = field(default_factory=dict, hash=False)

    def is_valid_on(self, on: date) -> bool:
        """Valid from valid_from to valid_to, both days included; a missing end is open."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to)

    def describe_validity(self) -> str:
        start = self.valid_from.isoformat() if self.valid_from else "always"
        end = self.valid_to.isoformat() if self.valid_to else "open end"
        return f"{start} .. {end}"


@dataclass(frozen=True)
class ProductTerms:
    """The selling terms of a product: unit, VAT, pack size and minimum order quantity."""

    product_id: str
    sku: str
    unit: str
    vat_rate: Decimal
    pack_size: Decimal | None
    min_quantity: Decimal | None
    active: bool = True


@dataclass(frozen=True)
class ResolvedPrice:
    """The unit price found and where it came from (recorded on the line)."""

    price: Decimal
    price_list_id: str
    price_list_code: str
    price_list_version: int
    min_quantity: Decimal
    currency: str = "EUR"


def check_quantity(product: ProductTerms, quantity: Decimal) -> None:
    """Raise QuantityError when `product` cannot be sold in `quantity`."""
    if isinstance(quantity, bool) or not isinstance(quantity, Decimal):
        raise QuantityError(f"quantity must be a Decimal, not {type(quantity).__name__}", code="type")
    if not quantity.is_finite():
        raise QuantityError(f"quantity {quantity} is not a number", code="not_a_number")
    if quantity <= 0:
        raise QuantityError(f"quantity must be more than zero, not {quantity}", code="not_positive")
    if quantity > MAX_QUANTITY:
        raise QuantityError(
            f"quantity {_q(quantity)} of {product.sku} is implausibly large (above {MAX_QUANTITY:,.0f})",
            code="too_large")
    if quantity != quantity.quantize(Decimal(1).scaleb(-QUANTITY_DECIMALS)):
        raise QuantityError(
            f"quantity {quantity} has more than {QUANTITY_DECIMALS} decimals", code="too_many_decimals")
    if product.min_quantity is not None and quantity < product.min_quantity:
        raise QuantityError(
            f"{product.sku} is sold from {_q(product.min_quantity)} {product.unit}; "
            f"{_q(quantity)} is below the minimum", code="below_minimum")
    if product.pack_size is not None and product.pack_size > 0 and quantity % product.pack_size != 0:
        raise QuantityError(
            f"{product.sku} is sold in packs of {_q(product.pack_size)} {product.unit}; "
            f"{_q(quantity)} is not a whole number of packs (try {_q(suggest_quantity(product, quantity))})",
            code="not_pack_multiple")


def suggest_quantity(product: ProductTerms, quantity: Decimal) -> Decimal:
    """The smallest sellable quantity not below `quantity` (minimum, then whole packs)."""
    wanted = max(quantity, product.min_quantity or Decimal(0))
    if product.pack_size is not None and product.pack_size > 0:
        packs = (wanted / product.pack_size).to_integral_value(rounding=ROUND_CEILING)
        wanted = max(packs, Decimal(1)) * product.pack_size
    return wanted


def resolve_price(
    *,
    product: ProductTerms,
    quantity: Decimal,
    on: date,
    customer_list: PriceListView | None,
    base_list: PriceListView | None,
) -> ResolvedPrice:
    """The unit price of `product` for `quantity` on day `on`.

    The customer's list is tried first, then the base list. A list counts only when valid on `on`
    and when it has a break for the product at or below the quantity; the highest such break wins.
    The quantity is checked first (check_quantity). No price raises NoPriceError with the reason.
    """
    if not product.active:
        raise NoPriceError(f"{product.sku} is no longer sold (inactive product)", code="inactive")
    check_quantity(product, quantity)
    reasons: list[str] = []
    for price_list in (customer_list, base_list):
        if price_list is None:
            continue
        if not price_list.is_valid_on(on):
            reasons.append(f"list {price_list.code} v{price_list.version} is not valid on {on.isoformat()} "
                           f"({price_list.describe_validity()})")
            continue
        breaks = price_list.breaks.get(product.product_id) or ()
        if not breaks:
            reasons.append(f"{product.sku} is not on list {price_list.code}")
            continue
        applicable = [b for b in breaks if b.min_quantity <= quantity]
        if not applicable:
            lowest = min(b.min_quantity for b in breaks)
            reasons.append(f"list {price_list.code} prices {product.sku} from {_q(lowest)} {product.unit}")
            continue
        best = max(applicable, key=lambda b: b.min_quantity)
        return ResolvedPrice(
            price=best.price,
            price_list_id=price_list.id,
            price_list_code=price_list.code,
            price_list_version=price_list.version,
            min_quantity=best.min_quantity,
            currency=price_list.currency,
        )
    if customer_list is None and base_list is None:
        raise NoPriceError(f"no price list applies to {product.sku}: the customer has none and "
                           "there is no base list", code="no_price_list")
    code = "not_on_list" if all("is not on list" in r for r in reasons) else (
        "no_valid_list" if all("is not valid on" in r for r in reasons) else "no_price")
    raise NoPriceError(f"no price for {product.sku}: " + "; ".join(reasons), code=code)


def _q(value: Decimal) -> str:
    """A quantity for messages: 12 not 12.000."""
    return format(value.normalize(), "f")
