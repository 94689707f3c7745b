"""Deals for Qt: a board column's cards (draggable to another column), the list's columns, a deal's
stage history and quotes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, Qt, Signal

from sfa_desktop import i18n
from sfa_desktop.domain.lifecycle import DealStage, status_label
from sfa_desktop.i18n import N_, _
from sfa_desktop.operations.read.deals import DealCard
from sfa_desktop.ui.rows_model import Index, RowsModel
from sfa_desktop.ui.table_model import Column

#: The drag's payload: the deal's id.
DEAL_MIME = "application/x-sfa-deal-id"


def stage_text(stage: DealStage | str) -> str:
    return i18n.render(status_label("deal_stage", DealStage(stage).value))


def card_text(card: DealCard) -> str:
    """The card as text (the list draws it; a screen reader reads the same)."""
    lines = [card.title, card.customer_name or ""]
    money = i18n.money(card.amount) if card.amount is not None else _("no amount")
    close = i18n.tr("close {day:date}", day=card.expected_close) if card.expected_close else ""
    lines.append(" · ".join(p for p in (money, close) if p))
    if card.quotes:
        lines.append(i18n.ngettext("{n} quote", "{n} quotes", card.quotes).format(n=card.quotes))
    if card.unsent:
        lines.append(_("waiting to be sent"))
    return "\n".join(lines)


def card_tooltip(card: DealCard) -> str:
    text = card_text(card) + "\n" + i18n.tr("in this stage since {when:date}", when=card.in_stage_since)
    if card.close_reason:
        text += "\n" + i18n.tr("Reason: {reason}", reason=card.close_reason)
    return text


class CardsModel(RowsModel):
    """One column of the board. A card dropped here is reported (`dropped`); the move itself is the
    core's (move_deal), and the board is read again after it."""

    dropped = Signal(str, object)  # (deal id, DealStage)

    def __init__(self, stage: DealStage, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__((Column("title", N_("Deal"), display=card_text, tooltip=card_tooltip),),
                         row_id=lambda card: card.deal_id, parent=parent)
        self.stage = stage

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [DEAL_MIME]

    def mimeData(self, indexes: Any) -> QMimeData:
        data = QMimeData()
        ids = [self.data(i, Qt.ItemDataRole.UserRole) for i in indexes if i.isValid()]
        if ids:
            data.setData(DEAL_MIME, QByteArray(ids[0].encode()))
        return data

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: Index = QModelIndex()) -> bool:
        return data is not None and data.hasFormat(DEAL_MIME)

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index = QModelIndex()) -> bool:
        if data is None or not data.hasFormat(DEAL_MIME):
            return False
        deal_id = bytes(data.data(DEAL_MIME).data()).decode()
        if self.row_of(deal_id) is None:  # not dropped back on its own column
            self.dropped.emit(deal_id, self.stage)
        return False  # nothing moves in the model until the core has moved the deal


LIST_COLUMNS = (
    Column("title", N_("Deal"), sort="title"),
    Column("customer_name", N_("Customer"), sort="customer"),
    Column("stage", N_("Stage"), sort="stage", display=lambda row: stage_text(row.stage)),
    Column("amount", N_("Amount"), kind="money", sort="amount"),
    Column("expected_close", N_("Expected close"), kind="date", sort="expected_close"),
    Column("updated_at", N_("Changed"), kind="datetime", sort="updated_at"),
    Column("close_reason", N_("Reason")),
)

HISTORY_COLUMNS = (
    Column("at", N_("When"), kind="datetime"),
    Column("stage", N_("Stage"), display=lambda step: stage_text(step.stage)),
    Column("previous", N_("From"), display=lambda step: stage_text(step.previous) if step.previous else ""),
    Column("reason", N_("Reason"), tooltip=lambda step: step.reason),
)

QUOTE_COLUMNS = (
    Column("number", N_("Quote"), display=lambda q: f"{q.number}/{q.revision}" if q.revision > 1 else q.number),
    Column("status", N_("Status"), display=lambda q: i18n.render(status_label("quote_status", q.status.value))),
    Column("grand_total", N_("Total"), kind="money"),
    Column("valid_until", N_("Valid until"), kind="date"),
)
