"""How the pages hold together: numbering, repeated headers, wrapping, watermark, embedded fonts."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pypdf
import pytest

from sfa_desktop.pdf import LogoError, PrintCompany, render_document
from sfa_desktop.pdf.layout import LINE_COLUMN_WIDTHS
from sfa_desktop.pdf.page import MARGIN_X
from sfa_desktop.pdf.sample import demo_company, demo_quote

from .helpers import ParsedPdf, line, parse_pdf, quote, render_and_parse

IT_HEADER = "Codice Descrizione Q.tà Prezzo Sconto Prezzo netto IVA % Importo"


@pytest.fixture(scope="module")
def long_quote_pdf() -> ParsedPdf:
    return parse_pdf(render_document(demo_quote(language="it", lines=500)), with_words=False)


def page_numbers(parsed: ParsedPdf, template: str) -> list[tuple[int, int]]:
    pattern = re.compile(template.format(page=r"(\d+)", pages=r"(\d+)"))
    found = []
    for text in parsed.pages:
        matches = pattern.findall(text)
        assert len(matches) == 1, f"expected one page number on the page, found {matches}"
        found.append((int(matches[0][0]), int(matches[0][1])))
    return found


def test_every_page_says_page_x_of_y(long_quote_pdf: ParsedPdf, english_pdf: ParsedPdf):
    total = len(long_quote_pdf.pages)
    assert total == len(pypdf.PdfReader(io.BytesIO(long_quote_pdf.data)).pages)
    assert page_numbers(long_quote_pdf, "Pagina {page} di {pages}") == [
        (n, total) for n in range(1, total + 1)]
    english_total = len(english_pdf.pages)
    assert page_numbers(english_pdf, "Page {page} of {pages}") == [
        (n, english_total) for n in range(1, english_total + 1)]


def test_500_lines_paginate_with_header_and_company_on_every_page(long_quote_pdf: ParsedPdf):
    doc = demo_quote(language="it", lines=500)
    assert len(long_quote_pdf.pages) >= 10
    for number, text in enumerate(long_quote_pdf.pages, start=1):
        assert "Emiliana Forniture S.r.l." in text and "P.IVA IT02345670375" in text, f"page {number}"
    skus = {printed.sku for printed in doc.lines}
    pages_with_lines = [text for text in long_quote_pdf.pages if re.search(r"^\S+-\d+ ", text, re.M)]
    assert len(pages_with_lines) >= len(long_quote_pdf.pages) - 1
    for text in pages_with_lines:
        rows = text.splitlines()
        assert rows.count(IT_HEADER) == 1, "the column header repeats once per page, never mid-page"
        below_header = rows[rows.index(IT_HEADER) + 1]
        assert below_header.split(" ", 1)[0] in skus, "the column header sits right on top of the lines"
    starts = [row.split(" ", 1)[0] for row in long_quote_pdf.lines]
    for printed in doc.lines:
        assert starts.count(printed.sku) == 1, f"{printed.sku} printed {starts.count(printed.sku)} times"


def test_totals_and_signatures_stay_on_one_page(long_quote_pdf: ParsedPdf):
    last = long_quote_pdf.pages[-1]
    for label in ("Totale merce", "Totale documento", "Aliquota IVA", "Timbro e firma per accettazione",
                  "Per Emiliana Forniture S.r.l."):
        assert label in last
    with_totals = [n for n, text in enumerate(long_quote_pdf.pages) if "Totale documento" in text]
    assert with_totals == [len(long_quote_pdf.pages) - 1]


def test_long_descriptions_wrap_inside_their_column():
    words = " ".join(f"parola{i}" for i in range(60))
    doc = quote(lines=(line("LONG-1", words), line("NEXT-2", "Breve")))
    parsed = render_and_parse(doc)
    left = MARGIN_X + LINE_COLUMN_WIDTHS[0]
    right = left + LINE_COLUMN_WIDTHS[1]
    placed = [w for w in parsed.words[0] if w["text"].startswith("parola")]
    assert len(placed) == 60
    assert all(left <= w["x0"] and w["x1"] <= right for w in placed), "description spills out of its column"
    tops = sorted({round(w["top"]) for w in placed})
    assert len(tops) >= 4, "a long description should wrap over several lines"
    next_row = next(w for w in parsed.words[0] if w["text"] == "NEXT-2")
    assert next_row["top"] > tops[-1], "the next row must start below the wrapped description"
    first_line_figures = [w for w in parsed.words[0] if w["text"] == "10,00" and abs(w["top"] - tops[0]) < 2]
    assert len(first_line_figures) == 3, "unit price, net price and amount sit on the row's first line"
    assert all(w["x0"] > right for w in first_line_figures), "figures stay in their own columns"


def test_a_description_longer_than_a_page_splits_across_pages():
    essay = " ".join(f"voce{i}" for i in range(1500))
    parsed = parse_pdf(render_document(quote(lines=(line("HUGE-1", essay), line("AFTER-2")))))
    assert len(parsed.pages) >= 3
    seen = [w["text"] for page in parsed.words for w in page if w["text"].startswith("voce")]
    assert seen == [f"voce{i}" for i in range(1500)]
    assert any(row.startswith("AFTER-2 ") for row in parsed.lines)
    for text in parsed.pages:
        assert text.count("Codice Descrizione") <= 1


def test_a_word_longer_than_the_column_is_broken_not_spilled():
    token = "X" * 2500
    parsed = render_and_parse(quote(lines=(line("WORD-1", token),)))
    left = MARGIN_X + LINE_COLUMN_WIDTHS[0]
    right = left + LINE_COLUMN_WIDTHS[1]
    xs = [c for page in parsed.chars for c in page if c["text"] == "X" and abs(c["size"] - 8) < 0.01]
    assert len(xs) == 2500
    assert all(left <= c["x0"] and c["x1"] <= right + 0.5 for c in xs)


def big_glyphs(parsed: ParsedPdf, page: int) -> str:
    return "".join(c["text"] for c in parsed.chars[page] if c["size"] > 60)


def test_drafts_carry_a_watermark_on_every_page_and_other_documents_do_not():
    draft = parse_pdf(render_document(quote(status="draft", line_count=60)), with_chars=True)
    assert len(draft.pages) >= 2
    for page in range(len(draft.pages)):
        assert big_glyphs(draft, page) == "BOZZA"
    english_draft = parse_pdf(render_document(quote(status="Draft", language="en")), with_chars=True)
    assert big_glyphs(english_draft, 0) == "DRAFT"
    sent = parse_pdf(render_document(quote(status="sent")), with_chars=True)
    assert all(big_glyphs(sent, page) == "" for page in range(len(sent.pages)))
    assert "BOZZA" not in sent.text


def _fonts(reader: pypdf.PdfReader) -> dict[str, pypdf.generic.DictionaryObject]:
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def test_every_font_is_embedded(italian_pdf: ParsedPdf):
    fonts = _fonts(pypdf.PdfReader(io.BytesIO(italian_pdf.data)))
    assert fonts, "the PDF should use fonts"
    for name, font in fonts.items():
        descriptors = [font.get("/FontDescriptor")]
        for descendant in font.get("/DescendantFonts", []):
            descriptors.append(descendant.get_object().get("/FontDescriptor"))
        descriptors = [d.get_object() for d in descriptors if d is not None]
        assert descriptors, f"{name} has no font descriptor: it is not embedded"
        assert any("/FontFile2" in d for d in descriptors), f"{name} is not an embedded TrueType font"
    faces = {name.split("+", 1)[-1] for name in fonts}
    assert {"DejaVuSansCondensed", "DejaVuSansCondensed-Bold"} <= faces


def test_header_without_logo_prints_the_company_name():
    company = demo_company(with_logo=False)
    parsed = render_and_parse(quote(company=company))
    assert parsed.pages[0].startswith("Emiliana Forniture S.r.l.")
    assert len(pypdf.PdfReader(io.BytesIO(parsed.data)).pages[0].images) == 0
    with_logo = pypdf.PdfReader(io.BytesIO(render_document(quote())))
    assert all(len(page.images) == 1 for page in with_logo.pages)


def test_a_damaged_logo_is_reported_not_printed_blank():
    broken = PrintCompany(name="ACME", logo_png=b"\x89PNG\r\n\x1a\n" + b"not really an image")
    with pytest.raises(LogoError, match="logo"):
        render_document(quote(company=broken))


def test_rendering_is_deterministic():
    doc = quote(lines=(line("A", quantity="2", price=str(Decimal("1.50"))),))
    assert render_document(doc) == render_document(doc)
