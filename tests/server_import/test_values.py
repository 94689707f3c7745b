"""Cell parsing of ERP exports: Italian and English numbers, dates, tax ids, flags."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from sfa_server.erp_import import ids
from sfa_server.erp_import.values import (
    COMMA,
    POINT,
    normalize_barcode,
    normalize_tax_code,
    normalize_vat_number,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_vat_rate,
)


@pytest.mark.parametrize(("text", "style", "expected"), [
    ("1.234,56", COMMA, "1234.56"), ("1.234,56", POINT, "1234.56"),
    ("1234,56", COMMA, "1234.56"), ("1234,56", POINT, "1234.56"),
    ("1234.56", COMMA, "1234.56"), ("1234.56", POINT, "1234.56"),
    ("1,234.56", POINT, "1234.56"), ("1,234.56", COMMA, "1234.56"),
    ("1.234", COMMA, "1234"), ("1.234", POINT, "1.234"),
    ("1.234.567", POINT, "1234567"), ("1,234", POINT, "1234"), ("1,234", COMMA, "1.234"),
    ("-12,5", COMMA, "-12.5"), ("12,50-", COMMA, "-12.50"), ("€ 7,00", COMMA, "7.00"), ("0", COMMA, "0"),
])
def test_decimal_forms(text: str, style: str, expected: str) -> None:
    assert parse_decimal(text, decimal_separator=style) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1,2,3,4.5.6", "12..5", "1.23,4.5", "", "--3", "1e5", "NaN"])
def test_bad_decimals_are_refused_in_words(text: str) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        parse_decimal(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("31/12/2025", dt.date(2025, 12, 31)), ("1/2/2026", dt.date(2026, 2, 1)),
    ("31-12-2025", dt.date(2025, 12, 31)), ("31.12.25", dt.date(2025, 12, 31)),
    ("2025-12-31", dt.date(2025, 12, 31)), ("2025-12-31T10:00:00", dt.date(2025, 12, 31)),
    ("31/12/2025 00:00", dt.date(2025, 12, 31)),
])
def test_dates(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2025", "2025-13-01", "12/31", "ieri", "2025/12/31x"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date(text)


def test_datetime_defaults_to_utc() -> None:
    assert parse_datetime("2026-03-01 08:30") == dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)
    assert parse_datetime("01/03/2026") == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert parse_datetime("2026-03-01T08:30:00+01:00") == dt.datetime(2026, 3, 1, 7, 30, tzinfo=dt.UTC)


def test_italian_vat_numbers() -> None:
    assert normalize_vat_number("00743110157") == "00743110157"
    assert normalize_vat_number("IT 00743110157") == "00743110157"
    assert normalize_vat_number("it00743110157") == "00743110157"
    with pytest.raises(ValueError, match="wrong check digit"):
        normalize_vat_number("00743110158")
    with pytest.raises(ValueError, match="11 digits"):
        normalize_vat_number("0074311015")


def test_foreign_vat_numbers_are_kept_with_their_prefix() -> None:
    assert normalize_vat_number("DE 123456789") == "DE123456789"
    assert normalize_vat_number("fr12345678901") == "FR12345678901"


def test_tax_codes() -> None:
    assert normalize_tax_code("rssmra85t10a562s") == "RSSMRA85T10A562S"
    assert normalize_tax_code("00743110157") == "00743110157"
    with pytest.raises(ValueError, match="codice fiscale"):
        normalize_tax_code("RSSMRA85T10A562X")


def test_barcodes_need_a_right_check_digit() -> None:
    assert normalize_barcode("8001234567897") == "8001234567897"
    with pytest.raises(ValueError, match="EAN"):
        normalize_barcode("8001234567896")


@pytest.mark.parametrize(("text", "expected"), [("22", "22.00"), ("22%", "22.00"), ("4,00", "4.00"),
                                                ("0", "0.00"), ("10", "10.00"), ("5", "5.00")])
def test_vat_rates(text: str, expected: str) -> None:
    assert parse_vat_rate(text) == Decimal(expected)


def test_vat_rate_outside_the_italian_ones() -> None:
    with pytest.raises(ValueError, match="not one of 0, 4, 5, 10, 22"):
        parse_vat_rate("21")


def test_flags() -> None:
    assert parse_bool("S") and parse_bool("sì") and parse_bool("1") and parse_bool("true")
    assert not parse_bool("N") and not parse_bool("no") and not parse_bool("0")
    with pytest.raises(ValueError, match="yes/no"):
        parse_bool("forse")


def test_erp_ids_are_uuid5_of_the_key() -> None:
    assert ids.customer_id("C001") == str(uuid.uuid5(ids.ERP_NAMESPACE, "customers:C001"))
    assert ids.erp_id("x", "a", "è") == str(uuid.uuid5(ids.ERP_NAMESPACE, "x:a\x1fè"))
    assert ids.price_list_item_id("L", "P", Decimal("10.00")) == ids.price_list_item_id("L", "P", Decimal(10))
