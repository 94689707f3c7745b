"""Render a PrintDocument to PDF bytes or to a file, optionally followed by product tech sheets."""

from __future__ import annotations

import functools
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from sfa_desktop.pdf import fonts
from sfa_desktop.pdf.document import PrintDocument
from sfa_desktop.pdf.labels import labels_for
from sfa_desktop.pdf.layout import build_story, compute_totals, document_title
from sfa_desktop.pdf.page import (
    FOOTER_HEIGHT,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    NumberedCanvas,
    PageDecor,
    draw_page,
    make_page_decor,
)

__all__ = ["AttachmentError", "render_document", "render_to_file"]

_PDF_MAGIC = b"%PDF-"


class AttachmentError(ValueError):
    """A product document to append is not a readable PDF."""


def render_document(doc: PrintDocument, *, attachments: Sequence[bytes] = ()) -> bytes:
    """The quote or order as PDF bytes; `attachments` (PDF bytes) are appended in order."""
    if not isinstance(doc, PrintDocument):
        raise TypeError(f"expected a PrintDocument, got {type(doc).__name__}")
    _check_attachments(attachments)
    fonts.register_fonts()
    labels = labels_for(doc.language)
    totals = compute_totals(doc)
    title = document_title(doc, labels)
    decor = make_page_decor(
        company=doc.company,
        labels=labels,
        footer_left=f"{title}  ·  {doc.customer_name}",
        watermark=labels["draft"] if doc.is_draft else None,
    )
    buffer = io.BytesIO()
    template = _document_template(buffer, decor, title=title, author=doc.company.name,
                                  subject=doc.customer_name)
    canvasmaker = functools.partial(NumberedCanvas, decor=decor)
    template.build(build_story(doc, labels, totals), canvasmaker=canvasmaker)
    pdf = buffer.getvalue()
    if attachments:
        pdf = _append_attachments(pdf, attachments)
    return pdf


def render_to_file(doc: PrintDocument, path: str | os.PathLike[str], *,
                   attachments: Sequence[bytes] = ()) -> Path:
    """Render and write atomically: the file is either the complete new PDF or untouched."""
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"{target} is a folder; give a file name for the PDF")
    pdf = render_document(doc, attachments=attachments)
    folder = target.parent if str(target.parent) else Path(".")
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(pdf)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target


def _document_template(buffer: io.BytesIO, decor: PageDecor, *, title: str, author: str,
                       subject: str) -> BaseDocTemplate:
    top = decor.frame_top_margin
    frame = Frame(MARGIN_X, FOOTER_HEIGHT, PAGE_WIDTH - 2 * MARGIN_X, PAGE_HEIGHT - top - FOOTER_HEIGHT,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template = BaseDocTemplate(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=top,
        bottomMargin=FOOTER_HEIGHT,
        title=title,
        author=author,
        subject=subject,
        creator="sfa-desktop",
        invariant=True,
        # Otherwise every page references unembedded Helvetica in its preamble.
        initialFontName=fonts.REGULAR,
        initialFontSize=10,
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame],
                                            onPage=lambda canvas, _doc: draw_page(canvas, decor))])
    return template


def _check_attachments(attachments: Sequence[bytes]) -> None:
    if isinstance(attachments, (bytes, bytearray)):
        raise TypeError("attachments must be a sequence of PDF files (bytes), not one bytes object")
    for number, data in enumerate(attachments, start=1):
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"attachment {number} must be PDF bytes, got {type(data).__name__}")
        if not bytes(data[:1024]).lstrip().startswith(_PDF_MAGIC):
            raise AttachmentError(f"attachment {number} is not a PDF file")


def _append_attachments(pdf: bytes, attachments: Sequence[bytes]) -> bytes:
    # Imported here: pypdf is needed only when tech sheets are appended.
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for number, data in enumerate(attachments, start=1):
        try:
            reader = PdfReader(io.BytesIO(bytes(data)))
            if reader.is_encrypted:
                raise AttachmentError(f"attachment {number} is password-protected and cannot be appended")
            writer.append(reader)
        except AttachmentError:
            raise
        except (PyPdfError, ValueError, KeyError, TypeError) as exc:
            raise AttachmentError(f"attachment {number} is a damaged PDF: {exc}") from exc
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
