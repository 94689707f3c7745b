"""What every page carries: company header, draft watermark, and the "Page X of Y" footer.

The footer needs the page count, known only at the end: NumberedCanvas keeps each page's drawing
state and paints the footers in save() (the classic two-pass reportlab recipe).
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from typing import Any

from PIL import Image as PILImage
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import inch, mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from sfa_desktop.pdf import fonts
from sfa_desktop.pdf.document import PrintCompany

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 15 * mm
HEADER_TOP = 12 * mm
HEADER_GAP = 6 * mm
FOOTER_HEIGHT = 20 * mm
LOGO_MAX_WIDTH = 50 * mm
LOGO_MAX_HEIGHT = 20 * mm
_LOGO_DPI = 300

INK = HexColor("#1f2933")
MUTED = HexColor("#616e7c")
RULE = HexColor("#9aa5b1")
ACCENT = HexColor("#1c4e80")

_NAME_SIZE, _NAME_LEADING = 10.5, 13
_DETAIL_SIZE, _DETAIL_LEADING = 7.5, 9.2
_FOOTER_SIZE = 7


class LogoError(ValueError):
    """The company logo in the settings cannot be drawn."""


@dataclass(frozen=True, slots=True)
class PageDecor:
    """Everything the page furniture needs, computed once per document."""

    company_name: str
    detail_lines: tuple[str, ...]
    footer_left: str
    footer_company: str
    page_label: str  # with {page} and {pages}
    watermark: str | None
    logo: ImageReader | None
    logo_size: tuple[float, float]
    header_height: float

    @property
    def frame_top_margin(self) -> float:
        return HEADER_TOP + self.header_height + HEADER_GAP


def make_page_decor(
    *,
    company: PrintCompany,
    labels: Any,
    footer_left: str,
    watermark: str | None,
) -> PageDecor:
    details: list[str] = [line for line in company.address_lines if line.strip()]
    fiscal = "  ".join(
        part
        for part in (
            f"{labels['vat_number']} {company.vat_number}" if company.vat_number else "",
            f"{labels['tax_code']} {company.tax_code}" if company.tax_code and company.tax_code
            != company.vat_number else "",
        )
        if part
    )
    contact = "  ·  ".join(
        part for part in (f"{labels['phone']} {company.phone}" if company.phone else "", company.email,
                          company.website) if part
    )
    details += [line for line in (fiscal, contact) if line]
    logo, logo_size = _load_logo(company.logo_png)
    text_height = _NAME_LEADING + _DETAIL_LEADING * len(details)
    footer_company = "  ·  ".join(
        part
        for part in (
            company.name,
            f"{labels['vat_number']} {company.vat_number}" if company.vat_number else "",
            f"{labels['iban']} {company.iban}" if company.iban else "",
        )
        if part
    )
    return PageDecor(
        company_name=company.name,
        detail_lines=tuple(details),
        footer_left=footer_left,
        footer_company=footer_company,
        page_label=labels["page"],
        watermark=watermark,
        logo=logo,
        logo_size=logo_size,
        header_height=max(text_height, logo_size[1]),
    )


@functools.lru_cache(maxsize=4)
def _load_logo(png: bytes | None) -> tuple[ImageReader | None, tuple[float, float]]:
    """The logo scaled to fit its box; pixels beyond 300 dpi at that size are dropped (smaller PDFs)."""
    if png is None:
        return None, (0.0, 0.0)
    try:
        image = PILImage.open(io.BytesIO(png))
        image.load()
    except Exception as exc:  # Pillow raises many types for a corrupt image
        raise LogoError(f"the company logo cannot be read as a PNG image: {exc}") from exc
    width, height = image.size
    if width <= 0 or height <= 0:
        raise LogoError("the company logo has no pixels")
    scale = min(LOGO_MAX_WIDTH / width, LOGO_MAX_HEIGHT / height)
    print_size = (width * scale, height * scale)
    max_pixels = round(print_size[0] / inch * _LOGO_DPI)
    if width > max_pixels:
        image = image.resize((max_pixels, max(1, round(height * max_pixels / width))), PILImage.LANCZOS)
        resized = io.BytesIO()
        image.save(resized, format="PNG")
        png = resized.getvalue()
    # From PNG bytes reportlab copies the compressed data as is: smaller and faster than raw pixels.
    return ImageReader(io.BytesIO(png)), print_size


def draw_page(canvas: Canvas, decor: PageDecor) -> None:
    """The company header, drawn when a page begins."""
    canvas.saveState()
    top = PAGE_HEIGHT - HEADER_TOP
    right = PAGE_WIDTH - MARGIN_X
    if decor.logo is not None:
        width, height = decor.logo_size
        canvas.drawImage(decor.logo, MARGIN_X, top - height, width, height, mask="auto")
        name_x, align_right = right, True
    else:
        name_x, align_right = MARGIN_X, False
    baseline = top - _NAME_SIZE
    canvas.setFillColor(ACCENT)
    canvas.setFont(fonts.BOLD, _NAME_SIZE)
    _draw_text(canvas, name_x, baseline, decor.company_name, align_right)
    canvas.setFillColor(MUTED)
    canvas.setFont(fonts.REGULAR, _DETAIL_SIZE)
    baseline -= _NAME_LEADING - _NAME_SIZE + _DETAIL_SIZE + 1.5
    for line in decor.detail_lines:
        _draw_text(canvas, name_x, baseline, line, align_right)
        baseline -= _DETAIL_LEADING
    rule_y = top - decor.header_height - HEADER_GAP / 2
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN_X, rule_y, right, rule_y)
    canvas.restoreState()


def _draw_text(canvas: Canvas, x: float, y: float, text: str, align_right: bool) -> None:
    if align_right:
        canvas.drawRightString(x, y, text)
    else:
        canvas.drawString(x, y, text)


def _draw_watermark(canvas: Canvas, word: str) -> None:
    size = 110
    width = stringWidth(word, fonts.BOLD, size)
    canvas.saveState()
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(45)
    canvas.setFillColor(Color(0.78, 0.16, 0.16, alpha=0.13))
    canvas.setFont(fonts.BOLD, size)
    canvas.drawString(-width / 2, -size / 3, word)
    canvas.restoreState()


def draw_footer(canvas: Canvas, decor: PageDecor, *, page: int, pages: int) -> None:
    """Footer and watermark, drawn once the page is full: a translucent watermark over the content
    stays visible across the shaded table rows."""
    canvas.saveState()
    if decor.watermark:
        _draw_watermark(canvas, decor.watermark)
    right = PAGE_WIDTH - MARGIN_X
    rule_y = FOOTER_HEIGHT - 4 * mm
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN_X, rule_y, right, rule_y)
    canvas.setFillColor(MUTED)
    canvas.setFont(fonts.REGULAR, _FOOTER_SIZE)
    first = rule_y - _FOOTER_SIZE - 3
    canvas.drawString(MARGIN_X, first, decor.footer_left)
    canvas.drawString(MARGIN_X, first - _FOOTER_SIZE - 2.5, decor.footer_company)
    canvas.setFont(fonts.BOLD, _FOOTER_SIZE + 0.5)
    canvas.setFillColor(INK)
    canvas.drawRightString(right, first, decor.page_label.format(page=page, pages=pages))
    canvas.restoreState()


class NumberedCanvas(Canvas):
    """A canvas that holds pages back until save(), then stamps "Page X of Y" on each."""

    def __init__(self, *args: Any, decor: PageDecor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decor = decor
        self._page_states: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = len(self._page_states)
        for number, state in enumerate(self._page_states, start=1):
            self.__dict__.update(state)
            draw_footer(self, self._decor, page=number, pages=pages)
            super().showPage()
        super().save()
