"""A table model over a short list of rows a screen already holds (a day's agenda, a deal's history,
the top ten customers), formatted by the same `Column`s as the lazy id model.

The lazy `IdTableModel` is for lists that can be long; these lists are small and come whole from one
read function, so the model simply holds them and is reset when the screen reads them again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from sfa_desktop import i18n
from sfa_desktop.ui.table_model import Column

Index = QModelIndex | QPersistentModelIndex
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.UserRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole})


class RowsModel(QAbstractTableModel):
    """Rows in a list; `row_id(row)` gives the id UserRole returns (what a click opens)."""

    def __init__(self, columns: Sequence[Column], *, row_id: Callable[[Any], str] | None = None,
                 foreground: Callable[[Any], Any] | None = None, font: Callable[[Any], Any] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Any] = []
        self._row_id = row_id or (lambda row: getattr(row, "id", ""))
        self._foreground, self._font = foreground, font
        #: what each cell already said, per role (a view asks again at every repaint)
        self._texts: dict[tuple[int, int, int], Any] = {}

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._texts = {}
        self.endResetModel()

    @property
    def rows(self) -> list[Any]:
        return list(self._rows)

    def record(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: str) -> int | None:
        for n, row in enumerate(self._rows):
            if self._row_id(row) == row_id:
                return n
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return i18n._(self.columns[section].title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self.columns[section].alignment)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self.columns):
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            role = Qt.ItemDataRole.DisplayRole
        if role not in _ROLES:
            return None
        key = (index.row(), index.column(), role)
        if key in self._texts:
            return self._texts[key]
        value = self._texts[key] = self._value(self._rows[index.row()], self.columns[index.column()], role)
        return value

    def _value(self, row: Any, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else None
        if role == Qt.ItemDataRole.UserRole:
            return self._row_id(row)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row) if self._foreground is not None else None
        return self._font(row) if self._font is not None else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
