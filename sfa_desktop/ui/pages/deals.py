"""The deals section: the board by stage (drag, or Ctrl+Left / Ctrl+Right to move a card), the list
with its filters, and beside both the chosen deal's history and quotes.

Keys: Ctrl+N new deal, Enter change the deal chosen, Ctrl+Left / Ctrl+Right move it a stage, B the
board, L the list. Closing lost asks the reason (required); postponing asks the new date. A move the
core refuses (a won deal is final) is said in place. Read again when deals or quotes change.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.domain import clock
from sfa_desktop.domain.lifecycle import DealStage
from sfa_desktop.i18n import _
from sfa_desktop.operations import move_deal
from sfa_desktop.operations.read.crm import deal_ids, deal_rows
from sfa_desktop.operations.read.deals import DealCard, DealDetail, deal_board, deal_cards, deal_detail
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.deals.board import DealBoard
from sfa_desktop.ui.deals.detail import DealDetailPanel
from sfa_desktop.ui.deals.dialogs import DealDialog, MoveDialog, needs_dialog
from sfa_desktop.ui.deals.models import LIST_COLUMNS, stage_text
from sfa_desktop.ui.look import InlineMessage
from sfa_desktop.ui.table_model import IdTableModel

STREAMS = ("deals", "quotes", "customers")
#: Closed deals stay on the board this long, so this month's wins and losses are still seen.
CLOSED_SHOWN_DAYS = 30


def create(ctx: AppContext) -> QWidget:
    return DealsPage(ctx)


class DealsPage(QWidget):
    refreshed = Signal()  # the board was read again
    detail_shown = Signal(object)  # (DealDetail | None)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dealsPage")
        self.dialog: DealDialog | MoveDialog | None = None
        self._chosen: str | None = None

        new = QPushButton(_("&New deal…"))
        new.setObjectName("newDealButton")
        new.setToolTip(_("Ctrl+N"))
        edit = QPushButton(_("&Change…"))
        edit.setObjectName("editDealButton")
        edit.setToolTip(_("Change the deal chosen (Enter)"))
        hint = QLabel(_("Drag a card to another stage, or Ctrl+← / Ctrl+→."))
        hint.setObjectName("boardHint")
        self.hint = hint
        bar = QHBoxLayout()
        bar.addWidget(new)
        bar.addWidget(edit)
        bar.addWidget(hint, 1)
        self.message = InlineMessage(self, object_name="dealsMessage")

        self.board = DealBoard()
        self.board.move_wanted.connect(self.move)
        self.board.card_chosen.connect(lambda card: self.choose(card.deal_id))
        self.board.card_opened.connect(self.edit)

        self.stage_filter = QComboBox()
        self.stage_filter.setObjectName("stageFilter")
        self.stage_filter.setAccessibleName(_("Stage"))
        self.stage_filter.addItem(_("Every stage"), None)
        for stage in DealStage:
            self.stage_filter.addItem(stage_text(stage), stage.value)
        self.open_only = QCheckBox(_("&Open only"))
        self.open_only.setObjectName("openOnlyFilter")
        self.open_only.setChecked(True)
        filters = QHBoxLayout()
        stage_label = QLabel(_("&Stage"))
        stage_label.setBuddy(self.stage_filter)
        filters.addWidget(stage_label)
        filters.addWidget(self.stage_filter)
        filters.addWidget(self.open_only)
        filters.addStretch(1)
        self.list_model = IdTableModel(ctx.runner, LIST_COLUMNS, ids=self._list_ids(), rows=deal_rows,
                                       streams=STREAMS, sort="updated_at", descending=True, parent=self)
        self.list_view = QTableView()
        self.list_view.setObjectName("dealList")
        self.list_view.setAccessibleName(_("Deals"))
        self.list_view.setModel(self.list_model)
        self.list_view.setSortingEnabled(True)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setTabKeyNavigation(False)
        self.list_view.verticalHeader().hide()
        self.list_view.horizontalHeader().setStretchLastSection(True)
        self.list_view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.choose(self.list_model.id_at(current.row())))
        self.list_view.activated.connect(lambda index: self._edit_id(self.list_model.id_at(index.row())))
        self.list_empty = QLabel(_("No deal passes these filters. Ctrl+N opens a new one."))
        self.list_empty.setObjectName("dealListEmpty")
        self.list_empty.setVisible(False)
        self.list_model.loaded.connect(lambda n: self.list_empty.setVisible(n == 0))
        self.stage_filter.currentIndexChanged.connect(lambda _i: self._filter())
        self.open_only.toggled.connect(lambda _on: self._filter())
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.addLayout(filters)
        list_layout.addWidget(self.list_view, 1)
        list_layout.addWidget(self.list_empty)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("dealTabs")
        self.tabs.addTab(self.board, _("&Board"))
        self.tabs.addTab(list_page, _("&List"))
        self.detail = DealDetailPanel()
        self.detail.quote_opened.connect(lambda quote_id: self.ctx.navigate("quotes", quote_id))
        self.detail.customer_opened.connect(lambda customer_id: self.ctx.navigate("customers", customer_id))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([540, 200])
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        new.clicked.connect(self.new)
        edit.clicked.connect(lambda: self._edit_id(self._chosen))
        for keys, slot in (("Ctrl+N", self.new), ("B", lambda: self.tabs.setCurrentIndex(0)),
                           ("L", lambda: self.tabs.setCurrentIndex(1))):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        ctx.bridge.streams_changed.connect(self._changed)
        ctx.bridge.streams_changed.connect(self.list_model.on_changes)
        self.reload()
        self.list_model.reload()

    # ------------------------------------------------------------------ reading

    def _list_ids(self):  # type: ignore[no-untyped-def]
        stage, open_only = (self.stage_filter.currentData() if hasattr(self, "stage_filter") else None,
                            self.open_only.isChecked() if hasattr(self, "open_only") else True)
        return lambda s, **kw: deal_ids(s, stage=stage, open_only=open_only and stage is None, **kw)

    def _filter(self) -> None:
        self.list_model.set_query(self._list_ids())

    def reload(self) -> None:
        since = clock.now() - dt.timedelta(days=CLOSED_SHOWN_DAYS)
        ReplicaOp(self, lambda agent: agent.read(lambda s: deal_board(s, closed_since=since))) \
            .success(self._board_arrived) \
            .failure(lambda e: self.message.show_text(i18n.error_text(e))).run(self.ctx.runner)

    def _board_arrived(self, columns) -> None:  # type: ignore[no-untyped-def]
        self.board.show_board(columns)
        empty = not any(column.cards for column in columns)
        self.hint.setText(_("No deal yet: Ctrl+N opens one for a customer.") if empty
                          else _("Drag a card to another stage, or Ctrl+← / Ctrl+→."))
        if self._chosen is not None:
            # after a move by the keys the card keeps the focus in its new column (Ctrl+→ again moves on)
            focused = QApplication.focusWidget()
            self.board.select(self._chosen, focus=focused is not None and self.board.isAncestorOf(focused))
            self._read_detail(self._chosen)
        self.refreshed.emit()

    def _changed(self, changes) -> None:  # type: ignore[no-untyped-def]
        if changes.touches(*STREAMS):
            self.reload()

    def choose(self, deal_id: str | None) -> None:
        if deal_id is None or (deal_id == self._chosen and self.detail.detail is not None):
            return
        self._chosen = deal_id
        self._read_detail(deal_id)

    def _read_detail(self, deal_id: str) -> None:
        today = clock.today()
        ReplicaOp(self, lambda agent: agent.read(lambda s: deal_detail(s, deal_id, today=today))) \
            .success(self._detail_arrived).run(self.ctx.runner)

    def _detail_arrived(self, detail: DealDetail | None) -> None:
        if detail is not None and detail.card.deal_id != self._chosen:
            return
        self.detail.show_detail(detail)
        self.detail_shown.emit(detail)

    def show_target(self, deal_id: str) -> None:
        """Open one deal: chosen on the board (or the list, when it is closed long ago) with its detail."""
        self._chosen = deal_id
        if not self.board.select(deal_id):
            self.reload()
        self._read_detail(deal_id)

    def can_close(self) -> bool:
        """False while a dialog holds what the agent typed (asked before sign-out)."""
        return self.dialog is None or not self.dialog.isVisible()

    # ------------------------------------------------------------------ changing

    def _open(self, dialog: DealDialog | MoveDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(self._saved)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()

    def _saved(self, changes) -> None:  # type: ignore[no-untyped-def]
        self.message.clear_text()
        self._chosen = changes.created or self._chosen
        self.ctx.show_message(_("Deal saved; it goes to the office with the next sync."))

    def new(self) -> None:
        self._open(DealDialog(self.ctx, self))

    def edit(self, card: DealCard) -> None:
        self._open(DealDialog(self.ctx, self, card=card))

    def _edit_id(self, deal_id: str | None) -> None:
        if deal_id is None:
            self.message.show_text(_("Choose a deal first."))
            return
        card = self.board.card(deal_id)
        if card is not None:
            self.edit(card)
            return
        ReplicaOp(self, lambda agent: agent.read(lambda s: deal_cards(s, [deal_id]).get(deal_id))) \
            .success(lambda found: self.edit(found) if found else None).run(self.ctx.runner)

    def move(self, card: DealCard, stage: DealStage) -> None:
        """A drag or Ctrl+arrow: done at once, or through the dialog when the move needs words or a date."""
        self._chosen = card.deal_id
        if needs_dialog(stage):
            self._open(MoveDialog(self.ctx, card, stage, self))
            return
        ReplicaOp(self, lambda agent: agent.write(lambda s: move_deal(s, deal_id=card.deal_id, stage=stage.value))) \
            .success(lambda _changes: self._moved(card, stage)) \
            .failure(lambda e: self.message.show_text(i18n.error_text(e))).run(self.ctx.runner)

    def _moved(self, card: DealCard, stage: DealStage) -> None:
        self.message.clear_text()
        self.ctx.show_message(i18n.tr("{title}: now {stage}.", title=card.title, stage=stage_text(stage)))
