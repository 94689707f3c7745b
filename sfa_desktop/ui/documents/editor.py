"""The quote and order editor: customer, lines, terms, live figures from the core, saved as typed.

Every change is an undo step (QUndoStack: Ctrl+Z / Ctrl+Shift+Z) and asks the core for a new
preview (operations.read.editor.preview_document: the one pricing of a document) on the replica
worker; the draft is saved a moment after the agent stops typing (save_quote / save_order_draft).
A save that fails (a line the core refuses, the replica locked) keeps the draft in the editor and
says why in place; the next change or unlock saves it again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.domain.lifecycle import status_label
from sfa_desktop.i18n import _
from sfa_desktop.operations.orders import save_order_draft
from sfa_desktop.operations.quotes import save_quote
from sfa_desktop.operations.read.editor import (
    DocumentPreview,
    EditorCustomer,
    EditorDocument,
    ProductFacts,
    editor_customer,
    editor_document,
    preview_document,
    product_facts,
)
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.documents.draft import Draft, DraftLine, parse_number
from sfa_desktop.ui.documents.entry import CustomerPicker, LineEntry
from sfa_desktop.ui.documents.lines_model import KEYS, LinesModel
from sfa_desktop.ui.documents.panels import ChecksPanel, CreditPanel, TotalsPanel
from sfa_desktop.ui.documents.undo import DraftChange

#: The draft is saved this long after the last change (saving as one types, not at every key).
SAVE_DELAY_MS = 600


def _only_this_document(changes: Any, doc_id: str | None) -> bool:
    """The change is this editor's own save (nothing its figures depend on moved)."""
    if not set(changes.rows) <= {"quotes", "quote_lines", "orders", "order_lines"}:
        return False
    for stream in ("quotes", "orders"):
        if stream in changes.rows:
            ids = changes.ids(stream)
            if ids is None or not ids <= {doc_id}:
                return False
    return True


class DocumentEditor(QWidget):
    """One quote or order being written or looked at; `kind` is "quote" or "order"."""

    #: (document id): the draft was saved (the first save creates it)
    saved = Signal(str)
    #: (DocumentPreview): new figures from the core
    previewed = Signal(object)
    #: the document was opened (EditorDocument) or a new one started (None)
    opened = Signal(object)

    def __init__(self, ctx: AppContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.kind = ctx, kind
        self.setObjectName(f"{kind}_editor")
        self.draft = Draft(kind)
        self.doc_id: str | None = None
        self.document: EditorDocument | None = None  # as last opened or saved
        self.customer: EditorCustomer | None = None
        self.preview: DocumentPreview | None = None
        self.facts: dict[str, ProductFacts] = {}
        self._inputs = None  # what the last preview's pricing read: reused until a sync changes data
        self.editable = True
        self._unsaved = False
        self._saving = False
        self._preview_generation = 0
        #: the pricing generation when the core last refused something (its message outlives older pricings)
        self._refusal_at = -1
        self.undo_stack = QUndoStack(self)
        self._build()
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)
        ctx.bridge.unlocked.connect(self._resume_after_unlock)
        ctx.bridge.streams_changed.connect(self._data_changed)

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setObjectName("editor_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.save_state = QLabel()
        self.save_state.setObjectName("save_state")
        self.save_state.setAccessibleName(_("Draft state"))
        self.save_state.setWordWrap(True)
        self.save_state.setMinimumWidth(220)
        self.save_state.setMaximumWidth(700)
        self.picker = CustomerPicker(self.ctx.runner)
        self.picker.customer_chosen.connect(self.set_customer)
        self.entry = LineEntry(self.ctx.runner)
        self.entry.product_chosen.connect(self.add_product)
        self.entry.unknown_code.connect(self._unknown_code)
        self.lines_model = LinesModel(self._edit_line, self)
        self.table = QTableView()
        self.table.setObjectName("editor_lines")
        self.table.setAccessibleName(_("Lines"))
        self.table.setModel(self.lines_model)
        self.table.setEditTriggers(QTableView.EditTrigger.AnyKeyPressed | QTableView.EditTrigger.DoubleClicked
                                   | QTableView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(KEYS.index("description"), QHeaderView.ResizeMode.Stretch)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, self.delete_current_line,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.document_discount = QLineEdit()
        self.document_discount.setObjectName("document_discount")
        self.document_discount.setAccessibleName(_("Document discount"))
        self.document_discount.setPlaceholderText(_("e.g. 10+5"))
        self.customer_reference = QLineEdit()
        self.customer_reference.setObjectName("customer_reference")
        self.customer_reference.setAccessibleName(_("Customer reference"))
        self.valid_until = QDateEdit(self)
        self.valid_until.setObjectName("valid_until")
        self.valid_until.setAccessibleName(_("Valid until"))
        self.valid_until.setCalendarPopup(True)
        self.valid_until.setSpecialValueText(_("default"))
        self.valid_until.setMinimumDate(QDate(2000, 1, 1))
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(70)
        self.document_discount.textEdited.connect(lambda t: self._field("document_discount", t))
        self.customer_reference.textEdited.connect(lambda t: self._field("customer_reference", t))
        self.notes.textChanged.connect(self._notes_changed)
        self.valid_until.dateChanged.connect(self._validity_changed)
        terms = QFormLayout()
        terms.addRow(_("Document discount"), self.document_discount)
        terms.addRow(_("Customer reference"), self.customer_reference)
        if self.kind == "quote":
            terms.addRow(_("Valid until"), self.valid_until)
        else:
            self.valid_until.hide()
        terms.addRow(_("Notes"), self.notes)
        self.credit = CreditPanel()
        self.totals = TotalsPanel()
        self.checks = ChecksPanel()
        self.actions_bar = QHBoxLayout()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.picker)
        left_layout.addWidget(self.entry)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(terms)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.credit)
        right_layout.addWidget(self.totals)
        right_layout.addWidget(self.checks, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        right.setMinimumWidth(400)
        splitter.setSizes([820, 440])
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.save_state)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(self.actions_bar)
        undo = self.undo_stack.createUndoAction(self, _("Undo"))
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo_stack.createRedoAction(self, _("Redo"))
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (undo, redo):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.undo_action, self.redo_action = undo, redo
        self.setTabOrder(self.picker.edit, self.entry.edit)
        self.setTabOrder(self.entry.edit, self.table)
        self.setTabOrder(self.table, self.document_discount)
        self.setTabOrder(self.document_discount, self.customer_reference)
        self.setTabOrder(self.customer_reference, self.valid_until)
        self.setTabOrder(self.valid_until, self.notes)

    # ------------------------------------------------------------------ opening

    def start_new(self, customer_id: str | None = None) -> None:
        """A new draft (for `customer_id` when given); nothing is saved until it has a line."""
        self.doc_id, self.document, self.editable = str(uuid.uuid4()), None, True
        self._set_draft(Draft(self.kind))
        self.undo_stack.clear()
        self.customer, self.preview, self.facts, self._inputs = None, None, {}, None
        self.credit.show_customer(None)
        self._unsaved = False
        self._show_state("")
        self._refresh_title()
        self._enable_editing(True)
        self.opened.emit(None)
        if customer_id:
            self.set_customer(customer_id, record=False)
            self.entry.edit.setFocus()
        else:
            self.picker.edit.setFocus()

    def open_document(self, document_id: str) -> None:
        kind = self.kind
        ReplicaOp(self, lambda agent: agent.read(lambda s: editor_document(s, kind, document_id))) \
            .success(self._document_arrived).failure(self._show_error).run(self.ctx.runner)

    def _document_arrived(self, doc: EditorDocument | None) -> None:
        if doc is None:
            self._show_state(_("This document is not on this computer (any more)."), problem=True)
            return
        self.doc_id, self.document, self.editable = doc.id, doc, doc.editable
        self._inputs, self.preview = None, None
        lines = tuple(DraftLine(x.product_id, x.sku, x.description, x.quantity, x.discount, x.net_price)
                      for x in doc.lines)
        self._set_draft(Draft(self.kind, doc.customer_id, lines, doc.document_discount or "", doc.notes or "",
                              doc.customer_reference or "", doc.valid_until, doc.signature or ""))
        self.undo_stack.clear()
        self._unsaved = False
        self._show_state("")
        self._refresh_title()
        self._enable_editing(doc.editable)
        self._load_customer(doc.customer_id)
        self._load_facts([x.product_id for x in lines])
        self.opened.emit(doc)
        (self.entry.edit if doc.editable else self.table).setFocus()

    def _refresh_title(self) -> None:
        doc = self.document
        if doc is None:
            text = _("New quote") if self.kind == "quote" else _("New order")
        else:
            kind = "quote_status" if self.kind == "quote" else "order_status"
            status = i18n.render(status_label(kind, doc.status))
            if self.kind == "quote":
                text = i18n.tr("Quote {number} rev. {revision} · {status}", number=doc.number,
                               revision=doc.revision, status=status)
            elif doc.number.startswith("DRAFT-"):  # numbered from the device's block when submitted
                text = i18n.tr("Order (numbered when submitted) · {status}", status=status)
            else:
                text = i18n.tr("Order {number} · {status}", number=doc.number, status=status)
        self.title.setText(text)

    def _enable_editing(self, editable: bool) -> None:
        self.lines_model.read_only = not editable
        for widget in (self.picker, self.entry, self.document_discount, self.customer_reference, self.valid_until):
            widget.setEnabled(editable)
        self.notes.setReadOnly(not editable)

    # ------------------------------------------------------------------ the draft

    def _set_draft(self, draft: Draft) -> None:
        """Show `draft` in the fields (from undo/redo or opening) without recording a new step."""
        self.draft = draft
        self.lines_model.set_lines(draft.lines)
        for widget, text in ((self.document_discount, draft.document_discount),
                             (self.customer_reference, draft.customer_reference)):
            if widget.text() != text:
                widget.setText(text)
        if self.notes.toPlainText() != draft.notes:
            self.notes.blockSignals(True)
            self.notes.setPlainText(draft.notes)
            self.notes.blockSignals(False)
        self.valid_until.blockSignals(True)
        if draft.valid_until is None:
            self.valid_until.setDate(self.valid_until.minimumDate())
        else:
            self.valid_until.setDate(QDate(draft.valid_until.year, draft.valid_until.month, draft.valid_until.day))
        self.valid_until.blockSignals(False)

    def _apply(self, draft: Draft) -> None:
        customer_changed = draft.customer_id != self.draft.customer_id
        self._set_draft(draft)
        if customer_changed and draft.customer_id:
            self._load_customer(draft.customer_id)
        self._changed()

    def change(self, after: Draft, text: str, merge_key: str | None = None) -> None:
        """Record one change of the draft as an undo step and apply it."""
        if not self.editable or after == self.draft:
            return
        self.undo_stack.push(DraftChange(self._apply, self.draft, after, text, merge_key))

    def _field(self, name: str, text: str) -> None:
        self.change(dataclasses.replace(self.draft, **{name: text}), _("Edit"), merge_key=name)

    def _notes_changed(self) -> None:
        self._field("notes", self.notes.toPlainText())

    def _validity_changed(self, date: QDate) -> None:
        value = None if date == self.valid_until.minimumDate() else dt.date(date.year(), date.month(), date.day())
        self.change(dataclasses.replace(self.draft, valid_until=value), _("Validity"), merge_key="valid_until")

    def set_customer(self, customer_id: str, record: bool = True) -> None:
        after = dataclasses.replace(self.draft, customer_id=customer_id)
        if record and self.draft.customer_id is not None:
            self.change(after, _("Customer"))
        else:
            self.draft = after
            self._load_customer(customer_id)
            self._changed(save=False)
        self.entry.edit.setFocus()

    def add_product(self, product_id: str, quantity: Decimal | None, scanned: bool) -> None:
        if not self.editable:
            return

        def added(facts: dict[str, ProductFacts]) -> None:
            self.facts.update(facts)
            found = facts.get(product_id)
            if found is None:
                self._unknown_code(product_id)
                return
            wanted = quantity if quantity is not None else found.suggested_quantity
            last = self.draft.lines[-1] if self.draft.lines else None
            if scanned and quantity is None and last is not None and last.product_id == product_id:
                # the same item scanned again: one more pack on the same line
                after = self.draft.with_line(len(self.draft.lines) - 1, quantity=last.quantity + wanted)
            else:
                line = DraftLine(found.id, found.sku, found.name, wanted)
                after = dataclasses.replace(self.draft, lines=(*self.draft.lines, line))
            self.change(after, _("Add line"))
            self.lines_model.set_facts(self.facts)
            self.table.scrollToBottom()
            self.entry.edit.setFocus()

        customer_id = self.draft.customer_id
        ReplicaOp(self, lambda agent: agent.read(lambda s: product_facts(s, customer_id, [product_id]))) \
            .success(added).failure(self._show_error).run(self.ctx.runner)

    def _unknown_code(self, code: str) -> None:
        self.checks.show_problem(i18n.tr("No product has the code or words “{code}”.", code=code))

    def delete_current_line(self) -> None:
        row = self.table.currentIndex().row()
        if not self.editable or not 0 <= row < len(self.draft.lines):
            return
        lines = self.draft.lines[:row] + self.draft.lines[row + 1:]
        self.change(dataclasses.replace(self.draft, lines=lines), _("Remove line"))

    def _edit_line(self, row: int, key: str, text: str) -> bool:
        try:
            if key == "quantity":
                quantity = parse_number(text)
                if quantity is None or quantity <= 0:
                    raise ValueError(text)
                after = self.draft.with_line(row, quantity=quantity)
            elif key == "discount":
                after = self.draft.with_line(row, discount=text.strip() or None,
                                             net_price=None if text.strip() else self.draft.lines[row].net_price)
            elif key == "net_price":
                price = parse_number(text)
                after = self.draft.with_line(row, net_price=price,
                                             discount=None if price is not None else self.draft.lines[row].discount)
            elif key == "description":
                after = self.draft.with_line(row, description=text.strip() or self.draft.lines[row].description)
            else:
                return False
        except ValueError:
            self.checks.show_problem(i18n.tr("Line {line}: “{typed}” is not a number.", line=row + 1, typed=text))
            return False
        self.change(after, _("Edit line"))
        return True

    # ------------------------------------------------------------------ reading the core

    def _load_customer(self, customer_id: str) -> None:
        order_id = self.doc_id if self.kind == "order" else None

        def arrived(customer: EditorCustomer | None) -> None:
            self.customer = customer
            self.credit.show_customer(customer)
            self._preview()

        ReplicaOp(self, lambda agent: agent.read(lambda s: editor_customer(s, customer_id, exclude_order=order_id))) \
            .success(arrived).failure(self._show_error).run(self.ctx.runner)

    def _load_facts(self, product_ids: list[str]) -> None:
        customer_id = self.draft.customer_id

        def arrived(facts: dict[str, ProductFacts]) -> None:
            self.facts.update(facts)
            self.lines_model.set_facts(self.facts)
            self._preview()

        ReplicaOp(self, lambda agent: agent.read(lambda s: product_facts(s, customer_id, product_ids))) \
            .success(arrived).failure(self._show_error).run(self.ctx.runner)

    def _changed(self, save: bool = True) -> None:
        self._preview()
        if save and self.editable:
            self._unsaved = True
            self._show_state(_("Saving…"))
            self._save_timer.start()

    def preview_inputs(self) -> dict[str, Any]:
        draft = self.draft
        return {"customer_id": draft.customer_id, "lines": draft.requests(),
                "document_discount": draft.document_discount or None,
                "quote_id": self.document.quote_id if self.document else None,
                "order_id": self.doc_id if self.kind == "order" else None,
                "stock": {pid: f.available for pid, f in self.facts.items()}, "customer": self.customer,
                "inputs": self._inputs}

    def _preview(self) -> None:
        if not self.draft.customer_id or self.customer is None:
            return
        self._preview_generation += 1
        generation, inputs = self._preview_generation, self.preview_inputs()
        ReplicaOp(self, lambda agent: agent.read(lambda s: preview_document(s, **inputs))) \
            .success(lambda preview: self._preview_arrived(generation, preview)) \
            .failure(self._show_error).run(self.ctx.runner)

    def _preview_arrived(self, generation: int, preview: DocumentPreview) -> None:
        if generation != self._preview_generation:
            return  # a newer change is being priced
        self.preview = preview
        self._inputs = preview.inputs
        problem_row = preview.problem_line - 1 if preview.problem_line else None
        if preview.problem is None or preview.lines:
            self.lines_model.set_preview(preview.lines, problem_row)
        else:
            self.lines_model.set_preview((), problem_row)
        if preview.problem is not None:
            self.checks.show_problem(i18n.render(preview.problem))
        elif self._refusal_at < generation:  # a refusal that came after this pricing was asked stays
            self.checks.show_problem(None)
        self.totals.show_preview(preview)
        self.checks.show_preview(preview)
        self.previewed.emit(preview)

    # ------------------------------------------------------------------ saving

    def save_operation(self):
        """The operation that saves the draft as it stands (for the worker), or None when nothing to save."""
        draft, doc_id = self.draft, self.doc_id
        if not self.editable or not draft.customer_id or not draft.lines:
            return None
        common = {"customer_id": draft.customer_id, "lines": draft.requests(),
                  "document_discount": draft.document_discount or None, "notes": draft.notes or None,
                  "customer_reference": draft.customer_reference or None}
        if self.kind == "quote":
            return lambda s: save_quote(s, **common, valid_until=draft.valid_until, quote_id=doc_id)
        quote_id = self.document.quote_id if self.document else None
        return lambda s: save_order_draft(s, **common, order_id=doc_id, quote_id=quote_id,
                                          signature=draft.signature or None)

    def save_now(self, then: Any = None) -> None:
        """Save the draft now (the timer's work, or before an action); `then()` runs once saved."""
        self._save_timer.stop()
        operation = self.save_operation()
        if operation is None or not self._unsaved:
            if not self.draft.lines and self._unsaved:
                self._show_state(_("Add a product line: the draft is saved once it has one."))
            if then is not None:
                then()
            return
        self._unsaved = False
        doc_id = self.doc_id
        ReplicaOp(self, lambda agent: agent.write(operation)) \
            .success(lambda changes: self._saved(doc_id, then)).failure(self._save_failed).run(self.ctx.runner)

    def _saved(self, doc_id: str | None, then: Any) -> None:
        if not self._unsaved:
            self._show_state(i18n.tr("Draft saved at {time}", time=dt.datetime.now().strftime("%H:%M")))
        if doc_id:
            self.saved.emit(doc_id)
            if self.document is None:
                self.open_quietly(doc_id)
        if then is not None:
            then()

    def open_quietly(self, doc_id: str) -> None:
        """Read back the document's number and state after its first save, keeping what is being typed."""
        kind = self.kind

        def arrived(doc: EditorDocument | None) -> None:
            if doc is not None:
                self.document = doc
                self._refresh_title()
                self.opened.emit(doc)

        ReplicaOp(self, lambda agent: agent.read(lambda s: editor_document(s, kind, doc_id))).success(arrived) \
            .failure(lambda error: None).run(self.ctx.runner)

    def _save_failed(self, error: BaseException) -> None:
        self._unsaved = True  # kept in the editor; saved again at the next change or unlock
        self._show_state(i18n.tr("Draft not saved, kept here: {error}", error=i18n.error_text(error)), problem=True)

    def _data_changed(self, changes: Any) -> None:
        """A sync or another screen changed the replica: prices, stock or credit may have moved."""
        if _only_this_document(changes, self.doc_id):
            return  # this editor's own save
        if changes.touches("products", "price_lists", "price_list_items", "stock_levels", "customers",
                           "open_items", "orders", "settings", "users"):
            self._inputs = None
            if self.draft.customer_id:
                self._load_customer(self.draft.customer_id)
            if self.draft.lines:
                self._load_facts([line.product_id for line in self.draft.lines])

    def _resume_after_unlock(self) -> None:
        if self._unsaved:
            self._save_timer.start()

    def _show_state(self, text: str, problem: bool = False) -> None:
        self.save_state.setText(("⚠ " if problem and text else "") + text)

    def _show_error(self, error: BaseException) -> None:
        """What the core refused (an action, a read): shown until the next change is priced, so a pricing
        asked before the refusal and arriving after it does not wipe it."""
        self._refusal_at = self._preview_generation
        self.checks.show_problem(i18n.error_text(error))

    @property
    def has_unsaved_input(self) -> bool:
        return self._unsaved
