"""The customer 360° view: what the agent looks at before and during a visit, read in one call
(`read.customer360.customer_360` and the pyramid rank) on the replica worker and shown in tabs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop.domain.pyramid import class_label, temperature_label
from sfa_desktop.i18n import _, error_text, render, tr
from sfa_desktop.operations import context
from sfa_desktop.operations.read.customer360 import Customer360, customer_360
from sfa_desktop.operations.read.pyramid import RankRow, customer_rank
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.customers import columns
from sfa_desktop.ui.customers.credit import CreditPanelView
from sfa_desktop.ui.customers.filters import status_text
from sfa_desktop.ui.row_list_model import RowListModel
from sfa_desktop.ui.tables import RecordTable, TableOrEmpty, open_link


def read_360(session: Any, customer_id: str) -> tuple[Customer360 | None, RankRow | None]:
    """The 360 and the pyramid rank of one customer, in one read transaction."""
    today = context.today()
    return customer_360(session, customer_id, today=today), customer_rank(session, customer_id, today=today)


def _value(text: str | None) -> QLabel:
    label = QLabel(text or "—")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def _button(text: str, name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setToolTip(tip)
    return button


class Customer360View(QWidget):
    """Header with the actions, then tabs: summary and credit, contacts, documents, history, CRM."""

    back_requested = Signal()
    edit_requested = Signal(object)  # (CustomerDetail)
    #: (Customer360 or None): the view shows what was read; tests and benchmarks wait on it.
    loaded = Signal(object)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("customer_360")
        self.setAccessibleName(_("Customer 360° view"))
        self.customer_id: str | None = None
        self.data: Customer360 | None = None
        self._areas: list[tuple[TableOrEmpty, str]] = []
        self._sized: set[int] = set()  # the tabs whose columns fit what they show
        self._generation = 0

        self.back = _button(_("← Customers"), "customer_back", _("Back to the list (Esc)"))
        self.title = QLabel()
        self.title.setObjectName("customer_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("customer_subtitle")
        self.unsent = QLabel()
        self.unsent.setObjectName("customer_unsent")
        self.unsent.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("customer_problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.new_quote = _button(_("New quote"), "customer_new_quote", _("A new quote for this customer"))
        self.new_order = _button(_("New order"), "customer_new_order", _("A new order for this customer"))
        self.edit = _button(_("Edit…"), "customer_edit", _("Change phone, e-mail, segment, payment terms, "
                                                          "language (F2)"))
        self.call = _button(_("Call customer"), "customer_call", _("Call the customer's phone number"))
        self.write = _button(_("Write"), "customer_write", _("Write an e-mail to the customer"))

        header = QHBoxLayout()
        header.addWidget(self.back)
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        for button in (self.new_quote, self.new_order, self.edit, self.call, self.write):
            header.addWidget(button)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("customer_tabs")
        self.tabs.setAccessibleName(_("Customer details"))
        self.tabs.addTab(self._summary_tab(), _("Summary and credit"))
        self.tabs.addTab(self._contacts_tab(), _("Contacts and addresses"))
        self.tabs.addTab(self._documents_tab(), _("Quotes and orders"))
        self.tabs.addTab(self._history_tab(), _("History and last prices"))
        self.tabs.addTab(self._crm_tab(), _("Activities and deals"))
        self.tabs.currentChanged.connect(self._size_tab)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.unsent)
        layout.addWidget(self.problem)
        layout.addWidget(self.tabs, 1)

        self.back.clicked.connect(self.back_requested.emit)
        self.new_quote.clicked.connect(lambda: self._navigate("quotes", "new:"))
        self.new_order.clicked.connect(lambda: self._navigate("orders", "new:"))
        self.edit.clicked.connect(lambda: self.data and self.edit_requested.emit(self.data.customer))
        self.call.clicked.connect(lambda: self.data and open_link("tel", self.data.customer.phone or ""))
        self.write.clicked.connect(lambda: self.data and open_link("mailto", self.data.customer.email or ""))
        self.setTabOrder(self.back, self.new_quote)
        self.setTabOrder(self.new_quote, self.new_order)
        self.setTabOrder(self.new_order, self.edit)
        self.setTabOrder(self.edit, self.call)
        self.setTabOrder(self.call, self.write)
        self.setTabOrder(self.write, self.tabs)

    # ------------------------------------------------------------------ tabs

    def _summary_tab(self) -> QWidget:
        page = QWidget()
        self.master = QFormLayout()
        self.master_box = QGroupBox(_("Master data"))
        self.master_box.setObjectName("customer_master")
        self.master_box.setLayout(self.master)
        self.pyramid = QLabel()
        self.pyramid.setObjectName("customer_pyramid_class")
        self.pyramid.setWordWrap(True)
        pyramid_box = QGroupBox(_("Pyramid class"))
        QVBoxLayout(pyramid_box).addWidget(self.pyramid)
        left = QVBoxLayout()
        left.addWidget(self.master_box)
        left.addWidget(pyramid_box)
        left.addStretch(1)
        self.credit = CreditPanelView()
        layout = QHBoxLayout(page)
        layout.addLayout(left, 2)
        layout.addWidget(self.credit, 3)
        return page

    def _table(self, cols: tuple, name: str, accessible: str) -> tuple[RowListModel, RecordTable]:
        model = RowListModel(cols, parent=self)
        return model, RecordTable(model, name=name, accessible=accessible)

    def _section(self, layout: QVBoxLayout, title: str, table: RecordTable, empty: str = "") -> None:
        label = QLabel(f"<b>{title}</b>")
        label.setBuddy(table)
        area = TableOrEmpty(table, name=f"{table.objectName()}_empty")
        self._areas.append((area, empty))
        layout.addWidget(label)
        layout.addWidget(area, 1)

    def _contacts_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.contacts, self.contact_table = self._table(columns.CONTACT_COLUMNS, "customer_contacts", _("Contacts"))
        self.addresses, self.address_table = self._table(columns.ADDRESS_COLUMNS, "customer_addresses",
                                                         _("Addresses"))
        self._section(layout, _("Contacts"), self.contact_table, _("No contacts: the office keeps them in the ERP."))
        buttons = QHBoxLayout()
        self.contact_call = _button(_("Call contact"), "contact_call", _("Call the chosen contact"))
        self.contact_write = _button(_("Write to contact"), "contact_write", _("Write an e-mail to the chosen "
                                                                               "contact"))
        buttons.addWidget(self.contact_call)
        buttons.addWidget(self.contact_write)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._section(layout, _("Addresses"), self.address_table, _("No addresses on this computer."))
        self.contact_call.clicked.connect(lambda: self._contact_link("tel"))
        self.contact_write.clicked.connect(lambda: self._contact_link("mailto"))
        self.contact_table.activated_row.connect(lambda row: self._contact_link("mailto", row))
        return page

    def _documents_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.quotes, self.quote_table = self._table(columns.QUOTE_COLUMNS, "customer_quotes", _("Open quotes"))
        self.orders, self.order_table = self._table(columns.ORDER_COLUMNS, "customer_orders", _("Open orders"))
        self._section(layout, _("Open quotes"), self.quote_table,
                      _("No open quotes. \"New quote\" above drafts one for this customer."))
        self._section(layout, _("Open orders"), self.order_table,
                      _("No open orders. \"New order\" above writes one for this customer."))
        self.quote_table.activated_row.connect(lambda row: self._open(self.quotes, row, "quotes"))
        self.order_table.activated_row.connect(lambda row: self._open(self.orders, row, "orders"))
        return page

    def _history_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.history, self.history_table = self._table(columns.ORDER_COLUMNS, "customer_history",
                                                       _("Order history"))
        self.prices, self.price_table = self._table(columns.LAST_PRICE_COLUMNS, "customer_last_prices",
                                                    _("Last price sold per product"))
        self._section(layout, _("Order history"), self.history_table, _("No orders yet for this customer."))
        self._section(layout, _("Last price sold per product"), self.price_table,
                      _("Nothing sold to this customer yet: the catalog shows their list prices."))
        self.history_table.activated_row.connect(lambda row: self._open(self.history, row, "orders"))
        self.price_table.activated_row.connect(lambda row: self._open(self.prices, row, "catalog", "product_id"))
        return page

    def _crm_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.activities, self.activity_table = self._table(columns.ACTIVITY_COLUMNS, "customer_activities",
                                                           _("Activities"))
        self.deals, self.deal_table = self._table(columns.DEAL_COLUMNS, "customer_deals", _("Deals"))
        self._section(layout, _("Activities"), self.activity_table,
                      _("No visits, calls or notes yet: the Agenda section logs them."))
        self._section(layout, _("Deals"), self.deal_table, _("No deals: the Deals section opens one."))
        self.activity_table.activated_row.connect(lambda row: self._open(self.activities, row, "agenda"))
        self.deal_table.activated_row.connect(lambda row: self._open(self.deals, row, "deals"))
        return page

    # ------------------------------------------------------------------ actions

    def _navigate(self, section: str, prefix: str) -> None:
        if self.customer_id:
            self.ctx.navigate(section, prefix + self.customer_id)

    def _open(self, model: RowListModel, row: int, section: str, attribute: str = "id") -> None:
        record = model.record(row)
        if record is not None:
            self.ctx.navigate(section, getattr(record, attribute))

    def _contact_link(self, scheme: str, row: int | None = None) -> None:
        row = self.contact_table.current_row() if row is None else row
        record = self.contacts.record(row) if row is not None else None
        if record is not None:
            open_link(scheme, (record.phone if scheme == "tel" else record.email) or "")

    # ------------------------------------------------------------------ loading

    def show_customer(self, customer_id: str) -> None:
        """Read and show this customer (the last one asked for wins)."""
        self.customer_id = customer_id
        self._generation += 1
        generation = self._generation
        ReplicaOp(self, lambda agent: agent.read(lambda s: read_360(s, customer_id))) \
            .success(lambda found: self._arrived(generation, *found)) \
            .failure(self._failed).run(self.ctx.runner)

    def reload(self) -> None:
        if self.customer_id:
            self.show_customer(self.customer_id)

    def _failed(self, error: BaseException) -> None:
        self.problem.setText(error_text(error))
        self.problem.show()
        self.loaded.emit(None)

    def _arrived(self, generation: int, data: Customer360 | None, rank: RankRow | None) -> None:
        if generation != self._generation:
            return
        self.problem.hide()
        self.data = data
        if data is None:
            self.title.setText(_("Customer not found"))
            self.subtitle.setText(_("This customer is not on this computer any more (reassigned?). "
                                    "Go back to the list."))
            for button in (self.new_quote, self.new_order, self.edit, self.call, self.write):
                button.setEnabled(False)
            self.loaded.emit(None)
            return
        c = data.customer
        self.title.setText(c.name)
        place = ", ".join(p for p in (data.row.city, data.row.province) if p)
        self.subtitle.setText(" · ".join(p for p in (c.erp_code, status_text(c.status), place) if p))
        self.unsent.setText(_("Changes not sent yet: they reach the office at the next sync; if the office "
                              "changed the same field, its value wins and the Sync page shows both.")
                            if c.unsent else "")
        self.unsent.setVisible(c.unsent)
        self.new_quote.setEnabled(c.status != "blocked")
        self.new_order.setEnabled(c.status != "blocked")
        self.edit.setEnabled(True)
        self.call.setEnabled(bool(c.phone))
        self.write.setEnabled(bool(c.email))
        self._fill_master(data)
        self._fill_pyramid(rank)
        self.credit.show_panel(data.credit)
        self.contacts.set_rows(data.contacts)
        self.addresses.set_rows(data.addresses)
        self.quotes.set_rows(data.open_quotes)
        self.orders.set_rows(data.open_orders)
        self.history.set_rows(data.order_history)
        self.prices.set_rows(data.last_prices)
        self.activities.set_rows(data.activities)
        self.deals.set_rows(data.deals)
        for area, empty in self._areas:
            if area.table.model().rowCount():
                area.show_table()
            else:
                area.show_empty(empty)
        self._sized = set()
        self._size_tab(self.tabs.currentIndex())
        self.loaded.emit(data)

    def _size_tab(self, index: int) -> None:
        """Fit the columns of a tab's tables to what they show, when the tab is first shown after a
        read: measuring a long order history's cells costs more than the rest of the open."""
        if index in self._sized:
            return
        self._sized.add(index)
        page = self.tabs.widget(index)
        for area, _empty in self._areas:
            if page is not None and page.isAncestorOf(area):
                area.table.resizeColumnsToContents()

    def _fill_master(self, data: Customer360) -> None:
        while self.master.rowCount():
            self.master.removeRow(0)
        c = data.customer
        price_list = " — ".join(p for p in (c.price_list_code, c.price_list_name) if p)
        language = {"it": _("Italian"), "en": _("English")}.get(c.language, c.language)
        for label, value in ((_("ERP code"), c.erp_code), (_("VAT number"), c.vat_number),
                             (_("Tax code"), c.tax_code), (_("Status"), status_text(c.status)),
                             (_("Segment"), c.segment), (_("Payment terms"), c.payment_terms),
                             (_("Price list"), price_list), (_("Default discount"), c.default_discount),
                             (_("Language"), language), (_("Phone"), c.phone), (_("E-mail"), c.email)):
            field = _value(value)
            field.setAccessibleName(label)
            self.master.addRow(label, field)

    def _fill_pyramid(self, rank: RankRow | None) -> None:
        if rank is None:
            self.pyramid.setText(_("Not ranked yet: the pyramid is computed after a sync."))
            return
        words = tr("{cls} · {temperature}", cls=render(class_label(rank.pyramid_class)),
                   temperature=render(temperature_label(rank.temperature)))
        lines = [f"<b>{words}</b>", *(render(m) for m in rank.explanation)]
        self.pyramid.setText("<br>".join(lines))
        self.pyramid.setAccessibleName(" ".join([words, *(render(m) for m in rank.explanation)]))
