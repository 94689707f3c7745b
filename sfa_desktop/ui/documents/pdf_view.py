"""The PDF of a quote or order inside the app: rendered by the core, pages rasterised with pypdfium2.

The core renders the document (operations.printing + pdf.render_document -> bytes) on the replica
worker, which also rasterises the pages (pypdfium2, no Qt); the GUI thread only wraps the pixels in
QImages. Printing paints the pages at the printer's resolution through QPrinter.
"""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from sfa_desktop.i18n import _
from sfa_desktop.operations.printing import build_print_document
from sfa_desktop.pdf import render_document

#: Preview resolution (points -> pixels): 1.4 x 72 dpi is about 100 dpi, sharp on a laptop screen.
PREVIEW_SCALE = 1.4


@dataclass(frozen=True)
class PageImage:
    width: int
    height: int
    rgb: bytes


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    pages: tuple[PageImage, ...]


def rasterise(pdf: bytes, scale: float = PREVIEW_SCALE) -> tuple[PageImage, ...]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            image = page.render(scale=scale).to_pil().convert("RGB")
            pages.append(PageImage(image.width, image.height, image.tobytes("raw", "RGB")))
            page.close()
        return tuple(pages)
    finally:
        document.close()


def render_for_preview(session, reference: str) -> RenderedDocument:
    """On the worker: the document's PDF and its pages as pixels (language: the customer's)."""
    pdf = render_document(build_print_document(session, reference=reference))
    return RenderedDocument(pdf, rasterise(pdf))


def to_qimage(page: PageImage) -> QImage:
    return QImage(page.rgb, page.width, page.height, page.width * 3, QImage.Format.Format_RGB888).copy()


class PdfPreview(QScrollArea):
    """The pages one under the other, scrolled with the keyboard (PgUp/PgDn, arrows)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdf_preview")
        self.setAccessibleName(_("PDF preview"))
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setWidget(self._inner)
        self.page_labels: list[QLabel] = []
        self.rendered: RenderedDocument | None = None

    def show_document(self, rendered: RenderedDocument) -> None:
        self.rendered = rendered
        for label in self.page_labels:
            label.deleteLater()
        self.page_labels = []
        for n, page in enumerate(rendered.pages, start=1):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(to_qimage(page)))
            label.setAccessibleName(_("Page") + f" {n}")
            self._layout.addWidget(label)
            self.page_labels.append(label)


def print_pdf(printer: QPrinter, pdf: bytes) -> int:
    """Paint every page of `pdf` on `printer` at its resolution; returns the pages printed."""
    dpi = printer.resolution()
    pages = rasterise(pdf, scale=dpi / 72)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for n, page in enumerate(pages):
            if n:
                printer.newPage()
            image = to_qimage(page)
            target = printer.pageLayout().paintRectPixels(dpi)
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(0, 0, size.width(), size.height()), image)
    finally:
        painter.end()
    return len(pages)
