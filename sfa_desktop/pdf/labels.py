"""Printed words and locale formats (Italian or English) for quotes and orders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from sfa_desktop.domain.money import format_amount

_IT = {
    "quote": "Offerta",
    "order": "Ordine",
    "revision": "rev.",
    "page": "Pagina {page} di {pages}",
    "draft": "BOZZA",
    "customer": "Spett.le",
    "ship_to": "Destinazione merce",
    "vat_number": "P.IVA",
    "tax_code": "C.F.",
    "phone": "Tel.",
    "iban": "IBAN",
    "date": "Data",
    "valid_until": "Valida fino al",
    "agent": "Agente",
    "payment_terms": "Pagamento",
    "customer_reference": "Vs. riferimento",
    "col_code": "Codice",
    "col_description": "Descrizione",
    "col_quantity": "Q.tà",
    "col_unit_price": "Prezzo",
    "col_discount": "Sconto",
    "col_net_price": "Prezzo netto",
    "col_vat": "IVA %",
    "col_amount": "Importo",
    "goods_total": "Totale merce",
    "document_discount": "Sconto documento {discount}",
    "vat_summary_rate": "Aliquota IVA",
    "vat_summary_taxable": "Imponibile",
    "vat_summary_vat": "Imposta",
    "net_price_line": "netto",
    "taxable_total": "Totale imponibile",
    "vat_total": "Totale IVA",
    "grand_total": "Totale documento",
    "notes": "Note",
    "terms": "Condizioni",
    "signature_company": "Per {company}",
    "signature_customer": "Timbro e firma per accettazione",
    "signature_date": "Data",
}

_EN = {
    "quote": "Quotation",
    "order": "Order",
    "revision": "rev.",
    "page": "Page {page} of {pages}",
    "draft": "DRAFT",
    "customer": "Customer",
    "ship_to": "Ship to",
    "vat_number": "VAT No.",
    "tax_code": "Tax code",
    "phone": "Tel.",
    "iban": "IBAN",
    "date": "Date",
    "valid_until": "Valid until",
    "agent": "Sales agent",
    "payment_terms": "Payment terms",
    "customer_reference": "Your reference",
    "col_code": "Code",
    "col_description": "Description",
    "col_quantity": "Qty",
    "col_unit_price": "Unit price",
    "col_discount": "Disc.",
    "col_net_price": "Net price",
    "col_vat": "VAT %",
    "col_amount": "Amount",
    "goods_total": "Goods total",
    "document_discount": "Document discount {discount}",
    "vat_summary_rate": "VAT rate",
    "vat_summary_taxable": "Taxable amount",
    "vat_summary_vat": "VAT",
    "net_price_line": "net",
    "taxable_total": "Total taxable",
    "vat_total": "Total VAT",
    "grand_total": "Total",
    "notes": "Notes",
    "terms": "Terms and conditions",
    "signature_company": "For {company}",
    "signature_customer": "Accepted by the customer (stamp and signature)",
    "signature_date": "Date",
}

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"it": MappingProxyType(_IT), "en": MappingProxyType(_EN)}
)

_RC_IT = "Inversione contabile (reverse charge) – "
_RC_EN = "Reverse charge – "
#: What the VAT summary prints beside a 0 % row of each FatturaPA nature: the legal ground, with
#: its article (DPR 633/72 is the Italian VAT decree, DL 331/93 the intra-EU one, DL 41/95 the
#: margin scheme's). A "dichiarazione d'intento" is followed by its reference (protocol number, date).
_NATURES_IT = {
    "N1": "Esclusa ex art. 15 DPR 633/72",
    "N2.1": "Non soggetta ad IVA ai sensi degli artt. da 7 a 7-septies DPR 633/72",
    "N2.2": "Non soggetta – altri casi",
    "N3.1": "Non imponibile – esportazione, art. 8 c.1 lett. a) e b) DPR 633/72",
    "N3.2": "Non imponibile – cessione intracomunitaria, art. 41 DL 331/93",
    "N3.3": "Non imponibile – cessione verso San Marino, art. 71 DPR 633/72",
    "N3.4": "Non imponibile – operazione assimilata alle cessioni all'esportazione, art. 8-bis DPR 633/72",
    "N3.5": "Non imponibile art. 8 c.1 lett. c) DPR 633/72 – dichiarazione d'intento",
    "N3.6": "Non imponibile – operazione che non concorre alla formazione del plafond",
    "N4": "Esente art. 10 DPR 633/72",
    "N5": "Regime del margine – IVA non esposta in fattura, art. 36 DL 41/95",
    "N6.1": _RC_IT + "cessione di rottami e altri materiali di recupero, art. 74 c.7 e 8 DPR 633/72",
    "N6.2": _RC_IT + "cessione di oro e argento puro, art. 17 c.5 DPR 633/72",
    "N6.3": _RC_IT + "subappalto nel settore edile, art. 17 c.6 lett. a) DPR 633/72",
    "N6.4": _RC_IT + "cessione di fabbricati, art. 17 c.6 lett. a-bis) DPR 633/72",
    "N6.5": _RC_IT + "cessione di telefoni cellulari, art. 17 c.6 lett. b) DPR 633/72",
    "N6.6": _RC_IT + "cessione di prodotti elettronici, art. 17 c.6 lett. c) DPR 633/72",
    "N6.7": _RC_IT + "prestazioni del comparto edile e settori connessi, art. 17 c.6 lett. a-ter) DPR 633/72",
    "N6.8": _RC_IT + "operazioni del settore energetico, art. 17 c.6 lett. d-bis), d-ter) e d-quater) "
                     "DPR 633/72",
    "N6.9": _RC_IT + "altri casi, art. 17 DPR 633/72",
    "N7": "IVA assolta in altro Stato UE (art. 41 c.1 lett. b) DL 331/93; artt. 7-octies e 74-sexies "
          "DPR 633/72)",
}
_NATURES_EN = {
    "N1": "Excluded, art. 15 DPR 633/72",
    "N2.1": "Outside the scope of Italian VAT, arts. 7 to 7-septies DPR 633/72",
    "N2.2": "Not subject to VAT – other cases",
    "N3.1": "Not taxable – export, art. 8(1)(a) and (b) DPR 633/72",
    "N3.2": "Not taxable – intra-EU supply, art. 41 DL 331/93",
    "N3.3": "Not taxable – supply to San Marino, art. 71 DPR 633/72",
    "N3.4": "Not taxable – treated as an export, art. 8-bis DPR 633/72",
    "N3.5": "Not taxable, art. 8(1)(c) DPR 633/72 – declaration of intent",
    "N3.6": "Not taxable – not counted towards the export ceiling (plafond)",
    "N4": "Exempt, art. 10 DPR 633/72",
    "N5": "Margin scheme – VAT not shown, art. 36 DL 41/95",
    "N6.1": _RC_EN + "scrap and other recovered materials, art. 74(7) and (8) DPR 633/72",
    "N6.2": _RC_EN + "pure gold and silver, art. 17(5) DPR 633/72",
    "N6.3": _RC_EN + "subcontracting in the building sector, art. 17(6)(a) DPR 633/72",
    "N6.4": _RC_EN + "sale of buildings, art. 17(6)(a-bis) DPR 633/72",
    "N6.5": _RC_EN + "mobile phones, art. 17(6)(b) DPR 633/72",
    "N6.6": _RC_EN + "electronic products, art. 17(6)(c) DPR 633/72",
    "N6.7": _RC_EN + "building and related services, art. 17(6)(a-ter) DPR 633/72",
    "N6.8": _RC_EN + "energy sector, art. 17(6)(d-bis), (d-ter) and (d-quater) DPR 633/72",
    "N6.9": _RC_EN + "other cases, art. 17 DPR 633/72",
    "N7": "VAT paid in another EU member state (art. 41(1)(b) DL 331/93; arts. 7-octies and 74-sexies "
          "DPR 633/72)",
}
VAT_NATURE_WORDING: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"it": MappingProxyType(_NATURES_IT), "en": MappingProxyType(_NATURES_EN)}
)


def nature_wording(nature: str, language: str, reference: str = "") -> str:
    """The legal wording of a VAT nature in `language`, followed by its reference when given."""
    try:
        text = VAT_NATURE_WORDING[language][nature]
    except KeyError:
        raise ValueError(f"no wording for VAT nature {nature!r} in {language!r}") from None
    return f"{text} {reference.strip()}" if reference.strip() else text

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def labels_for(language: str) -> Mapping[str, str]:
    try:
        return LABELS[language]
    except KeyError:
        raise ValueError(f"unsupported language {language!r}: use 'it' or 'en'") from None


def format_date(day: dt.date, language: str) -> str:
    """it "22/11/2026", en "22 Nov 2026" (month names fixed, never from the OS locale)."""
    if language == "it":
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    if language == "en":
        return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year:04d}"
    raise ValueError(f"unsupported language {language!r}: use 'it' or 'en'")


def _places(value: Decimal, *, least: int, most: int) -> int:
    exponent = value.normalize().as_tuple().exponent
    shown = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(least, min(most, shown))


def format_quantity(quantity: Decimal, language: str) -> str:
    """A quantity with only the decimals it has: 10 -> "10", 2.5 -> "2,5" (it), up to 3 decimals."""
    return format_amount(quantity, language, None, places=_places(quantity, least=0, most=3))


def format_unit_price(price: Decimal, language: str, currency: str) -> str:
    """A unit price: at least the cents, up to 4 decimals when the price list has them."""
    return format_amount(price, language, currency, places=_places(price, least=2, most=4))


def format_rate(rate: Decimal, language: str) -> str:
    """A VAT rate as printed in a column or label: 22 -> "22", 5.5 -> "5,5"."""
    return format_amount(rate, language, None, places=_places(rate, least=0, most=2))


def format_money(amount: Decimal, language: str, currency: str) -> str:
    return format_amount(amount, language, currency)
