"""The global search (Ctrl+K): customers, products, quotes and orders matching what the agent types,
grouped, the first hit selected; Enter opens it in its section.

Each keystroke restarts a short pause; the search then runs on the replica worker through the
sections' own read functions (`customer_ids(text=...)`...), and an answer to an older text is
dropped, so typing fast never shows stale hits nor waits on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from sfa_desktop.i18n import N_, _, money
from sfa_desktop.operations.read.catalog import product_ids, product_rows
from sfa_desktop.operations.read.customers import customer_ids, customer_rows
from sfa_desktop.operations.read.documents import order_ids, order_rows, quote_ids, quote_rows
from sfa_desktop.ui.background import ReplicaOp, Runner

PER_GROUP = 6
PAUSE_MS = 120
GROUPS = (("customers", N_("Customers")), ("catalog", N_("Products")), ("quotes", N_("Quotes")),
          ("orders", N_("Orders")))

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Hit:
    section: str  # the section that opens it (customers, catalog, quotes, orders)
    target_id: str | None  # None: a group's heading
    title: str
    detail: str = ""


def search_everything(session, text: str, *, per_group: int = PER_GROUP) -> list[Hit]:
    """The hits for `text`, heading first in each group that found something."""
    found: dict[str, list[Hit]] = {}
    ids = customer_ids(session, text=text)[:per_group]
    found["customers"] = [Hit("customers", r.id, r.name, " · ".join(x for x in (r.erp_code, r.city) if x))
                          for r in customer_rows(session, ids)]
    ids = product_ids(session, text=text, limit=per_group)
    found["catalog"] = [Hit("catalog", r.id, f"{r.sku} {r.name}", r.brand or "") for r in product_rows(session, ids)]
    ids = quote_ids(session, text=text)[:per_group]
    found["quotes"] = [Hit("quotes", r.id, r.number, f"{r.customer_name or ''} · {money(r.grand_total)}")
                       for r in quote_rows(session, ids)]
    ids = order_ids(session, text=text)[:per_group]
    found["orders"] = [Hit("orders", r.id, r.number, f"{r.customer_name or ''} · {money(r.grand_total)}")
                       for r in order_rows(session, ids)]
    hits: list[Hit] = []
    for key, title in GROUPS:
        if found[key]:
            hits.append(Hit(key, None, title))
            hits.extend(found[key])
    return hits


class SearchResultsModel(QAbstractListModel):
    """Headings and hits in one list; headings are shown in bold and cannot be selected."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        heading = hit.target_id is None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if heading:
                return _(hit.title)
            return f"{hit.title}   —   {hit.detail}" if hit.detail else hit.title
        if role == Qt.ItemDataRole.FontRole and heading:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return hit
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.hits[index.row()].target_id is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def first_hit(self, start: int = 0, step: int = 1) -> int | None:
        row = start
        while 0 <= row < len(self.hits):
            if self.hits[row].target_id is not None:
                return row
            row += step
        return None


class GlobalSearch(QDialog):
    """`opened(section, target_id)` when the agent picks a hit."""

    opened = Signal(str, str)
    #: (count of hits): the answer for the current text is shown (tests and benchmarks wait on it).
    answered = Signal(int)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("globalSearch")
        self.setWindowTitle(_("Search"))
        self.resize(640, 460)
        self.field = QLineEdit(self)
        self.field.setObjectName("globalSearchField")
        self.field.setAccessibleName(_("Search customers, products, quotes and orders"))
        self.field.setPlaceholderText(_("Search customers, products, quotes and orders…"))
        self.field.setClearButtonEnabled(True)
        self.model = SearchResultsModel(self)
        self.view = QListView(self)
        self.view.setObjectName("globalSearchResults")
        self.view.setAccessibleName(_("Search results"))
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.activated.connect(self._activated)
        self.hint = QLabel(_("Type a name, a code, a VAT number or a document number."), self)
        self.hint.setObjectName("globalSearchHint")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        self.pause = QTimer(self)
        self.pause.setSingleShot(True)
        self.pause.setInterval(PAUSE_MS)
        self.pause.timeout.connect(self.search)
        self.field.textChanged.connect(lambda _text: self.pause.start())
        self.field.installEventFilter(self)
        self._asked = 0

    def open_search(self) -> None:
        self.field.selectAll()
        self.show()
        self.activateWindow()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def search(self) -> None:
        text = self.field.text().strip()
        self._asked += 1
        asked = self._asked
        if len(text) < 2:
            self.model.set_hits([])
            self.hint.setText(_("Type a name, a code, a VAT number or a document number."))
            self.answered.emit(0)
            return
        ReplicaOp(self, lambda agent: agent.read(lambda s: search_everything(s, text))) \
            .success(lambda hits: self._show(asked, hits)) \
            .failure(lambda error: self._show(asked, [])).run(self.runner)

    def _show(self, asked: int, hits: list[Hit]) -> None:
        if asked != self._asked:
            return  # the agent typed on: an older answer
        self.model.set_hits(hits)
        first = self.model.first_hit()
        if first is not None:
            self.view.setCurrentIndex(self.model.index(first))
        self.hint.setText("" if hits else _("Nothing found. Try fewer or shorter words."))
        self.hint.setVisible(not hits)
        self.answered.emit(sum(1 for h in hits if h.target_id))

    def eventFilter(self, watched, event) -> bool:
        from PySide6.QtCore import QEvent

        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.pause.isActive():  # Enter before the pause ended: search now, then open
                    self.pause.stop()
                    self.search()
                    return True
                self._activated(self.view.currentIndex())
                return True
        return super().eventFilter(watched, event)

    def _move(self, step: int) -> None:
        current = self.view.currentIndex().row() if self.view.currentIndex().isValid() else -1
        row = self.model.first_hit(current + step, step)
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row))

    def _activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        hit: Hit = self.model.data(index, Qt.ItemDataRole.UserRole)
        if hit is None or hit.target_id is None:
            return
        self.hide()
        self.opened.emit(hit.section, hit.target_id)
