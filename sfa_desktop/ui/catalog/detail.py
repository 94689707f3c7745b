"""A product's detail beside the catalog list: the price for the customer being visited (which list,
which version, every quantity break), stock per warehouse with how old each figure is, the last
price sold to that customer, and the documents, opened offline with the system's viewer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop.i18n import N_, _, error_text, render, tr
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.operations.read.catalog import ProductDetail, product_detail, product_document_content
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.catalog.documents import kind_text, open_with_viewer
from sfa_desktop.ui.row_list_model import RowListModel
from sfa_desktop.ui.table_model import Column, format_cell
from sfa_desktop.ui.tables import RecordTable


@dataclass(frozen=True, slots=True)
class BreakLine:
    """One quantity break of one list, flattened for a table."""

    list_code: str
    version: int
    valid: str
    min_quantity: Decimal
    price: Decimal
    applies: bool


def _valid(valid_from: dt.date | None, valid_to: dt.date | None) -> str:
    if valid_from and valid_to:
        return tr("{start:date} – {end:date}", start=valid_from, end=valid_to)
    if valid_from:
        return tr("from {start:date}", start=valid_from)
    if valid_to:
        return tr("until {end:date}", end=valid_to)
    return _("always")


def break_lines(detail: ProductDetail) -> list[BreakLine]:
    if detail.price is None:
        return []
    out = []
    for lp in detail.price.lists:
        for b in lp.breaks:
            applies = lp.applies and b.min_quantity == detail.price.break_quantity
            out.append(BreakLine(lp.code, lp.version, _valid(lp.valid_from, lp.valid_to), b.min_quantity, b.price,
                                 applies))
    return out


#: What a skipped read answers (None would mean "the product is not on this computer").
_SKIPPED = object()

BREAK_COLUMNS = (
    Column("list_code", N_("List")), Column("version", N_("Version"), "number"),
    Column("valid", N_("Valid")), Column("min_quantity", N_("From quantity"), "qty"),
    Column("price", N_("Price"), "price"),
    Column("applies", N_("Applies"), display=lambda r: "✓" if r.applies else "",
           tooltip=lambda r: _("The price a line for this customer gets") if r.applies else None),
)
STOCK_COLUMNS = (
    Column("warehouse_name", N_("Warehouse"), display=lambda r: r.warehouse_name or r.warehouse_code or "",
           tooltip=lambda r: r.warehouse_name or r.warehouse_code or None),
    Column("available", N_("Available"), "qty"), Column("reserved", N_("Reserved"), "qty"),
    Column("on_hand", N_("On hand"), "qty"), Column("incoming", N_("Incoming"), "qty"),
    Column("incoming_date", N_("Expected"), "date"),
    # how old the figure is: from its age, never "in 5 minutes" when the ERP's clock runs ahead
    Column("as_of", N_("Updated"), "ago", display=lambda r: format_cell(utc_now() - r.age, "ago"),
           tooltip=lambda r: format_cell(r.as_of, "datetime")),
)
DOCUMENT_COLUMNS = (
    Column("kind", N_("Kind"), display=lambda r: kind_text(r.kind)),
    Column("size", N_("Size"), display=lambda r: tr("{kb:number} KB", kb=max(1, round(r.size / 1024)))),
    Column("on_this_computer", N_("Offline"), display=lambda r: _("Yes") if r.on_this_computer else
           _("not on this computer")),
    Column("title", N_("Title"), tooltip=lambda r: r.title),
)


def fit_height(table: RecordTable, most: int = 6) -> None:
    """As tall as its rows (one to `most`), so the three tables fit one above the other."""
    rows = min(max(table.model().rowCount(), 1), most)
    height = table.horizontalHeader().height() + rows * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(height + 2 * table.frameWidth())


def fit_columns(table: RecordTable, elastic: int) -> None:
    """The figures as wide as they need, the `elastic` column (a warehouse's name, a title) taking the
    rest of the detail's width and eliding what does not fit (its tooltip and the accessible text keep
    it whole): a detail beside the list never scrolls sideways, in Italian's longer words either."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(elastic, QHeaderView.ResizeMode.Stretch)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


class ProductDetailView(QScrollArea):
    """`show_product(id, customer_id)`; `loaded(detail or None)` when shown; `document_opened(path)`."""

    loaded = Signal(object)
    document_opened = Signal(object)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("product_detail")
        self.setAccessibleName(_("Product detail"))
        self.setWidgetResizable(True)
        self.product_id: str | None = None
        self.customer_id: str | None = None
        self.detail: ProductDetail | None = None
        self._generation = 0
        body = QWidget()
        self.setWidget(body)
        self.title = QLabel(_("Choose a product in the list to see its prices, stock and documents."))
        self.title.setObjectName("product_title")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title.setFont(font)
        self.facts = QLabel()
        self.facts.setObjectName("product_facts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = QLabel()
        self.problem.setObjectName("product_problem")
        self.problem.setWordWrap(True)
        self.problem.hide()

        self.price_box = QGroupBox(_("Price"))
        self.price = QLabel()
        self.price.setObjectName("product_price")
        self.price.setWordWrap(True)
        self.breaks = RowListModel(BREAK_COLUMNS, parent=self)
        self.break_table = RecordTable(self.breaks, name="product_breaks", accessible=_("Price lists and "
                                                                                          "quantity breaks"))
        fit_columns(self.break_table, elastic=5)
        self.last_sold = QLabel()
        self.last_sold.setObjectName("product_last_sold")
        self.last_sold.setWordWrap(True)
        price_layout = QVBoxLayout(self.price_box)
        price_layout.addWidget(self.price)
        price_layout.addWidget(self.break_table)
        price_layout.addWidget(self.last_sold)

        self.stock_box = QGroupBox(_("Stock per warehouse"))
        self.stock = RowListModel(STOCK_COLUMNS, parent=self)
        self.stock_table = RecordTable(self.stock, name="product_stock", accessible=_("Stock per warehouse"))
        self.stock_total = QLabel()
        self.stock_total.setObjectName("product_stock_total")
        fit_columns(self.stock_table, elastic=0)
        stock_layout = QVBoxLayout(self.stock_box)
        stock_layout.addWidget(self.stock_total)
        stock_layout.addWidget(self.stock_table)

        self.documents_box = QGroupBox(_("Documents"))
        self.documents = RowListModel(DOCUMENT_COLUMNS, parent=self)
        self.document_table = RecordTable(self.documents, name="product_documents", accessible=_("Documents"))
        fit_columns(self.document_table, elastic=3)
        self.open_document = QPushButton(_("Open"))
        self.open_document.setObjectName("product_open_document")
        self.open_document.setAccessibleName(_("Open the chosen document"))
        self.open_document.setToolTip(_("Open with the system's viewer, offline (Enter)"))
        self.document_note = QLabel()
        self.document_note.setObjectName("product_document_note")
        self.document_note.setWordWrap(True)
        documents_layout = QVBoxLayout(self.documents_box)
        documents_layout.addWidget(self.document_table)
        row = QHBoxLayout()
        row.addWidget(self.document_note, 1)
        row.addWidget(self.open_document)
        documents_layout.addLayout(row)

        layout = QVBoxLayout(body)
        for widget in (self.title, self.facts, self.problem, self.price_box, self.stock_box, self.documents_box):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.open_document.clicked.connect(lambda: self.open_row(self.document_table.current_row()))
        self.document_table.activated_row.connect(self.open_row)
        self._boxes(False)

    def _boxes(self, visible: bool) -> None:
        for box in (self.price_box, self.stock_box, self.documents_box, self.facts):
            box.setVisible(visible)

    # ------------------------------------------------------------------ loading

    def show_product(self, product_id: str | None, customer_id: str | None,
                     stale: Callable[[], bool] | None = None) -> None:
        """Read and show this product's detail; `stale()` true when the worker reaches the read
        (a newer search came meanwhile, which will ask for its own) skips it."""
        self.product_id, self.customer_id = product_id, customer_id
        self._generation += 1
        generation = self._generation
        if product_id is None:
            self.detail = None
            self.title.setText(_("Choose a product in the list to see its prices, stock and documents."))
            self._boxes(False)
            return
        ReplicaOp(self, lambda agent: _SKIPPED if stale is not None and stale() else
                  agent.read(lambda s: product_detail(s, product_id, customer_id=customer_id))) \
            .success(lambda detail: self._skipped(generation) if detail is _SKIPPED else
                     self._arrived(generation, detail)) \
            .failure(self._failed).run(self.ctx.runner)

    def _skipped(self, generation: int) -> None:
        if generation == self._generation:  # still showing the product before: asked again when chosen
            self.product_id = self.detail.product.id if self.detail is not None else None

    def _failed(self, error: BaseException) -> None:
        self.problem.setText(error_text(error))
        self.problem.show()
        self.loaded.emit(None)

    def _arrived(self, generation: int, detail: ProductDetail | None) -> None:
        if generation != self._generation:
            return
        self.problem.hide()
        self.detail = detail
        if detail is None:
            self.title.setText(_("This product is not in the catalog on this computer any more."))
            self._boxes(False)
            self.loaded.emit(None)
            return
        p = detail.product
        self.title.setText(p.name)
        facts = [f"{_('SKU')}: {p.sku}", p.brand, p.category, tr("unit {unit}", unit=p.unit),
                 tr("VAT {rate:percent}", rate=p.vat_rate)]
        if p.pack_size:
            facts.append(tr("pack of {n:qty}", n=p.pack_size))
        if p.min_quantity:
            facts.append(tr("minimum {n:qty}", n=p.min_quantity))
        if p.barcode:
            facts.append(f"EAN {p.barcode}")
        if not p.active:
            facts.append(_("no longer sold"))
        text = " · ".join(f for f in facts if f)
        if p.description:
            text += "\n" + p.description
        self.facts.setText(text)
        self._boxes(True)
        self._show_price(detail)
        self.stock.set_rows(detail.stock)
        self.stock_total.setText(
            tr("Available in all warehouses: {n:qty} {unit}", n=detail.available, unit=p.unit)
            if detail.available is not None else _("No warehouse stocks this product."))
        self.documents.set_rows(detail.documents)
        self.document_note.setText(_("No tech sheet, brochure or image for this product.") if not detail.documents
                                   else _("Enter opens the chosen document with the system's viewer."))
        self.open_document.setEnabled(bool(detail.documents))
        if detail.documents:
            self.document_table.select_row(0)
        for table in (self.break_table, self.stock_table, self.document_table):
            fit_height(table)
        self.loaded.emit(detail)

    def _show_price(self, detail: ProductDetail) -> None:
        price, unit = detail.price, detail.product.unit
        self.breaks.set_rows(break_lines(detail))
        self.break_table.setVisible(price is not None and bool(self.breaks.rowCount()))
        if price is None:
            self.price.setText(_("Choose the customer being visited (above the list) to see their price, "
                                 "price list and quantity breaks."))
            self.last_sold.setText("")
            return
        if price.price is None:
            self.price.setText(tr("No price for this customer: {why}",
                                  why=render(price.problem) if price.problem else ""))
        else:
            self.price.setText(tr("<b>{price:price}</b> per {unit} from {n:qty} {unit} — list {code}, version "
                                  "{version}", price=price.price, unit=unit, n=price.break_quantity or price.quantity,
                                  code=price.price_list_code or "", version=price.price_list_version or ""))
        sold = detail.last_sold
        self.last_sold.setText(
            tr("Last sold to this customer on {day:date}: {n:qty} {unit} at {net:price} net (order {order}).",
               day=sold.date, n=sold.quantity, unit=sold.unit, net=sold.net_unit_price, order=sold.order_number)
            if sold else _("Never sold to this customer."))

    # ------------------------------------------------------------------ documents

    def open_row(self, row: int | None) -> None:
        record = self.documents.record(row) if row is not None else None
        if record is None:
            return
        if not record.on_this_computer:
            self.document_note.setText(_("This document is not on this computer: it arrives with the next sync."))
            return
        document_id, filename = record.id, record.filename
        ReplicaOp(self, lambda agent: agent.read(lambda s: product_document_content(s, document_id))) \
            .success(lambda content: self._content_arrived(document_id, filename, content)) \
            .failure(lambda error: self.document_note.setText(error_text(error))).run(self.ctx.runner)

    def _content_arrived(self, document_id: str, filename: str, content: bytes | None) -> None:
        if content is None:
            self.document_note.setText(_("This document is not on this computer: it arrives with the next sync."))
            return
        try:
            path, opened = open_with_viewer(document_id, filename, content)
        except OSError as error:  # a full or read-only temporary folder: say so, in place
            self.document_note.setText(tr("The document could not be written for the viewer: {error}",
                                          error=error.strerror or str(error)))
            return
        self.document_note.setText(_("Opened with the system's viewer.") if opened else
                                   tr("No viewer is set up for this kind of file; it is at {path}", path=str(path)))
        self.document_opened.emit(path)

