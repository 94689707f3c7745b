"""Exempt lines on paper: each VAT summary row with its nature and legal wording (it, en), an agreed
net price printed as such. The pages are rendered by reportlab and read back with pdfplumber."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sfa_desktop.domain.discounts import NO_DISCOUNT, parse_discount
from sfa_desktop.domain.vat import VAT_NATURES
from sfa_desktop.pdf import PrintLine
from sfa_desktop.pdf.labels import VAT_NATURE_WORDING, nature_wording

from .helpers import ParsedPdf, quote, render_and_parse

D = Decimal
REF = "n. 26011512345678901-000001 del 15/01/2026"
LINES = (
    # 100 m × 1.25 less 10 % = 112.50, 0 % under the customer's declaration of intent
    PrintLine(sku="CAV-3G25", description="Cavo FG16OR16 3G2,5", quantity=D(100), unit="M",
              unit_price=D("1.25"), discount=parse_discount("10"), vat_rate=D(0), vat_nature="N3.5"),
    # an exempt training course: 1 × 150.00
    PrintLine(sku="CORSO-CEI", description="Corso CEI 11-27", quantity=D(1), unit="pz",
              unit_price=D("150.00"), vat_rate=D(0), vat_nature="N4"),
    # agreed net price 10.00 instead of a discount on 12.34: 12 × 10.00 = 120.00, N3.5 as well
    PrintLine(sku="LED-9W", description="Lampada LED 9 W", quantity=D(12), unit="pz", unit_price=D("12.34"),
              vat_rate=D(0), vat_nature="N3.5", net_price=D("10.00")),
    # a taxable line: 3 × 2.00 = 6.00, VAT 22 % = 1.32
    PrintLine(sku="SCATOLA", description="Scatola di derivazione", quantity=D(3), unit="pz",
              unit_price=D("2.00"), vat_rate=D(22)),
)


def exporter_quote(language: str) -> ParsedPdf:
    return render_and_parse(quote(language=language, lines=LINES, document_discount=NO_DISCOUNT,
                                  vat_exemption="N3.5", vat_exemption_ref=REF))


@pytest.fixture(scope="module")
def italian() -> ParsedPdf:
    return exporter_quote("it")


@pytest.fixture(scope="module")
def english() -> ParsedPdf:
    return exporter_quote("en")


def test_each_nature_is_its_own_summary_row_with_its_legal_wording_in_italian(italian: ParsedPdf) -> None:
    text = italian.text
    # 0 % N3.5: 112.50 + 120.00 = 232.50; 0 % N4: 150.00; 22 %: 6.00 and 1.32
    assert "0% N3.5 232,50 € 0,00 €" in text
    assert "0% N4 150,00 € 0,00 €" in text
    assert "22% 6,00 € 1,32 €" in text
    assert "Non imponibile art. 8 c.1 lett. c) DPR 633/72 – dichiarazione d'intento" in text
    assert "26011512345678901-000001 del 15/01/2026" in text  # the reference, with the N3.5 row only
    assert "Esente art. 10 DPR 633/72" in text
    # 232.50 + 150.00 + 6.00 = 388.50 taxable; 388.50 + 1.32 = 389.82
    assert "Totale imponibile 388,50 €" in text and "Totale documento 389,82 €" in text
    lines = italian.lines
    n35 = lines.index(next(x for x in lines if x.startswith("0% N3.5")))
    assert "Non imponibile art. 8" in lines[n35 + 1]  # the wording under its own row
    assert "Esente art. 10" in lines[lines.index(next(x for x in lines if x.startswith("0% N4"))) + 1]


def test_the_same_rows_read_in_english(english: ParsedPdf) -> None:
    text = english.text
    assert "0% N3.5 €232.50 €0.00" in text and "0% N4 €150.00 €0.00" in text
    assert "Not taxable, art. 8(1)(c) DPR 633/72 – declaration of intent" in text
    assert "Exempt, art. 10 DPR 633/72" in text
    assert "Total €389.82" in text


def test_exempt_lines_show_their_nature_and_an_agreed_net_price_reads_net(italian: ParsedPdf,
                                                                          english: ParsedPdf) -> None:
    cable = next(x for x in italian.lines if x.startswith("CAV-3G25 "))
    assert cable.endswith("1,25 € 10 1,125 € N3.5 112,50 €"), cable
    lamp = next(x for x in italian.lines if x.startswith("LED-9W "))
    assert lamp.endswith("12,34 € netto 10,00 € N3.5 120,00 €"), lamp
    assert next(x for x in english.lines if x.startswith("LED-9W ")).endswith("€12.34 net €10.00 N3.5 €120.00")


def test_every_nature_has_its_wording_in_both_languages() -> None:
    for language in ("it", "en"):
        assert set(VAT_NATURE_WORDING[language]) == set(VAT_NATURES)
    assert nature_wording("N6.3", "it") == ("Inversione contabile (reverse charge) – subappalto nel settore edile, "
                                           "art. 17 c.6 lett. a) DPR 633/72")
    assert nature_wording("N6.1", "it").endswith("art. 74 c.7 e 8 DPR 633/72")  # scrap: art. 74, not art. 17
    assert nature_wording("N2.2", "it") == "Non soggetta – altri casi"
    assert nature_wording("N3.5", "en", REF).endswith("declaration of intent " + REF)


def test_a_reverse_charge_row_prints_its_article() -> None:
    lines = (PrintLine(sku="RAME-KG", description="Rottame di rame", quantity=D(250), unit="kg",
                       unit_price=D("6.40"), vat_rate=D(0), vat_nature="N6.1"),)
    parsed = render_and_parse(quote(language="it", lines=lines, document_discount=NO_DISCOUNT))
    # 250 kg × 6.40 = 1,600.00, no VAT: the buyer accounts for it
    assert "0% N6.1 1.600,00 € 0,00 €" in parsed.text
    assert "Inversione contabile (reverse charge) – cessione di rottami" in parsed.text
    assert "art. 74 c.7 e 8 DPR 633/72" in parsed.text
