"""The catalog's lazy list, built so a keystroke repaints at once on 50,000 products.

A short prefix ("c", "i") matches some 38,000 products: their whole id list takes 30-140 ms to
read and rank, the first screenful of it 1-15 ms (`product_ids(limit=...)`). So a keystroke asks
the replica worker, in one read, for the first FIRST ids and the rows of the first screenful
(priced for the customer), with each row's cells already written as text; the view is reset with
its rows there, and its first paint is the finished one. `loaded` is emitted then.

The whole id list is read only when it is wanted: when the typing pauses (REST_MS), or at once when
the view scrolls to the end of the first ids (`fetchMore`); it is appended in place (the first ids
are its beginning, in the same order) and `completed` is emitted. A keystroke never waits behind
it, nor behind the query of an older keystroke: the worker skips a read a newer key made useless.

A repaint asks for each visible cell several times and formatting a price the locale's way (Babel)
costs ~0.1 ms, so each row's texts are made once, on the worker, into a tuple the view reads; they
are made again when the row is read again (a change, another customer, another language).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal

from sfa_desktop import i18n
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.table_model import Column, IdTableModel, Index

#: Ids read before the first paint: more than a 1280x800 window shows, so the first scroll is smooth.
FIRST = 120
#: Rows read (priced) with the first ids: a 1280x800 list shows 28; a tall screen shows more, and
#: the rows below come as the view asks for them.
FIRST_ROWS = 32
#: How long the typing must pause before the whole id list is read (for the count and the scrollbar).
REST_MS = 300

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
#: The roles this model answers; a delegate asks for a dozen more per cell, answered at once.
_ANSWERED = frozenset({_DISPLAY, _ACCESSIBLE, _ALIGNMENT, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole})


Texts = dict[str, tuple[str, tuple[str, ...]]]


def row_texts(columns: Sequence[Column], rows: Sequence[Any]) -> Texts:
    """row id -> (language, its cells as the view shows them); no Qt: made on the replica worker."""
    language = i18n.language()
    return {row.id: (language, tuple(column.text(row) for column in columns)) for row in rows}


class CatalogModel(IdTableModel):
    #: (count): the whole id list is there (after `loaded`, which came with the first ids).
    completed = Signal(int)

    def __init__(self, *args: Any, first_rows: int = FIRST_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._first_rows = first_rows
        #: row id -> (language, the texts of its cells)
        self._texts: Texts = {}
        self._alignments = [int(column.alignment) for column in self.columns]
        #: rows asked for before this generation were priced for another customer
        self._rows_since = 0
        self._complete = True
        self._rest_asked = -1  # the generation whose whole list was asked for
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_MS)
        self._rest.timeout.connect(self._read_rest)

    # ------------------------------------------------------------------ Qt model

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role not in _ANSWERED:
            return None
        if role == _ALIGNMENT:
            return self._alignments[index.column()] if index.isValid() else None
        if role not in (_DISPLAY, _ACCESSIBLE) or not index.isValid():
            return super().data(index, role)
        row = index.row()
        if row >= len(self._ids):
            return None
        row_id = self._ids[row]
        texts = self._texts.get(row_id)
        if texts is None or texts[0] != i18n.language():
            record = self._cache.get(row_id)
            if record is None:
                self._fetch_around(row)
                return None
            texts = self._texts[row_id] = (i18n.language(), tuple(column.text(record) for column in self.columns))
        return texts[1][index.column()]

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._complete

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        """The view reached the end of the first ids: the whole list is read now, not after the pause."""
        if not parent.isValid():
            self._read_rest()

    @property
    def generation(self) -> int:
        """Grows with every new id list asked for (a key, a filter, a sort, a change)."""
        return self._generation

    def is_fetched(self, row: int) -> bool:
        """Whether the row at `row` is there to draw (a benchmark's check; asks for nothing)."""
        row_id = self.id_at(row)
        return row_id is not None and row_id in self._cache

    # ------------------------------------------------------------------ what the screen asks

    def set_rows_function(self, rows: Any) -> None:
        self._texts.clear()
        super().set_rows_function(rows)
        self._rows_since = self._generation

    def on_changes(self, changes: Any) -> None:
        if changes.touches(*self.streams):
            self._texts.clear()
        super().on_changes(changes)

    def reload(self) -> None:
        self._generation += 1
        self._rest.stop()
        generation, sort, descending = self._generation, self._sort, self._descending
        ids_fn, rows_fn, columns, first_rows = self._ids_fn, self._rows_fn, self.columns, self._first_rows
        self._loading = True

        def first(session: Any) -> tuple[list[str], list[Any]]:
            ids = ids_fn(session, sort=sort, descending=descending, limit=FIRST)
            return ids, rows_fn(session, ids[:first_rows])

        def read(agent: Any) -> tuple[list[str], list[Any], Texts] | None:
            if generation != self._generation:  # a newer keystroke is queued behind: skip this one
                return None
            ids, rows = agent.read(first)
            return ids, rows, row_texts(columns, rows)

        ReplicaOp(self, read).success(lambda got: got is not None and self._first_arrived(generation, *got)) \
            .failure(self._failed).run(self.runner)

    # ------------------------------------------------------------------ loading

    def _first_arrived(self, generation: int, ids: list[str], rows: list[Any],
                       texts: Texts) -> None:
        if generation != self._generation:
            return
        complete = len(ids) < FIRST
        self._loading = not complete
        self._complete = complete
        self.beginResetModel()
        self._replace_ids(ids)
        self._texts = {k: v for k, v in self._texts.items() if k in self._position}
        for record in rows:  # the first paint draws them: no second trip to the worker
            self._cache[record.id] = record
        self._texts.update(texts)
        self.endResetModel()
        self.loaded.emit(len(self._ids))
        if complete:
            self.completed.emit(len(ids))
        else:
            self._rest.start()

    def _read_rest(self) -> None:
        generation = self._generation
        if self._complete or self._rest_asked == generation:
            return
        self._rest_asked = generation
        self._rest.stop()
        fn, sort, descending = self._ids_fn, self._sort, self._descending
        # A newer keystroke makes this list useless: the worker skips it rather than delay the next one.
        ReplicaOp(self, lambda agent: None if generation != self._generation else
                  agent.read(lambda s: fn(s, sort=sort, descending=descending))) \
            .success(lambda all_ids: self._rest_arrived(generation, all_ids)) \
            .failure(self._failed).run(self.runner)

    def _rest_arrived(self, generation: int, ids: list[str] | None) -> None:
        if generation != self._generation or ids is None:
            return
        self._loading = False
        self._complete = True
        shown = len(self._ids)
        if ids[:shown] != self._ids:  # the order moved meanwhile (ties, a change): show it afresh
            self._ids_arrived(generation, ids)
            self.completed.emit(len(ids))
            return
        if len(ids) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self._ids = list(ids)
            self._position.update((row_id, i) for i, row_id in enumerate(ids[shown:], start=shown))
            self.endInsertRows()
        self.completed.emit(len(ids))

    def _rows_reader(self, wanted: list[str]) -> Callable[[Any], tuple[list[Any], Texts]]:
        """The rows and their cells' texts, both made on the worker."""
        fn, columns = self._rows_fn, self.columns

        def read(agent: Any) -> tuple[list[Any], Texts]:
            rows = agent.read(lambda s: fn(s, wanted))
            return rows, row_texts(columns, rows)

        return read

    def _rows_arrived(self, generation: int, wanted: list[str], rows: list[Any],
                      texts: Texts | None = None) -> None:
        if generation < self._rows_since:  # read for the customer visited before: asked again when drawn
            self._asked.difference_update(wanted)
            return
        for row_id in wanted:
            self._texts.pop(row_id, None)
        self._texts.update(texts or {})
        super()._rows_arrived(generation, wanted, rows)
