"""The print records refuse what cannot be printed honestly, with a message saying why."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from sfa_desktop.pdf import PrintAddress, PrintCompany, PrintLine
from sfa_desktop.pdf.labels import format_date, format_quantity, format_rate, format_unit_price, labels_for

from .helpers import line, quote


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"kind": "invoice"}, ValueError, "document kind"),
        ({"language": "de"}, ValueError, "language"),
        ({"number": "  "}, ValueError, "document number"),
        ({"customer_name": ""}, ValueError, "customer name"),
        ({"lines": ()}, ValueError, "no lines"),
        ({"lines": [line("A")]}, TypeError, "tuple"),
        ({"revision": -1}, ValueError, "revision"),
        ({"revision": True}, ValueError, "revision"),
        ({"currency": "euro"}, ValueError, "ISO 4217"),
        ({"valid_until": dt.date(2026, 11, 21)}, ValueError, "before its date"),
        ({"issue_date": "2026-11-22"}, TypeError, "issue date"),
        ({"notes": None}, TypeError, "notes"),
        ({"shipping": "Via Roma 1"}, TypeError, "shipping"),
    ],
)
def test_a_document_that_cannot_be_printed_is_refused(changes, error, message):
    with pytest.raises(error, match=message):
        quote(**changes)


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"quantity": 3.0}, TypeError, "quantity .* must be a Decimal"),
        ({"quantity": Decimal("0")}, ValueError, "must be positive"),
        ({"quantity": Decimal("NaN")}, ValueError, "finite"),
        ({"unit_price": Decimal("-1")}, ValueError, "unit price .* negative"),
        ({"vat_rate": Decimal("-22")}, ValueError, "VAT rate"),
        ({"discount": "10+5"}, TypeError, "Discount"),
        ({"description": None}, TypeError, "description"),
    ],
)
def test_a_line_that_cannot_be_printed_is_refused(changes, error, message):
    with pytest.raises(error, match=message):
        dataclasses.replace(line("A1"), **changes)


def test_company_and_address_checks():
    with pytest.raises(ValueError, match="not a PNG"):
        PrintCompany(name="ACME", logo_png=b"GIF89a....")
    with pytest.raises(ValueError, match="at most 4"):
        PrintCompany(name="ACME", address_lines=("a", "b", "c", "d", "e"))
    with pytest.raises(ValueError, match="address name"):
        PrintAddress(name=" ")
    with pytest.raises(TypeError, match="tuple"):
        PrintAddress(name="Rossi", lines=["Via Roma 1"])  # type: ignore[arg-type]


def test_records_are_frozen_and_keyword_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        line("A1").sku = "B"  # type: ignore[misc]
    with pytest.raises(TypeError):
        PrintLine("A1", "x", Decimal(1), "pz", Decimal(1), Decimal(22))  # type: ignore[misc]


def test_draft_and_shipping_flags():
    assert quote(status="Draft").is_draft
    assert not quote(status="accepted").is_draft
    billing = PrintAddress(name="Rossi Srl", lines=("Via Roma 1", "Bologna"))
    assert not quote(billing=billing, shipping=None).ships_elsewhere
    same_place = PrintAddress(name="ROSSI  SRL", lines=("via roma 1 ", "", "Bologna"))
    assert not quote(billing=billing, shipping=same_place).ships_elsewhere
    elsewhere = PrintAddress(name="Rossi Srl", lines=("Via Roma 2",))
    assert quote(billing=billing, shipping=elsewhere).ships_elsewhere


def test_locale_formats():
    day = dt.date(2026, 11, 22)
    assert format_date(day, "it") == "22/11/2026"
    assert format_date(dt.date(2026, 3, 5), "en") == "5 Mar 2026"
    assert format_quantity(Decimal("10.000"), "it") == "10"
    assert format_quantity(Decimal("1234.5"), "it") == "1.234,5"
    assert format_quantity(Decimal("1234.5"), "en") == "1,234.5"
    assert format_unit_price(Decimal("0.1234"), "it", "EUR") == "0,1234 €"
    assert format_unit_price(Decimal("1234.5"), "en", "EUR") == "€1,234.50"
    assert format_rate(Decimal("22.00"), "it") == "22"
    assert format_rate(Decimal("5.5"), "it") == "5,5"
    with pytest.raises(ValueError, match="unsupported language"):
        format_date(day, "fr")
    with pytest.raises(ValueError, match="unsupported language"):
        labels_for("fr")


def test_both_languages_have_the_same_labels():
    assert set(labels_for("it")) == set(labels_for("en"))
