"""The credit panel of the 360 view: limit (fido), balance (saldo), open orders and what is left,
overdue (scaduto) with the open invoices and their days past due; every figure says what it is."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from sfa_desktop.i18n import N_, _, money, render
from sfa_desktop.operations.read.customer360 import CreditLine, CreditPanel
from sfa_desktop.ui.row_list_model import RowListModel
from sfa_desktop.ui.table_model import Column
from sfa_desktop.ui.tables import RecordTable

#: What each figure is, shown as its tooltip and under the panel (English msgids).
EXPLAINED = {
    "credit_limit": N_("The credit limit (fido) the sales office grants this customer."),
    "balance": N_("What the customer owes today according to the ERP (saldo): invoices not yet paid."),
    "open_orders": N_("Orders submitted or approved and not yet invoiced: they will use credit."),
    "available": N_("Credit limit minus balance minus open orders: how much a new order can use "
                    "without the office's approval."),
    "over_by": N_("Balance and open orders already exceed the credit limit by this amount: a new order "
                  "goes to the office for approval."),
    "not_managed": N_("The office does not manage credit for this customer: no limit applies."),
    "overdue": N_("Open invoices whose due date has passed (scaduto), counted from the open items."),
    "not_yet_due": N_("Open invoices still within their payment terms."),
    "outstanding": N_("Everything still to be paid on the open invoices."),
    "overdue_erp": N_("The overdue figure the ERP exported; it may differ when payments arrived after its "
                      "export."),
}

_SIGN = {"": "", "-": "−", "+": "+", "=": "="}

INVOICE_COLUMNS = (
    Column("document_number", N_("Invoice")),
    Column("document_date", N_("Date"), "date"),
    Column("due_date", N_("Due"), "date"),
    Column("amount", N_("Amount"), "money"),
    Column("paid", N_("Paid"), "money"),
    Column("open_amount", N_("Still to pay"), "money"),
    Column("days_past_due", N_("Days past due"), "number",
           display=lambda r: str(r.days_past_due) if r.overdue else _("not yet due")),
)


class CreditPanelView(QGroupBox):
    """Two small sums (what is available, what is owed) and the open invoices below them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Credit"), parent)
        self.setObjectName("credit_panel")
        self.setAccessibleName(_("Credit panel"))
        self._availability = QGridLayout()
        self._owed = QGridLayout()
        self.note = QLabel()
        self.note.setObjectName("credit_note")
        self.note.setWordWrap(True)
        self.invoices = RowListModel(INVOICE_COLUMNS, parent=self)
        self.invoice_table = RecordTable(self.invoices, name="credit_invoices", accessible=_("Open invoices"))
        self.invoice_table.setMinimumHeight(120)
        layout = QVBoxLayout(self)
        layout.addLayout(self._availability)
        layout.addWidget(self.note)
        layout.addLayout(self._owed)
        title = QLabel(_("Open invoices"))
        title.setBuddy(self.invoice_table)
        layout.addWidget(title)
        layout.addWidget(self.invoice_table, 1)
        self.figures: dict[str, QLabel] = {}

    def show_panel(self, panel: CreditPanel) -> None:
        self.figures = {}
        _fill(self._availability, panel.availability, self.figures)
        _fill(self._owed, panel.owed, self.figures)
        codes = [line.code for line in panel.availability]
        self.note.setText(_(EXPLAINED[codes[-1]]))
        self.invoices.set_rows(panel.invoices)
        self.invoice_table.resizeColumnsToContents()


def _fill(grid: QGridLayout, lines: tuple[CreditLine, ...], figures: dict[str, QLabel]) -> None:
    while grid.count():
        item = grid.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
    for row, line in enumerate(lines):
        label = QLabel(render(line.label))
        sign = QLabel(_SIGN.get(line.operation, ""))
        amount = QLabel(money(line.amount) if line.amount is not None else "")
        amount.setObjectName(f"credit_{line.code}")
        explanation = _(EXPLAINED.get(line.code, "")) if line.code in EXPLAINED else ""
        for widget in (label, sign, amount):
            widget.setToolTip(explanation)
        amount.setAccessibleName(f"{label.text()}: {amount.text()}")
        amount.setAccessibleDescription(explanation)
        if line.operation == "=":
            font = amount.font()
            font.setBold(True)
            amount.setFont(font)
            label.setFont(font)
        grid.addWidget(sign, row, 0)
        grid.addWidget(label, row, 1)
        grid.addWidget(amount, row, 2)
        figures[line.code] = amount
    grid.setColumnStretch(1, 1)
