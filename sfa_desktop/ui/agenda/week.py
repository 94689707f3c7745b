"""The week view: seven day columns (Monday to Sunday) of short activity lists. Left and Right move
between the days, the header of each day says its date and how many activities it holds."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QGridLayout, QLabel, QListView, QWidget

from sfa_desktop import i18n
from sfa_desktop.operations.read.agenda import AgendaItem
from sfa_desktop.ui.agenda.models import short_day, week_day_model
from sfa_desktop.ui.look import bold, card_delegate


class DayList(QListView):
    """One day of the week; Left/Right hand the focus to the day before or after."""

    step = Signal(int)
    focused = Signal()

    def focusInEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().focusInEvent(event)
        self.focused.emit()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.modifiers() == Qt.KeyboardModifier.NoModifier and event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.step.emit(-1 if event.key() == Qt.Key.Key_Left else 1)
            return
        super().keyPressEvent(event)


class WeekView(QWidget):
    item_activated = Signal(object)  # (AgendaItem)
    day_chosen = Signal(object)  # (date): the day whose list has the focus

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weekView")
        self.days: list[dt.date] = []
        self.models = [week_day_model(self) for _ in range(7)]
        self.lists: list[DayList] = []
        self.headers: list[QLabel] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        for n, model in enumerate(self.models):
            header = QLabel()
            header.setAlignment(Qt.AlignmentFlag.AlignCenter)
            view = DayList()
            view.setObjectName(f"weekDay{n}")
            view.setModel(model)
            view.setWordWrap(True)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setUniformItemSizes(False)
            view.setSpacing(2)
            view.setMinimumWidth(90)
            # the cards wrap to the column's width (a long company name never needs a scroll bar)
            view.setResizeMode(QListView.ResizeMode.Adjust)
            view.setItemDelegate(card_delegate(view))
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.activated.connect(lambda index, m=model: self._activated(m, index))
            view.step.connect(lambda delta, n=n: self.focus_day(n + delta))
            view.focused.connect(lambda n=n: self._focused(n))
            grid.addWidget(header, 0, n)
            grid.addWidget(view, 1, n)
            grid.setColumnStretch(n, 1)
            self.headers.append(header)
            self.lists.append(view)

    def show_week(self, days: tuple[tuple[dt.date, tuple[AgendaItem, ...]], ...], current: dt.date,
                  today: dt.date) -> None:
        self.days = [d for d, _ in days]
        for n, (day, items) in enumerate(days[:7]):
            self.models[n].set_rows(items)
            label = short_day(day)
            self.headers[n].setText(label + (f" ({len(items)})" if items else ""))
            self.headers[n].setFont(bold() if day == today else self.font())
            self.headers[n].setToolTip(i18n.ngettext("{n} activity", "{n} activities", len(items))
                                       .format(n=len(items)))
            self.lists[n].setAccessibleName(label)

    def focus_day(self, n: int) -> None:
        if 0 <= n < len(self.lists):
            view = self.lists[n]
            view.setFocus()
            if not view.currentIndex().isValid() and self.models[n].rowCount():
                view.setCurrentIndex(self.models[n].index(0, 0))
            if n < len(self.days):
                self.day_chosen.emit(self.days[n])

    def focus_date(self, day: dt.date) -> None:
        if day in self.days:
            self.focus_day(self.days.index(day))

    def current_item(self) -> AgendaItem | None:
        for view, model in zip(self.lists, self.models, strict=True):
            if view.hasFocus() and view.currentIndex().isValid():
                return model.record(view.currentIndex().row())
        return None

    def select(self, activity_id: str) -> bool:
        for view, model in zip(self.lists, self.models, strict=True):
            row = model.row_of(activity_id)
            if row is not None:
                view.setFocus()
                view.setCurrentIndex(model.index(row, 0))
                return True
        return False

    def _focused(self, n: int) -> None:
        if n < len(self.days):
            self.day_chosen.emit(self.days[n])

    def _activated(self, model, index: QModelIndex) -> None:  # type: ignore[no-untyped-def]
        record = model.record(index.row())
        if record is not None:
            self.item_activated.emit(record)
