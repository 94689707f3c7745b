"""Small pieces the visit screens share: a keyboard-friendly table view, an empty state that says
what to do, a debounce timer for search as you type, and the opening of tel:/mailto: links."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QStackedWidget, QTableView, QWidget

#: Search as you type waits this long after the last key before it asks the replica.
DEBOUNCE_MS = 150
#: Rows measured (besides the ones shown) when a table's columns are fitted to their contents.
RESIZE_PRECISION = 100


class RecordTable(QTableView):
    """A read-only table of records: whole rows selected, Enter or a double click opens the current one."""

    activated_row = Signal(int)  # (row) Enter / Return / double click

    def __init__(self, model: QAbstractItemModel, *, name: str, accessible: str, parent: QWidget | None = None,
                 sortable: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table: the tab order stays the page's
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setHighlightSections(False)
        # Fitting columns to their contents measures the rows shown and this many more, not a
        # whole long history (the default is 1,000 rows, each cell formatted to be measured).
        self.horizontalHeader().setResizeContentsPrecision(RESIZE_PRECISION)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        if sortable:
            # The header sorts through the model (the read function's sort) and, unlike
            # setSortingEnabled, does not re-sort at once: a search keeps its relevance order.
            header = self.horizontalHeader()
            header.setSectionsClickable(True)
            header.setSortIndicatorShown(True)
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            header.sortIndicatorChanged.connect(model.sort)
        self.doubleClicked.connect(lambda index: self.activated_row.emit(index.row()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model().rowCount():
            index = self.model().index(row, 0)
            self.setCurrentIndex(index)
            self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def current_row(self) -> int | None:
        index = self.currentIndex()
        return index.row() if index.isValid() else None


class TableOrEmpty(QStackedWidget):
    """A table, or in its place a sentence saying why it is empty and what to do."""

    def __init__(self, table: QTableView, *, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.empty = QLabel()
        self.empty.setObjectName(name)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(24)
        self.addWidget(table)
        self.addWidget(self.empty)

    def show_table(self) -> None:
        self.setCurrentWidget(self.table)

    def show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.empty.setAccessibleName(text)
        self.setCurrentWidget(self.empty)

    @property
    def is_empty(self) -> bool:
        return self.currentWidget() is self.empty


def debouncer(parent: QObject, callback: Callable[[], None], ms: int = DEBOUNCE_MS) -> QTimer:
    """A single-shot timer restarted on each key: `callback` runs once the typing pauses."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(callback)
    return timer


def open_link(scheme: str, address: str) -> bool:
    """Call or write with the system's handler (tel:, mailto:); False when there is nothing to open."""
    address = (address or "").strip()
    if not address:
        return False
    if scheme == "tel":
        address = "".join(ch for ch in address if ch.isdigit() or ch == "+")
    return QDesktopServices.openUrl(QUrl(f"{scheme}:{address}"))


def first_index(model: QAbstractItemModel) -> QModelIndex:
    return model.index(0, 0) if model.rowCount() else QModelIndex()
