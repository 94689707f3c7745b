"""Agents and devices (admin only): users (disable one), devices with their last sync and what awaits
them (revoke one: its replica is wiped at its next connection), give a customer to another agent."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.i18n import N_, _
from sfa_desktop.office.rows import CustomerBrief, Device, User
from sfa_desktop.ui.background import NetworkOp, Runner
from sfa_desktop.ui.office.approvals import Banner
from sfa_desktop.ui.office.labels import PENDING_LABELS
from sfa_desktop.ui.office.order_view import fill_table, read_only_table

ROLE_LABELS = {"agent": N_("agent"), "office": N_("office"), "admin": N_("administrator")}


class AdminPage(QWidget):
    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("office.admin")
        self.runner = runner
        self.users: list[User] = []
        self.devices: list[Device] = []
        self.customers: list[CustomerBrief] = []
        self.banner = Banner("office.admin.banner")
        self.user_table = read_only_table("office.admin.users")
        self.user_table.setAccessibleName(_("Users"))
        self.disable_button = QPushButton(_("&Disable the selected user"))
        self.disable_button.setObjectName("office.admin.disable")
        self.disable_button.clicked.connect(self._disable)
        self.device_table = read_only_table("office.admin.devices")
        self.device_table.setAccessibleName(_("Devices"))
        self.revoke_button = QPushButton(_("&Revoke the selected device"))
        self.revoke_button.setObjectName("office.admin.revoke")
        self.revoke_button.clicked.connect(self._revoke)
        self.customer_search = QLineEdit()
        self.customer_search.setObjectName("office.admin.customer_search")
        self.customer_search.setAccessibleName(_("Find a customer"))
        self.customer_search.setPlaceholderText(_("Customer: name, ERP code or VAT number, then Enter"))
        self.customer_search.returnPressed.connect(self._search)
        self.customer_table = read_only_table("office.admin.customers")
        self.customer_table.setAccessibleName(_("Customers found"))
        self.customer_table.setMaximumHeight(140)
        self.new_agent = QComboBox()
        self.new_agent.setObjectName("office.admin.new_agent")
        self.new_agent.setAccessibleName(_("New agent"))
        self.reassign_button = QPushButton(_("&Give to this agent"))
        self.reassign_button.setObjectName("office.admin.reassign")
        self.reassign_button.clicked.connect(self._reassign)
        users_box, devices_box, reassign_box = (QGroupBox(_("Users")), QGroupBox(_("Devices")),
                                                QGroupBox(_("Give a customer to another agent")))
        QVBoxLayout(users_box).addWidget(self.user_table)
        users_box.layout().addWidget(self.disable_button)
        QVBoxLayout(devices_box).addWidget(self.device_table)
        devices_box.layout().addWidget(self.revoke_button)
        r = QVBoxLayout(reassign_box)
        r.addWidget(self.customer_search)
        r.addWidget(self.customer_table)
        row = QHBoxLayout()
        row.addWidget(self.new_agent, 1)
        row.addWidget(self.reassign_button)
        r.addLayout(row)
        top = QHBoxLayout()
        top.addWidget(users_box, 3)
        top.addWidget(reassign_box, 2)
        box = QVBoxLayout(self)
        box.addWidget(self.banner)
        box.addLayout(top, 2)
        box.addWidget(devices_box, 3)

    def set_agents(self, agents: list[User]) -> None:
        for a in agents:
            self.new_agent.addItem(a.full_name or a.username, a.id)

    def refresh(self) -> None:
        NetworkOp(self, lambda office: (office.users(), office.devices())).success(self._arrived) \
            .failure(lambda e: self.banner.say(i18n.error_text(e), warning=True)).run(self.runner)

    def _arrived(self, answer: tuple[list[User], list[Device]]) -> None:
        self.users, self.devices = answer
        fill_table(self.user_table, [(N_("User name"), "text"), (N_("Name"), "text"), (N_("Role"), "text"),
                                     (N_("Code"), "text"), (N_("Active"), "text")],
                   [(u.username, u.full_name or "", _(ROLE_LABELS.get(u.role, u.role)), u.agent_code or "",
                     _("Yes") if u.active else _("No")) for u in self.users])
        fill_table(self.device_table, [(N_("User name"), "text"), (N_("Device"), "text"), (N_("Registered"), "date"),
                                       (N_("Last sync"), "ago"), (N_("Last push"), "ago"),
                                       (N_("Commands received"), "number"), (N_("Revoked"), "datetime"),
                                       (N_("Waiting for the device"), "text")],
                   [(d.username or "", d.name, d.registered_at, d.last_seen_at, d.last_push_at, d.commands_applied,
                     d.revoked_at, ", ".join(_(PENDING_LABELS.get(c, c)) for c in d.pending_commands))
                    for d in self.devices])

    @staticmethod
    def _selected(table, items: list):
        rows = table.selectionModel().selectedRows() if table.selectionModel() else []
        return items[rows[0].row()] if rows and rows[0].row() < len(items) else None

    def _confirm(self, text: str) -> bool:
        return QMessageBox.question(self, _("Please confirm"), text) == QMessageBox.StandardButton.Yes

    def _disable(self) -> None:
        user = self._selected(self.user_table, self.users)
        if user is None:
            self.banner.say(_("Choose the user to disable."))
            return
        if not self._confirm(_("Disable {user}? They can no longer sign in, on any computer.").format(
                user=user.username)):
            return
        NetworkOp(self, lambda office: office.disable_user(user.id)) \
            .success(lambda u: (self.banner.say(_("{user} is disabled.").format(user=u.username)), self.refresh())) \
            .failure(lambda e: self.banner.say(i18n.error_text(e), warning=True)).run(self.runner)

    def _revoke(self) -> None:
        device = self._selected(self.device_table, self.devices)
        if device is None:
            self.banner.say(_("Choose the device to revoke."))
            return
        if not self._confirm(_("Revoke {device} of {user}? Its local data is wiped at its next connection.").format(
                device=device.name, user=device.username or "")):
            return
        NetworkOp(self, lambda office: office.revoke_device(device.id)) \
            .success(lambda d: (self.banner.say(_("{device} is revoked: its data is wiped at its next connection.")
                                                .format(device=d.name)), self.refresh())) \
            .failure(lambda e: self.banner.say(i18n.error_text(e), warning=True)).run(self.runner)

    def _search(self) -> None:
        text = self.customer_search.text().strip()
        if text:
            NetworkOp(self, lambda office: office.customers(text)).success(self._customers_found) \
                .failure(lambda e: self.banner.say(i18n.error_text(e), warning=True)).run(self.runner)

    def _customers_found(self, customers: list[CustomerBrief]) -> None:
        self.customers = customers
        fill_table(self.customer_table, [(N_("Customer"), "text"), (N_("ERP code"), "text"), (N_("City"), "text"),
                                         (N_("Agent"), "text")],
                   [(c.name, c.erp_code or "", c.city or "", c.agent_username or "") for c in customers])
        if customers:
            self.customer_table.selectRow(0)

    def _reassign(self) -> None:
        customer, agent_id = self._selected(self.customer_table, self.customers), self.new_agent.currentData()
        if customer is None or agent_id is None:
            self.banner.say(_("Find and choose the customer, then the agent to give it to."))
            return
        NetworkOp(self, lambda office: office.reassign_customer(customer.id, agent_id)) \
            .success(lambda who: self.banner.say(_("{customer} now belongs to {agent}: both agents' computers "
                                                   "follow at their next sync.").format(customer=customer.name,
                                                                                        agent=who))) \
            .failure(lambda e: self.banner.say(i18n.error_text(e), warning=True)).run(self.runner)
