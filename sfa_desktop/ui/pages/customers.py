"""The Customers section: the portfolio as a lazy list with search and filters, and the 360° view
of one customer (Enter opens it, Esc comes back), the new prospect (Ctrl+N) and the offline edit."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from sfa_desktop.i18n import _, error_text, ngettext, tr
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.operations.read.customers import customer_rows
from sfa_desktop.ui.customers.columns import CUSTOMER_COLUMNS
from sfa_desktop.ui.customers.edit_dialog import CustomerEditDialog
from sfa_desktop.ui.customers.filters import CustomerFilters, CustomerQuery
from sfa_desktop.ui.customers.prospect_dialog import ProspectDialog
from sfa_desktop.ui.customers.view360 import Customer360View
from sfa_desktop.ui.table_model import IdTableModel
from sfa_desktop.ui.tables import RecordTable, TableOrEmpty

#: The streams whose changes can alter what the list or the 360 shows.
STREAMS = ("customers", "addresses", "contacts", "open_items", "orders", "quotes", "activities", "deals",
           "customer_ranks")


#: Widths of the list's columns at 1280x800 (name, code, city, prov., segment, status, balance,
#: overdue, available, last order; last visit takes the rest): the rows are lazy, so not measured.
COLUMN_WIDTHS = (250, 80, 120, 45, 165, 115, 100, 100, 150, 95)


class CustomersPage(QWidget):
    """List and 360 in a stack; `show_target(customer_id)` opens one customer from anywhere."""

    #: (customer_id) the 360 of this customer was asked for.
    customer_opened = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("customers_page")
        self.setAccessibleName(_("Customers"))
        self._pending_target: str | None = None

        self.filters = CustomerFilters(ctx)
        self.query = CustomerQuery()
        self.model = IdTableModel(ctx.runner, CUSTOMER_COLUMNS, ids=self.query.ids, rows=customer_rows,
                                  streams=("customers", "open_items", "orders", "activities", "addresses"),
                                  parent=self)
        self.table = RecordTable(self.model, name="customer_list", accessible=_("Customers"), sortable=True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.list_area = TableOrEmpty(self.table, name="customer_empty")
        self.count = QLabel()
        self.count.setObjectName("customer_count")
        self.new_prospect = QPushButton(_("New prospect…"))
        self.new_prospect.setObjectName("customer_new_prospect")
        self.new_prospect.setAccessibleName(_("New prospect"))
        self.new_prospect.setToolTip(_("Bring in a new prospect, offline (Ctrl+N)"))
        self.clear_filters = QPushButton(_("Show all customers"))
        self.clear_filters.setObjectName("customer_clear_filters")
        self.clear_filters.setAccessibleName(_("Show all customers"))

        top = QHBoxLayout()
        top.addWidget(self.filters.search, 1)
        top.addWidget(self.new_prospect)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.clear_filters)
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.addLayout(top)
        list_layout.addWidget(self.filters)
        list_layout.addWidget(self.list_area, 1)
        list_layout.addLayout(bottom)

        self.view = Customer360View(ctx)
        self.stack = QStackedWidget()
        self.stack.addWidget(list_page)
        self.stack.addWidget(self.view)
        QVBoxLayout(self).addWidget(self.stack)
        self.layout().setContentsMargins(0, 0, 0, 0)

        order = [*self.filters.controls()[:1], self.new_prospect, *self.filters.controls()[1:], self.table,
                 self.clear_filters]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)

        self.filters.changed.connect(self._filter)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self._failed)
        self.table.activated_row.connect(self._open_row)
        self.new_prospect.clicked.connect(self.open_prospect_dialog)
        self.clear_filters.clicked.connect(self.filters.clear)
        self.view.back_requested.connect(self.show_list)
        self.view.edit_requested.connect(self.open_edit_dialog)
        ctx.bridge.streams_changed.connect(self._changed)
        self.filters.search.installEventFilter(self)

        QShortcut(QKeySequence("Ctrl+N"), self, self.open_prospect_dialog,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+F"), self, self.focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.view, self.show_list,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_F2), self.view, self.view.edit.click,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.filters.load_choices()
        self.model.reload()

    # ------------------------------------------------------------------ page protocol

    def show_target(self, target_id: str) -> None:
        """Open the 360 of this customer."""
        self.open_customer(target_id)

    def focus_search(self) -> None:
        self.show_list()
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def can_close(self) -> bool:
        return True

    # ------------------------------------------------------------------ list

    def eventFilter(self, watched: Any, event: Any) -> bool:
        # Down from the search field goes to the results: type, arrow down, Enter.
        if watched is self.filters.search and event.type() == event.Type.KeyPress and \
                event.key() == Qt.Key.Key_Down and self.model.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.select_row(0)
            return True
        return super().eventFilter(watched, event)

    def _filter(self) -> None:
        self.query = self.filters.query()
        self.model.set_query(self.query.ids)

    def _loaded(self, count: int) -> None:
        self.count.setText(tr(ngettext("{n:number} customer", "{n:number} customers", count), n=count))
        self.clear_filters.setVisible(self.query.filtered or bool(self.query.text))
        if count:
            self.list_area.show_table()
            if not self.table.currentIndex().isValid():
                self.table.select_row(0)
            return
        if self.query.text or self.query.filtered:
            self.list_area.show_empty(_("No customer matches. Check the spelling, search by VAT number or ERP "
                                        "code, or press \"Show all customers\" to clear the filters. "
                                        "A new company? Bring it in as a prospect (Ctrl+N)."))
        else:
            self.list_area.show_empty(_("No customers on this computer yet: sync (F5) to receive your "
                                        "portfolio, or bring in a prospect (Ctrl+N)."))

    def _failed(self, error: BaseException) -> None:
        self.list_area.show_empty(error_text(error))

    def _open_row(self, row: int) -> None:
        customer_id = self.model.id_at(row)
        if customer_id:
            self.open_customer(customer_id)

    def open_customer(self, customer_id: str) -> None:
        self.stack.setCurrentWidget(self.view)
        self.view.show_customer(customer_id)
        self.view.tabs.setFocus()
        self.customer_opened.emit(customer_id)

    def show_list(self) -> None:
        if self.stack.currentWidget() is self.view:
            self.stack.setCurrentIndex(0)
            row = self.model.row_of(self.view.customer_id or "")
            if row is not None:
                self.table.select_row(row)
            self.table.setFocus()

    def _changed(self, changes: Changes) -> None:
        self.model.on_changes(changes)
        if changes.touches("customers", "addresses"):
            self.filters.load_choices()
        if self.stack.currentWidget() is self.view and changes.touches(*STREAMS):
            self.view.reload()

    # ------------------------------------------------------------------ dialogs

    def open_prospect_dialog(self) -> ProspectDialog:
        dialog = ProspectDialog(self.ctx, self)
        dialog.created.connect(self.open_customer)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()
        return dialog

    def open_edit_dialog(self, customer: Any) -> CustomerEditDialog:
        dialog = CustomerEditDialog(self.ctx, customer, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()
        return dialog


def create(ctx: Any) -> CustomersPage:
    return CustomersPage(ctx)
