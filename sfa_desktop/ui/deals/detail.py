"""One deal beside the board or the list: its figures, its stage history (oldest first) and its
quotes; Enter or a click on a quote opens it in the quotes section."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from sfa_desktop import i18n
from sfa_desktop.i18n import _
from sfa_desktop.operations.read.deals import DealDetail
from sfa_desktop.ui.deals.models import HISTORY_COLUMNS, QUOTE_COLUMNS, stage_text
from sfa_desktop.ui.look import fit_columns
from sfa_desktop.ui.rows_model import RowsModel


def _table(name: str, accessible: str, model: RowsModel) -> QTableView:
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
    return view


class DealDetailPanel(QWidget):
    quote_opened = Signal(str)
    customer_opened = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dealDetail")
        self.detail: DealDetail | None = None
        self.summary = QLabel()
        self.summary.setObjectName("dealSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                             | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.summary.linkActivated.connect(self.customer_opened.emit)
        self.history = RowsModel(HISTORY_COLUMNS, row_id=lambda step: step.at.isoformat(), parent=self)
        self.quotes = RowsModel(QUOTE_COLUMNS, row_id=lambda q: q.quote_id, parent=self)
        self.history_view = _table("dealHistory", _("Stage history"), self.history)
        self.quotes_view = _table("dealQuotes", _("The deal's quotes"), self.quotes)
        fit_columns(self.history_view, 3)
        fit_columns(self.quotes_view, 0)
        self.quotes_view.activated.connect(self._open_quote)
        self.quotes_view.clicked.connect(self._open_quote)
        history_title, quotes_title = QLabel(_("<b>&History</b>")), QLabel(_("<b>&Quotes</b> (Enter opens one)"))
        history_title.setBuddy(self.history_view)
        quotes_title.setBuddy(self.quotes_view)
        self.no_quotes = QLabel(_("No quote linked yet: link one from the quote (its deal field)."))
        self.no_quotes.setWordWrap(True)
        # beside the board's eight columns there is no room: the detail lies under it, in three parts
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary.setMinimumWidth(260)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary, 2)
        for title, view, extra, stretch in ((history_title, self.history_view, None, 4),
                                            (quotes_title, self.quotes_view, self.no_quotes, 3)):
            part = QVBoxLayout()
            part.addWidget(title)
            part.addWidget(view, 1)
            if extra is not None:
                part.addWidget(extra)
            layout.addLayout(part, stretch)
        self.show_detail(None)

    def show_detail(self, detail: DealDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.summary.setText(_("Choose a deal to see its history and its quotes."))
            self.history.set_rows(())
            self.quotes.set_rows(())
            self.no_quotes.setVisible(False)
            return
        card = detail.card
        lines = [f"<b>{escape(card.title)}</b>",
                 f"<a href='{escape(card.customer_id)}'>{escape(card.customer_name or '')}</a> · "
                 f"{stage_text(card.stage)}",
                 " · ".join(p for p in (
                     i18n.money(card.amount) if card.amount is not None else _("no amount"),
                     i18n.tr("expected close {day:date}", day=card.expected_close) if card.expected_close else "")
                     if p)]
        if card.close_reason:
            lines.append(escape(i18n.tr("Reason: {reason}", reason=card.close_reason)))
        self.summary.setText("<br>".join(lines))
        self.summary.setAccessibleName(self.summary.text())
        self.history.set_rows(detail.history)
        self.quotes.set_rows(detail.quotes)
        self.no_quotes.setVisible(not detail.quotes)

    def _open_quote(self, index) -> None:  # type: ignore[no-untyped-def]
        quote = self.quotes.record(index.row())
        if quote is not None:
            self.quote_opened.emit(quote.quote_id)
