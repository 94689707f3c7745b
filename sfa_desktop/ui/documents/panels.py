"""The editor's side panels: the customer's credit, the totals with the VAT summary, the warnings and
the approval preview. They show figures the core computed; nothing is added up here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from sfa_desktop import i18n
from sfa_desktop.i18n import N_, _
from sfa_desktop.operations.read.editor import DocumentPreview, EditorCustomer
from sfa_desktop.ui.table_model import format_cell


def _value_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CreditPanel(QGroupBox):
    """Credit limit, balance, overdue and what is still available, for the chosen customer."""

    FIELDS = (("credit_limit", N_("Credit limit")), ("balance", N_("Balance owed")), ("overdue", N_("Overdue")),
              ("available", N_("Available credit")))

    def __init__(self) -> None:
        super().__init__(_("Customer credit"))
        self.setObjectName("credit_panel")
        self.setAccessibleName(_("Customer credit"))
        form = QFormLayout(self)
        self.name = QLabel(_("No customer chosen yet: type a name or code above."))
        self.name.setObjectName("customer_name")
        self.name.setWordWrap(True)
        form.addRow(self.name)
        self.values: dict[str, QLabel] = {}
        for key, title in self.FIELDS:
            self.values[key] = _value_label("credit_" + key)
            form.addRow(_(title), self.values[key])

    def show_customer(self, customer: EditorCustomer | None) -> None:
        if customer is None:
            self.name.setText(_("No customer chosen yet: type a name or code above."))
            for label in self.values.values():
                label.clear()
            return
        self.name.setText(" · ".join(x for x in (customer.erp_code, customer.name, customer.city) if x))
        figures = {"credit_limit": customer.credit_limit, "balance": customer.balance,
                   "overdue": customer.overdue, "available": customer.available}
        for key, value in figures.items():
            self.values[key].setText(format_cell(value, "money"))
        if not customer.credit_managed:
            self.values["credit_limit"].setText(_("not managed"))
            self.values["available"].setText(_("no limit"))
        elif customer.available < 0:
            self.values["available"].setText(i18n.tr("over the limit by {amount:money}", amount=-customer.available))


class TotalsPanel(QGroupBox):
    """Goods, document discount, taxable, VAT and total, and the VAT summary by rate or nature."""

    def __init__(self) -> None:
        super().__init__(_("Totals"))
        self.setObjectName("totals_panel")
        self.setAccessibleName(_("Totals"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for key, title in (("goods_total", N_("Goods")), ("document_discount_amount", N_("Document discount")),
                           ("taxable_total", N_("Taxable")), ("vat_total", N_("VAT")), ("grand_total", N_("Total"))):
            self.values[key] = _value_label("total_" + key)
            form.addRow(_(title), self.values[key])
        bold = self.values["grand_total"].font()
        bold.setBold(True)
        self.values["grand_total"].setFont(bold)
        layout.addLayout(form)
        self.vat = QTableWidget(0, 3)
        self.vat.setObjectName("vat_summary")
        self.vat.setAccessibleName(_("VAT summary"))
        self.vat.setHorizontalHeaderLabels([_("VAT rate or nature"), _("Taxable"), _("VAT")])
        self.vat.verticalHeader().hide()
        self.vat.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.vat.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.vat.setWordWrap(False)
        self.vat.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.vat.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.vat.setMaximumHeight(110)
        layout.addWidget(self.vat)

    def show_preview(self, preview: DocumentPreview | None) -> None:
        for key, label in self.values.items():
            label.setText(format_cell(getattr(preview, key), "money") if preview and preview.lines else "")
        rows = preview.vat_rows if preview else ()
        self.vat.setRowCount(len(rows))
        for i, row in enumerate(rows):
            name = row.nature or format_cell(row.rate, "percent")
            for j, text in enumerate((name, format_cell(row.taxable, "money"), format_cell(row.vat, "money"))):
                item = QTableWidgetItem(text)
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.vat.setItem(i, j, item)


class ChecksPanel(QGroupBox):
    """The problem that stops pricing, the warnings (stock, credit, overdue) and the approval preview."""

    def __init__(self) -> None:
        super().__init__(_("Checks"))
        self.setObjectName("checks_panel")
        layout = QVBoxLayout(self)
        self.problem = QLabel()
        self.problem.setObjectName("editor_problem")
        self.problem.setAccessibleName(_("Problem"))
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.warnings = QListWidget()
        self.warnings.setObjectName("editor_warnings")
        self.warnings.setAccessibleName(_("Warnings"))
        self.warnings.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.warnings.setMaximumHeight(110)
        layout.addWidget(QLabel(_("Warnings")))
        layout.addWidget(self.warnings)
        self.approval = QListWidget()
        self.approval.setObjectName("approval_preview")
        self.approval.setAccessibleName(_("Approval preview"))
        self.approval.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.approval.setMinimumHeight(110)
        layout.addWidget(QLabel(_("What the office will be asked to approve")))
        layout.addWidget(self.approval)

        for listing in (self.warnings, self.approval):
            # whole sentences, wrapped: a reason cut at the panel's edge would say nothing
            listing.setWordWrap(True)
            listing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            listing.setResizeMode(QListWidget.ResizeMode.Adjust)

    def show_problem(self, text: str | None) -> None:
        self.problem.setText("⚠ " + text if text else "")
        self.problem.setVisible(bool(text))

    def show_preview(self, preview: DocumentPreview | None) -> None:
        self.warnings.clear()
        self.approval.clear()
        if preview is None:
            return
        for message in preview.warnings:
            self.warnings.addItem("⚠ " + i18n.render(message))
        if not preview.warnings:
            self.warnings.addItem(_("No warnings."))
        for reason in preview.approval:
            who = i18n.render(reason.role_label) if reason.role_label else ""
            self.approval.addItem(i18n.render(reason.message) + (f" — {who}" if who else ""))
        if preview.lines and not preview.approval:
            self.approval.addItem(_("Nothing: the order would be approved at once."))
