"""The deals' dialogs: a new or changed deal (save_deal), and a move that needs words or a date: the
reason of a lost deal (required: an empty one is refused in place) and the new date of a postponed one.
Amounts are typed the agent's way ("12.500,00"); what is not an amount is refused before the core."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.domain import clock
from sfa_desktop.domain.lifecycle import DealStage
from sfa_desktop.domain.money import MoneyError, parse_amount
from sfa_desktop.i18n import _
from sfa_desktop.operations import move_deal, save_deal
from sfa_desktop.operations.read.deals import DealCard
from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.customer_picker import CustomerPicker
from sfa_desktop.ui.deals.models import stage_text
from sfa_desktop.ui.look import localize_date_edit
from sfa_desktop.ui.operation_dialog import OperationDialog


def parse_deal_amount(text: str) -> Decimal | None:
    """The amount typed, or None when left empty; ValueError (in the agent's words) when it is not one."""
    if not text.strip():
        return None
    try:
        return parse_amount(text)
    except MoneyError:
        raise ValueError(_("The amount must be a number, e.g. 12.500,00.")) from None


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class _OptionalDate(QWidget):
    """A date that may be left unsaid (an expected close not known yet)."""

    def __init__(self, day: dt.date | None, name: str, accessible: str) -> None:
        super().__init__()
        self.known = QCheckBox(_("known"))
        self.known.setObjectName(name + "Known")
        self.edit = QDateEdit(_qdate(day or clock.today() + dt.timedelta(days=30)))
        self.edit.setObjectName(name)
        self.edit.setAccessibleName(accessible)
        self.edit.setCalendarPopup(True)
        localize_date_edit(self.edit, with_time=False)
        self.known.setChecked(day is not None)
        self.edit.setEnabled(day is not None)
        self.known.toggled.connect(self.edit.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.known)
        row.addWidget(self.edit, 1)

    def value(self) -> dt.date | None:
        return self.edit.date().toPython() if self.known.isChecked() else None


class DealDialog(OperationDialog):
    """A new deal (Ctrl+N) or a change to one (Enter): customer, title, stage, amount, expected close."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, card: DealCard | None = None,
                 customer_id: str | None = None) -> None:
        super().__init__(ctx, parent)
        self.card = card
        self.setObjectName("dealDialog")
        self.setWindowTitle(_("Change the deal") if card else _("New deal"))
        self.customer = CustomerPicker(ctx.runner, self, customer_id=card.customer_id if card else customer_id)
        self.title = QLineEdit(card.title if card else "")
        self.title.setObjectName("titleEdit")
        self.title.setAccessibleName(_("Title"))
        self.title.setPlaceholderText(_("e.g. Lighting of the new warehouse"))
        self.stage = QComboBox()
        self.stage.setObjectName("stageCombo")
        self.stage.setAccessibleName(_("Stage"))
        for stage in DealStage:
            self.stage.addItem(stage_text(stage), stage.value)
        self.stage.setCurrentIndex(self.stage.findData(card.stage.value if card else DealStage.CONTATTO.value))
        # money's text has both separators, so it reads back exactly ("12.500" alone would be 12.5)
        self.amount = QLineEdit(i18n.money(card.amount) if card and card.amount is not None else "")
        self.amount.setObjectName("amountEdit")
        self.amount.setAccessibleName(_("Amount"))
        self.amount.setPlaceholderText(_("e.g. 12.500,00 (optional)"))
        self.close_date = _OptionalDate(card.expected_close if card else None, "expectedCloseEdit", _("Expected close"))
        self.reason = QLineEdit(card.close_reason or "" if card else "")
        self.reason.setObjectName("reasonEdit")
        self.reason.setAccessibleName(_("Reason"))
        self.reason.setPlaceholderText(_("Why it was won or lost (required to close it lost)"))
        self.form.addRow(_("&Customer"), self.customer)
        self.form.addRow(_("&Title"), self.title)
        self.form.addRow(_("&Stage"), self.stage)
        self.form.addRow(_("&Amount"), self.amount)
        self.form.addRow(_("Expected &close"), self.close_date)
        self.form.addRow(_("&Reason"), self.reason)
        self.setMinimumWidth(520)
        (self.title if card or customer_id else self.customer).setFocus()

    def operation(self):  # type: ignore[no-untyped-def]
        customer_id = self.customer.customer_id()
        if customer_id is None:
            raise ValueError(_("Choose the customer from the list."))
        amount = parse_deal_amount(self.amount.text())
        title, stage, close = self.title.text(), self.stage.currentData(), self.close_date.value()
        reason = self.reason.text().strip() or None
        if stage == DealStage.CHIUSO_PERSO.value and not reason:
            raise ValueError(_("Say why the deal was lost: the reason is required."))
        deal_id = self.card.deal_id if self.card else None
        return lambda s: save_deal(s, customer_id=customer_id, title=title, stage=stage, amount=amount,
                                   expected_close=close, close_reason=reason, deal_id=deal_id)


class MoveDialog(OperationDialog):
    """A move that needs more than a drag: the reason of a lost deal (required) or of any move, and the
    date a postponed deal is postponed to."""

    def __init__(self, ctx: AppContext, card: DealCard, stage: DealStage, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.card, self.stage = card, stage
        self.setObjectName("moveDialog")
        lost = stage is DealStage.CHIUSO_PERSO
        self.setWindowTitle(_("Close the deal lost") if lost else i18n.tr("Move to {stage}", stage=stage_text(stage)))
        heading = QLabel(i18n.tr("<b>{title}</b> · {customer}<br>from {now} to <b>{new}</b>", title=card.title,
                                 customer=card.customer_name or "", now=stage_text(card.stage), new=stage_text(stage)))
        heading.setObjectName("moveHeading")
        heading.setWordWrap(True)
        self.form.addRow(heading)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reasonEdit")
        self.reason.setAccessibleName(_("Reason"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        self.reason.setPlaceholderText(_("Why was it lost? (required) e.g. price, a competitor, project dropped")
                                       if lost else _("Why (optional)"))
        self.form.addRow(_("&Reason"), self.reason)
        self.close_date: QDateEdit | None = None
        if stage is DealStage.RINVIO:
            later = max(card.expected_close or clock.today(), clock.today()) + dt.timedelta(days=30)
            self.close_date = QDateEdit(_qdate(later))
            self.close_date.setObjectName("postponeEdit")
            self.close_date.setAccessibleName(_("Postponed to"))
            self.close_date.setCalendarPopup(True)
            localize_date_edit(self.close_date, with_time=False)
            self.form.addRow(_("&Postponed to"), self.close_date)
        self.setMinimumWidth(480)
        self.reason.setFocus()

    def operation(self):  # type: ignore[no-untyped-def]
        reason = self.reason.toPlainText().strip() or None
        if self.stage is DealStage.CHIUSO_PERSO and not reason:
            raise ValueError(_("Say why the deal was lost: the reason is required."))
        close = self.close_date.date().toPython() if self.close_date is not None else None
        deal_id, stage = self.card.deal_id, self.stage.value
        return lambda s: move_deal(s, deal_id=deal_id, stage=stage, reason=reason, expected_close=close)


def needs_dialog(stage: DealStage) -> bool:
    """Moves that ask for words or a date; the others are done at once."""
    return stage in (DealStage.CHIUSO_PERSO, DealStage.RINVIO)
