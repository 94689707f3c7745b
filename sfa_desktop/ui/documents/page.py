"""The Quotes and Orders sections: the list, and the editor opened over it (Esc goes back)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QStackedWidget, QWidget

from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.documents.actions import DocumentActions
from sfa_desktop.ui.documents.editor import DocumentEditor
from sfa_desktop.ui.documents.lists import DocumentList


class DocumentsPage(QStackedWidget):
    def __init__(self, ctx: AppContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.kind = ctx, kind
        self.setObjectName(f"{kind}s_page")
        self.list = DocumentList(ctx, kind)
        self.editor = DocumentEditor(ctx, kind)
        self.actions = DocumentActions(self.editor)
        self.addWidget(self.list)
        self.addWidget(self.editor)
        self.list.open_requested.connect(self.show_target)
        self.list.new_requested.connect(lambda: self.show_target("new:"))
        QShortcut(QKeySequence("Ctrl+N"), self, lambda: self.show_target("new:"),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+F"), self, self.focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+S"), self.editor, lambda: self.editor.save_now(),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.editor, self.back_to_list,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def show_target(self, target_id: str) -> None:
        """A document id opens it; "new:<customer id>" (or "new:") starts a new draft."""
        if target_id.startswith("new:"):
            self.editor.save_now()
            self.setCurrentWidget(self.editor)
            self.editor.start_new(target_id[4:] or None)
        else:
            self.setCurrentWidget(self.editor)
            self.editor.open_document(target_id)

    def back_to_list(self) -> None:
        self.editor.save_now()
        self.setCurrentWidget(self.list)
        self.list.table.setFocus()

    def focus_search(self) -> None:
        if self.currentWidget() is self.editor:
            self.editor.entry.edit.setFocus()
        else:
            self.list.search.setFocus()
            self.list.search.selectAll()

    def can_close(self) -> bool:
        self.editor.save_now()
        return not self.editor.has_unsaved_input
