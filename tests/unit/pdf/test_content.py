"""What the customer reads: every line, the totals to the cent, the language, the addresses."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from sfa_desktop.domain.discounts import NO_DISCOUNT, Discount
from sfa_desktop.domain.money import format_amount
from sfa_desktop.domain.totals import LineInput, document_totals
from sfa_desktop.pdf import PrintAddress, PrintDocument

from .helpers import ParsedPdf, line, quote, render_and_parse


def domain_totals(doc: PrintDocument):
    return document_totals(
        [LineInput(quantity=x.quantity, unit_price=x.unit_price, discount=x.discount, vat_rate=x.vat_rate)
         for x in doc.lines],
        doc.document_discount,
    )


def test_every_line_prints_its_code_and_the_domain_amount_on_its_row(italian_quote, italian_pdf):
    totals = domain_totals(italian_quote)
    for printed, amounts in zip(italian_quote.lines, totals.lines, strict=True):
        amount = format_amount(amounts.net_amount, "it", "EUR")
        rows = [text for text in italian_pdf.lines if text.startswith(printed.sku + " ")]
        assert len(rows) == 1, f"{printed.sku} should start exactly one row, found {rows}"
        assert rows[0].endswith(amount), f"row of {printed.sku} should end with {amount}: {rows[0]}"


def test_totals_are_the_domain_totals_to_the_cent(italian_quote, italian_pdf):
    totals = domain_totals(italian_quote)
    text = italian_pdf.text

    def money(value: Decimal) -> str:
        return format_amount(value, "it", "EUR")

    assert f"Totale documento {money(totals.grand_total)}" in text
    assert f"Totale imponibile {money(totals.taxable_total)}" in text
    assert f"Totale IVA {money(totals.vat_total)}" in text
    assert f"Totale merce {money(totals.goods_total)}" in text
    assert f"Sconto documento 3% {money(-totals.document_discount_amount)}" in text
    assert len(totals.vat_buckets) == 2
    for bucket in totals.vat_buckets:
        rate = format_amount(bucket.rate, "it", None, places=0)
        assert f"{rate}% {money(bucket.taxable)} {money(bucket.vat)}" in text


def test_a_single_rate_without_document_discount_prints_no_discount_row():
    lines = (line("A1", price="100.00"), line("A2", quantity="3", price="9.99", discount=("10", "5")))
    doc = quote(lines=lines, document_discount=NO_DISCOUNT)
    parsed = render_and_parse(doc)
    assert "Totale merce" not in parsed.text
    assert "Sconto documento" not in parsed.text
    # 100 + round(3 * 9.99 * 0.9 * 0.95) = 100 + 25.62 = 125.62; VAT 22% = 27.64
    assert "Totale imponibile 125,62 €" in parsed.text
    assert "Totale IVA 27,64 €" in parsed.text
    assert "Totale documento 153,26 €" in parsed.text
    a2 = next(row for row in parsed.lines if row.startswith("A2 "))
    assert "10+5" in a2 and "8,5415 €" in a2 and a2.endswith("25,62 €")


def test_italian_document_speaks_italian(italian_pdf: ParsedPdf):
    text = italian_pdf.text
    assert "Offerta Q-2026-0142 rev. 2" in text
    assert "Data Valida fino al Agente Pagamento Vs. riferimento" in text
    assert "22/11/2026 22/12/2026 Marco Bellini" in text
    assert "Codice Descrizione Q.tà Prezzo Sconto Prezzo netto IVA % Importo" in text
    assert "5.481,00 €" in text  # thousands with a dot, cents with a comma, € after
    assert "Quotation" not in text and "Page 1" not in text


def test_english_document_speaks_english(english_pdf: ParsedPdf):
    text = english_pdf.text
    assert "Quotation Q-2026-0142 rev. 2" in text
    assert "22 Nov 2026 22 Dec 2026 Marco Bellini" in text
    assert "Code Description Qty Unit price Disc. Net price VAT % Amount" in text
    assert "€5,481.00" in text
    assert "Offerta" not in text and "Pagina" not in text and "Totale" not in text
    assert re.search(r"Total €[\d,]+\.\d\d", text)


def test_order_title_has_no_revision_and_quote_revision_zero_is_not_printed():
    order = render_and_parse(quote(kind="order", number="O-2026-0007", revision=3, language="en"))
    assert "Order O-2026-0007" in order.text and "rev." not in order.text
    original = render_and_parse(quote(revision=0))
    assert "Offerta Q-2026-0142\n" in original.text


def test_names_with_any_accent_render_as_text(italian_pdf: ParsedPdf):
    assert "Ćirić Łódź Ærø S.r.l." in italian_pdf.text
    assert "€" in italian_pdf.text


def test_shipping_block_prints_only_when_goods_go_elsewhere(italian_quote, italian_pdf):
    assert "Destinazione merce" in italian_pdf.text
    assert "Magazzino Ćirić - Cantiere Nord" in italian_pdf.text
    same = dataclasses.replace(italian_quote, shipping=PrintAddress(
        name=italian_quote.billing.name.upper(), lines=tuple(f" {x}  " for x in italian_quote.billing.lines)))
    for doc in (same, dataclasses.replace(italian_quote, shipping=None)):
        parsed = render_and_parse(doc)
        assert "Destinazione merce" not in parsed.text
        assert "Magazzino" not in parsed.text
        assert "Via Emilia Ponente 221" in parsed.text


def test_company_header_and_customer_vat_print(italian_pdf: ParsedPdf):
    first = italian_pdf.pages[0]
    assert "Emiliana Forniture S.r.l." in first
    assert "P.IVA IT02345670375" in first
    assert "P.IVA IT01234560372" in first  # the customer's


def test_user_text_is_printed_literally_not_as_markup():
    doc = quote(lines=(line("R&D-1", "Kit <b>R&D</b> & co. <br/> 5 > 3"),),
                notes="Consegna <urgente> & veloce", customer_name="Rossi & Figli <S.p.A.>")
    text = render_and_parse(doc).text
    assert "Kit <b>R&D</b> & co. <br/> 5 > 3" in text
    assert "Consegna <urgente> & veloce" in text
    assert "Rossi & Figli <S.p.A.>" in text


def test_notes_and_terms_keep_their_paragraphs():
    doc = quote(notes="Prima riga\nseconda riga\n\nSecondo paragrafo", terms="")
    text = render_and_parse(doc).text
    assert "Note\nPrima riga\nseconda riga\nSecondo paragrafo" in text
    assert "Condizioni" not in text


def test_document_discount_applies_per_rate_as_the_domain_says():
    doc = quote(lines=(line("A", price="33.33", vat="22"), line("B", price="0.99", quantity="7", vat="10")),
                document_discount=Discount((Decimal("10"), Decimal("5"))))
    totals = domain_totals(doc)
    text = render_and_parse(doc).text
    assert f"Sconto documento 10+5% {format_amount(-totals.document_discount_amount, 'it', 'EUR')}" in text
    assert f"Totale documento {format_amount(totals.grand_total, 'it', 'EUR')}" in text
