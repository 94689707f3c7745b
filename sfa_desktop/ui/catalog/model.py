"""The catalog's lazy list, read in two steps so a keystroke repaints at once on 50,000 products.

A short prefix ("c", "i") matches some 38,000 products: their whole id list takes 30-140 ms to
read and rank, the first screenful of it 1-15 ms (`product_ids(limit=...)`). The model asks for the
first FIRST ids, shows them and asks for their rows, and only then for the whole list, which it
appends (the first ids are its beginning, in the same order) so the view keeps its place.
`loaded` is emitted when the first screenful is there, `completed` when the whole list is.

A repaint asks for each visible cell's text several times; formatting a price the locale's way
(Babel) costs ~0.1 ms, so the texts of the fetched rows are kept until their row is read again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal

from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.table_model import IdTableModel, Index

#: Ids read before the first paint: more than a 1280x800 window shows, so the first scroll is smooth.
FIRST = 120


class CatalogModel(IdTableModel):
    #: (count): the whole id list is there (after `loaded`, which came with the first ids).
    completed = Signal(int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._texts: dict[tuple[str, int], str] = {}

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid() or index.row() >= len(self._ids):
            return super().data(index, role)
        key = (self._ids[index.row()], index.column())
        text = self._texts.get(key)
        if text is None:
            text = super().data(index, role)
            if text is not None:
                self._texts[key] = text
        return text

    def set_rows_function(self, rows: Any) -> None:
        self._texts.clear()
        super().set_rows_function(rows)

    def on_changes(self, changes: Any) -> None:
        if changes.touches(*self.streams):
            self._texts.clear()
        super().on_changes(changes)

    def _rows_arrived(self, generation: int, wanted: list[str], rows: list[Any]) -> None:
        fresh = set(wanted)
        self._texts = {k: v for k, v in self._texts.items() if k[0] not in fresh}
        super()._rows_arrived(generation, wanted, rows)

    def reload(self) -> None:
        self._generation += 1
        generation, sort, descending, fn = self._generation, self._sort, self._descending, self._ids_fn
        self._loading = True
        ReplicaOp(self, lambda agent: agent.read(lambda s: fn(s, sort=sort, descending=descending, limit=FIRST))) \
            .success(lambda ids: self._first_arrived(generation, ids)) \
            .failure(self._failed).run(self.runner)

    def _first_arrived(self, generation: int, ids: list[str]) -> None:
        if generation != self._generation:
            return
        complete = len(ids) < FIRST
        self._ids_arrived(generation, ids)  # resets the view and emits loaded
        self._texts = {k: v for k, v in self._texts.items() if k[0] in self._position}
        if complete:
            self.completed.emit(len(ids))
            return
        self._loading = True
        self._fetch_around(0)  # the first screen's rows go to the worker before the whole list
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
