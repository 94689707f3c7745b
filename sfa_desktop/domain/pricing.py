"""Price resolution: the customer's own list, then its group's list, then the base list; validity
dates and versions; quantity breaks; pack sizes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from sfa_desktop.domain.messages import N_, Message, UserError, register
from sfa_desktop.domain.money import as_decimal

__all__ = [
    "MAX_QUANTITY",
    "QUANTITY_DECIMALS",
    "ApplicableLists",
    "NoPriceError",
    "PriceBreak",
    "PriceListView",
    "ProductTerms",
    "QuantityError",
    "ResolvedPrice",
    "check_quantity",
    "choose_price_lists",
    "resolve_price",
    "suggest_quantity",
]

MAX_QUANTITY = Decimal("1e7")
QUANTITY_DECIMALS = 3


class NoPriceError(UserError):
    """No price applies; the message code says why (price.not_on_list, price.no_valid_list...)."""


class QuantityError(UserError):
    """A quantity the product cannot be sold in; the code says why (quantity.below_minimum...)."""


register({
    "quantity.type": N_("The quantity must be a number."),
    "quantity.not_a_number": N_("Quantity {qty} is not a number."),
    "quantity.not_positive": N_("The quantity must be more than zero, not {qty:qty}."),
    "quantity.too_large": N_("Quantity {qty:qty} of {sku} is implausibly large (above {max:qty})."),
    "quantity.too_many_decimals": N_("Quantity {qty} has more than {max} decimals."),
    "quantity.below_minimum": N_("{sku} is sold from {min:qty} {unit}; {qty:qty} is below the minimum."),
    "quantity.not_pack_multiple": N_("{sku} is sold in packs of {pack:qty} {unit}; {qty:qty} is not a whole "
                                     "number of packs (try {suggested:qty})."),
    "price.inactive": N_("{sku} is no longer sold (inactive product)."),
    "price.no_price_list": N_("No price list applies to {sku}: the customer has none and there is no "
                              "base list."),
    "price.list_not_valid": N_("list {code} v{version} is not valid on {day:date} "
                               "({valid_from:date} .. {valid_to:date})"),
    "price.not_on_list": N_("{sku} is not on list {code}"),
    "price.list_from": N_("list {code} prices {sku} from {min:qty} {unit}"),
    "price.none": N_("No price for {sku}: {reasons}."),
    "price.always": N_("always"),
    "price.open_end": N_("open end"),
})
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
    """One version of a price list as the domain needs it; `breaks` maps product id -> its quantity
    breaks. `customer_group` names the customers' price group the list is for (None: not a group list)."""

    id: str
    code: str
    version: int
    currency: str
    valid_from: date | None
    valid_to: date | None
    is_base: bool
    breaks: Mapping[str, Sequence[PriceBreak]] = field(default_factory=dict, hash=False)
    customer_group: str | None = None

    def is_valid_on(self, on: date) -> bool:
        """Valid from valid_from to valid_to, both days included; a missing end is open."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to)



@dataclass(frozen=True)
class ProductTerms:
    """The selling terms of a product: unit, VAT (rate, or 0 with its exemption nature), pack size,
    minimum order quantity, and the cost margins are computed from (None when unknown)."""

    product_id: str
    sku: str
    unit: str
    vat_rate: Decimal
    pack_size: Decimal | None
    min_quantity: Decimal | None
    active: bool = True
    cost: Decimal | None = None
    vat_nature: str | None = None
    name: str = ""


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
        raise QuantityError("quantity.type")
    if not quantity.is_finite():
        raise QuantityError("quantity.not_a_number", qty=str(quantity))
    if quantity <= 0:
        raise QuantityError("quantity.not_positive", qty=quantity)
    if quantity > MAX_QUANTITY:
        raise QuantityError("quantity.too_large", qty=quantity, sku=product.sku, max=MAX_QUANTITY)
    if quantity != quantity.quantize(Decimal(1).scaleb(-QUANTITY_DECIMALS)):
        raise QuantityError("quantity.too_many_decimals", qty=str(quantity), max=QUANTITY_DECIMALS)
    if product.min_quantity is not None and quantity < product.min_quantity:
        raise QuantityError("quantity.below_minimum", sku=product.sku, min=product.min_quantity,
                            unit=product.unit, qty=quantity)
    if product.pack_size is not None and product.pack_size > 0 and quantity % product.pack_size != 0:
        raise QuantityError("quantity.not_pack_multiple", sku=product.sku, pack=product.pack_size,
                            unit=product.unit, qty=quantity, suggested=suggest_quantity(product, quantity))


def suggest_quantity(product: ProductTerms, quantity: Decimal) -> Decimal:
    """The smallest sellable quantity not below `quantity` (minimum, then whole packs)."""
    wanted = max(quantity, product.min_quantity or Decimal(0))
    if product.pack_size is not None and product.pack_size > 0:
        packs = (wanted / product.pack_size).to_integral_value(rounding=ROUND_CEILING)
        wanted = max(packs, Decimal(1)) * product.pack_size
    return wanted


@dataclass(frozen=True)
class ApplicableLists:
    """The version of each kind of list that prices a customer's document on one day."""

    own: PriceListView | None
    group: PriceListView | None
    base: PriceListView | None


def _version_on(versions: Sequence[PriceListView], on: date) -> PriceListView | None:
    """The newest version (highest number) valid on `on`; when none is, the newest one, so that
    the reason of a missing price names the list and its dates."""
    if not versions:
        return None
    valid = [v for v in versions if v.is_valid_on(on)]
    return max(valid or versions, key=lambda v: (v.version, v.id))


def _one_of_codes(lists: Iterable[PriceListView], on: date) -> PriceListView | None:
    """Per code its version on `on`; when several codes qualify, a valid one with the latest start."""
    by_code: dict[str, list[PriceListView]] = {}
    for price_list in lists:
        by_code.setdefault(price_list.code, []).append(price_list)
    chosen = [v for v in (_version_on(vs, on) for vs in by_code.values()) if v is not None]
    if not chosen:
        return None
    return max(chosen, key=lambda v: (v.is_valid_on(on), v.valid_from or date.min, v.code))


def choose_price_lists(candidates: Iterable[PriceListView], *, own_code: str | None,
                       price_group: str | None, on: date) -> ApplicableLists:
    """Which versions price a customer's document on day `on` (docs/pricing.md §3).

    Per list code the newest version valid on that day counts, so a version imported today that
    starts tomorrow changes nothing today. The customer's own list is the code of the list it
    points at (any version); the group list is the one whose `customer_group` is the customer's
    price group; the base list is the one marked base.
    """
    candidates = list(candidates)
    base = _one_of_codes((v for v in candidates if v.is_base), on)
    own = None
    if own_code is not None and (base is None or own_code != base.code):
        own = _version_on([v for v in candidates if v.code == own_code and not v.is_base], on)
    group = None
    if price_group is not None:
        group = _one_of_codes((v for v in candidates if v.customer_group == price_group and not v.is_base
                               and v.code != own_code), on)
    return ApplicableLists(own=own, group=group, base=base)


def resolve_price(
    *,
    product: ProductTerms,
    quantity: Decimal,
    on: date,
    customer_list: PriceListView | None,
    base_list: PriceListView | None,
    group_list: PriceListView | None = None,
) -> ResolvedPrice:
    """The unit price of `product` for `quantity` on day `on`.

    The customer's own list is tried first, then its group's list, then the base list. A list
    counts only when valid on `on` and when it has a break for the product at or below the
    quantity; the highest such break wins. The quantity is checked first (check_quantity). No
    price raises NoPriceError with the reason of each list tried.
    """
    if not product.active:
        raise NoPriceError("price.inactive", sku=product.sku)
    check_quantity(product, quantity)
    reasons: list[Message] = []
    for price_list in (customer_list, group_list, base_list):
        if price_list is None:
            continue
        if not price_list.is_valid_on(on):
            reasons.append(Message("price.list_not_valid", {
                "code": price_list.code, "version": price_list.version, "day": on,
                "valid_from": price_list.valid_from or Message("price.always"),
                "valid_to": price_list.valid_to or Message("price.open_end")}))
            continue
        breaks = price_list.breaks.get(product.product_id) or ()
        if not breaks:
            reasons.append(Message("price.not_on_list", {"sku": product.sku, "code": price_list.code}))
            continue
        applicable = [b for b in breaks if b.min_quantity <= quantity]
        if not applicable:
            lowest = min(b.min_quantity for b in breaks)
            reasons.append(Message("price.list_from", {"code": price_list.code, "sku": product.sku,
                                                       "min": lowest, "unit": product.unit}))
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
    if customer_list is None and group_list is None and base_list is None:
        raise NoPriceError("price.no_price_list", sku=product.sku)
    raise NoPriceError("price.none", sku=product.sku, reasons=reasons)
