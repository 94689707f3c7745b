"""Fields the editor types into: the customer picker and the line entry (search, SKU, barcode scanner).

Both search the replica as the agent types (on the replica worker) and show the matches in a
short list under the field: Down moves into it, Enter takes the highlighted match (or the first
one), Esc closes it. The line entry accepts "12*CODE" for a quantity, and a barcode scanner
(keyboard wedge: a burst of digits typed faster than a person can, then Enter) adds the product
at once, keeping the cursor in the field for the next scan.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from sfa_desktop.i18n import _
from sfa_desktop.operations.read.catalog import product_ids, product_rows
from sfa_desktop.operations.read.customers import customer_ids, customer_rows
from sfa_desktop.operations.read.editor import product_for_code
from sfa_desktop.ui.background import ReplicaOp, Runner
from sfa_desktop.ui.documents.draft import split_entry

#: Matches shown under a field.
MATCHES = 8
#: A scanner types each character within this many seconds of the previous one; people do not.
SCAN_GAP_S = 0.035
SCAN_MIN_CHARS = 6
SEARCH_DELAY_MS = 120


class _SearchField(QWidget):
    """A line edit with a list of matches under it, filled on the replica worker."""

    def __init__(self, runner: Runner, placeholder: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.edit = QLineEdit(self)
        self.edit.setObjectName(name)
        self.edit.setAccessibleName(placeholder)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.matches = QListWidget(self)
        self.matches.setObjectName(name + "_matches")
        self.matches.setAccessibleName(_("Matches"))
        self.matches.setMaximumHeight(150)
        self.matches.hide()
        self.matches.itemActivated.connect(self._take_item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.matches)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.edit.textEdited.connect(lambda _text: self._timer.start())
        self.edit.installEventFilter(self)
        self.matches.installEventFilter(self)
        self._generation = 0
        self._searching = False
        self._take_when_found = False

    # subclasses: what to search, how to show a row, what taking a row does
    def search_fn(self, text: str) -> Callable[[Any], list[tuple[str, str]]]:
        raise NotImplementedError

    def take(self, row_id: str) -> None:
        raise NotImplementedError

    def on_enter(self, text: str) -> None:
        """Enter with no list shown."""
        self._take_when_found = True
        self._search()

    def _search(self) -> None:
        text = self.edit.text().strip()
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        if not text:
            self.matches.clear()
            self.matches.hide()
            return
        self._searching = True
        fn = self.search_fn(text)
        ReplicaOp(self, lambda agent: agent.read(fn)).success(lambda found: self._found(generation, found)) \
            .failure(self.failed).run(self.runner)

    def failed(self, error: BaseException) -> None:
        self._searching = False

    def _found(self, generation: int, found: list[tuple[str, str]]) -> None:
        if generation != self._generation:
            return
        self._searching = False
        self.matches.clear()
        for row_id, text in found:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row_id)
            self.matches.addItem(item)
        self.matches.setVisible(bool(found))
        if found:
            self.matches.setCurrentRow(0)
        if self._take_when_found:
            self._take_when_found = False
            if found:
                self._take_item(self.matches.item(0))
            else:
                self.nothing_found(self.edit.text().strip())

    def nothing_found(self, text: str) -> None:
        pass

    def _take_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.matches.hide()
        self.take(item.data(Qt.ItemDataRole.UserRole))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and \
                (event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
                 or (event.key() == Qt.Key.Key_Z and event.modifiers() & Qt.KeyboardModifier.ControlModifier)):
            # Ctrl+Z / Ctrl+Shift+Z undo the document's last change, not the letters of this field
            event.ignore()
            return True
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if watched is self.edit:
            if key == Qt.Key.Key_Down and self.matches.isVisible():
                self.matches.setFocus()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.matches.isVisible() and self.matches.count() and not self._timer.isActive():
                    self._take_item(self.matches.currentItem() or self.matches.item(0))
                else:
                    self.on_enter(self.edit.text().strip())
                return True
            if key == Qt.Key.Key_Escape and self.matches.isVisible():
                self.matches.hide()
                return True
        elif watched is self.matches:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._take_item(self.matches.currentItem())
                self.edit.setFocus()
                return True
            if key == Qt.Key.Key_Escape:
                self.matches.hide()
                self.edit.setFocus()
                return True
        return False


class CustomerPicker(_SearchField):
    """Choose the customer of a document by name, ERP code, VAT number or city."""

    customer_chosen = Signal(str)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, _("Customer: name, code, VAT number or city"), "customer_picker", parent)

    def search_fn(self, text: str) -> Callable[[Any], list[tuple[str, str]]]:
        def find(session: Any) -> list[tuple[str, str]]:
            ids = customer_ids(session, text=text)[:MATCHES]
            return [(r.id, " · ".join(x for x in (r.erp_code, r.name, r.city) if x))
                    for r in customer_rows(session, ids)]
        return find

    def take(self, row_id: str) -> None:
        self.edit.clear()
        self.customer_chosen.emit(row_id)


class LineEntry(_SearchField):
    """Add a line: a SKU or barcode and Enter, "12*SKU", words to search, or a scanner's burst."""

    #: (product_id, quantity or None, scanned)
    product_chosen = Signal(str, object, bool)
    #: (code): nothing matches what was typed
    unknown_code = Signal(str)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, _("Add a product: code, barcode or words (12*code for a quantity)"),
                         "line_entry", parent)
        self._stamps: list[float] = []
        self._quantity = None
        self._scanned = False
        self.edit.textEdited.connect(self._stamp)

    def _stamp(self, text: str) -> None:
        now = time.monotonic()
        if not text or (self._stamps and now - self._stamps[-1] > SCAN_GAP_S):
            self._stamps = []
        self._stamps.append(now)

    def looks_scanned(self, text: str) -> bool:
        """A burst of digits typed faster than a person (a keyboard-wedge scanner)."""
        return text.isdigit() and len(text) >= SCAN_MIN_CHARS and len(self._stamps) >= len(text)

    def search_fn(self, text: str) -> Callable[[Any], list[tuple[str, str]]]:
        _quantity, words = split_entry(text)

        def find(session: Any) -> list[tuple[str, str]]:
            exact = product_for_code(session, words)
            ids = [exact] if exact else product_ids(session, text=words, active_only=True, limit=MATCHES)
            return [(r.id, f"{r.sku} · {r.name}") for r in product_rows(session, ids)]
        return find

    def on_enter(self, text: str) -> None:
        if not text:
            return
        self._quantity, words = split_entry(text)
        self._scanned = self.looks_scanned(words)
        self._timer.stop()
        self._generation += 1
        fn = self.search_fn(text)
        ReplicaOp(self, lambda agent: agent.read(lambda s: product_for_code(s, words))) \
            .success(lambda found: self._exact(found, text, fn)).failure(self.failed).run(self.runner)

    def _exact(self, found: str | None, text: str, fn: Callable[[Any], list[tuple[str, str]]]) -> None:
        if found:
            self.take(found)
            return
        # not a code: search the words and take the first match, as Enter does on the list
        self._take_when_found = True
        generation = self._generation
        ReplicaOp(self, lambda agent: agent.read(fn)).success(lambda rows: self._found(generation, rows)) \
            .failure(self.failed).run(self.runner)

    def nothing_found(self, text: str) -> None:
        self.unknown_code.emit(split_entry(text)[1])

    def take(self, row_id: str) -> None:
        quantity, scanned = self._quantity, self._scanned
        if quantity is None:
            quantity = split_entry(self.edit.text())[0]
        self._quantity, self._scanned, self._stamps = None, False, []
        self.edit.clear()
        self.matches.hide()
        self.product_chosen.emit(row_id, quantity, scanned)
