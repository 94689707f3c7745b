"""Prospects: Italian VAT number and tax code checks, and the scored duplicate search."""

from __future__ import annotations

import re

import pytest

from sfa_desktop.domain.prospects import (
    CustomerSummary,
    IdentifierError,
    find_duplicates,
    normalise_name,
    normalise_phone,
    validate_tax_code,
    validate_vat_number,
)

VALID_VAT = "00743110157"


@pytest.mark.parametrize("text", [VALID_VAT, "IT00743110157", "it 007 431 101 57", " IT-00743110157 "])
def test_vat_number_accepted_and_normalised(text: str) -> None:
    assert validate_vat_number(text) == VALID_VAT


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the VAT number is empty"),
        ("0074311015", "VAT number '0074311015' must have 11 digits"),
        ("00743110158", "VAT number '00743110158' is mistyped: its check digit does not match"),
        ("0074311015A", "VAT number '0074311015A' has an invalid format"),
        ("DE123456789", "'DE123456789' is not an Italian VAT number (only IT numbers are checked)"),
    ],
)
def test_vat_number_rejected(text: str, message: str) -> None:
    with pytest.raises(IdentifierError, match="(?i)" + re.escape(message)):
        validate_vat_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rssmra85t10a562s", "RSSMRA85T10A562S"),
        ("RSS MRA 85T10 A562S", "RSSMRA85T10A562S"),
        (VALID_VAT, VALID_VAT),  # a company's tax code is its 11 digits
    ],
)
def test_tax_code_accepted(text: str, expected: str) -> None:
    assert validate_tax_code(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the tax code is empty"),
        ("RSSMRA85T10A562T", "tax code 'RSSMRA85T10A562T' is mistyped: its check character does not match"),
        ("RSSMRA85T10A56", "tax code 'RSSMRA85T10A56' must have 16 characters (a person) or 11 digits"),
        ("00743110158", "tax code '00743110158' is mistyped"),
        ("123", "tax code '123' must have 16 characters (a person) or 11 digits"),
    ],
)
def test_tax_code_rejected(text: str, message: str) -> None:
    with pytest.raises(IdentifierError, match="(?i)" + re.escape(message)):
        validate_tax_code(text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Rossi & Figli S.r.l.", "ROSSI E FIGLI SRL"),
        ("Ferramenta Bianchi S.p.A.", "ferramenta bianchi spa"),
        ("Caffè Città srl", "CAFFE CITTA' S.R.L."),
        ("F.lli Verdi snc", "Fratelli Verdi s.n.c."),
        ("Verdi Fratelli", "Fratelli Verdi"),
    ],
)
def test_name_normalisation(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_phone_normalisation() -> None:
    assert normalise_phone("+39 02 1234567") == normalise_phone("02-1234567") == "021234567"
    assert normalise_phone("0039 333 1234567") == "3331234567"
    assert normalise_phone("12") == ""


EXISTING = [
    CustomerSummary("c-vat", "Acme Forniture", vat_number="IT" + VALID_VAT),
    CustomerSummary("c-name", "ROSSI E FIGLI SRL", phone="02-1234567"),
    CustomerSummary("c-mail", "Studio Tecnico Neri", email="INFO@rossifigli.it"),
    CustomerSummary("c-domain", "Magazzino Nord", email="acquisti@rossifigli.it"),
    CustomerSummary("c-free", "Someone", email="other@gmail.com"),
    CustomerSummary("c-none", "Bianchi Ferramenta", phone="011 999999"),
]


def test_duplicates_scored_and_ranked() -> None:
    prospect = CustomerSummary(
        "", "Rossi & Figli S.r.l.", vat_number=VALID_VAT, phone="+39 02 1234567", email="info@rossifigli.it"
    )
    found = find_duplicates(prospect, EXISTING)
    assert [c.customer_id for c in found] == ["c-vat", "c-name", "c-mail"]
    assert found[0].reasons == ("same VAT number",) and found[0].score == pytest.approx(0.99)
    assert found[1].reasons == ("similar name (100%)", "same phone") and 0.9 < found[1].score < 1
    assert found[2].reasons == ("same e-mail",) and found[2].score == pytest.approx(0.7)
    weak = find_duplicates(prospect, EXISTING, min_score=0.1)
    assert ("c-domain", ("same e-mail domain",)) in [(c.customer_id, c.reasons) for c in weak]
    assert "c-free" not in [c.customer_id for c in weak] and "c-none" not in [c.customer_id for c in weak]
    assert all(0 <= c.score <= 1 for c in weak)


def test_free_mail_domains_are_not_a_signal() -> None:
    prospect = CustomerSummary("", "Qualcuno", email="me@gmail.com")
    assert find_duplicates(prospect, EXISTING, min_score=0.01) == []


def test_similar_but_not_equal_name_scores_less() -> None:
    prospect = CustomerSummary("", "Ferramenta Bianchi Srl")
    [candidate] = find_duplicates(
        prospect, [*EXISTING, CustomerSummary("c-close", "Ferramenta Bianchini")], min_score=0.5
    )[:1]
    assert candidate.customer_id == "c-none"  # same words, different order and legal form
    close = [
        c
        for c in find_duplicates(
            prospect, [CustomerSummary("c-close", "Ferramenta Bianchini")], min_score=0.5
        )
    ]
    assert close and close[0].score < candidate.score


def test_invalid_identifiers_still_match_literally_and_self_is_skipped() -> None:
    prospect = CustomerSummary("c-vat", "Acme Forniture", vat_number="IT" + VALID_VAT)
    assert find_duplicates(prospect, EXISTING) == []  # the record itself is not its own duplicate
    typo = CustomerSummary("", "X", vat_number="123-45")
    assert [
        c.customer_id for c in find_duplicates(typo, [CustomerSummary("c9", "Y", vat_number="12345")])
    ] == ["c9"]
