"""A realistic demo quote (Italian wholesaler) for the demo, the screenshots and the benchmarks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sfa_desktop.domain.discounts import NO_DISCOUNT, Discount
from sfa_desktop.pdf.document import PrintAddress, PrintCompany, PrintDocument, PrintLine
from sfa_desktop.pdf.fonts import resources_dir

_CATALOG = (
    ("VT-M8X40", "Vite testa esagonale M8x40 zincata, classe 8.8 (conf. 100 pz)",
     "Hex head screw M8x40, zinc plated, grade 8.8 (box of 100)", "cf", "18.40", "22"),
    ("TSS-2205", "Tassello in nylon universale 10 mm con vite", "Universal nylon wall plug 10 mm with screw",
     "cf", "6.95", "22"),
    ("GUA-NIT-L", "Guanti in nitrile monouso taglia L, senza polvere (scatola 100)",
     "Disposable nitrile gloves size L, powder free (box of 100)", "sc", "7.80", "22"),
    ("SIL-310-TR", "Silicone acetico trasparente cartuccia 310 ml", "Clear acetic silicone, 310 ml cartridge",
     "pz", "4.35", "22"),
    ("TRAP-BH18", "Trapano avvitatore a batteria 18 V brushless, 2 batterie 4 Ah, caricabatterie rapido e "
     "valigetta; garanzia 3 anni con registrazione del prodotto sul sito del produttore",
     "Brushless 18 V cordless drill driver, two 4 Ah batteries, fast charger and carrying case; "
     "3-year warranty once registered on the maker's website", "pz", "189.00", "22"),
    ("NAS-FR-50", "Nastro americano grigio 50 mm x 25 m", "Grey duct tape 50 mm x 25 m", "pz", "3.20", "22"),
    ("LIB-ISTR", "Manuale tecnico impianti (libro)", "Technical handbook for installers (book)",
     "pz", "24.00", "4"),
    ("DPI-OCC-1", "Occhiali di protezione lente chiara EN 166", "Safety glasses, clear lens, EN 166", "pz",
     "2.65", "22"),
)


def demo_company(*, with_logo: bool = True) -> PrintCompany:
    logo_path = resources_dir() / "logo" / "demo-logo.png"
    logo = logo_path.read_bytes() if with_logo and logo_path.is_file() else None
    return PrintCompany(
        name="Emiliana Forniture S.r.l.",
        address_lines=("Via dell'Artigianato 14", "40138 Bologna (BO) - Italia"),
        vat_number="IT02345670375",
        tax_code="02345670375",
        phone="+39 051 634 2210",
        email="vendite@emilianaforniture.it",
        website="www.emilianaforniture.it",
        iban="IT60 X054 2811 1010 0000 0123 456",
        logo_png=logo,
    )


def demo_lines(count: int, *, language: str = "it") -> tuple[PrintLine, ...]:
    """`count` lines cycling through a small catalog, with quantities and discounts that vary."""
    steps = (NO_DISCOUNT, Discount((Decimal("10"),)), Discount((Decimal("10"), Decimal("5"))),
             Discount((Decimal("12.5"),)))
    lines = []
    for index in range(count):
        sku, it_text, en_text, unit, price, vat = _CATALOG[index % len(_CATALOG)]
        lines.append(PrintLine(
            sku=sku if index < len(_CATALOG) else f"{sku}-{index // len(_CATALOG)}",
            description=it_text if language == "it" else en_text,
            quantity=Decimal(1 + (index * 7) % 48) if index % 5 else Decimal("2.5"),
            unit=unit,
            unit_price=Decimal(price),
            discount=steps[index % len(steps)],
            vat_rate=Decimal(vat),
        ))
    return tuple(lines)


def demo_quote(*, language: str = "it", lines: int = 8, draft: bool = False) -> PrintDocument:
    """A quote to Ćirić Łódź Ærø S.r.l. that ships to a different site (both addresses print)."""
    italian = language == "it"
    return PrintDocument(
        kind="quote",
        number="Q-2026-0142",
        revision=2,
        status="draft" if draft else "sent",
        issue_date=dt.date(2026, 11, 22),
        valid_until=dt.date(2026, 12, 22),
        agent_name="Marco Bellini",
        payment_terms="Ri.Ba. 60 gg d.f.f.m." if italian else "Bank receipt, 60 days end of month",
        customer_reference="Ordine quadro 2026/17" if italian else "Framework order 2026/17",
        customer_name="Ćirić Łódź Ærø S.r.l.",
        customer_vat="IT01234560372",
        billing=PrintAddress(name="Ćirić Łódź Ærø S.r.l.",
                             lines=("Via Emilia Ponente 221", "40133 Bologna (BO)")),
        shipping=PrintAddress(name="Magazzino Ćirić - Cantiere Nord",
                              lines=("Via dei Trasporti 8", "41012 Carpi (MO)")),
        language=language,
        currency="EUR",
        document_discount=Discount((Decimal("3"),)),
        notes=("Consegna franco destino entro 10 giorni lavorativi dalla conferma." if italian
               else "Delivered free to the site within 10 working days of confirmation."),
        terms=("Prezzi IVA esclusa. Offerta valida fino alla data indicata, salvo venduto. Per quanto non "
               "espressamente indicato valgono le condizioni generali di vendita pubblicate sul nostro sito."
               if italian else
               "Prices exclude VAT. Offer valid until the date shown, subject to availability. Our general "
               "terms of sale, published on our website, apply to anything not stated here."),
        lines=demo_lines(lines, language=language),
        company=demo_company(),
    )
