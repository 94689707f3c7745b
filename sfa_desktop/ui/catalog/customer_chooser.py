"""Who the agent is visiting: a field that finds a customer as the agent types (the core's customer
search) and remembers the choice for the whole app in `ctx.extras["visiting_customer_id"]`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from sfa_desktop.i18n import _
from sfa_desktop.operations.read.customers import CustomerRow, customer_ids, customer_rows
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.tables import debouncer

VISITING = "visiting_customer_id"
#: Customers offered while typing (the best matches first).
SUGGESTIONS = 15


def find_customers(session: Any, text: str) -> list[CustomerRow]:
    return customer_rows(session, customer_ids(session, text=text)[:SUGGESTIONS])


def label_of(row: CustomerRow) -> str:
    return " — ".join(p for p in (row.name, row.city, row.erp_code) if p)


class CustomerChooser(QWidget):
    """`chosen(customer_id or None)` when the agent picks a customer or clears the choice."""

    chosen = Signal(object)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id: str | None = None
        self.label = QLabel(_("Prices for:"))
        self.edit = QLineEdit()
        self.edit.setObjectName("catalog_customer")
        self.edit.setAccessibleName(_("Customer being visited"))
        self.edit.setPlaceholderText(_("Type a customer's name to see their prices"))
        self.edit.setToolTip(_("The prices shown are this customer's (their list, version and quantity breaks)"))
        self.label.setBuddy(self.edit)
        self.clear = QToolButton()
        self.clear.setObjectName("catalog_customer_clear")
        self.clear.setText("×")
        self.clear.setAccessibleName(_("No customer: list prices"))
        self.clear.setToolTip(_("No customer: list prices"))
        self.suggestions = QStandardItemModel(self)
        self.completer = QCompleter(self.suggestions, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setWidget(self.edit)
        self.completer.activated[QModelIndex].connect(self._picked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.clear)
        self._typing = debouncer(self, self._search)
        self.edit.textEdited.connect(lambda _text: self._typing.start())
        self.clear.clicked.connect(lambda: self.choose(None))
        self._generation = 0

    def restore(self) -> None:
        """Show the customer the app remembers (chosen here, or by another screen)."""
        remembered = self.ctx.extras.get(VISITING)
        if remembered and remembered != self.customer_id:
            self.customer_id = remembered
            ReplicaOp(self, lambda agent: agent.read(lambda s: customer_rows(s, [remembered]))) \
                .success(self._remembered_arrived).failure(lambda error: None).run(self.ctx.runner)
            self.chosen.emit(remembered)

    def _remembered_arrived(self, rows: list[CustomerRow]) -> None:
        if rows and rows[0].id == self.customer_id:
            self.edit.setText(label_of(rows[0]))
        elif not rows:
            self.choose(None)

    def _search(self) -> None:
        text = self.edit.text().strip()
        if not text:
            return
        self._generation += 1
        generation = self._generation
        ReplicaOp(self, lambda agent: agent.read(lambda s: find_customers(s, text))) \
            .success(lambda rows: self._found(generation, rows)).failure(lambda error: None).run(self.ctx.runner)

    def _found(self, generation: int, rows: list[CustomerRow]) -> None:
        if generation != self._generation:
            return
        self.suggestions.clear()
        for row in rows:
            item = QStandardItem(label_of(row))
            item.setData(row.id, Qt.ItemDataRole.UserRole)
            item.setEditable(False)
            self.suggestions.appendRow(item)
        if rows and self.edit.hasFocus():
            self.completer.complete()
        if not rows:
            self.completer.popup().hide()

    def _picked(self, index: QModelIndex) -> None:
        customer_id = index.data(Qt.ItemDataRole.UserRole)
        self.edit.setText(index.data(Qt.ItemDataRole.DisplayRole))
        self.choose(customer_id, keep_text=True)

    def choose(self, customer_id: str | None, *, keep_text: bool = False) -> None:
        """Visit this customer (None: no customer, list prices); remembered for the other screens."""
        self.customer_id = customer_id
        if customer_id:
            self.ctx.extras[VISITING] = customer_id
            if not keep_text:
                ReplicaOp(self, lambda agent: agent.read(lambda s: customer_rows(s, [customer_id]))) \
                    .success(self._remembered_arrived).failure(lambda error: None).run(self.ctx.runner)
        else:
            self.ctx.extras.pop(VISITING, None)
            self.edit.clear()
        self.chosen.emit(customer_id)
