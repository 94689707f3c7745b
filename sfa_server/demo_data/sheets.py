"""The demo's PDF product documents, drawn with reportlab: tech sheets and brand brochures.

Drawn on the canvas (no platypus) with the standard fonts and `invariant`, so a sheet takes about a
millisecond and the same article always gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from sfa_server.demo_data.vocabulary import COMPANY

RGB = tuple[int, int, int]
WIDTH, HEIGHT = A4
MARGIN = 42
DISCLAIMER = ("Documento dimostrativo generato per sfa-desktop: dati tecnici indicativi, non forniti dal "
              "produttore.")


def _fill(canvas: Canvas, colour: RGB) -> None:
    canvas.setFillColorRGB(*(c / 255 for c in colour))


def _header(canvas: Canvas, colour: RGB, kicker: str, title: str) -> None:
    _fill(canvas, colour)
    canvas.rect(0, HEIGHT - 92, WIDTH, 92, fill=1, stroke=0)
    light = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2] > 160  # white text would not read
    canvas.setFillColorRGB(*((0.1, 0.1, 0.1) if light else (1, 1, 1)))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(MARGIN, HEIGHT - 34, kicker.upper())
    canvas.setFont("Helvetica-Bold", 24)
    canvas.drawString(MARGIN, HEIGHT - 68, title)


def _footer(canvas: Canvas, page: int, pages: int) -> None:
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    canvas.setFont("Helvetica", 7.5)
    canvas.drawString(MARGIN, 30, f"{COMPANY['name']} - {COMPANY['website']}")
    canvas.drawString(MARGIN, 20, DISCLAIMER)
    canvas.drawRightString(WIDTH - MARGIN, 30, f"Pagina {page} di {pages}")


def _paragraph(canvas: Canvas, text: str, y: float, *, size: float = 10, font: str = "Helvetica") -> float:
    canvas.setFont(font, size)
    for part in simpleSplit(text, font, size, WIDTH - 2 * MARGIN):
        canvas.drawString(MARGIN, y, part)
        y -= size * 1.35
    return y


def _table(canvas: Canvas, rows: Sequence[tuple[str, str]], y: float, colour: RGB, *,
           label_width: float = 190) -> float:
    """Label | value rows with alternating shading; long labels and values wrap within their column."""
    value_width = WIDTH - 2 * MARGIN - label_width - 12
    for n, (label, value) in enumerate(rows):
        labels = simpleSplit(label, "Helvetica-Bold", 9.5, label_width - 8) or [""]
        values = simpleSplit(value, "Helvetica", 9.5, value_width) or [""]
        height = 6 + 12 * max(len(labels), len(values))
        if n % 2 == 0:
            _fill(canvas, tuple(255 - (255 - c) // 8 for c in colour))
            canvas.rect(MARGIN, y - height + 9, WIDTH - 2 * MARGIN, height, fill=1, stroke=0)
        canvas.setFillColorRGB(0.1, 0.1, 0.1)
        canvas.setFont("Helvetica-Bold", 9.5)
        for k, text in enumerate(labels):
            canvas.drawString(MARGIN + 6, y - 12 * k, text)
        canvas.setFont("Helvetica", 9.5)
        for k, text in enumerate(values):
            canvas.drawString(MARGIN + label_width + 6, y - 12 * k, text)
        y -= height
    return y


def _canvas(buffer: io.BytesIO, title: str, author: str, subject: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator("sfa-server demo-data")
    return canvas


def tech_sheet(*, name: str, brand: str, sku: str, barcode: str, category: str, colour: RGB,
               specs: Sequence[tuple[str, str]], sale: Sequence[tuple[str, str]],
               advice: Sequence[str] = ()) -> bytes:
    """'Scheda tecnica': the article, its technical data and how it is sold; with `advice`, a second
    page of installation notes."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer, f"Scheda tecnica {sku}", brand, name)
    pages = 2 if advice else 1
    _header(canvas, colour, f"Scheda tecnica - {category}", brand)
    canvas.setFillColorRGB(0.1, 0.1, 0.1)
    y = _paragraph(canvas, name, HEIGHT - 126, size=15, font="Helvetica-Bold")
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    y = _paragraph(canvas, f"Codice articolo {sku}    EAN {barcode}", y - 2, size=9.5)
    canvas.setFillColorRGB(0.1, 0.1, 0.1)
    y = _paragraph(canvas, "Dati tecnici", y - 14, size=12, font="Helvetica-Bold")
    y = _table(canvas, specs, y - 4, colour)
    y = _paragraph(canvas, "Confezione e vendita", y - 18, size=12, font="Helvetica-Bold")
    _table(canvas, sale, y - 4, colour)
    _footer(canvas, 1, pages)
    if advice:
        canvas.showPage()
        _header(canvas, colour, f"Scheda tecnica - {sku}", "Installazione e avvertenze")
        canvas.setFillColorRGB(0.1, 0.1, 0.1)
        y = HEIGHT - 126
        for text in advice:
            y = _paragraph(canvas, text, y) - 8
        _footer(canvas, 2, pages)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def brochure(*, brand: str, year: int, colour: RGB, lines: Sequence[tuple[str, str]],
             articles: Sequence[tuple[str, str]]) -> bytes:
    """A brand's catalogue: a cover with the product lines the wholesaler stocks, then articles."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer, f"Catalogo {brand} {year}", brand, f"Gamma {brand} disponibile")
    _header(canvas, colour, f"Catalogo {year}", brand)
    canvas.setFillColorRGB(0.1, 0.1, 0.1)
    y = _paragraph(canvas, f"La gamma {brand} disponibile a magazzino presso {COMPANY['name']}: "
                           "prezzi e disponibilità aggiornati nell'app dell'agente.", HEIGHT - 126, size=11)
    y = _paragraph(canvas, "Linee di prodotto", y - 12, size=12, font="Helvetica-Bold")
    _table(canvas, lines, y - 4, colour, label_width=300)
    _footer(canvas, 1, 2)
    canvas.showPage()
    _header(canvas, colour, f"Catalogo {year} - {brand}", "Articoli a catalogo")
    _table(canvas, articles, HEIGHT - 126, colour, label_width=80)
    _footer(canvas, 2, 2)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
