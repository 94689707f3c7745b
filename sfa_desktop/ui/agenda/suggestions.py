"""The agenda's side panel: follow-ups overdue, customers whose purchases slipped and quotes waiting
for an answer, each with its one-step action (log the outcome, plan a visit, plan a call)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from sfa_desktop import i18n
from sfa_desktop.i18n import N_, _
from sfa_desktop.operations.read.agenda import AgendaWeek, SlippingCustomer, WaitingQuote
from sfa_desktop.ui.agenda.models import overdue_model
from sfa_desktop.ui.look import fit_columns
from sfa_desktop.ui.rows_model import RowsModel
from sfa_desktop.ui.table_model import Column


def _rhythm(c: SlippingCustomer) -> str:
    if c.days_since_purchase is None:
        return ""
    if c.usual_interval_days:
        return i18n.tr("{days} days, usually {usual}", days=c.days_since_purchase, usual=c.usual_interval_days)
    return i18n.tr("{days} days", days=c.days_since_purchase)


def _why(c: SlippingCustomer) -> str:
    return "\n".join(i18n.render(m) for m in c.explanation)


SLIPPING_COLUMNS = (
    Column("name", N_("Customer"), tooltip=_why),
    Column("days_since_purchase", N_("Last order"), display=_rhythm, tooltip=_why),
    Column("year_value", N_("Last 12 months"), kind="money"),
)
WAITING_COLUMNS = (
    Column("number", N_("Quote")),
    Column("customer_name", N_("Customer")),
    Column("grand_total", N_("Total"), kind="money"),
    Column("days_waiting", N_("Waiting"), display=lambda q: i18n.tr("{n} days", n=q.days_waiting)),
)


def _table(name: str, accessible: str, model) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    return view


class SuggestionsPanel(QWidget):
    """Emits what the agent chose; the page does it (it owns the dialogs and the operations)."""

    outcome_wanted = Signal(object)  # (AgendaItem) of an overdue follow-up
    visit_wanted = Signal(object)  # (SlippingCustomer): plan a visit in one step
    call_wanted = Signal(object)  # (WaitingQuote): plan a call about it in one step
    quote_opened = Signal(str)  # (quote id)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionsPanel")
        self.overdue = overdue_model(self)
        self.slipping = RowsModel(SLIPPING_COLUMNS, row_id=lambda c: c.customer_id, parent=self)
        self.waiting = RowsModel(WAITING_COLUMNS, row_id=lambda q: q.quote_id, parent=self)
        self.overdue_view = _table("overdueList", _("Follow-ups overdue"), self.overdue)
        self.slipping_view = _table("slippingList", _("Customers whose purchases slipped"), self.slipping)
        self.waiting_view = _table("waitingQuotesList", _("Quotes waiting for an answer"), self.waiting)
        fit_columns(self.overdue_view, 1, 2)
        fit_columns(self.slipping_view, 0)
        fit_columns(self.waiting_view, 1)
        self.overdue_title, self.slipping_title, self.waiting_title = QLabel(), QLabel(), QLabel()
        self.plan_visit = QPushButton(_("Plan a &visit"))
        self.plan_visit.setObjectName("planVisitButton")
        self.plan_visit.setToolTip(_("Plans a visit on the next working morning (Enter in the list)"))
        self.plan_call = QPushButton(_("Plan a c&all"))
        self.plan_call.setObjectName("planCallButton")
        self.plan_call.setToolTip(_("Plans a call about the quote on the next working morning"))
        self.open_quote = QPushButton(_("Open the &quote"))
        self.open_quote.setObjectName("openQuoteButton")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for title, view, buttons in ((self.overdue_title, self.overdue_view, ()),
                                     (self.slipping_title, self.slipping_view, (self.plan_visit,)),
                                     (self.waiting_title, self.waiting_view, (self.plan_call, self.open_quote))):
            title.setBuddy(view)
            layout.addWidget(title)
            layout.addWidget(view, 1)
            if buttons:
                row = QHBoxLayout()
                row.addStretch(1)
                for button in buttons:
                    row.addWidget(button)
                layout.addLayout(row)
        self.overdue_view.activated.connect(lambda i: self._chosen(self.overdue, i, self.outcome_wanted))
        self.slipping_view.activated.connect(lambda i: self._chosen(self.slipping, i, self.visit_wanted))
        self.waiting_view.activated.connect(lambda i: self._open_quote(i.row()))
        self.plan_visit.clicked.connect(lambda: self._current(self.slipping_view, self.slipping, self.visit_wanted))
        self.plan_call.clicked.connect(lambda: self._current(self.waiting_view, self.waiting, self.call_wanted))
        self.open_quote.clicked.connect(lambda: self._open_quote(self.waiting_view.currentIndex().row()))
        self.show_week(None)

    def show_week(self, week: AgendaWeek | None) -> None:
        self.shown = week
        overdue = week.overdue if week else ()
        slipping = week.suggestions.slipping if week else ()
        waiting = week.suggestions.waiting_quotes if week else ()
        self.overdue.set_rows(overdue)
        self.slipping.set_rows(slipping)
        self.waiting.set_rows(waiting)
        self.overdue_title.setText(i18n.tr("<b>Follow-ups &overdue</b> ({n})", n=len(overdue)) if overdue
                                   else _("<b>Follow-ups &overdue</b>: none, well done."))
        self.slipping_title.setText(i18n.tr("<b>&Purchases slipped</b> ({n})", n=len(slipping)) if slipping
                                    else _("<b>&Purchases slipped</b>: no customer is late on its rhythm."))
        self.waiting_title.setText(i18n.tr("<b>Quotes &waiting</b> ({n})", n=len(waiting)) if waiting
                                   else _("<b>Quotes &waiting</b>: no quote sent waits for an answer."))
        self.plan_visit.setEnabled(bool(slipping))
        self.plan_call.setEnabled(bool(waiting))
        self.open_quote.setEnabled(bool(waiting))

    def _chosen(self, model: RowsModel, index, signal) -> None:  # type: ignore[no-untyped-def]
        record = model.record(index.row())
        if record is not None:
            signal.emit(record)

    def _current(self, view: QTableView, model: RowsModel, signal) -> None:  # type: ignore[no-untyped-def]
        row = view.currentIndex().row() if view.currentIndex().isValid() else 0
        record = model.record(row)
        if record is not None:
            signal.emit(record)

    def _open_quote(self, row: int) -> None:
        record: WaitingQuote | None = self.waiting.record(row)
        if record is not None:
            self.quote_opened.emit(record.quote_id)
