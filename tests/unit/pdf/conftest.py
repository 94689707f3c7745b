"""Module-scoped rendered documents shared by the PDF tests."""

from __future__ import annotations

import pytest

from sfa_desktop.pdf import PrintDocument

from .helpers import ParsedPdf, quote, render_and_parse


@pytest.fixture(scope="module")
def italian_quote() -> PrintDocument:
    return quote(language="it")


@pytest.fixture(scope="module")
def italian_pdf(italian_quote: PrintDocument) -> ParsedPdf:
    return render_and_parse(italian_quote)


@pytest.fixture(scope="module")
def english_pdf() -> ParsedPdf:
    return render_and_parse(quote(language="en"))
