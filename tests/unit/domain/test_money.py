"""Money: half-up rounding, parsing and formatting amounts in Italian and English."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_desktop.domain.money import (
    CENT,
    MoneyError,
    as_decimal,
    format_amount,
    parse_amount,
    round_cent,
    round_to,
)

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.345", "2.35"),
        ("2.344", "2.34"),
        ("-2.345", "-2.35"),
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("82.935", "82.94"),
        ("10", "10.00"),
    ],
)
def test_round_cent_is_half_up(value: str, expected: str) -> None:
    assert round_cent(D(value)) == D(expected)
    assert round_cent(D(value)).as_tuple().exponent == -2
    assert D("0.01") == CENT


def test_round_rejects_float_and_nan() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        round_cent(2.345)  # type: ignore[arg-type]
    with pytest.raises(MoneyError, match="not a finite number"):
        round_cent(D("NaN"))
    with pytest.raises(MoneyError, match="not a finite number"):
        round_to(D("Infinity"), 2)


def test_as_decimal() -> None:
    assert as_decimal(3) == D(3)
    assert as_decimal(" 1.5 ") == D("1.5")
    with pytest.raises(TypeError, match="must be a Decimal, not float"):
        as_decimal(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not bool"):
        as_decimal(True)
    with pytest.raises(MoneyError, match="is not a number"):
        as_decimal("x1")
    with pytest.raises(MoneyError, match="finite"):
        as_decimal(D("sNaN"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1234,5", "1234.5"),
        ("1,234.56", "1234.56"),
        ("€1,234.56", "1234.56"),
        ("1.234,56 €", "1234.56"),
        ("-€1,234.56", "-1234.56"),
        ("EUR 10", "10"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("1.234", "1.234"),
        ("0,5", "0.5"),
        ("-12", "-12"),
        ("+3,10", "3.10"),
        ("\u00a012,00\u00a0€", "12.00"),
        ("CHF 5", "5"),
    ],
)
def test_parse_amount_accepts(text: str, expected: str) -> None:
    assert parse_amount(text) == D(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the amount is empty"),
        ("  € ", "the amount is empty"),
        ("12a", "use digits with ',' or '.' for the decimals"),
        ("abc", "use digits with ',' or '.' for the decimals"),
        ("1 234", "remove the spaces inside the number"),
        ("1.2.3", "thousands must be grouped by three"),
        ("1,23,4", "thousands must be grouped by three"),
        ("1.234,5.6", "use '.' once for the decimals and ',' only between groups of three digits"),
        ("12.34,5", "use ',' once for the decimals and '.' only between groups of three digits"),
        ("--5", "write the sign once"),
        ("1,1234567", "more than 6 decimals"),
        ("1.000.000.000.000", "too large"),
        ("NaN", "use digits"),
    ],
)
def test_parse_amount_rejects_with_reason(text: str, message: str) -> None:
    with pytest.raises(MoneyError, match=message.replace(".", r"\.").replace("(", r"\(")):
        parse_amount(text)


def test_parse_amount_rejects_non_text() -> None:
    with pytest.raises(MoneyError, match="must be text"):
        parse_amount(12)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "lang", "currency", "expected"),
    [
        ("1234.56", "it", "EUR", "1.234,56 €"),
        ("1234.56", "en", "EUR", "€1,234.56"),
        ("1234.565", "it", "EUR", "1.234,57 €"),
        ("-1234.56", "it", "EUR", "-1.234,56 €"),
        ("-1234.56", "en", "EUR", "-€1,234.56"),
        ("0.5", "it", None, "0,50"),
        ("1000000", "en", None, "1,000,000.00"),
        ("5", "en", "CHF", "CHF 5.00"),
        ("5", "it", "usd", "5,00 $"),
    ],
)
def test_format_amount(value: str, lang: str, currency: str | None, expected: str) -> None:
    assert format_amount(D(value), lang, currency) == expected


def test_format_amount_places_and_bad_language() -> None:
    assert format_amount(D("10.24247"), "it", None, places=4) == "10,2425"
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        format_amount(D(1), "de")


amounts = st.decimals(
    min_value=D("-999999999.99"), max_value=D("999999999.99"), places=4, allow_nan=False, allow_infinity=False
)


@given(amounts, st.sampled_from(["it", "en"]), st.sampled_from(["EUR", None]))
def test_parse_format_round_trip(value: Decimal, lang: str, currency: str | None) -> None:
    assert parse_amount(format_amount(value, lang, currency)) == round_cent(value)
