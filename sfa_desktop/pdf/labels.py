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
