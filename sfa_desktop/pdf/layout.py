"""The flowing content of a quote or order: recipients, title, info row, lines, totals, signatures.

Every figure comes from sfa_desktop.domain.totals; this module only places and formats them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, LongTable, Paragraph, Spacer, Table, TableStyle

from sfa_desktop.domain.discounts import format_discount
from sfa_desktop.domain.totals import DocumentTotals, LineInput, document_totals
from sfa_desktop.pdf import fonts
from sfa_desktop.pdf.document import PrintAddress, PrintDocument
from sfa_desktop.pdf.labels import (
    format_date,
    format_money,
    format_quantity,
    format_rate,
    format_unit_price,
    nature_wording,
)
from sfa_desktop.pdf.page import ACCENT, INK, MARGIN_X, MUTED, PAGE_WIDTH, RULE
from sfa_desktop.pdf.signature import SignatureInk

CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
#: code, description, quantity, unit price, discount, net price, VAT %, amount (sum = CONTENT_WIDTH)
LINE_COLUMNS = (58.0, 0.0, 46.0, 56.0, 38.0, 56.0, 36.0, 64.0)
LINE_COLUMN_WIDTHS = (
    LINE_COLUMNS[0],
    CONTENT_WIDTH - sum(LINE_COLUMNS),
    *LINE_COLUMNS[2:],
)
_DESCRIPTION_CHUNK = 800  # characters: about 22 wrapped lines, well under a page
_PLAIN_CELL_LIMIT = 14  # longer codes are wrapped in a Paragraph so they cannot spill out of their cell

# Every table sets it: an empty cell would otherwise pull unembedded Helvetica into the PDF.
_BASE_FONT = ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR)
_ZEBRA = HexColor("#f3f5f8")
_HEADER_BG = HexColor("#e4e9f0")

_BODY = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=8.5, leading=11, textColor=INK)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=7.5, leading=9.5)
_LABEL = ParagraphStyle("label", parent=_BODY, fontSize=7, leading=9, textColor=MUTED)
_NAME = ParagraphStyle("name", parent=_BODY, fontName=fonts.BOLD, fontSize=10, leading=13)
_TITLE = ParagraphStyle("title", parent=_BODY, fontName=fonts.BOLD, fontSize=16, leading=20,
                        textColor=ACCENT, spaceBefore=4, spaceAfter=6)
_HEADING = ParagraphStyle("heading", parent=_BODY, fontName=fonts.BOLD, fontSize=9, leading=12,
                          spaceBefore=8, spaceAfter=2, keepWithNext=1)
_CELL = ParagraphStyle("cell", parent=_BODY, fontSize=8, leading=9.8)
_HEAD_CELL = ParagraphStyle("head", parent=_CELL, fontName=fonts.BOLD, fontSize=7.5, leading=9)
_HEAD_CELL_RIGHT = ParagraphStyle("head-right", parent=_HEAD_CELL, alignment=TA_RIGHT)
_NATURE = ParagraphStyle("nature", parent=_BODY, fontSize=7, leading=8.6, textColor=MUTED)
_TERMS = ParagraphStyle("terms", parent=_BODY, fontSize=7.5, leading=9.5, textColor=MUTED, alignment=TA_LEFT)


def _text(value: str) -> str:
    """User text as paragraph markup: escaped, line breaks kept."""
    return "<br/>".join(escape(line) for line in value.strip().splitlines())


def _description_chunks(description: str) -> list[str]:
    """A description cut at word boundaries into pieces that each fit on a page.

    A table row cannot break across pages, so an essay-long description becomes continuation rows
    (reportlab's own in-row splitting repeats the header in the wrong place).
    """
    text = description.strip()
    if len(text) <= _DESCRIPTION_CHUNK:
        return [text]
    chunks: list[str] = []
    current = ""
    for token in re.split(r"(\s+)", text):
        while len(token) > _DESCRIPTION_CHUNK:  # one "word" longer than a chunk: cut it
            if current.strip():
                chunks.append(current)
            chunks.append(token[:_DESCRIPTION_CHUNK])
            current, token = "", token[_DESCRIPTION_CHUNK:]
        if len(current) + len(token) > _DESCRIPTION_CHUNK and current.strip():
            chunks.append(current)
            current = token.lstrip()
        else:
            current += token
    if current.strip():
        chunks.append(current)
    return [chunk.strip() for chunk in chunks]


def document_title(doc: PrintDocument, labels: Mapping[str, str]) -> str:
    """"Offerta Q-2026-0042 rev. 2" / "Order O-2026-0007"."""
    title = f"{labels[doc.kind]} {doc.number}"
    if doc.kind == "quote" and doc.revision > 0:
        title += f" {labels['revision']} {doc.revision}"
    return title


def compute_totals(doc: PrintDocument) -> DocumentTotals:
    inputs = [
        LineInput(quantity=line.quantity, unit_price=line.unit_price, discount=line.discount,
                  vat_rate=line.vat_rate, net_price=line.net_price, vat_nature=line.vat_nature)
        for line in doc.lines
    ]
    return document_totals(inputs, doc.document_discount)


def build_story(doc: PrintDocument, labels: Mapping[str, str], totals: DocumentTotals) -> list[Flowable]:
    story: list[Flowable] = [
        _recipients(doc, labels),
        Spacer(1, 5 * mm),
        Paragraph(escape(document_title(doc, labels)), _TITLE),
        _info_row(doc, labels),
        Spacer(1, 5 * mm),
        _line_table(doc, labels, totals),
        KeepTogether([Spacer(1, 4 * mm), _totals_block(doc, labels, totals), Spacer(1, 8 * mm),
                      _signatures(doc, labels)]),
    ]
    for heading, body, style in ((labels["notes"], doc.notes, _BODY), (labels["terms"], doc.terms, _TERMS)):
        if body.strip():
            story.append(Paragraph(escape(heading), _HEADING))
            story.extend(Paragraph(_text(part), style) for part in body.strip().split("\n\n") if part.strip())
    return story


def _address_block(label: str, name: str, address: PrintAddress,
                   extra: tuple[str, ...] = ()) -> list[Flowable]:
    block: list[Flowable] = [Paragraph(escape(label), _LABEL), Paragraph(escape(name), _NAME)]
    if address.name.strip() and address.name.strip() != name.strip():
        block.append(Paragraph(escape(address.name), _BODY))
    block.extend(Paragraph(escape(line), _BODY) for line in (*address.lines, *extra) if line.strip())
    return block


def _recipients(doc: PrintDocument, labels: Mapping[str, str]) -> Table:
    vat = (f"{labels['vat_number']} {doc.customer_vat}",) if doc.customer_vat else ()
    billing = _address_block(labels["customer"], doc.customer_name, doc.billing, vat)
    shipping: list[Flowable] | str = ""
    if doc.ships_elsewhere and doc.shipping is not None:
        shipping = _address_block(labels["ship_to"], doc.shipping.name, doc.shipping)
    half = CONTENT_WIDTH / 2
    table = Table([[shipping, billing]], colWidths=(half, half))
    table.setStyle(TableStyle([
        _BASE_FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
        ("LEFTPADDING", (1, 0), (1, 0), 12 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def _info_row(doc: PrintDocument, labels: Mapping[str, str]) -> Table:
    items = [(labels["date"], format_date(doc.issue_date, doc.language))]
    if doc.valid_until is not None:
        items.append((labels["valid_until"], format_date(doc.valid_until, doc.language)))
    for key in ("agent_name", "payment_terms", "customer_reference"):
        value = getattr(doc, key)
        if value.strip():
            items.append((labels[key.removesuffix("_name")], value))
    heads = [Paragraph(escape(label), _LABEL) for label, _ in items]
    values = [Paragraph(escape(value), _SMALL) for _, value in items]
    width = CONTENT_WIDTH / len(items)
    table = Table([heads, values], colWidths=[width] * len(items))
    table.setStyle(TableStyle([
        _BASE_FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEABOVE", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        ("TOPPADDING", (0, 0), (-1, 0), 4),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
    ]))
    return table


def _line_table(doc: PrintDocument, labels: Mapping[str, str], totals: DocumentTotals) -> LongTable:
    lang, currency = doc.language, doc.currency
    left = ("col_code", "col_description")
    right = ("col_quantity", "col_unit_price", "col_discount", "col_net_price", "col_vat", "col_amount")
    header = [Paragraph(escape(labels[key]), _HEAD_CELL) for key in left]
    header += [Paragraph(escape(labels[key]), _HEAD_CELL_RIGHT) for key in right]
    rows: list[list[object]] = [header]
    shading = []
    for index, (line, amounts) in enumerate(zip(doc.lines, totals.lines, strict=True)):
        code: object = line.sku if len(line.sku) <= _PLAIN_CELL_LIMIT else Paragraph(escape(line.sku), _CELL)
        quantity = format_quantity(line.quantity, lang)
        first_row = len(rows)
        description, *continued = _description_chunks(line.description)
        rows.append([
            code,
            Paragraph(_text(description), _CELL),
            f"{quantity} {line.unit}".strip(),
            format_unit_price(line.unit_price, lang, currency),
            # an agreed net price is not a discount the customer should recompute: say "net"
            labels["net_price_line"] if line.net_price is not None else format_discount(line.discount, lang),
            format_unit_price(amounts.net_unit_price, lang, currency),
            line.vat_nature or format_rate(line.vat_rate, lang),
            format_money(amounts.net_amount, lang, currency),
        ])
        rows.extend(["", Paragraph(_text(chunk), _CELL), "", "", "", "", "", ""] for chunk in continued)
        if index % 2:
            shading.append(("BACKGROUND", (0, first_row), (-1, len(rows) - 1), _ZEBRA))
    table = LongTable(rows, colWidths=LINE_COLUMN_WIDTHS, repeatRows=1)
    table.setStyle(TableStyle([
        _BASE_FONT,
        ("FONTSIZE", (0, 1), (-1, -1), 8),
        ("LEADING", (0, 1), (-1, -1), 9.8),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), _HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        *shading,
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, ACCENT),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


def _totals_block(doc: PrintDocument, labels: Mapping[str, str], totals: DocumentTotals) -> Table:
    """VAT summary per rate on the left ("riepilogo IVA"), document totals on the right."""
    lang, currency = doc.language, doc.currency

    def money(amount: Decimal) -> str:
        return format_money(amount, lang, currency)

    summary_rows: list[list[object]] = [[
        Paragraph(escape(labels["vat_summary_rate"]), _HEAD_CELL),
        Paragraph(escape(labels["vat_summary_taxable"]), _HEAD_CELL_RIGHT),
        Paragraph(escape(labels["vat_summary_vat"]), _HEAD_CELL_RIGHT),
    ]]
    wording_rows = []
    for bucket in totals.vat_buckets:
        rate = f"{format_rate(bucket.rate, lang)}%"
        summary_rows.append([f"{rate} {bucket.nature}" if bucket.nature else rate, money(bucket.taxable),
                             money(bucket.vat)])
        if bucket.nature:  # the legal ground of the exemption, on its own row under the figures
            reference = doc.vat_exemption_ref if bucket.nature == doc.vat_exemption else ""
            wording_rows.append(len(summary_rows))
            summary_rows.append([Paragraph(escape(nature_wording(bucket.nature, lang, reference)), _NATURE), "", ""])
    summary = Table(summary_rows, colWidths=(24 * mm, 30 * mm, 26 * mm), hAlign="LEFT")
    summary.setStyle(TableStyle([
        _BASE_FONT,
        *_FIGURES,
        ("BACKGROUND", (0, 0), (-1, 0), _HEADER_BG),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        # a rule under each row, except between a nature's figures and its wording
        *[("LINEBELOW", (0, row), (-1, row), 0.3, RULE) for row in range(1, len(summary_rows))
          if row + 1 not in wording_rows],
        *[("SPAN", (0, row), (-1, row)) for row in wording_rows],
        *[("TOPPADDING", (0, row), (-1, row), 0) for row in wording_rows],
    ]))

    rows: list[tuple[str, str]] = []
    if not doc.document_discount.is_zero:
        rows.append((labels["goods_total"], money(totals.goods_total)))
        discount = format_discount(doc.document_discount, lang)
        rows.append((labels["document_discount"].format(discount=f"{discount}%"),
                     money(-totals.document_discount_amount)))
    rows.append((labels["taxable_total"], money(totals.taxable_total)))
    rows.append((labels["vat_total"], money(totals.vat_total)))
    rows.append((labels["grand_total"], money(totals.grand_total)))
    last = len(rows) - 1
    grand = Table(rows, colWidths=(50 * mm, 34 * mm), hAlign="RIGHT")
    grand.setStyle(TableStyle([
        _BASE_FONT,
        *_FIGURES,
        ("LINEBELOW", (0, 0), (-1, last - 1), 0.3, RULE),
        ("FONTNAME", (0, last), (-1, last), fonts.BOLD),
        ("FONTSIZE", (0, last), (-1, last), 10.5),
        ("LEADING", (0, last), (-1, last), 13),
        ("TOPPADDING", (0, last), (-1, last), 5),
        ("BOTTOMPADDING", (0, last), (-1, last), 5),
        ("BACKGROUND", (0, last), (-1, last), _HEADER_BG),
        ("LINEABOVE", (0, last), (-1, last), 1, ACCENT),
    ]))
    block = Table([[summary, grand]], colWidths=(CONTENT_WIDTH / 2, CONTENT_WIDTH / 2))
    block.setStyle(TableStyle([
        _BASE_FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (1, 0), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return block


_FIGURES = (
    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
    ("TEXTCOLOR", (0, 0), (-1, -1), INK),
    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
)


def _signatures(doc: PrintDocument, labels: Mapping[str, str]) -> Table:
    company = Paragraph(escape(labels["signature_company"].format(company=doc.company.name)), _SMALL)
    customer = Paragraph(escape(labels["signature_customer"]), _SMALL)
    date = Paragraph(escape(labels["signature_date"]), _LABEL)
    gap = 10 * mm
    width = (CONTENT_WIDTH - gap) / 2
    # the customer's signature captured on screen, drawn where they would have signed by hand
    space = 20 * mm if doc.signature else 12 * mm
    ink = SignatureInk(doc.signature, width, space - 2 * mm) if doc.signature else ""
    table = Table(
        [[company, "", customer], ["", "", ink], [date, "", date]],
        colWidths=(width, gap, width),
        rowHeights=[None, space, None],
    )
    table.setStyle(TableStyle([
        _BASE_FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (0, 1), 0.6, INK),
        ("LINEBELOW", (2, 1), (2, 1), 0.6, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table
