"""The agenda section: a day or a week of planned visits and calls, the outcome and next action
logged in a few keys, overdue follow-ups and suggested visits beside them.

Keys: Alt+Left / Alt+Right the day (or week) before / after, T today, D day view, W week view,
Ctrl+N plan, Enter log the outcome of the activity chosen, F2 move it. Everything is read from the
replica in one background read (read.agenda.week_agenda) and read again when activities, quotes,
customers or the sales history change.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.domain import clock
from sfa_desktop.domain.agenda import ActivityKind, ActivityState
from sfa_desktop.i18n import _
from sfa_desktop.operations import plan_activity
from sfa_desktop.operations.pyramid import refresh_if_stale
from sfa_desktop.operations.read.agenda import (
    AgendaItem,
    AgendaWeek,
    SlippingCustomer,
    WaitingQuote,
    activity_item,
    week_agenda,
)
from sfa_desktop.ui.agenda.dialogs import OutcomeDialog, PlanDialog, next_slot, start_time
from sfa_desktop.ui.agenda.models import day_model, day_title
from sfa_desktop.ui.agenda.suggestions import SuggestionsPanel
from sfa_desktop.ui.agenda.week import WeekView
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.look import InlineMessage, fit_columns

STREAMS = ("activities", "quotes", "customers", "sales_history", "customer_ranks")


def create(ctx: AppContext) -> QWidget:
    return AgendaPage(ctx)


class AgendaPage(QWidget):
    #: (AgendaWeek): the week shown was read again (tests and the screenshots wait on it)
    refreshed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("agendaPage")
        self.day = today or clock.today()
        self.week: AgendaWeek | None = None
        self._target: str | None = None
        self.dialog: PlanDialog | OutcomeDialog | None = None

        self.title = QLabel()
        self.title.setObjectName("agendaTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        previous, today_button, following = (QPushButton(_("◀ &Before")), QPushButton(_("&Today")),
                                             QPushButton(_("Af&ter ▶")))
        previous.setObjectName("previousButton")
        previous.setToolTip(_("The day or week before (Alt+Left)"))
        today_button.setObjectName("todayButton")
        today_button.setToolTip(_("Today (T)"))
        following.setObjectName("nextButton")
        following.setToolTip(_("The day or week after (Alt+Right)"))
        self.day_button, self.week_button = QPushButton(_("&Day")), QPushButton(_("&Week"))
        self.day_button.setObjectName("dayViewButton")
        self.week_button.setObjectName("weekViewButton")
        self.day_button.setToolTip(_("Day view (D)"))
        self.week_button.setToolTip(_("Week view (W)"))
        group = QButtonGroup(self)
        for button in (self.day_button, self.week_button):
            button.setCheckable(True)
            group.addButton(button)
        self.day_button.setChecked(True)
        plan = QPushButton(_("&Plan…"))
        plan.setObjectName("planButton")
        plan.setToolTip(_("Plan a visit or a call (Ctrl+N)"))
        self.outcome_button = QPushButton(_("Log the &outcome…"))
        self.outcome_button.setObjectName("outcomeButton")
        self.outcome_button.setToolTip(_("What came of the activity chosen (Enter)"))
        bar = QHBoxLayout()
        for widget in (previous, today_button, following):
            bar.addWidget(widget)
        bar.addWidget(self.title, 1)
        for widget in (self.day_button, self.week_button, plan, self.outcome_button):
            bar.addWidget(widget)

        self.day_items = day_model(self)
        self.day_view = QTableView()
        self.day_view.setObjectName("dayView")
        self.day_view.setAccessibleName(_("The day's activities"))
        self.day_view.setModel(self.day_items)
        self.day_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.day_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.day_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.day_view.setTabKeyNavigation(False)
        self.day_view.verticalHeader().hide()
        self.day_view.horizontalHeader().setStretchLastSection(True)
        fit_columns(self.day_view, 2, 3, 4, 5)
        self.day_view.activated.connect(lambda index: self.log_outcome(self.day_items.record(index.row())))
        self.empty = QLabel(_("Nothing in the agenda this day. Ctrl+N plans a visit or a call; the suggestions "
                              "on the right say whom to see."))
        self.empty.setObjectName("agendaEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        day_page = QWidget()
        day_layout = QVBoxLayout(day_page)
        day_layout.setContentsMargins(0, 0, 0, 0)
        day_layout.addWidget(self.day_view, 1)
        day_layout.addWidget(self.empty)
        self.week_view = WeekView()
        self.week_view.item_activated.connect(self.log_outcome)
        self.week_view.day_chosen.connect(self._day_chosen)
        self.stack = QStackedWidget()
        self.stack.addWidget(day_page)
        self.stack.addWidget(self.week_view)

        self.panel = SuggestionsPanel()
        self.panel.outcome_wanted.connect(self.log_outcome)
        self.panel.visit_wanted.connect(self.plan_visit_for)
        self.panel.call_wanted.connect(self.plan_call_about)
        self.panel.quote_opened.connect(lambda quote_id: self.ctx.navigate("quotes", quote_id))
        splitter = QSplitter()
        splitter.addWidget(self.stack)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([760, 500])
        self.splitter = splitter
        self.message = InlineMessage(self, object_name="agendaMessage")

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        previous.clicked.connect(lambda: self.step(-1))
        following.clicked.connect(lambda: self.step(1))
        today_button.clicked.connect(self.go_today)
        self.day_button.clicked.connect(lambda: self.set_view("day"))
        self.week_button.clicked.connect(lambda: self.set_view("week"))
        plan.clicked.connect(self.plan)
        self.outcome_button.clicked.connect(lambda: self.log_outcome(self.current_item()))
        for keys, slot in (("Alt+Left", lambda: self.step(-1)), ("Alt+Right", lambda: self.step(1)),
                           ("T", self.go_today), ("D", lambda: self.set_view("day")),
                           ("W", lambda: self.set_view("week")), ("Ctrl+N", self.plan),
                           ("F2", lambda: self.move(self.current_item()))):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.setTabOrder(self.day_view, self.panel.overdue_view)
        self.setTabOrder(self.panel.overdue_view, self.panel.slipping_view)
        self.setTabOrder(self.panel.slipping_view, self.panel.waiting_view)
        ctx.bridge.streams_changed.connect(self._changed)
        self.reload()
        # the suggestions stand on the pyramid: ranked again when not today's (the app also ranks after
        # each sync); a fresh pyramid costs one query here, and a new ranking announces customer_ranks
        ReplicaOp(self, lambda agent: agent.write(lambda s: refresh_if_stale(s))).run(ctx.runner)

    # ------------------------------------------------------------------ what is shown

    @property
    def view(self) -> str:
        return "week" if self.stack.currentWidget() is self.week_view else "day"

    def set_view(self, view: str) -> None:
        self.stack.setCurrentWidget(self.week_view if view == "week" else self.stack.widget(0))
        (self.week_button if view == "week" else self.day_button).setChecked(True)
        # the week's seven columns take the room; the side lists elide their names meanwhile
        total = sum(self.splitter.sizes()) or 1260
        side = 340 if view == "week" else 500
        self.splitter.setSizes([total - side, side])
        self._show()
        if view == "week":
            self.week_view.focus_date(self.day)
        else:
            self.day_view.setFocus()

    def step(self, delta: int) -> None:
        self.set_day(self.day + dt.timedelta(days=delta * (7 if self.view == "week" else 1)))

    def go_today(self) -> None:
        self.set_day(clock.today())

    def set_day(self, day: dt.date) -> None:
        same_week = self.week is not None and any(d == day for d, _ in self.week.days)
        self.day = day
        if same_week:
            self._show()
        else:
            self.reload()

    def _day_chosen(self, day: dt.date) -> None:
        self.day = day
        self._title()

    def reload(self) -> None:
        day = self.day
        now = clock.now()
        ReplicaOp(self, lambda agent: agent.read(lambda s: week_agenda(s, day=day, now=now))) \
            .success(self._arrived).failure(lambda e: self.message.show_text(i18n.error_text(e))).run(self.ctx.runner)

    def _arrived(self, week: AgendaWeek) -> None:
        self.week = week
        self._show()
        if self._target is not None:
            self._select(self._target)
        self.refreshed.emit(week)

    def _items_of(self, day: dt.date) -> tuple[AgendaItem, ...]:
        for d, items in self.week.days if self.week else ():
            if d == day:
                return items
        return ()

    def _title(self) -> None:
        if self.view == "week" and self.week and self.week.days:
            first, last = self.week.days[0][0], self.week.days[-1][0]
            text = i18n.tr("Week of {first:date} – {last:date}", first=first, last=last)
        else:
            text = day_title(self.day)
        if self.day == clock.today():
            text += " · " + _("today")
        self.title.setText(f"<b>{text}</b>")
        self.title.setAccessibleName(text)

    def _show(self) -> None:
        self._title()
        if self.week is None:
            return
        # only the view shown is filled (the other is filled when the agent switches to it)
        if self.view == "day":
            items = self._items_of(self.day)
            self.day_items.set_rows(items)
            self.empty.setVisible(not items)
        else:
            self.week_view.show_week(self.week.days, self.day, clock.today())
        if self.panel.shown is not self.week:
            self.panel.show_week(self.week)

    def _changed(self, changes) -> None:  # type: ignore[no-untyped-def]
        if changes.touches(*STREAMS):
            self.reload()

    def current_item(self) -> AgendaItem | None:
        if self.view == "week":
            return self.week_view.current_item()
        index = self.day_view.currentIndex()
        return self.day_items.record(index.row()) if index.isValid() else None

    def can_close(self) -> bool:
        """False while a dialog holds what the agent typed (asked before sign-out)."""
        return self.dialog is None or not self.dialog.isVisible()

    # ------------------------------------------------------------------ opening one activity

    def show_target(self, activity_id: str) -> None:
        """Show the day of this activity and select it (from search, a link, the 360 view)."""
        self._target = activity_id
        now = clock.now()
        ReplicaOp(self, lambda agent: agent.read(lambda s: activity_item(s, activity_id, now=now))) \
            .success(self._target_found).run(self.ctx.runner)

    def _target_found(self, item: AgendaItem | None) -> None:
        if item is None:
            self._target = None
            self.message.show_text(_("This activity is no longer in the agenda."))
            return
        self.stack.setCurrentIndex(0)
        self.day_button.setChecked(True)
        self.set_day(item.occurred_at.astimezone().date())
        self._select(item.activity_id)

    def _select(self, activity_id: str) -> None:
        if self.view == "week":
            found = self.week_view.select(activity_id)
        else:
            row = self.day_items.row_of(activity_id)
            found = row is not None
            if found:
                self.day_view.setFocus()
                self.day_view.selectRow(row)
        if found:
            self._target = None

    # ------------------------------------------------------------------ actions

    def _open(self, dialog: PlanDialog | OutcomeDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(self._saved)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()

    def _saved(self, changes) -> None:  # type: ignore[no-untyped-def]
        self.ctx.show_message(_("Saved in the agenda; it goes to the office with the next sync."))
        self.message.clear_text()
        self._target = changes.created

    def plan(self) -> None:
        when = start_time(self.day) if self.day > clock.today() else next_slot()
        self._open(PlanDialog(self.ctx, self, when=when))

    def move(self, item: AgendaItem | None) -> None:
        if item is None:
            self.message.show_text(_("Choose an activity first."))
            return
        if item.state is ActivityState.DONE:
            self.message.show_text(_("This activity is done: plan a new one instead."))
            return
        self._open(PlanDialog(self.ctx, self, item=item))

    def log_outcome(self, item: AgendaItem | None) -> None:
        if item is None:
            self.message.show_text(_("Choose an activity first."))
            return
        self.message.clear_text()
        self._open(OutcomeDialog(self.ctx, item, self))

    def plan_visit_for(self, customer: SlippingCustomer) -> None:
        """One step: a visit on the next working morning, the pyramid's reason as its subject."""
        subject = i18n.tr("Visit: purchases slipped ({days} days since the last order)",
                          days=customer.days_since_purchase or 0)
        self._plan_now(customer.customer_id, ActivityKind.VISIT.value, subject, customer.name)

    def plan_call_about(self, quote: WaitingQuote) -> None:
        subject = i18n.tr("Call about quote {number}", number=quote.number)
        self._plan_now(quote.customer_id, ActivityKind.CALL.value, subject, quote.customer_name or "")

    def _plan_now(self, customer_id: str, kind: str, subject: str, name: str) -> None:
        when = next_slot()
        ReplicaOp(self, lambda agent: agent.write(lambda s: plan_activity(
            s, customer_id=customer_id, kind=kind, subject=subject, planned_at=when, duration_minutes=60))) \
            .success(lambda changes: self._planned(changes, name, when)) \
            .failure(lambda e: self.message.show_text(i18n.error_text(e))).run(self.ctx.runner)

    def _planned(self, changes, name: str, when: dt.datetime) -> None:  # type: ignore[no-untyped-def]
        text = i18n.tr("Planned for {when:datetime}: {name}.", when=when, name=name)
        self.ctx.show_message(text)
        self.message.clear_text()
        self._target = changes.created
        self.set_day(when.date())
