"""One order as the office weighs it: header, lines with list and net price, discount and margin,
the customer's credit (overdue invoices, other open orders), stock per warehouse, quote and history."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.domain.lifecycle import status_label
from sfa_desktop.i18n import N_, _
from sfa_desktop.office.rows import OrderDetail
from sfa_desktop.ui.office.labels import action_label, rule_label
from sfa_desktop.ui.table_model import _LEFT, _RIGHT, format_cell

NUMERIC = ("money", "price", "qty", "percent", "number")


def fill_table(table: QTableWidget, headers: Sequence[tuple[str, str]], rows: Sequence[Sequence[object]]) -> None:
    """headers: (title msgid, kind); values are formatted in the chosen locale."""
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels([_(title) for title, _kind in headers])
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            kind = headers[c][1]
            item = QTableWidgetItem(value if isinstance(value, str) else format_cell(value, kind))
            item.setTextAlignment(_RIGHT if kind in NUMERIC else _LEFT)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)


def read_only_table(name: str) -> QTableWidget:
    table = QTableWidget()
    table.setObjectName(name)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setAlternatingRowColors(True)
    return table


class OrderView(QWidget):
    """Shows one OrderDetail; holds no state of its own beyond what it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("office.order")
        self.title = QLabel()
        self.title.setObjectName("office.order.title")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.facts = QLabel()
        self.facts.setObjectName("office.order.facts")
        self.facts.setWordWrap(True)
        self.reasons = QLabel()
        self.reasons.setObjectName("office.order.reasons")
        self.reasons.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("office.order.tabs")
        self.lines = read_only_table("office.order.lines")
        self.credit_form = QFormLayout()
        credit = QWidget()
        credit_box = QVBoxLayout(credit)
        credit_box.addLayout(self.credit_form)
        self.invoices = read_only_table("office.order.invoices")
        self.open_orders = read_only_table("office.order.open_orders")
        for label, table in ((_("Overdue invoices"), self.invoices), (_("Other open orders"), self.open_orders)):
            credit_box.addWidget(QLabel(f"<b>{label}</b>"))
            credit_box.addWidget(table)
        self.stock = read_only_table("office.order.stock")
        history = QWidget()
        history_box = QVBoxLayout(history)
        self.quote = QLabel()
        self.quote.setObjectName("office.order.quote")
        self.quote.setWordWrap(True)
        self.audit = read_only_table("office.order.audit")
        history_box.addWidget(self.quote)
        history_box.addWidget(self.audit)
        self.tabs.addTab(self.lines, _("Lines"))
        self.tabs.addTab(credit, _("Credit"))
        self.tabs.addTab(self.stock, _("Stock"))
        self.tabs.addTab(history, _("Quote and history"))
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        for w in (self.title, self.facts, self.reasons):
            box.addWidget(w)
        box.addWidget(self.tabs, 1)

    def show_detail(self, d: OrderDetail) -> None:
        o = d.order
        self.title.setText(_("Order {number} · {customer}").format(number=o.number, customer=o.customer_name or ""))
        status = i18n.render(status_label("order_status", o.status))
        facts = [_("Agent: {agent}").format(agent=o.agent_name or o.agent_username or ""),
                 _("Submitted: {when} ({ago})").format(when=i18n.datetime(o.created_at.astimezone()),
                                                       ago=i18n.ago(o.created_at)),
                 _("Taxable {taxable} · total {total}").format(taxable=i18n.money(o.taxable_total),
                                                               total=i18n.money(o.grand_total)),
                 _("Status: {status}").format(status=status)]
        if d.margin is not None and d.margin_pct is not None:
            facts.append(_("Margin {margin} ({pct})").format(margin=i18n.money(d.margin),
                                                             pct=i18n.percent(d.margin_pct)))
        if d.decided_by and d.decided_at:
            facts.append(_("Decided by {who} on {when}").format(who=d.decided_by,
                                                                when=i18n.datetime(d.decided_at.astimezone())))
        if d.decision_note:
            facts.append(_("Note: {note}").format(note=d.decision_note))
        if d.notes:
            facts.append(_("Agent's notes: {notes}").format(notes=d.notes))
        self.facts.setText("\n".join(facts))
        self.reasons.setText("\n".join(f"• {rule_label(r.rule)}: {i18n.render(r.message)}" for r in o.reasons)
                             or _("No approval reason recorded."))
        fill_table(self.lines, [(N_("SKU"), "text"), (N_("Description"), "text"), (N_("Quantity"), "qty"),
                                (N_("List price"), "price"), (N_("Discount"), "text"), (N_("Net price"), "price"),
                                (N_("Below list"), "percent"), (N_("Amount"), "money"), (N_("Margin"), "money"),
                                (N_("Margin %"), "percent")],
                   [(ln.sku, ln.description, ln.quantity, ln.list_price, ln.discount or "", ln.net_unit_price,
                     ln.discount_from_list_pct, ln.net_amount, ln.margin, ln.margin_pct) for ln in d.lines])
        self._show_credit(d)
        fill_table(self.stock, [(N_("SKU"), "text"), (N_("Warehouse"), "text"), (N_("On hand"), "qty"),
                                (N_("Available"), "qty")],
                   [(s.sku, s.warehouse, s.on_hand, s.available) for s in d.stock])
        if d.quote is not None:
            q = d.quote
            self.quote.setText(_("From quote {number} ({status}), total {total}, valid until {until}").format(
                number=q.number, status=i18n.render(status_label("quote_status", q.status)),
                total=i18n.money(q.grand_total), until=i18n.date(q.valid_until) if q.valid_until else "—"))
        else:
            self.quote.setText(_("Not made from a quote."))
        fill_table(self.audit, [(N_("When"), "datetime"), (N_("Who"), "text"), (N_("What"), "text"),
                                (N_("Note"), "text")],
                   [(e.at, e.actor or "", action_label(e.action), e.note or "") for e in d.audit])

    def _show_credit(self, d: OrderDetail) -> None:
        while self.credit_form.rowCount():
            self.credit_form.removeRow(0)
        c = d.credit
        if c is None:
            self.credit_form.addRow(QLabel(_("The customer is no longer on the server.")))
            fill_table(self.invoices, [], [])
            fill_table(self.open_orders, [], [])
            return
        for label, value in ((_("Credit limit"), c.credit_limit), (_("Balance"), c.balance),
                             (_("Overdue"), c.overdue), (_("Other open orders"), c.open_orders_total),
                             (_("Exposure"), c.exposure), (_("Available credit"), c.available)):
            shown = QLabel(i18n.money(value))
            shown.setAccessibleName(label)
            self.credit_form.addRow(label, shown)
        fill_table(self.invoices, [(N_("Invoice"), "text"), (N_("Due"), "date"), (N_("Still to pay"), "money"),
                                   (N_("Days late"), "number")],
                   [(i.document_number, i.due_date, i.open, i.days_overdue) for i in c.overdue_invoices])
        fill_table(self.open_orders, [(N_("Number"), "text"), (N_("Status"), "text"), (N_("Total"), "money")],
                   [(o.number, i18n.render(status_label("order_status", o.status)), o.grand_total)
                    for o in c.open_orders])
