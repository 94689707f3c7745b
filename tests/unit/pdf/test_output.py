"""Writing the PDF: tech sheets appended after the quote, atomic files, bad attachments refused."""

from __future__ import annotations

import io

import pypdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from sfa_desktop.pdf import AttachmentError, render_document, render_to_file

from .helpers import parse_pdf, quote


def tech_sheet(title: str, pages: int) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in range(1, pages + 1):
        canvas.drawString(72, 720, f"{title} sheet page {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return render_document(quote())


def test_tech_sheets_are_appended_in_order(plain_pdf: bytes):
    base_pages = len(pypdf.PdfReader(io.BytesIO(plain_pdf)).pages)
    merged = render_document(quote(), attachments=[tech_sheet("Drill", 2), tech_sheet("Gloves", 1)])
    parsed = parse_pdf(merged)
    assert len(parsed.pages) == base_pages + 3
    assert parsed.pages[base_pages:] == ("Drill sheet page 1", "Drill sheet page 2", "Gloves sheet page 1")
    assert parsed.pages[0] == parse_pdf(plain_pdf).pages[0]


@pytest.mark.parametrize(
    ("attachments", "error", "message"),
    [
        ([b"hello, not a pdf"], AttachmentError, "attachment 1 is not a PDF"),
        ([tech_sheet("ok", 1), b"%PDF-1.4\n garbage with no objects"], AttachmentError,
         "attachment 2 is a damaged"),
        ([tech_sheet("ok", 1), "sheet.pdf"], TypeError, "attachment 2 must be PDF bytes"),
        (b"%PDF-1.4", TypeError, "sequence"),
    ],
)
def test_bad_attachments_are_refused_with_their_position(attachments, error, message):
    with pytest.raises(error, match=message):
        render_document(quote(), attachments=attachments)


def test_render_to_file_writes_the_pdf(tmp_path, plain_pdf: bytes):
    target = render_to_file(quote(), tmp_path / "Q-2026-0142.pdf")
    assert target.read_bytes() == plain_pdf
    assert [p.name for p in tmp_path.iterdir()] == ["Q-2026-0142.pdf"]


def test_a_failed_render_leaves_the_previous_file_untouched(tmp_path):
    target = tmp_path / "offerta.pdf"
    target.write_bytes(b"previous version")
    with pytest.raises(AttachmentError):
        render_to_file(quote(), target, attachments=[b"not a pdf"])
    assert target.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["offerta.pdf"]


def test_render_to_file_refuses_a_folder_and_a_missing_folder(tmp_path):
    with pytest.raises(IsADirectoryError, match="folder"):
        render_to_file(quote(), tmp_path)
    with pytest.raises(FileNotFoundError):
        render_to_file(quote(), tmp_path / "missing" / "q.pdf")


def test_render_document_wants_a_print_document():
    with pytest.raises(TypeError, match="PrintDocument"):
        render_document({"number": "Q-1"})  # type: ignore[arg-type]


def test_a_broken_installation_without_fonts_says_so(monkeypatch, tmp_path):
    from sfa_desktop.pdf import fonts

    monkeypatch.setattr(fonts, "_registered", False)
    monkeypatch.setattr(fonts, "fonts_dir", lambda: tmp_path)
    with pytest.raises(fonts.FontsMissingError, match=r"DejaVuSansCondensed\.ttf"):
        render_document(quote())


def test_the_shipped_fonts_carry_their_license():
    from sfa_desktop.pdf import fonts

    folder = fonts.fonts_dir()
    assert sorted(p.name for p in folder.glob("*.ttf")) == sorted(fonts._FILES.values())
    assert "Bitstream" in (folder / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
