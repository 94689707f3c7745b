"""The parts of the Sync section: the outbox, the conflict inbox and the updates list, each a lazy id
table over the read functions of operations/read/sync.py, with the actions that make sense there."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop.domain.lifecycle import status_label
from sfa_desktop.domain.messages import FIELD_LABELS, Message
from sfa_desktop.i18n import N_, _, error_text, number, render
from sfa_desktop.operations import resolve_conflict, retry_command
from sfa_desktop.operations.read.sync import (
    conflict_ids,
    conflict_rows,
    outbox_ids,
    outbox_rows,
    update_ids,
    update_rows,
)
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.table_model import Column, IdTableModel
from sfa_desktop.ui.widgets.banner import MessageBanner
from sfa_desktop.ui.widgets.empty_state import EmptyState

#: Which section opens the row an update or a command is about.
SECTION_OF_STREAM = {"orders": "orders", "quotes": "quotes", "customers": "customers", "deals": "deals",
                     "activities": "agenda", "products": "catalog"}


def _msg(message: Message | None) -> str:
    return render(message) if message is not None else ""


def table(model: IdTableModel, name: str, accessible: str, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    # short lists (the outbox, the conflicts, the updates): every column as wide as what it says, so a
    # status or a refusal's reason is read whole; what the row is about takes the rest
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(False)
    return view


def value_text(value: Any) -> str:
    """A conflict's value for reading: the fields the agent knows (no internal ids, nothing empty), one a
    line, with their names in the agent's words; a document's lines one a line, briefly."""
    if value is None or value == {} or value == []:
        return "—"
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if _internal(str(key)) or item in (None, "", [], {}):
                continue
            label = _label(str(key))
            if isinstance(item, list) and all(isinstance(i, dict) for i in item):
                lines.append(f"{label}:")
                lines.extend("  • " + _brief(i) for i in item)
            elif isinstance(item, dict):
                lines.append(f"{label}: {_brief(item)}")
            else:
                lines.append(f"{label}: {_scalar(item)}")
        return "\n".join(lines) or "—"
    if isinstance(value, list):
        return "\n".join(_brief(v) if isinstance(v, dict) else _scalar(v) for v in value)
    return _scalar(value)


#: Names of a command's fields that are not customer fields (those are in FIELD_LABELS).
COMMAND_FIELDS = {"number": N_("Number"), "lines": N_("Lines"), "quantity": N_("Quantity"),
                  "discount": N_("Discount"), "expected": N_("Expected"), "grand_total": N_("Total"),
                  "unit_prices": N_("Unit prices"), "unit_price": N_("Unit price"), "sku": N_("Code"),
                  "document_discount": N_("Document discount"), "reason": N_("Reason"), "status": N_("Status"),
                  "subject": N_("Subject"), "title": N_("Title"), "stage": N_("Stage"), "amount": N_("Amount")}


def _label(key: str) -> str:
    return _(FIELD_LABELS.get(key) or COMMAND_FIELDS.get(key) or key.replace("_", " "))


def _internal(key: str) -> bool:
    return key == "id" or key.endswith("_id") or key.endswith("_ids")


def _brief(item: dict) -> str:
    return ", ".join(f"{_label(str(k))} {_scalar(v)}"
                     for k, v in item.items() if not _internal(str(k)) and v not in (None, "", [], {}))


def _scalar(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float):
        return number(Decimal(str(value)))
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


class OutboxPanel(QWidget):
    """What waits to be sent, what was refused and what is held, each with its reason; Retry."""

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("outboxPanel")
        columns = [Column("about", N_("What"), display=lambda r: _msg(r.about)),
                   Column("status", N_("Status"), display=lambda r: _msg(status_label("outbox_status", r.status))),
                   Column("last_error", N_("Reason"), display=lambda r: _msg(r.last_error),
                          tooltip=lambda r: _msg(r.last_error) or None),
                   Column("created_at", N_("Queued"), kind="ago")]
        self.model = IdTableModel(ctx.runner, columns, ids=lambda s, **_k: outbox_ids(s), rows=outbox_rows,
                                  streams=(), parent=self)
        self.view = table(self.model, "outboxTable", _("Changes waiting to be sent"), self)
        self.empty = EmptyState(_("Nothing waiting to be sent"),
                                _("Everything you did has reached the server."), self)
        self.banner = MessageBanner(self)
        self.retry = QPushButton(_("&Retry"), self)
        self.retry.setObjectName("retryCommand")
        self.retry.setAccessibleName(_("Send the selected change again"))
        self.retry.setEnabled(False)
        self.retry.clicked.connect(self.retry_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(buttons)
        self.model.loaded.connect(self._loaded)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._selection())
        self.model.dataChanged.connect(lambda *_a: self._selection())
        ctx.bridge.outbox_changed.connect(lambda _n: self.model.refresh())
        ctx.bridge.sync_finished.connect(lambda _r: self.model.refresh())
        ctx.bridge.unlocked.connect(self.model.refresh)

    def _loaded(self, count: int) -> None:
        self.view.setVisible(count > 0)
        self.empty.setVisible(count == 0)
        self._selection()

    def selected(self):
        index = self.view.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def _selection(self) -> None:
        row = self.selected()
        self.retry.setEnabled(row is not None and row.status == "failed")

    def retry_selected(self) -> None:
        row = self.selected()
        if row is None or row.status != "failed":
            return
        self.retry.setEnabled(False)
        ReplicaOp(self, lambda agent: agent.write(lambda s: retry_command(s, command_id=row.id))) \
            .success(lambda _c: (self.model.refresh(),
                                 self.ctx.show_message(_("The change will be sent at the next sync.")))) \
            .failure(lambda error: self.banner.show_message(error_text(error), "error")).run(self.ctx.runner)


class ConflictPanel(QWidget):
    """The conflict inbox: the business message, both values, and only the choices the entry offers."""

    resolved = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("conflictPanel")
        columns = [Column("title", N_("Conflict"), display=lambda r: _msg(r.title)),
                   Column("about", N_("About"), display=lambda r: _msg(r.about)),
                   Column("created_at", N_("Since"), kind="ago")]
        self.model = IdTableModel(ctx.runner, columns, ids=lambda s, **_k: conflict_ids(s), rows=conflict_rows,
                                  streams=(), parent=self)
        self.view = table(self.model, "conflictTable", _("Conflicts to settle"), self)
        self.empty = EmptyState(_("No conflicts"), _("When the office changes or refuses something you sent, "
                                                     "it appears here with your choices."), self)
        self.banner = MessageBanner(self)
        detail = QWidget(self)
        self.message = QLabel(detail)
        self.message.setObjectName("conflictMessage")
        self.message.setWordWrap(True)
        self.mine = QLabel(detail)
        self.mine.setObjectName("conflictLocal")
        self.theirs = QLabel(detail)
        self.theirs.setObjectName("conflictServer")
        for label in (self.mine, self.theirs):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow(_("Yours:"), self.mine)
        form.addRow(_("The office's:"), self.theirs)
        self.choices = QHBoxLayout()
        box = QVBoxLayout(detail)
        box.addWidget(self.message)
        box.addLayout(form)
        box.addLayout(self.choices)
        box.addStretch(1)
        self.detail = detail
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.view)
        split.addWidget(detail)
        split.setSizes([260, 200])
        self.split = split
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        layout.addWidget(self.empty, 1)
        self.buttons: list[QPushButton] = []
        self.model.loaded.connect(self._loaded)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self.show_selected())
        self.model.dataChanged.connect(lambda *_a: self.show_selected())
        ctx.bridge.conflicts_changed.connect(lambda _n: self.model.refresh())
        ctx.bridge.sync_finished.connect(lambda _r: self.model.refresh())
        ctx.bridge.unlocked.connect(self.model.refresh)

    def _loaded(self, count: int) -> None:
        self.split.setVisible(count > 0)
        self.empty.setVisible(count == 0)
        if count and not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.model.index(0, 0))
        self.show_selected()

    def select(self, conflict_id: str) -> None:
        row = self.model.row_of(conflict_id)
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row, 0))

    def show_selected(self) -> None:
        index = self.view.currentIndex()
        row = self.model.record(index.row()) if index.isValid() else None
        for button in self.buttons:
            self.choices.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        if row is None:
            self.message.setText("")
            self.mine.setText("")
            self.theirs.setText("")
            return
        self.message.setText(_msg(row.message))
        self.mine.setText(value_text(row.local_value))
        self.theirs.setText(value_text(row.server_value))
        for code, label in row.choices:
            button = QPushButton(_msg(label), self.detail)
            button.setObjectName(f"choice_{code}")
            button.setAccessibleName(_msg(label))
            button.clicked.connect(lambda _c=False, code=code, cid=row.id: self.choose(cid, code))
            self.choices.addWidget(button)
            self.buttons.append(button)
        self.choices.addStretch(0)

    def choose(self, conflict_id: str, choice: str) -> None:
        for button in self.buttons:
            button.setEnabled(False)
        ReplicaOp(self, lambda agent: agent.write(lambda s: resolve_conflict(s, conflict_id=conflict_id,
                                                                              choice=choice))) \
            .success(lambda _c: self.resolved.emit(conflict_id)) \
            .failure(lambda error: self.banner.show_message(error_text(error), "error")) \
            .finally_(self.show_selected).run(self.ctx.runner)


class UpdatesPanel(QWidget):
    """The office's decisions and other news since the agent last looked; Enter opens the row."""

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("updatesPanel")
        columns = [Column("message", N_("Update"),
                          display=lambda r: _msg(r.message) if r.seen else "● " + _msg(r.message)),
                   Column("at", N_("When"), kind="ago")]
        self.model = IdTableModel(ctx.runner, columns, ids=lambda s, **_k: update_ids(s), rows=update_rows,
                                  streams=("updates",), parent=self)
        self.view = table(self.model, "updatesTable", _("Updates since you last looked"), self)
        self.view.activated.connect(self.open_update)
        self.empty = EmptyState(_("No updates"), _("The office's decisions on your orders appear here after a "
                                                   "sync."), self)
        self.seen = QPushButton(_("&Mark all as read"), self)
        self.seen.setObjectName("markUpdatesSeen")
        self.seen.clicked.connect(self.mark_seen)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.seen)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(buttons)
        self.model.loaded.connect(lambda n: (self.view.setVisible(n > 0), self.empty.setVisible(n == 0)))
        ctx.bridge.streams_changed.connect(self.model.on_changes)
        ctx.bridge.decisions_arrived.connect(lambda _d: self.model.refresh())
        ctx.bridge.sync_finished.connect(lambda _r: self.model.refresh())
        ctx.bridge.unlocked.connect(self.model.refresh)

    def open_update(self, index) -> None:
        row = self.model.record(index.row()) if index.isValid() else None
        if row is not None and row.stream in SECTION_OF_STREAM and row.row_id:
            self.ctx.navigate(SECTION_OF_STREAM[row.stream], row.row_id)

    def mark_seen(self) -> None:
        from sfa_desktop.operations.updates import mark_updates_seen

        ReplicaOp(self, lambda agent: agent.write(lambda s: mark_updates_seen(s))) \
            .success(lambda _c: self.model.refresh()).run(self.ctx.runner)
