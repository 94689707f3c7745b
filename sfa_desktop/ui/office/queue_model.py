"""The approval queue as a Qt table model over the server's keyset pages.

The model holds the orders loaded so far; the view asks for more as it scrolls (canFetchMore /
fetchMore, one page per call, on the network worker), so thousands of pending orders open at once.
A filter or a sort reads the first page again; `refresh()` re-reads as many rows as are shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from sfa_desktop import i18n
from sfa_desktop.office.rows import OrderForApproval, QueuePage
from sfa_desktop.ui.background import NetworkOp, Runner
from sfa_desktop.ui.office.labels import rules_text
from sfa_desktop.ui.table_model import Column, format_cell

Index = QModelIndex | QPersistentModelIndex
PAGE = 100


def _age(row: OrderForApproval) -> str:
    return i18n.ago(row.created_at)


COLUMNS = (
    Column("agent_name", i18n.N_("Agent"), display=lambda r: r.agent_name or r.agent_username or ""),
    Column("customer_name", i18n.N_("Customer")),
    Column("number", i18n.N_("Number"), sort="number"),
    Column("created_at", i18n.N_("Date"), kind="datetime", sort="created_at"),
    Column("grand_total", i18n.N_("Total"), kind="money", sort="grand_total"),
    Column("reasons", i18n.N_("Needs approval because"), display=lambda r: rules_text(r.rules),
           tooltip=lambda r: "\n".join(i18n.render(x.message) for x in r.reasons)),
    Column("age", i18n.N_("Waiting"), display=_age, sort="created_at"),
)


class ApprovalQueueModel(QAbstractTableModel):
    """Orders waiting for a decision, page after page; see the module docstring."""

    #: (total): a first page arrived (after a filter, a sort, a refresh); the screen shows the count.
    loaded = Signal(int)
    #: (error): the server could not be asked; the screen says so in place.
    failed = Signal(object)

    def __init__(self, runner: Runner, parent: QObject | None = None, page: int = PAGE) -> None:
        super().__init__(parent)
        self.runner, self.columns, self.page = runner, COLUMNS, page
        self.agent_id: str | None = None
        self.reason: str | None = None
        self.sort_key, self.descending = "created_at", False
        self._rows: list[OrderForApproval] = []
        self._cursor: str | None = None
        self._total = 0
        self._generation = 0
        self._fetching = False
        self.last_loaded_at: dt.datetime | None = None

    # ------------------------------------------------------------------ what the screen asks

    @property
    def total(self) -> int:
        return self._total

    def order_at(self, row: int) -> OrderForApproval | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, order_id: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == order_id), None)

    def set_filter(self, *, agent_id: str | None, reason: str | None) -> None:
        self.agent_id, self.reason = agent_id, reason
        self.refresh(keep=False)

    def refresh(self, *, keep: bool = True) -> None:
        """Read the first page again (as many rows as are loaded when `keep`, up to 500)."""
        self._generation += 1
        generation = self._generation
        limit = min(500, max(self.page, len(self._rows))) if keep else self.page
        args = {"agent_id": self.agent_id, "reason": self.reason, "sort": self.sort_key,
                "descending": self.descending, "limit": limit}
        self._fetching = True
        NetworkOp(self, lambda office: office.approval_queue(**args)) \
            .success(lambda page: self._first_page(generation, page)) \
            .failure(lambda error: self._failed(generation, error)).run(self.runner)

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
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
        column, row = self.columns[index.column()], self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row) if column.display else format_cell(getattr(row, column.key), column.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return
        key, descending = self.columns[column].sort, order == Qt.SortOrder.DescendingOrder
        if self.columns[column].key == "age":  # waiting longest = oldest first
            descending = not descending
        if (key, descending) != (self.sort_key, self.descending):
            self.sort_key, self.descending = key, descending
            self.refresh(keep=False)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._cursor is not None and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        generation, cursor = self._generation, self._cursor
        args = {"agent_id": self.agent_id, "reason": self.reason, "sort": self.sort_key,
                "descending": self.descending, "limit": self.page, "cursor": cursor}
        self._fetching = True
        NetworkOp(self, lambda office: office.approval_queue(**args)) \
            .success(lambda page: self._next_page(generation, page)) \
            .failure(lambda error: self._failed(generation, error)).run(self.runner)

    # ------------------------------------------------------------------ answers

    def _first_page(self, generation: int, page: QueuePage) -> None:
        if generation != self._generation:
            return  # a newer filter or sort was asked for meanwhile
        self._fetching = False
        self.beginResetModel()
        self._rows, self._cursor, self._total = list(page.orders), page.next_cursor, page.total
        self.endResetModel()
        self.last_loaded_at = dt.datetime.now(dt.UTC)
        self.loaded.emit(self._total)

    def _next_page(self, generation: int, page: QueuePage) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        known = {r.id for r in self._rows}
        fresh = [o for o in page.orders if o.id not in known]
        if fresh:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(fresh) - 1)
            self._rows.extend(fresh)
            self.endInsertRows()
        self._cursor, self._total = page.next_cursor, page.total

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self._fetching = False
            self.failed.emit(error)
