"""Lists of quotes and orders: search as you type, a status filter, sort by any column, empty states.

An IdTableModel over the core's read functions (read.documents quote_ids/quote_rows,
order_ids/order_rows); Enter or a double click opens the document.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.domain.lifecycle import OrderStatus, QuoteStatus, status_label
from sfa_desktop.i18n import N_, _
from sfa_desktop.operations.read.documents import order_ids, order_rows, quote_ids, quote_rows
from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.table_model import Column, IdTableModel


def _status(kind: str, row) -> str:
    return i18n.render(status_label(kind, row.status))


QUOTE_COLUMNS = (
    Column("number", N_("Number"), sort="number"),
    Column("revision", N_("Rev."), kind="number"),
    Column("customer_name", N_("Customer"), sort="customer"),
    Column("status", N_("Status"), sort="status", display=partial(_status, "quote_status")),
    Column("created_at", N_("Date"), kind="date", sort="date"),
    Column("valid_until", N_("Valid until"), kind="date", sort="valid_until"),
    Column("grand_total", N_("Total"), kind="money", sort="total"),
    Column("unsent", N_("To send"), display=lambda r: "⇅" if r.unsent else ""),
)
ORDER_COLUMNS = (
    Column("number", N_("Number"), sort="number"),
    Column("customer_name", N_("Customer"), sort="customer"),
    Column("status", N_("Status"), sort="status", display=partial(_status, "order_status")),
    Column("created_at", N_("Date"), kind="date", sort="date"),
    Column("grand_total", N_("Total"), kind="money", sort="total"),
    Column("decision_note", N_("Office's note")),
    Column("unsent", N_("In the outbox"), display=lambda r: "⇅" if r.unsent else ""),
)


class DocumentList(QWidget):
    """The quotes (kind "quote") or orders (kind "order") of the agent."""

    open_requested = Signal(str)
    new_requested = Signal()

    def __init__(self, ctx: AppContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.kind = ctx, kind
        self.setObjectName(f"{kind}_list")
        statuses = QuoteStatus if kind == "quote" else OrderStatus
        self.search = QLineEdit()
        self.search.setObjectName("document_search")
        self.search.setAccessibleName(_("Search"))
        self.search.setPlaceholderText(_("Number, or the customer's name, code, VAT number or city (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setObjectName("status_filter")
        self.status.setAccessibleName(_("Status"))
        self.status.addItem(_("Every status"), None)
        label_kind = "quote_status" if kind == "quote" else "order_status"
        for status in statuses:
            self.status.addItem(i18n.render(status_label(label_kind, status.value)), status.value)
        new = QPushButton(_("&New quote") if kind == "quote" else _("&New order"))
        new.setObjectName("new_document")
        new.setToolTip("Ctrl+N")
        new.clicked.connect(self.new_requested)
        columns, ids, rows, streams = ((QUOTE_COLUMNS, quote_ids, quote_rows, ("quotes",)) if kind == "quote" else
                                       (ORDER_COLUMNS, order_ids, order_rows, ("orders",)))
        self._ids_fn = ids
        self.model = IdTableModel(ctx.runner, columns, ids=self._query(), rows=rows, streams=streams,
                                  sort="date", descending=True, parent=self)
        ctx.bridge.streams_changed.connect(self.model.on_changes)
        self.table = QTableView()
        self.table.setObjectName("document_table")
        self.table.setAccessibleName(_("Quotes") if kind == "quote" else _("Orders"))
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3 if kind == "order" else 4, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2 if kind == "quote" else 1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, lambda: self._open_row(self.table.currentIndex().row()),
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self.table, lambda: self._open_row(self.table.currentIndex().row()),
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.empty = QLabel()
        self.empty.setObjectName("empty_state")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(lambda error: self._show_empty(i18n.error_text(error)))
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.reload)
        self.search.textEdited.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.table.setFocus)
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.status, 1)
        bar.addWidget(new)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self.setTabOrder(self.search, self.status)
        self.setTabOrder(self.status, self.table)
        self.model.reload()

    def _query(self):
        text = self.search.text().strip() or None
        status = self.status.currentData()
        fn = self._ids_fn
        return lambda s, **kw: fn(s, text=text, status=status, **kw)

    def reload(self) -> None:
        self.model.set_query(self._query())

    def _loaded(self, count: int) -> None:
        if count:
            self.empty.hide()
            self.table.show()
            if not self.table.currentIndex().isValid():
                self.table.setCurrentIndex(self.model.index(0, 0))
            return
        if self.search.text().strip() or self.status.currentData():
            self._show_empty(_("Nothing matches: change the search or the status filter."))
        elif self.kind == "quote":
            self._show_empty(_("No quotes yet. Press Ctrl+N to write one, or open a customer and start it there."))
        else:
            self._show_empty(_("No orders yet. Press Ctrl+N to write one, or convert a quote the customer accepted."))

    def _show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.empty.show()
        self.table.hide()

    def _open_row(self, row: int) -> None:
        row_id = self.model.id_at(row)
        if row_id:
            self.open_requested.emit(row_id)
