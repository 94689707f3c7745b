"""Quote and order PDF documents (reportlab), rendered offline from plain print records."""

from __future__ import annotations

from sfa_desktop.pdf.document import PrintAddress, PrintCompany, PrintDocument, PrintLine
from sfa_desktop.pdf.page import LogoError
from sfa_desktop.pdf.render import AttachmentError, render_document, render_to_file

__all__ = [
    "AttachmentError",
    "LogoError",
    "PrintAddress",
    "PrintCompany",
    "PrintDocument",
    "PrintLine",
    "render_document",
    "render_to_file",
]
