"""A table model over a short list of frozen rows already read (the 360 view's invoices, a product's
stock per warehouse): `RowsModel`, whose UserRole gives the row itself rather than its id.

For lists that come whole with one read (tens of rows); a list of thousands uses `IdTableModel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject

from sfa_desktop.ui.rows_model import RowsModel
from sfa_desktop.ui.table_model import Column


class RowListModel(RowsModel):
    """Rows in memory; `set_rows` replaces them (after a new read). UserRole gives the row itself."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = (), parent: QObject | None = None) -> None:
        super().__init__(columns, row_id=lambda row: row, parent=parent)
        if rows:
            self.set_rows(rows)
