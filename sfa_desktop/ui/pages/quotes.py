"""The Quotes section: the agent's quotes and the quote editor."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.documents.page import DocumentsPage


def create(ctx: AppContext) -> QWidget:
    return DocumentsPage(ctx, "quote")
