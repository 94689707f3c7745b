"""The board: one column per stage, in the order of the process, each a list of deal cards.

Drag a card to another column, or move it with the keys: Ctrl+Left / Ctrl+Right to the stage before or
after, Left / Right to look at the next column, Enter to open the deal. The board only reports the
move asked for (`move_wanted`); the page asks the core, which may refuse it (a won deal is final).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.domain.lifecycle import DealStage
from sfa_desktop.operations.read.deals import BoardColumn, DealCard
from sfa_desktop.ui.deals.models import CardsModel, stage_text
from sfa_desktop.ui.look import card_delegate

STAGES = tuple(DealStage)


class StageList(QListView):
    """One column's cards; the keys of the board are handled here, where the focus is."""

    step = Signal(int)  # look at the column before (-1) or after (+1)
    move = Signal(int)  # move the card chosen one stage back (-1) or on (+1)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            delta = -1 if key == Qt.Key.Key_Left else 1
            if mods == Qt.KeyboardModifier.ControlModifier:
                self.move.emit(delta)
                return
            if mods == Qt.KeyboardModifier.NoModifier:
                self.step.emit(delta)
                return
        super().keyPressEvent(event)


class DealBoard(QScrollArea):
    move_wanted = Signal(object, object)  # (DealCard, DealStage)
    card_chosen = Signal(object)  # (DealCard): the detail follows the card with the focus
    card_opened = Signal(object)  # (DealCard): Enter or double click

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dealBoard")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        row = QHBoxLayout(inner)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.models: list[CardsModel] = []
        self.lists: list[StageList] = []
        self.headers: list[QLabel] = []
        for n, stage in enumerate(STAGES):
            model = CardsModel(stage, self)
            model.dropped.connect(self._dropped)
            view = StageList()
            view.setObjectName(f"stage_{stage.value}")
            view.setAccessibleName(stage_text(stage))
            view.setModel(model)
            view.setWordWrap(True)
            view.setSpacing(3)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setDragEnabled(True)
            view.setAcceptDrops(True)
            view.setDropIndicatorShown(True)
            view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
            view.setDefaultDropAction(Qt.DropAction.MoveAction)
            view.setMinimumWidth(128)
            view.setResizeMode(QListView.ResizeMode.Adjust)
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.setItemDelegate(card_delegate(view))
            view.step.connect(lambda delta, n=n: self.focus_column(n + delta))
            view.move.connect(lambda delta, n=n: self._move_current(n, delta))
            view.activated.connect(lambda index, m=model: self._emit(self.card_opened, m, index.row()))
            view.selectionModel().currentChanged.connect(
                lambda current, _previous, m=model: self._emit(self.card_chosen, m, current.row()))
            header = QLabel()
            header.setWordWrap(True)
            header.setAlignment(Qt.AlignmentFlag.AlignCenter)
            header.setBuddy(view)
            column = QVBoxLayout()
            column.addWidget(header)
            column.addWidget(view, 1)
            row.addLayout(column, 1)
            self.models.append(model)
            self.lists.append(view)
            self.headers.append(header)
        self.setWidget(inner)

    def show_board(self, columns: tuple[BoardColumn, ...]) -> None:
        by_stage = {c.stage: c for c in columns}
        current = self.current_card()
        for n, stage in enumerate(STAGES):
            column = by_stage.get(stage)
            cards = column.cards if column else ()
            self.models[n].set_rows(cards)
            amount = i18n.money(column.amount) if column else ""
            self.headers[n].setText(f"<b>{stage_text(stage)}</b> ({len(cards)})<br>{amount}")
            self.lists[n].setAccessibleDescription(i18n.ngettext("{n} deal", "{n} deals", len(cards))
                                                   .format(n=len(cards)) + ", " + amount)
        if current is not None:
            self.select(current.deal_id)

    def focus_column(self, n: int) -> None:
        if not 0 <= n < len(self.lists):
            return
        view = self.lists[n]
        view.setFocus()
        self.ensureWidgetVisible(view)
        if not view.currentIndex().isValid() and self.models[n].rowCount():
            view.setCurrentIndex(self.models[n].index(0, 0))

    def current_card(self) -> DealCard | None:
        for view, model in zip(self.lists, self.models, strict=True):
            if view.hasFocus() and view.currentIndex().isValid():
                return model.record(view.currentIndex().row())
        return None

    def select(self, deal_id: str, *, focus: bool = True) -> bool:
        for view, model in zip(self.lists, self.models, strict=True):
            row = model.row_of(deal_id)
            if row is not None:
                if focus:
                    view.setFocus()
                    self.ensureWidgetVisible(view)
                view.selectionModel().setCurrentIndex(model.index(row, 0),
                                                      QItemSelectionModel.SelectionFlag.ClearAndSelect)
                return True
        return False

    def card(self, deal_id: str) -> DealCard | None:
        for model in self.models:
            row = model.row_of(deal_id)
            if row is not None:
                return model.record(row)
        return None

    def _move_current(self, n: int, delta: int) -> None:
        view, model = self.lists[n], self.models[n]
        card = model.record(view.currentIndex().row()) if view.currentIndex().isValid() else None
        if card is not None and 0 <= n + delta < len(STAGES):
            self.move_wanted.emit(card, STAGES[n + delta])

    def _dropped(self, deal_id: str, stage: DealStage) -> None:
        card = self.card(deal_id)
        if card is not None:
            self.move_wanted.emit(card, stage)

    def _emit(self, signal, model: CardsModel, row: int) -> None:  # type: ignore[no-untyped-def]
        card = model.record(row)
        if card is not None:
            signal.emit(card)
