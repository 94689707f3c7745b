"""The catalog's search and filters (category, brand, in stock), turned into one `product_ids` query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QWidget

from sfa_desktop.i18n import _
from sfa_desktop.operations.read.catalog import brands, categories, product_ids
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.tables import debouncer

#: Search as you type asks at once: a search costs less than the gap between two keys, and the worker
#: skips the query of a key a newer one made useless. The zero timer still makes one query of keys
#: that arrive together (a paste, a barcode scanner's burst).
TYPING_MS = 0


@dataclass(frozen=True)
class ProductQuery:
    text: str = ""
    category: str | None = None
    brand: str | None = None
    in_stock: bool = False

    @property
    def filtered(self) -> bool:
        return self != ProductQuery(text=self.text)

    def ids(self, session: Any, *, sort: str | None = None, descending: bool = False,
            limit: int | None = None) -> list[str]:
        return product_ids(session, text=self.text or None, category=self.category, brand=self.brand,
                           in_stock=self.in_stock, sort=sort, descending=descending, limit=limit)


def _combo(name: str, accessible: str, anything: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.setToolTip(accessible)
    combo.addItem(anything, None)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setMaximumWidth(220)
    return combo


class CatalogFilters(QWidget):
    """`changed` at each key (TYPING_MS) or choice."""

    changed = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setObjectName("catalog_search")
        self.search.setAccessibleName(_("Search products"))
        self.search.setPlaceholderText(_("Search by name, SKU, brand or barcode, e.g. cavo 2,5 mm² (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.category = _combo("catalog_category", _("Category"), _("All categories"))
        self.brand = _combo("catalog_brand", _("Brand"), _("All brands"))
        self.in_stock = QCheckBox(_("In stock only"))
        self.in_stock.setObjectName("catalog_in_stock")
        self.in_stock.setAccessibleName(_("Only products in stock"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.category)
        row.addWidget(self.brand)
        row.addWidget(self.in_stock)
        row.addStretch(1)
        self._typing = debouncer(self, self.changed.emit, TYPING_MS)
        self.search.textEdited.connect(lambda _text: self._typing.start())
        self.search.returnPressed.connect(self._now)
        self.category.currentIndexChanged.connect(self._category_chosen)
        self.brand.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.in_stock.toggled.connect(lambda _on: self.changed.emit())

    def _now(self) -> None:
        if self._typing.isActive():
            self._typing.stop()
            self.changed.emit()

    def _category_chosen(self) -> None:
        self.load_brands()
        self.changed.emit()

    def load_choices(self) -> None:
        ReplicaOp(self, lambda agent: agent.read(categories)) \
            .success(lambda values: _refill(self.category, values)).failure(lambda error: None).run(self.ctx.runner)
        self.load_brands()

    def load_brands(self) -> None:
        category = self.category.currentData()
        ReplicaOp(self, lambda agent: agent.read(lambda s: brands(s, category=category))) \
            .success(lambda values: _refill(self.brand, values) and self.changed.emit()) \
            .failure(lambda error: None).run(self.ctx.runner)

    def query(self) -> ProductQuery:
        return ProductQuery(text=self.search.text().strip(), category=self.category.currentData(),
                            brand=self.brand.currentData(), in_stock=self.in_stock.isChecked())

    def clear(self) -> None:
        for widget in (self.category, self.brand, self.in_stock, self.search):
            widget.blockSignals(True)
        self.search.clear()
        self.category.setCurrentIndex(0)
        self.brand.setCurrentIndex(0)
        self.in_stock.setChecked(False)
        for widget in (self.category, self.brand, self.in_stock, self.search):
            widget.blockSignals(False)
        self._typing.stop()
        self.load_brands()
        self.changed.emit()

    def controls(self) -> list[QWidget]:
        return [self.search, self.category, self.brand, self.in_stock]


def _refill(combo: QComboBox, values: list[str]) -> bool:
    """New choices, keeping the chosen one when it is still there; True when it is not any more."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for value in values:
        combo.addItem(value, value)
    found = combo.findData(chosen) if chosen is not None else 0
    combo.setCurrentIndex(max(found, 0))
    combo.blockSignals(False)
    return chosen is not None and found < 0
