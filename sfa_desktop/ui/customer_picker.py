"""A customer chooser for the CRM dialogs: type part of a name, pick from the agent's customers.

The list is read once, in the background, from the replica (names and cities only); a dialog opened
for one customer (a suggested visit, a deal of the 360 view) gets it preselected.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from sfa_desktop.i18n import _
from sfa_desktop.operations.read.customers import customer_ids, customer_rows
from sfa_desktop.ui.background import ReplicaOp, Runner


def _customers(session) -> list[tuple[str, str]]:
    rows = customer_rows(session, customer_ids(session, sort="name"))
    return [(r.id, f"{r.name} — {r.city}" if r.city else r.name) for r in rows]


class CustomerPicker(QComboBox):
    """An editable combo of the agent's customers; `customer_id()` is None until one is chosen."""

    loaded = Signal()

    def __init__(self, runner: Runner, parent: QWidget | None = None, *, customer_id: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerPicker")
        self.setAccessibleName(_("Customer"))
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lineEdit().setPlaceholderText(_("Type a customer's name"))
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self.setMinimumContentsLength(28)
        self._wanted = customer_id
        ReplicaOp(self, lambda agent: agent.read(_customers)).success(self._arrived).run(runner)

    def _arrived(self, customers: list[tuple[str, str]]) -> None:
        self.clear()
        for cid, label in customers:
            self.addItem(label, cid)
        self.setCurrentIndex(self.findData(self._wanted) if self._wanted else -1)
        if self._wanted is None:
            self.setEditText("")
        self.loaded.emit()

    def set_customer(self, customer_id: str) -> None:
        self._wanted = customer_id
        found = self.findData(customer_id)
        if found >= 0:
            self.setCurrentIndex(found)

    def customer_id(self) -> str | None:
        """The customer chosen: the item whose label is the text typed (not a half-typed name)."""
        if self.count() == 0:
            return self._wanted  # the list is still being read: the customer the dialog was opened for
        found = self.findText(self.currentText().strip(), Qt.MatchFlag.MatchFixedString)
        if found < 0:
            return None
        return self.itemData(found)
