"""Cascading discounts: parsing "10+5+3", formatting, factor, and every rejection message."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_desktop.domain.discounts import (
    MAX_STEPS,
    NO_DISCOUNT,
    Discount,
    DiscountError,
    combine_discounts,
    effective_line_discount,
    equivalent_percent_rounded,
    format_discount,
    parse_discount,
)
from sfa_desktop.domain.money import round_cent

D = Decimal


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("10+5", ("10", "5")),
        ("10 + 5", ("10", "5")),
        ("10,5+2", ("10.5", "2")),
        ("10.5+2", ("10.5", "2")),
        ("10%+5%", ("10", "5")),
        ("  50 ", ("50",)),
        ("100", ("100",)),
        ("10+0+5", ("10", "5")),
        ("17,065", ("17.065",)),
    ],
)
def test_parse_accepts(text: str, steps: tuple[str, ...]) -> None:
    assert parse_discount(text).steps == tuple(D(s) for s in steps)


@pytest.mark.parametrize("text", [None, "", "   ", "0", "0+0"])
def test_empty_or_zero_is_no_discount(text: str | None) -> None:
    assert parse_discount(text) == NO_DISCOUNT
    assert parse_discount(text).is_zero


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10++5", "'10++5': step 2 is empty (two '+' in a row); write e.g. '10+5'"),
        ("-3", "'-3': a discount step cannot be negative; write steps like '10+5'"),
        ("10+-5", "'10+-5': a discount step cannot be negative"),
        ("120", "'120': step 1 (120) is above 100%"),
        ("10+100,5", "'10+100,5': step 2 (100,5) is above 100%"),
        ("abc", "'abc': step 1 ('abc') is not a number; write percentages separated by '+'"),
        ("10+x", "'10+x': step 2 ('x') is not a number"),
        ("1,2,3", "'1,2,3': step 1 ('1,2,3') is not a number"),
        ("10 5", "'10 5': step 1 ('10 5') has a space inside; separate steps with '+'"),
        ("100+", "'100+' ends with '+': a step is missing after it"),
        ("+5", "'+5' starts with '+': write the first step before it"),
        ("10,12345", "'10,12345': step 1 (10,12345) has more than 4 decimals"),
        ("+".join(["1"] * (MAX_STEPS + 1)), f"has {MAX_STEPS + 1} steps; at most {MAX_STEPS} are allowed"),
        ("1" * 81, "the discount is too long"),
    ],
)
def test_parse_rejects_with_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DiscountError, match="(?i)" + re.escape(message)):
        parse_discount(text)


def test_parse_rejects_non_text() -> None:
    with pytest.raises(DiscountError, match="must be text like"):
        parse_discount(10)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("steps", "error", "message"),
    [
        ((D(-1),), DiscountError, "discount step -1 is negative"),
        ((D(101),), DiscountError, "discount step 101 is above 100%"),
        ((D("1.00001"),), DiscountError, "has more than 4 decimals"),
        ((D("NaN"),), DiscountError, "must be a number"),
        ((10,), TypeError, "must be a Decimal, not int"),
        (tuple(D(1) for _ in range(MAX_STEPS + 1)), DiscountError, f"at most {MAX_STEPS} steps"),
    ],
)
def test_discount_rejects_bad_steps(steps: tuple, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match="(?i)" + re.escape(message)):
        Discount(steps)


def test_discount_steps_must_be_a_tuple() -> None:
    with pytest.raises(TypeError, match="tuple"):
        Discount([D(10)])  # type: ignore[arg-type]


def test_ten_five_three_worked_example() -> None:
    d = parse_discount("10+5+3")
    assert d.factor == D("0.82935")  # 0.90 × 0.95 × 0.97
    assert d.equivalent_percent == D("17.065")
    assert d.apply(D(100)) == D("82.935")
    assert round_cent(d.apply(D(100))) == D("82.94")  # half-up
    assert equivalent_percent_rounded(d) == D("17.07")
    assert parse_discount("10+5").equivalent_percent == D("14.5")


def test_factor_of_no_discount_and_of_a_gift() -> None:
    assert NO_DISCOUNT.factor == 1
    assert NO_DISCOUNT.apply(D("12.34")) == D("12.34")
    assert NO_DISCOUNT.equivalent_percent == 0
    assert parse_discount("100").apply(D("12.34")) == 0
    with pytest.raises(TypeError, match="price must be a Decimal"):
        parse_discount("10").apply(12.34)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "it", "en"),
    [
        ("10+5", "10+5", "10+5"),
        ("10,5+2", "10,5+2", "10.5+2"),
        ("10.50 + 2.0", "10,5+2", "10.5+2"),
        ("100", "100", "100"),
        ("", "", ""),
        ("0,25", "0,25", "0.25"),
    ],
)
def test_format(text: str, it: str, en: str) -> None:
    d = parse_discount(text)
    assert format_discount(d) == it
    assert format_discount(d, "en") == en
    assert str(d) == en


def test_format_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        format_discount(parse_discount("10"), "fr")


def test_combine_and_customer_default() -> None:
    customer = parse_discount("10")
    line = parse_discount("5+3")
    assert combine_discounts(customer, line) == parse_discount("10+5+3")
    assert customer.then(line) == parse_discount("10+5+3")
    assert effective_line_discount(line_discount=None, customer_default=customer) == customer
    assert effective_line_discount(line_discount=line, customer_default=customer) == line
    assert effective_line_discount(line_discount=NO_DISCOUNT, customer_default=customer) == NO_DISCOUNT


steps = st.decimals(min_value=D("0.0001"), max_value=D(100), places=4, allow_nan=False, allow_infinity=False)
discounts = st.lists(steps, max_size=MAX_STEPS).map(lambda s: Discount(tuple(s)))
prices = st.decimals(min_value=D(0), max_value=D("99999.9999"), places=4)


@given(discounts, st.sampled_from(["it", "en"]))
def test_parse_format_round_trip(d: Discount, lang: str) -> None:
    assert parse_discount(format_discount(d, lang)) == d


@given(
    st.lists(steps, min_size=1, max_size=MAX_STEPS),
    st.randoms(use_true_random=False),
    prices,
    st.decimals(min_value=D("0.001"), max_value=D(10000), places=3),
)
def test_cascade_order_does_not_change_the_net(
    step_list: list[Decimal], rnd, price: Decimal, quantity: Decimal
) -> None:
    shuffled = list(step_list)
    rnd.shuffle(shuffled)
    a, b = Discount(tuple(step_list)), Discount(tuple(shuffled))
    assert a.factor == b.factor
    assert round_cent(a.apply(price * quantity)) == round_cent(b.apply(price * quantity))


@given(discounts)
def test_factor_stays_between_zero_and_one(d: Discount) -> None:
    assert 0 <= d.factor <= 1
    assert 0 <= d.equivalent_percent <= 100
