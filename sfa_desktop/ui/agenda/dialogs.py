"""The agenda's two dialogs: plan a visit or a call (or log one already done), and log the outcome of
a planned one with its next action. Both save through the core's operations on the replica worker
and show what the core refuses in place, leaving the dialog open with what was typed."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.domain import clock
from sfa_desktop.domain.agenda import MAX_DURATION_MINUTES, PLANNABLE_KINDS, ActivityKind, kind_label
from sfa_desktop.i18n import _
from sfa_desktop.operations import complete_activity, log_activity, plan_activity
from sfa_desktop.operations.read.agenda import AgendaItem
from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.customer_picker import CustomerPicker
from sfa_desktop.ui.look import localize_date_edit
from sfa_desktop.ui.operation_dialog import OperationDialog

#: Kinds offered in the plan dialog, the usual ones first.
PLAN_KINDS = (ActivityKind.VISIT, ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL,
              ActivityKind.LETTER, ActivityKind.TASK)


def to_qt(when: dt.datetime) -> QDateTime:
    local = when.astimezone()
    return QDateTime.fromSecsSinceEpoch(int(local.timestamp()))


def from_qt(value: QDateTime) -> dt.datetime:
    """A local date and time from an editor, as an aware datetime (the core stores it in UTC)."""
    return dt.datetime.fromtimestamp(value.toSecsSinceEpoch()).astimezone()


def _kind_combo(kinds, current: str | None = None) -> QComboBox:
    combo = QComboBox()
    for kind in kinds:
        combo.addItem(i18n.render(kind_label(kind)), kind.value)
    if current:
        combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def _duration() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, MAX_DURATION_MINUTES)
    spin.setSingleStep(15)
    spin.setSpecialValueText(_("not said"))
    spin.setSuffix(" min")
    return spin


class PlanDialog(OperationDialog):
    """Plan a visit, a call...: customer, kind, subject, when, how long; or log one already done."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, customer_id: str | None = None,
                 when: dt.datetime | None = None, kind: str = ActivityKind.VISIT.value, subject: str = "",
                 item: AgendaItem | None = None) -> None:
        super().__init__(ctx, parent)
        self.item = item
        self.setObjectName("planDialog")
        self.setWindowTitle(_("Move the activity") if item else _("Plan an activity"))
        self.customer = CustomerPicker(ctx.runner, self, customer_id=item.customer_id if item else customer_id)
        self.kind = _kind_combo(PLAN_KINDS, item.kind.value if item else kind)
        self.kind.setObjectName("kindCombo")
        self.kind.setAccessibleName(_("Kind"))
        self.subject = QLineEdit(item.subject if item else subject)
        self.subject.setObjectName("subjectEdit")
        self.subject.setAccessibleName(_("Subject"))
        self.subject.setPlaceholderText(_("What for, e.g. present the new catalogue"))
        self.when = QDateTimeEdit(to_qt(item.planned_at if item and item.planned_at else when or next_slot()))
        self.when.setObjectName("whenEdit")
        self.when.setAccessibleName(_("When"))
        self.when.setCalendarPopup(True)
        localize_date_edit(self.when, with_time=True)
        self.duration = _duration()
        self.duration.setObjectName("durationSpin")
        self.duration.setAccessibleName(_("Duration"))
        self.duration.setValue(item.duration_minutes or 0 if item else 60)
        self.notes = QPlainTextEdit(item.notes or "" if item else "")
        self.notes.setObjectName("notesEdit")
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self.already_done = QCheckBox(_("Already done: log it with its outcome"))
        self.already_done.setObjectName("alreadyDone")
        self.outcome = QLineEdit()
        self.outcome.setObjectName("outcomeEdit")
        self.outcome.setAccessibleName(_("Outcome"))
        self.outcome.setEnabled(False)
        self.already_done.toggled.connect(self.outcome.setEnabled)
        self.form.addRow(_("&Customer"), self.customer)
        self.form.addRow(_("&Kind"), self.kind)
        self.form.addRow(_("&Subject"), self.subject)
        self.form.addRow(_("&When"), self.when)
        self.form.addRow(_("&Duration"), self.duration)
        self.form.addRow(_("&Notes"), self.notes)
        if item is None:
            self.form.addRow("", self.already_done)
            self.form.addRow(_("&Outcome"), self.outcome)
        self.setMinimumWidth(520)
        (self.subject if customer_id or item else self.customer).setFocus()

    def operation(self):  # type: ignore[no-untyped-def]
        customer_id = self.customer.customer_id()
        if customer_id is None:
            raise ValueError(_("Choose the customer from the list."))
        kind, subject = self.kind.currentData(), self.subject.text()
        when, minutes = from_qt(self.when.dateTime()), self.duration.value() or None
        notes = self.notes.toPlainText() or None
        if self.item is None and self.already_done.isChecked():
            outcome = self.outcome.text()
            return lambda s: log_activity(s, customer_id=customer_id, kind=kind, subject=subject, notes=notes,
                                          occurred_at=when, outcome=outcome or None, duration_minutes=minutes)
        activity_id = self.item.activity_id if self.item else None
        return lambda s: plan_activity(s, customer_id=customer_id, kind=kind, subject=subject, planned_at=when,
                                       duration_minutes=minutes, notes=notes, activity_id=activity_id)


def next_slot(now: dt.datetime | None = None) -> dt.datetime:
    """The next working morning at 9:00 (a visit planned from a suggestion lands there)."""
    now = (now or clock.now()).astimezone()
    day = now.date() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, 9, 0).astimezone()


class OutcomeDialog(OperationDialog):
    """What came of a planned activity, and what comes next: Enter on an activity, type, Ctrl+Enter."""

    def __init__(self, ctx: AppContext, item: AgendaItem, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.item = item
        self.setObjectName("outcomeDialog")
        self.setWindowTitle(_("Log the outcome"))
        heading = QLabel(f"<b>{i18n.render(kind_label(item.kind))} · {item.customer_name or ''}</b><br>"
                         f"{item.subject}")
        heading.setObjectName("outcomeHeading")
        heading.setWordWrap(True)
        self.form.addRow(heading)
        if item.done_at is not None:
            note = QLabel(i18n.tr("Already done on {when:datetime}: saving replaces its outcome.",
                                  when=item.done_at))
            note.setObjectName("alreadyDoneNote")
            note.setWordWrap(True)
            self.form.addRow(note)
        self.outcome = QPlainTextEdit(item.outcome or "")
        self.outcome.setObjectName("outcomeEdit")
        self.outcome.setAccessibleName(_("Outcome"))
        self.outcome.setPlaceholderText(_("What came of it (required)"))
        self.outcome.setTabChangesFocus(True)
        self.outcome.setFixedHeight(80)
        now = clock.now()
        # the planned time when it has passed (the visit of this morning logged tonight), else now
        self.done_at = QDateTimeEdit(to_qt(item.done_at or min(item.occurred_at, now)))
        self.done_at.setObjectName("doneAtEdit")
        self.done_at.setAccessibleName(_("Done at"))
        localize_date_edit(self.done_at, with_time=True)
        self.duration = _duration()
        self.duration.setObjectName("durationSpin")
        self.duration.setAccessibleName(_("Duration"))
        self.duration.setValue(item.duration_minutes or 0)
        self.next_action = QLineEdit(item.next_action or "")
        self.next_action.setObjectName("nextActionEdit")
        self.next_action.setAccessibleName(_("Next action"))
        self.next_action.setPlaceholderText(_("e.g. send the offer for the new line (optional)"))
        self.next_kind = _kind_combo(PLAN_KINDS, item.kind.value if item.kind in PLANNABLE_KINDS else "call")
        self.next_kind.setObjectName("nextKindCombo")
        self.next_kind.setAccessibleName(_("Next action's kind"))
        base = clock.now().astimezone() + dt.timedelta(days=7)
        self.next_at = QDateTimeEdit(to_qt(item.next_action_at or base.replace(hour=9, minute=0, second=0)))
        self.next_at.setObjectName("nextAtEdit")
        self.next_at.setAccessibleName(_("Next action's date"))
        self.next_at.setCalendarPopup(True)
        localize_date_edit(self.next_at, with_time=True)
        self.next_at.setEnabled(bool(self.next_action.text()))
        self.next_kind.setEnabled(bool(self.next_action.text()))
        self.next_action.textChanged.connect(lambda text: (self.next_at.setEnabled(bool(text.strip())),
                                                           self.next_kind.setEnabled(bool(text.strip()))))
        self.form.addRow(_("&Outcome"), self.outcome)
        self.form.addRow(_("Done &at"), self.done_at)
        self.form.addRow(_("&Duration"), self.duration)
        self.form.addRow(_("&Next action"), self.next_action)
        self.form.addRow(_("Next action's &kind"), self.next_kind)
        self.form.addRow(_("Next action's &date"), self.next_at)
        self.setMinimumWidth(560)
        self.outcome.setFocus()

    def operation(self):  # type: ignore[no-untyped-def]
        outcome = self.outcome.toPlainText().strip()
        if not outcome:
            raise ValueError(_("Write the outcome: what came of it."))
        next_action = self.next_action.text().strip() or None
        next_at = from_qt(self.next_at.dateTime()) if next_action else None
        next_kind = self.next_kind.currentData() if next_action else None
        done_at, minutes, activity_id = from_qt(self.done_at.dateTime()), self.duration.value() or None, \
            self.item.activity_id
        return lambda s: complete_activity(s, activity_id=activity_id, outcome=outcome, done_at=done_at,
                                           duration_minutes=minutes, next_action=next_action,
                                           next_action_at=next_at, next_kind=next_kind)


def start_time(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0)).astimezone()
