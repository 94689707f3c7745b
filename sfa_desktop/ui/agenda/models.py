"""The agenda's rows for Qt: a day as a table, a day of the week as a short list, both over the
`AgendaItem`s of read.agenda; overdue ones are bold, say "overdue" and take the palette's attention
colour (never the colour alone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QLocale, QTime

from sfa_desktop import i18n
from sfa_desktop.domain.agenda import ActivityState, kind_label
from sfa_desktop.i18n import N_, _
from sfa_desktop.operations.read.agenda import AgendaItem
from sfa_desktop.ui.look import attention_colour, bold
from sfa_desktop.ui.rows_model import RowsModel
from sfa_desktop.ui.table_model import Column


def qlocale() -> QLocale:
    return QLocale(QLocale.Language.Italian if i18n.language() == "it" else QLocale.Language.English,
                   QLocale.Country.Italy if i18n.language() == "it" else QLocale.Country.UnitedKingdom)


def time_text(when: dt.datetime | None) -> str:
    if when is None:
        return ""
    local = when.astimezone()
    return qlocale().toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)


def day_title(day: dt.date) -> str:
    """'lunedì 7 dicembre 2026' / 'Monday 7 December 2026'."""
    from PySide6.QtCore import QDate

    return qlocale().toString(QDate(day.year, day.month, day.day), "dddd d MMMM yyyy")


def short_day(day: dt.date) -> str:
    from PySide6.QtCore import QDate

    return qlocale().toString(QDate(day.year, day.month, day.day), "ddd d MMM")


def state_text(item: AgendaItem) -> str:
    words = {ActivityState.PLANNED: _("planned"), ActivityState.OVERDUE: _("overdue"), ActivityState.DONE: _("✓ done")}
    text = words[item.state]
    if item.unsent:
        text += " · " + _("waiting to be sent")
    return text


def when_text(item: AgendaItem) -> str:
    text = time_text(item.occurred_at)
    if item.duration_minutes:
        text += " (" + i18n.tr("{n} min", n=item.duration_minutes) + ")"
    return text


def outcome_text(item: AgendaItem) -> str:
    parts = []
    if item.outcome:
        parts.append(item.outcome)
    if item.next_action:
        parts.append(i18n.tr("next: {action} ({when:datetime})", action=item.next_action, when=item.next_action_at)
                     if item.next_action_at else i18n.tr("next: {action}", action=item.next_action))
    return " — ".join(parts)


def summary(item: AgendaItem) -> str:
    """One line of the week view: time, kind, customer, subject (and overdue said in words)."""
    text = f"{time_text(item.occurred_at)} {i18n.render(kind_label(item.kind))} · {item.customer_name or ''}\n" \
           f"{item.subject}"
    if item.state is ActivityState.OVERDUE:
        text = "⚠ " + text + " (" + _("overdue") + ")"
    elif item.state is ActivityState.DONE:
        text = "✓ " + text
    return text


def _foreground(item: AgendaItem) -> Any:
    return attention_colour() if item.state is ActivityState.OVERDUE else None


def _font(item: AgendaItem) -> Any:
    return bold() if item.state is ActivityState.OVERDUE else None


DAY_COLUMNS = (
    Column("occurred_at", N_("Time"), display=when_text),
    Column("kind", N_("Kind"), display=lambda item: i18n.render(kind_label(item.kind))),
    Column("customer_name", N_("Customer")),
    Column("subject", N_("Subject"), tooltip=lambda item: item.notes),
    Column("state", N_("State"), display=state_text),
    Column("outcome", N_("Outcome"), display=outcome_text, tooltip=outcome_text),
)

OVERDUE_COLUMNS = (
    Column("planned_at", N_("Planned"), kind="datetime"),
    Column("customer_name", N_("Customer")),
    Column("subject", N_("Subject")),
)


def day_model(parent=None) -> RowsModel:
    return RowsModel(DAY_COLUMNS, row_id=lambda item: item.activity_id, foreground=_foreground, font=_font,
                     parent=parent)


def week_day_model(parent=None) -> RowsModel:
    return RowsModel((Column("subject", N_("Activity"), display=summary, tooltip=outcome_text),),
                     row_id=lambda item: item.activity_id, foreground=_foreground, font=_font, parent=parent)


def overdue_model(parent=None) -> RowsModel:
    return RowsModel(OVERDUE_COLUMNS, row_id=lambda item: item.activity_id, foreground=_foreground, font=_font,
                     parent=parent)
