"""The editor's lines as a table: what the agent typed, the core's priced figures, stock and last price.

The model holds the draft's lines, the latest preview (priced by the core, never here) and the
facts of each product; editing a cell asks the editor (`on_edit`), which parses, records an undo
step and asks the core for a new preview.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from sfa_desktop import i18n
from sfa_desktop.i18n import N_
from sfa_desktop.operations.read.editor import LinePreview, ProductFacts
from sfa_desktop.ui.documents.draft import DraftLine
from sfa_desktop.ui.table_model import format_cell

Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


@lru_cache(maxsize=4096)
def _formatted(value: Any, kind: str, language: str) -> str:
    # Babel's formatting costs ~0.1 ms a figure: a 200-line order repaints the same figures at
    # every change, so each distinct figure is formatted once per language
    return format_cell(value, kind)


def _cell(value: Any, kind: str) -> str:
    return _formatted(value, kind, i18n.language())


@dataclass(frozen=True)
class LineColumn:
    key: str
    title: str
    numeric: bool = False
    editable: bool = False


COLUMNS: tuple[LineColumn, ...] = (
    LineColumn("line_no", N_("#"), numeric=True),
    LineColumn("sku", N_("Code")),
    LineColumn("description", N_("Description"), editable=True),
    LineColumn("quantity", N_("Quantity"), numeric=True, editable=True),
    LineColumn("unit", N_("Unit")),
    LineColumn("unit_price", N_("Price"), numeric=True),
    LineColumn("discount", N_("Discount"), editable=True),
    LineColumn("net_price", N_("Net price"), numeric=True, editable=True),
    LineColumn("net_amount", N_("Amount"), numeric=True),
    LineColumn("vat", N_("VAT")),
    LineColumn("available", N_("In stock"), numeric=True),
    LineColumn("last_sold", N_("Last sold")),
)
KEYS = [c.key for c in COLUMNS]


class LinesModel(QAbstractTableModel):
    def __init__(self, on_edit: Callable[[int, str, str], bool], parent: Any = None) -> None:
        super().__init__(parent)
        self._on_edit = on_edit
        self._lines: tuple[DraftLine, ...] = ()
        self._priced: dict[int, LinePreview] = {}
        self._facts: Mapping[str, ProductFacts] = {}
        self._problem_row: int | None = None
        self.read_only = False

    # ------------------------------------------------------------------ feeding

    def set_lines(self, lines: Sequence[DraftLine]) -> None:
        lines = tuple(lines)
        if len(lines) != len(self._lines):
            self.beginResetModel()
            self._lines = lines
            self._priced = {}
            self.endResetModel()
            return
        changed = [row for row, (old, new) in enumerate(zip(self._lines, lines, strict=True)) if old != new]
        self._lines = lines
        if changed:  # one line edited: one row repainted, not the order's 200
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(COLUMNS) - 1))

    def set_preview(self, priced: Sequence[LinePreview], problem_row: int | None) -> None:
        new = {p.line_no - 1: p for p in priced}
        changed = [row for row in range(len(self._lines)) if new.get(row) != self._priced.get(row)]
        changed += [row for row in (problem_row, self._problem_row) if row is not None and 0 <= row < len(self._lines)]
        self._priced, self._problem_row = new, problem_row
        if changed:  # only the rows whose figures moved are repainted (one line edited: one row)
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(COLUMNS) - 1))

    def set_facts(self, facts: Mapping[str, ProductFacts]) -> None:
        self._facts = facts
        self._changed()

    def _changed(self) -> None:
        if self._lines:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._lines) - 1, len(COLUMNS) - 1))

    def priced(self, row: int) -> LinePreview | None:
        return self._priced.get(row)

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return i18n._(COLUMNS[section].title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if COLUMNS[section].numeric else _LEFT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if COLUMNS[index.column()].editable and not self.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines) or index.column() >= len(COLUMNS):
            return None
        column = COLUMNS[index.column()]
        row = index.row()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(row, column.key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column.key)
        if role == Qt.ItemDataRole.FontRole and row == self._problem_row:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column.key)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not (self.flags(index)
                                                                            & Qt.ItemFlag.ItemIsEditable):
            return False
        return self._on_edit(index.row(), COLUMNS[index.column()].key, "" if value is None else str(value))

    # ------------------------------------------------------------------ cells

    def _edit_text(self, row: int, key: str) -> str:
        line = self._lines[row]
        if key == "quantity":
            return i18n.qty(line.quantity)
        if key == "discount":
            return line.discount or ""
        if key == "net_price":
            return _cell(line.net_price, "price")
        if key == "description":
            return line.description
        return self._text(row, key)

    def _text(self, row: int, key: str) -> str:
        line, priced = self._lines[row], self._priced.get(row)
        facts = self._facts.get(line.product_id)
        if key == "line_no":
            return str(row + 1)
        if key == "sku":
            return line.sku
        if key == "description":
            return line.description
        if key == "quantity":
            return _cell(line.quantity, "qty")
        if key == "unit":
            return facts.unit if facts else (priced.unit if priced else "")
        if key == "unit_price":
            return _cell(priced.unit_price, "price") if priced else ""
        if key == "discount":
            return line.discount or (priced.discount or "" if priced and line.net_price is None else "")
        if key == "net_price":
            if line.net_price is not None:
                return _cell(line.net_price, "price")
            return _cell(priced.net_unit_price, "price") if priced else ""
        if key == "net_amount":
            return _cell(priced.net_amount, "money") if priced else ""
        if key == "vat":
            if priced is None:
                return ""
            return priced.vat_nature or _cell(priced.vat_rate, "percent")
        if key == "available":
            return _cell(facts.available, "qty") if facts and facts.available is not None else "–"
        if key == "last_sold":
            if facts is None or facts.last_sold is None:
                return ""
            sold = facts.last_sold
            return i18n.tr("{price:price} on {day:date}", price=sold.net_unit_price, day=sold.date)
        return ""

    def _tooltip(self, row: int, key: str) -> str | None:
        line = self._lines[row]
        facts = self._facts.get(line.product_id)
        if key == "quantity" and facts is not None and facts.pack_size:
            return i18n.tr("Sold in packs of {pack:qty} {unit}", pack=facts.pack_size, unit=facts.unit)
        if key == "last_sold" and facts is not None and facts.last_sold is not None:
            sold = facts.last_sold
            return i18n.tr("Order {number}: {quantity:qty} {unit} at {price:price}, discount {discount}",
                           number=sold.order_number, quantity=sold.quantity, unit=sold.unit,
                           price=sold.unit_price, discount=sold.discount or "–")
        if key == "net_price":
            if self._lines[row].net_price is not None:
                return i18n._("A net unit price agreed with the customer, instead of a discount")
            return i18n._("The net unit price after the discounts; type a price to agree it with the customer")
        return None
