"""A table model over a short list of frozen rows already read (the 360 view's invoices, a product's
stock per warehouse): the same `Column` formatting as the lazy id model, without the fetching.

For lists that come whole with one read (tens of rows); a list of thousands uses `IdTableModel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from sfa_desktop import i18n
from sfa_desktop.ui.table_model import Column, Index


class RowListModel(QAbstractTableModel):
    """Rows in memory; `set_rows` replaces them (after a new read). UserRole gives the row itself."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Any] = list(rows)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @property
    def rows(self) -> list[Any]:
        return list(self._rows)

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
        column, record = self.columns[index.column()], self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(record) if column.tooltip else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment)
        if role == Qt.ItemDataRole.UserRole:
            return record
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
