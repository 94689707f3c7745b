"""Helpers for the PDF tests: real documents rendered by reportlab and parsed back with pdfplumber."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from decimal import Decimal

import pdfplumber

from sfa_desktop.domain.discounts import Discount
from sfa_desktop.pdf import PrintDocument, PrintLine, render_document
from sfa_desktop.pdf.sample import demo_quote


@dataclass(frozen=True)
class ParsedPdf:
    """A rendered PDF read back: the text of each page, and its words with positions."""

    data: bytes
    pages: tuple[str, ...]
    words: tuple[tuple[dict, ...], ...]
    chars: tuple[tuple[dict, ...], ...]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def lines(self) -> list[str]:
        return [line for page in self.pages for line in page.splitlines()]


def parse_pdf(data: bytes, *, with_chars: bool = False, with_words: bool = True) -> ParsedPdf:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = tuple(page.extract_text() or "" for page in pdf.pages)
        words = tuple(tuple(page.extract_words()) for page in pdf.pages) if with_words else ()
        chars = tuple(tuple(page.chars) for page in pdf.pages) if with_chars else ()
    return ParsedPdf(data=data, pages=pages, words=words, chars=chars)


def render_and_parse(doc: PrintDocument, **kwargs: object) -> ParsedPdf:
    return parse_pdf(render_document(doc, **kwargs), with_chars=True)  # type: ignore[arg-type]


def line(sku: str, description: str = "Articolo", *, quantity: str = "1", price: str = "10.00",
         discount: tuple[str, ...] = (), vat: str = "22", unit: str = "pz") -> PrintLine:
    return PrintLine(sku=sku, description=description, quantity=Decimal(quantity), unit=unit,
                     unit_price=Decimal(price), discount=Discount(tuple(Decimal(s) for s in discount)),
                     vat_rate=Decimal(vat))


def quote(**changes: object) -> PrintDocument:
    """The demo quote (12 lines, two VAT rates, 3% document discount) with some fields changed."""
    base = demo_quote(language=str(changes.pop("language", "it")), lines=int(changes.pop("line_count", 12)))
    return dataclasses.replace(base, **changes)
