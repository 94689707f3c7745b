"""The Orders section: the agent's orders (drafts, submitted, decided) and the order editor."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.documents.page import DocumentsPage


def create(ctx: AppContext) -> QWidget:
    return DocumentsPage(ctx, "order")
