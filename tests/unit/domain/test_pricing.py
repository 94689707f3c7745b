"""Price resolution: customer list then base list, validity, quantity breaks, pack sizes."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_desktop.domain.pricing import (
    NoPriceError,
    PriceBreak,
    PriceListView,
    ProductTerms,
    QuantityError,
    check_quantity,
    resolve_price,
    suggest_quantity,
)

D = Decimal
DAY = date(2026, 3, 15)
SCREW = ProductTerms("p-screw", "VIT-100", "pz", D(22), pack_size=D(10), min_quantity=D(20))
GLUE = ProductTerms("p-glue", "COL-5", "kg", D(22), pack_size=None, min_quantity=None)
CABLE = ProductTerms("p-cable", "CAV-3", "m", D(22), pack_size=D("0.5"), min_quantity=None)


def price_list(
    code: str,
    *,
    version: int = 1,
    valid_from: date | None = None,
    valid_to: date | None = None,
    is_base: bool = False,
    breaks: dict | None = None,
) -> PriceListView:
    return PriceListView(
        id=f"id-{code}",
        code=code,
        version=version,
        currency="EUR",
        valid_from=valid_from,
        valid_to=valid_to,
        is_base=is_base,
        breaks=breaks or {},
    )


BASE = price_list(
    "LISTINO",
    version=7,
    is_base=True,
    breaks={
        "p-screw": [
            PriceBreak(D(1), D("0.20")),
            PriceBreak(D(100), D("0.18")),
            PriceBreak(D(1000), D("0.15")),
        ],
        "p-glue": [PriceBreak(D(1), D("12.50"))],
        "p-cable": [PriceBreak(D(0), D("1.10"))],
    },
)
CUSTOMER = price_list(
    "ROSSI26",
    version=2,
    valid_from=date(2026, 1, 1),
    valid_to=date(2026, 12, 31),
    breaks={
        "p-screw": [PriceBreak(D(500), D("0.14")), PriceBreak(D(100), D("0.16"))],
    },
)


@pytest.mark.parametrize(
    ("quantity", "price", "code", "version", "from_quantity"),
    [
        (D(20), D("0.20"), "LISTINO", 7, D(1)),  # customer list starts at 100: fall back to base
        (D(100), D("0.16"), "ROSSI26", 2, D(100)),  # a break applies at exactly its quantity
        (D(490), D("0.16"), "ROSSI26", 2, D(100)),  # highest break not above the quantity (unsorted input)
        (D(500), D("0.14"), "ROSSI26", 2, D(500)),
        (D(5000), D("0.14"), "ROSSI26", 2, D(500)),  # customer list wins even where base is cheaper
    ],
)
def test_customer_list_first_then_base(
    quantity: Decimal, price: Decimal, code: str, version: int, from_quantity: Decimal
) -> None:
    resolved = resolve_price(product=SCREW, quantity=quantity, on=DAY, customer_list=CUSTOMER, base_list=BASE)
    assert (resolved.price, resolved.price_list_code, resolved.price_list_version, resolved.min_quantity) == (
        price,
        code,
        version,
        from_quantity,
    )
    assert resolved.price_list_id == f"id-{code}" and resolved.currency == "EUR"


def test_product_missing_from_customer_list_uses_base() -> None:
    resolved = resolve_price(product=GLUE, quantity=D(3), on=DAY, customer_list=CUSTOMER, base_list=BASE)
    assert (resolved.price, resolved.price_list_code) == (D("12.50"), "LISTINO")


@pytest.mark.parametrize("day", [date(2025, 12, 31), date(2027, 1, 1)])
def test_customer_list_outside_its_validity_is_skipped(day: date) -> None:
    resolved = resolve_price(product=SCREW, quantity=D(500), on=day, customer_list=CUSTOMER, base_list=BASE)
    assert (resolved.price, resolved.price_list_code) == (D("0.18"), "LISTINO")


@pytest.mark.parametrize("day", [date(2026, 1, 1), date(2026, 12, 31)])
def test_validity_days_are_inclusive(day: date) -> None:
    resolved = resolve_price(product=SCREW, quantity=D(500), on=day, customer_list=CUSTOMER, base_list=BASE)
    assert resolved.price_list_code == "ROSSI26"


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        (
            {"product": ProductTerms("p-glue", "COL-5", "kg", D(22), None, None, active=False)},
            "inactive",
            "COL-5 is no longer sold (inactive product)",
        ),
        (
            {"customer_list": None, "base_list": None},
            "no_price_list",
            "no price list applies to VIT-100: the customer has none and there is no base list",
        ),
        (
            {"product": ProductTerms("p-new", "NEW-1", "pz", D(22), None, None)},
            "not_on_list",
            "no price for NEW-1: NEW-1 is not on list ROSSI26; NEW-1 is not on list LISTINO",
        ),
        (
            {
                "on": date(2024, 1, 1),
                "base_list": price_list("OLD", valid_to=date(2023, 12, 31), breaks=BASE.breaks),
            },
            "no_valid_list",
            "list ROSSI26 v2 is not valid on 1 Jan 2024 (1 Jan 2026 .. 31 Dec 2026); "
            "list OLD v1 is not valid on 1 Jan 2024 (always .. 31 Dec 2023)",
        ),
        ({"base_list": None}, "no_price", "no price for VIT-100: list ROSSI26 prices VIT-100 from 100 pz"),
    ],
)
def test_no_price_says_why(kwargs: dict, code: str, message: str) -> None:
    args = {"product": SCREW, "quantity": D(20), "on": DAY, "customer_list": CUSTOMER, "base_list": BASE}
    with pytest.raises(NoPriceError, match="(?i)" + re.escape(message)) as info:
        resolve_price(**{**args, **kwargs})
    wanted = {"inactive": "price.inactive", "no_price_list": "price.no_price_list"}.get(code, "price.none")
    assert info.value.code == wanted
    if wanted == "price.none":  # the reasons say which lists were tried and why each failed
        kinds = {r.code for r in info.value.message.params["reasons"]}
        assert kinds == {"not_on_list": {"price.not_on_list"}, "no_valid_list": {"price.list_not_valid"},
                         "no_price": {"price.list_from"}}[code]


@pytest.mark.parametrize(
    ("product", "quantity", "code", "message"),
    [
        (GLUE, D(0), "not_positive", "quantity must be more than zero, not 0"),
        (GLUE, D(-2), "not_positive", "quantity must be more than zero, not -2"),
        (
            GLUE,
            D("10000001"),
            "too_large",
            "quantity 10,000,001 of COL-5 is implausibly large (above 10,000,000)",
        ),
        (GLUE, D("1.0001"), "too_many_decimals", "quantity 1.0001 has more than 3 decimals"),
        (GLUE, D("NaN"), "not_a_number", "quantity NaN is not a number"),
        (GLUE, 3, "type", "The quantity must be a number"),
        (SCREW, D(10), "below_minimum", "VIT-100 is sold from 20 pz; 10 is below the minimum"),
        (
            SCREW,
            D(25),
            "not_pack_multiple",
            "VIT-100 is sold in packs of 10 pz; 25 is not a whole number of packs (try 30)",
        ),
        (CABLE, D("1.2"), "not_pack_multiple", "CAV-3 is sold in packs of 0.5 m; 1.2 is not a whole number"),
    ],
)
def test_check_quantity_rejects(product: ProductTerms, quantity: Decimal, code: str, message: str) -> None:
    with pytest.raises(QuantityError, match="(?i)" + re.escape(message)) as info:
        check_quantity(product, quantity)
    assert info.value.code == "quantity." + code


def test_resolve_price_checks_the_quantity_first() -> None:
    with pytest.raises(QuantityError, match="packs of 10"):
        resolve_price(product=SCREW, quantity=D(105), on=DAY, customer_list=CUSTOMER, base_list=BASE)


@pytest.mark.parametrize(
    ("product", "quantity"),
    [
        (SCREW, D(20)),
        (SCREW, D(1000)),
        (GLUE, D("0.001")),
        (GLUE, D("10000000")),
        (CABLE, D("2.5")),
    ],
)
def test_check_quantity_accepts(product: ProductTerms, quantity: Decimal) -> None:
    check_quantity(product, quantity)


@given(st.decimals(min_value=D("0.001"), max_value=D(100000), places=3))
def test_suggested_quantity_is_always_sellable(quantity: Decimal) -> None:
    for product in (SCREW, GLUE, CABLE):
        suggestion = suggest_quantity(product, quantity)
        assert suggestion >= quantity
        check_quantity(product, suggestion)


def test_price_break_rejects_negatives() -> None:
    with pytest.raises(ValueError, match="price -1 is negative"):
        PriceBreak(D(1), D(-1))
    with pytest.raises(ValueError, match="price break quantity -1 is negative"):
        PriceBreak(D(-1), D(1))
