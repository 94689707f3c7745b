"""The Catalog section: search as you type over the whole catalog (a lazy list: 50,000 products
scroll without being read), filters, the customer being visited, and the product's detail beside it."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from sfa_desktop.i18n import N_, _, error_text, ngettext, render, tr
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.operations.read.catalog import product_rows
from sfa_desktop.ui.catalog.customer_chooser import CustomerChooser
from sfa_desktop.ui.catalog.detail import ProductDetailView
from sfa_desktop.ui.catalog.filters import CatalogFilters, ProductQuery
from sfa_desktop.ui.catalog.model import CatalogModel
from sfa_desktop.ui.table_model import Column, format_cell
from sfa_desktop.ui.tables import RecordTable, TableOrEmpty, debouncer

#: How long after a search's results the first row's detail is read.
SETTLE_MS = 400
#: Rows read at a time as the list scrolls: a screenful and some, priced for the customer.
BATCH = 60


def _price(row: Any) -> str:
    if row.price is None:
        return ""
    return f"{format_cell(row.price, 'price')}"


def _price_tip(row: Any) -> str | None:
    if row.price is None:
        return render(row.price_problem) if row.price_problem else None
    return tr("List {code}, for {n:qty} {unit}", code=row.price_list_code or "", n=row.price_quantity or 1,
              unit=row.unit)


PRODUCT_COLUMNS = (
    Column("sku", N_("SKU"), sort="sku"),
    Column("name", N_("Product"), sort="name"),
    Column("brand", N_("Brand"), sort="brand"),
    Column("category", N_("Category"), sort="category"),
    Column("unit", N_("Unit")),
    Column("available", N_("Available"), "qty", sort="available",
           display=lambda r: format_cell(r.available, "qty") if r.available is not None else "—"),
    Column("price", N_("Customer price"), "price", display=_price, tooltip=_price_tip),
)


#: Widths at 1280x800 with the detail beside (SKU, product, brand, category, unit, available).
COLUMN_WIDTHS = (90, 150, 75, 75, 40, 70, 95)  # fits the list beside the detail at 1280 px


class CatalogPage(QWidget):
    """List on the left, detail on the right; the current row's detail follows the arrows."""

    product_shown = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("catalog_page")
        self.setAccessibleName(_("Catalog"))
        self.filters = CatalogFilters(ctx)
        self.chooser = CustomerChooser(ctx)
        self.query = ProductQuery()
        self.customer_id: str | None = None
        self.model = CatalogModel(ctx.runner, PRODUCT_COLUMNS, ids=self.query.ids, rows=self._rows,
                                  streams=("products", "stock_levels", "price_lists", "price_list_items"),
                                  parent=self, batch=BATCH)
        self.table = RecordTable(self.model, name="product_list", accessible=_("Products"), sortable=True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.list_area = TableOrEmpty(self.table, name="catalog_empty")
        self.count = QLabel()
        self.count.setObjectName("catalog_count")
        self.clear_filters = QPushButton(_("Show the whole catalog"))
        self.clear_filters.setObjectName("catalog_clear_filters")
        self.clear_filters.setAccessibleName(_("Show the whole catalog"))
        self.detail = ProductDetailView(ctx)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.chooser)
        left_layout.addWidget(self.filters.search)
        left_layout.addWidget(self.filters)
        left_layout.addWidget(self.list_area, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.clear_filters)
        left_layout.addLayout(bottom)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("catalog_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([660, 620])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        order = [self.chooser.edit, self.chooser.clear, *self.filters.controls(), self.table, self.clear_filters,
                 self.detail]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)

        self._follow = debouncer(self, self._show_current, 80)
        # After a search the first row's detail waits for the typing to settle: a detail read on
        # the one replica worker must not delay the next keystroke's results.
        self._settle = debouncer(self, self._show_searched, SETTLE_MS)
        self.filters.changed.connect(self._filter)
        self.chooser.chosen.connect(self._customer_chosen)
        self.model.loaded.connect(self._loaded)
        self.model.completed.connect(self._counted)
        self.model.failed.connect(lambda error: self.list_area.show_empty(error_text(error)))
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._follow.start())
        self.table.activated_row.connect(lambda _row: self._show_current())
        self.clear_filters.clicked.connect(self.filters.clear)
        ctx.bridge.streams_changed.connect(self._changed)
        self.filters.search.installEventFilter(self)
        QShortcut(QKeySequence("Ctrl+F"), self, self.focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._escape,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.filters.load_choices()
        self.chooser.restore()
        self.model.reload()

    # ------------------------------------------------------------------ page protocol

    def show_target(self, target_id: str) -> None:
        """Show this product: in the list when it is there, its detail in any case."""
        row = self.model.row_of(target_id)
        if row is None and (self.query.text or self.query.filtered):
            self.filters.clear()
        if row is not None:
            self.table.select_row(row)
        self._follow.stop()  # the row asked for wins over the list's current row
        self._settle.stop()
        self.detail.show_product(target_id, self.customer_id)
        self.product_shown.emit(target_id)

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def can_close(self) -> bool:
        return True

    def showEvent(self, event: Any) -> None:
        # Another screen may have chosen the customer being visited meanwhile.
        if self.ctx.extras.get("visiting_customer_id") != self.customer_id:
            self.chooser.restore()
        super().showEvent(event)

    # ------------------------------------------------------------------ list

    def _rows(self, session: Any, ids: Any) -> list[Any]:
        return product_rows(session, ids, customer_id=self.customer_id)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.filters.search and event.type() == event.Type.KeyPress and \
                event.key() == Qt.Key.Key_Down and self.model.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.select_row(0)
            return True
        return super().eventFilter(watched, event)

    def _escape(self) -> None:
        if self.filters.search.hasFocus() and self.filters.search.text():
            self.filters.search.clear()
            self.filters.changed.emit()
        else:
            self.focus_search()

    def _filter(self) -> None:
        self._settle.stop()
        self.query = self.filters.query()
        self.model.set_query(self.query.ids)

    def _customer_chosen(self, customer_id: str | None) -> None:
        if customer_id == self.customer_id:
            return
        self.customer_id = customer_id
        customer = customer_id
        self.model.set_rows_function(lambda s, ids: product_rows(s, ids, customer_id=customer))
        if self.detail.product_id:
            self.detail.show_product(self.detail.product_id, customer_id)

    def _counted(self, count: int) -> None:
        self.count.setText(tr(ngettext("{n:number} product", "{n:number} products", count), n=count))

    def _loaded(self, count: int) -> None:
        if self.model.canFetchMore():  # the whole list is read when the typing pauses
            self.count.setText(tr("More than {n:number} products", n=count))
        self.clear_filters.setVisible(bool(self.query.text) or self.query.filtered)
        if count:
            self.list_area.show_table()
            if not self.table.currentIndex().isValid():
                self.table.select_row(0)
                self._follow.stop()
                self._settle.start()
            return
        if self.query.text or self.query.filtered:
            self.list_area.show_empty(_("No product matches. Try fewer or shorter words (\"cav 2,5\" finds "
                                        "\"Cavo 2.5 mm²\"), the SKU or the barcode, or press \"Show the whole "
                                        "catalog\" to clear the filters."))
        else:
            self.list_area.show_empty(_("The catalog is not on this computer yet: sync (F5) to receive it."))

    def _show_current(self, stale: Any = None) -> None:
        row = self.table.current_row()
        product_id = self.model.id_at(row) if row is not None else None
        if product_id and product_id != self.detail.product_id:
            self.detail.show_product(product_id, self.customer_id, stale)

    def _show_searched(self) -> None:
        # The first row's detail after a search: skipped on the worker when a newer key has come,
        # so that key's results never wait behind it (its own search shows its own first row).
        searched = self.model.generation
        self._show_current(lambda: self.model.generation != searched)

    def _changed(self, changes: Changes) -> None:
        self.model.on_changes(changes)
        if changes.touches("products"):
            self.filters.load_choices()
        if self.detail.product_id and changes.touches("products", "stock_levels", "price_lists",
                                                       "price_list_items", "product_documents"):
            self.detail.show_product(self.detail.product_id, self.customer_id)


def create(ctx: Any) -> CatalogPage:
    return CatalogPage(ctx)
