"""A table model over an id list with a lazy row cache, fed by the core's read functions.

After Anki's browser table: the model holds the ids a read function returned for the current
filter and sort (`ids(session, sort=..., descending=...)`), and fetches plain rows for a batch of
ids (`rows(session, ids)`) on the replica worker only when a view asks for them, so a list of
50,000 products opens at once and scrolls without loading what is never seen. Rows are frozen
dataclasses; a column names the attribute it shows and how it is formatted in the chosen locale.
A change of the model's streams (`EventBridge.streams_changed`) re-reads the rows it touched, or
the whole id list when the ids changed are unknown or rows may have entered or left the filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from sfa_desktop import i18n
from sfa_desktop.domain.messages import format_value
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.ui.background import ReplicaOp, Runner

Index = QModelIndex | QPersistentModelIndex
#: Rows fetched at a time around the first one a view asks for.
BATCH = 200
#: A value the view has not received yet; drawn as nothing, never as a wrong figure.
LOADING = object()

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
#: Made once: a view asks for every cell's flags at every paint, and `|` on Qt's enums runs in Python.
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


@dataclass(frozen=True)
class Column:
    """One column: the row attribute shown, its header (an English msgid), and its kind.

    kind: text, money, price, qty, number, percent, date, datetime, ago; `display` formats the row
    itself when one attribute is not enough. `sort` names the read function's sort key (None:
    the column cannot sort).
    """

    key: str
    title: str
    kind: str = "text"
    sort: str | None = None
    display: Callable[[Any], str] | None = None
    tooltip: Callable[[Any], str | None] | None = None

    def text(self, row: Any) -> str:
        if self.display is not None:
            return self.display(row)
        return format_cell(getattr(row, self.key, None), self.kind)

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        return _RIGHT if self.kind in ("money", "price", "qty", "number", "percent") else _LEFT


def format_cell(value: Any, kind: str = "text") -> str:
    """A value the way the chosen locale writes it (i18n/Babel); empty for a missing value."""
    if value is None or value is LOADING:
        return ""
    if kind in ("money", "price", "qty", "number", "percent") and isinstance(value, Decimal | int):
        return format_value(Decimal(value), kind, i18n.language())
    if kind == "ago" and isinstance(value, dt.datetime):
        return i18n.ago(value)
    if kind == "datetime" and isinstance(value, dt.datetime):
        return i18n.datetime(value.astimezone() if value.tzinfo else value)
    if kind in ("date", "datetime") and isinstance(value, dt.date):
        return i18n.date(value)
    if isinstance(value, bool):
        return i18n._("Yes") if value else i18n._("No")
    return str(value)


IdsFn = Callable[..., list[str]]
RowsFn = Callable[[Any, Sequence[str]], list[Any]]


class IdTableModel(QAbstractTableModel):
    """Ids in memory, rows fetched lazily in batches on the replica worker; see the module docstring.

    ids(session, sort=..., descending=...) -> list[str]   (a read function with its filter bound)
    rows(session, ids) -> list[row]                        (rows with an `id` attribute)
    """

    #: (count): a new id list is shown (after a filter, a sort or a change); empty states listen.
    loaded = Signal(int)
    #: (error): the list could not be read (the replica locked, say); the view shows it in place.
    failed = Signal(object)

    def __init__(self, runner: Runner, columns: Sequence[Column], *, ids: IdsFn, rows: RowsFn,
                 streams: Sequence[str], sort: str | None = None, descending: bool = False,
                 parent: QObject | None = None, batch: int = BATCH) -> None:
        super().__init__(parent)
        self.runner, self.columns = runner, list(columns)
        self._ids_fn, self._rows_fn = ids, rows
        self.streams = tuple(streams)
        self._sort, self._descending = sort, descending
        self._batch = batch
        self._ids: list[str] = []
        self._position: dict[str, int] = {}
        self._cache: dict[str, Any] = {}
        self._asked: set[str] = set()
        self._generation = 0
        self._loading = False

    # ------------------------------------------------------------------ what the screen asks

    def set_query(self, ids: IdsFn) -> None:
        """A new filter (the search text, a combo): the id list is read again."""
        self._ids_fn = ids
        self.reload()

    def set_rows_function(self, rows: RowsFn) -> None:
        """Rows read another way (the catalog's prices for another customer): the cache is dropped."""
        self._rows_fn = rows
        self._cache.clear()
        self._asked.clear()
        self.reload()

    def reload(self) -> None:
        """Read the id list again (rows are refetched as they are drawn)."""
        self._generation += 1
        generation, sort, descending, fn = self._generation, self._sort, self._descending, self._ids_fn
        self._loading = True
        ReplicaOp(self, lambda agent: agent.read(lambda s: fn(s, sort=sort, descending=descending))) \
            .success(lambda ids: self._ids_arrived(generation, ids)) \
            .failure(self._failed).run(self.runner)

    def refresh(self) -> None:
        """Forget the fetched rows and read the id list again: for lists whose rows change without a
        stream change naming them (the outbox, the conflict inbox: local tables the sync rewrites)."""
        self._cache.clear()
        self._asked.clear()
        self.reload()

    @property
    def is_loading(self) -> bool:
        return self._loading

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, row_id: str) -> int | None:
        return self._position.get(row_id)

    def record(self, row: int) -> Any | None:
        """The frozen row shown at `row`, or None while it is being fetched (the fetch starts)."""
        row_id = self.id_at(row)
        if row_id is None:
            return None
        found = self._cache.get(row_id)
        if found is None:
            self._fetch_around(row)
        return found

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def on_changes(self, changes: Changes) -> None:
        """Connect to EventBridge.streams_changed: refresh what this list shows of the changed rows."""
        if not changes.touches(*self.streams):
            return
        known: set[str] = set()
        for stream in self.streams:
            ids = changes.ids(stream)
            if stream in changes.rows and ids is None:
                self.reload()
                return
            known |= ids or set()
        # a change may move a row in or out of the filter, or change its place in the sort
        self.reload()
        for row_id in known:
            self._cache.pop(row_id, None)
            self._asked.discard(row_id)

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return i18n._(column.title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids) or index.column() >= len(self.columns):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.UserRole):
            return None
        row_id = self._ids[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row_id
        record = self._cache.get(row_id)
        if record is None:
            self._fetch_around(index.row())
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(record) if column.tooltip else None
        return column.text(record)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _ROW_FLAGS

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return
        self._sort = self.columns[column].sort
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # ------------------------------------------------------------------ loading

    def _ids_arrived(self, generation: int, ids: list[str]) -> None:
        if generation != self._generation:
            return  # a newer filter was asked for while this one was read
        self._loading = False
        self.beginResetModel()
        self._replace_ids(ids)
        self.endResetModel()
        self.loaded.emit(len(self._ids))

    def _replace_ids(self, ids: list[str]) -> None:
        """The new id list, keeping the rows already read that are still in it (inside a reset)."""
        self._ids = list(ids)
        self._position = {row_id: i for i, row_id in enumerate(self._ids)}
        keep = self._position.keys()
        self._cache = {k: v for k, v in self._cache.items() if k in keep}
        self._asked &= set(self._cache)

    def _failed(self, error: BaseException) -> None:
        self._loading = False
        self.failed.emit(error)

    def _fetch_around(self, row: int) -> None:
        start = max(0, row - self._batch // 4)
        wanted = [i for i in self._ids[start:start + self._batch] if i not in self._cache and i not in self._asked]
        if not wanted:
            return
        self._asked.update(wanted)
        generation = self._generation
        ReplicaOp(self, self._rows_reader(wanted)) \
            .success(lambda got: self._rows_arrived(generation, wanted, *got)) \
            .failure(lambda error: self._rows_failed(wanted, error)).run(self.runner)

    def _rows_reader(self, wanted: list[str]) -> Callable[[Any], tuple[Any, ...]]:
        """What the replica worker runs for the rows `wanted`: the arguments of `_rows_arrived` after
        its generation and ids (a subclass adds what it prepares on the worker)."""
        fn = self._rows_fn
        return lambda agent: (agent.read(lambda s: fn(s, wanted)),)

    def _rows_arrived(self, generation: int, wanted: list[str], rows: list[Any]) -> None:
        for record in rows:
            self._cache[record.id] = record
        self._asked.difference_update(wanted)
        gone = [i for i in wanted if i not in self._cache]
        self._asked.update(gone)  # deleted since the ids were read: not asked again; the list is re-read
        positions = [self._position[i] for i in wanted if i in self._position]
        if positions:
            self.dataChanged.emit(self.index(min(positions), 0),
                                  self.index(max(positions), len(self.columns) - 1))
        if gone and generation == self._generation:
            self.reload()

    def _rows_failed(self, wanted: list[str], error: BaseException) -> None:
        self._asked.difference_update(wanted)
        self.failed.emit(error)
