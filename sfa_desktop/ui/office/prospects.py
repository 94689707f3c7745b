"""Prospects the agents brought in, with the probable duplicates the server found: accept one as a new
customer (ERP code, price list, agent) or merge it into a customer the company already has."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.i18n import N_, _
from sfa_desktop.office.rows import CustomerBrief, DuplicateCandidate, Prospect, ProspectDecision
from sfa_desktop.ui.background import NetworkOp, Runner
from sfa_desktop.ui.office.approvals import Banner
from sfa_desktop.ui.office.labels import duplicate_reason
from sfa_desktop.ui.office.order_view import fill_table, read_only_table


def _why(target: DuplicateCandidate | CustomerBrief) -> str:
    if not isinstance(target, DuplicateCandidate):
        return ""  # a customer found by a search, not by the duplicate check
    return ", ".join(duplicate_reason(r) for r in target.reasons)


class ProspectsPage(QWidget):
    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("office.prospects")
        self.runner = runner
        self.prospects: list[Prospect] = []
        self.targets: list[DuplicateCandidate | CustomerBrief] = []
        self.banner = Banner("office.prospects.banner")
        self.table = read_only_table("office.prospects.list")
        self.table.setAccessibleName(_("Prospects waiting for review"))
        self.table.itemSelectionChanged.connect(self._selected)
        self.empty = QLabel(_("No prospect is waiting for a review. The agents' new customers appear here after "
                              "their sync."))
        self.empty.setObjectName("office.prospects.empty")
        self.empty.setWordWrap(True)
        self.facts = QLabel(_("Choose a prospect to review it."))
        self.facts.setObjectName("office.prospects.facts")
        self.facts.setWordWrap(True)
        self.candidates = read_only_table("office.prospects.candidates")
        self.candidates.setAccessibleName(_("Probable duplicates"))
        self.search = QLineEdit()
        self.search.setObjectName("office.prospects.search")
        self.search.setAccessibleName(_("Find another customer"))
        self.search.setPlaceholderText(_("Find another customer: name, ERP code or VAT number, then Enter"))
        self.search.returnPressed.connect(self._search)
        self.merge_button = QPushButton(_("&Merge into the selected customer"))
        self.merge_button.setObjectName("office.prospects.merge")
        self.merge_button.clicked.connect(self._merge)
        merge_box = QGroupBox(_("Already a customer? Merge"))
        merge_layout = QVBoxLayout(merge_box)
        for w in (self.candidates, self.search, self.merge_button):
            merge_layout.addWidget(w)
        self.erp_code = QLineEdit()
        self.erp_code.setObjectName("office.prospects.erp_code")
        self.erp_code.setAccessibleName(_("ERP code"))
        self.erp_code.setMaxLength(40)
        self.price_list = QComboBox()
        self.price_list.setObjectName("office.prospects.price_list")
        self.price_list.setAccessibleName(_("Price list"))
        self.price_list.addItem(_("Keep the agent's choice"), None)
        self.agent = QComboBox()
        self.agent.setObjectName("office.prospects.agent")
        self.agent.setAccessibleName(_("Agent"))
        self.agent.addItem(_("The agent who brought it in"), None)
        self.note = QLineEdit()
        self.note.setObjectName("office.prospects.note")
        self.note.setAccessibleName(_("Note for the agent"))
        self.accept_button = QPushButton(_("Accept as a &new customer"))
        self.accept_button.setObjectName("office.prospects.accept")
        self.accept_button.clicked.connect(self._accept)
        accept_box = QGroupBox(_("New customer? Accept"))
        form = QFormLayout(accept_box)
        form.addRow(_("&ERP code:"), self.erp_code)
        form.addRow(_("&Price list:"), self.price_list)
        form.addRow(_("A&gent:"), self.agent)
        form.addRow(_("N&ote:"), self.note)
        form.addRow(self.accept_button)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.addWidget(self.facts)
        decide = QHBoxLayout()
        decide.addWidget(accept_box, 1)
        decide.addWidget(merge_box, 1)
        right_box.addLayout(decide, 1)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.table, 1)
        left_box.addWidget(self.empty)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(left)
        splitter.addWidget(right)
        box = QVBoxLayout(self)
        box.addWidget(self.banner)
        box.addWidget(splitter, 1)
        self._enable(False)

    def set_lookups(self, agents: list, price_lists: list) -> None:
        for a in agents:
            self.agent.addItem(a.full_name or a.username, a.id)
        for p in price_lists:
            self.price_list.addItem(f"{p.code} · {p.name}", p.id)

    def refresh(self) -> None:
        NetworkOp(self, lambda office: office.prospects()).success(self._arrived) \
            .failure(lambda e: self.banner.say(i18n.error_text(e), warning=True)).run(self.runner)

    def _arrived(self, prospects: list[Prospect]) -> None:
        chosen = self.current.id if self.current else None
        self.prospects = prospects
        fill_table(self.table, [(N_("Name"), "text"), (N_("VAT number"), "text"), (N_("City"), "text"),
                                (N_("Agent"), "text"), (N_("Sent"), "datetime"), (N_("Probable duplicates"), "number")],
                   [(p.name, p.vat_number or "", p.city or "", p.agent_username or "", p.created_at,
                     len(p.candidates)) for p in prospects])
        self.empty.setVisible(not prospects)
        self.table.setVisible(bool(prospects))
        ids = [p.id for p in prospects]
        if chosen in ids:
            self.table.selectRow(ids.index(chosen))
        elif prospects:
            self.table.selectRow(0)
        else:
            self._enable(False)

    @property
    def current(self) -> Prospect | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.prospects[rows[0].row()] if rows and rows[0].row() < len(self.prospects) else None

    def _selected(self) -> None:
        p = self.current
        self._enable(p is not None)
        if p is None:
            return
        facts = [f"<b>{p.name}</b>", _("VAT number: {vat}").format(vat=p.vat_number or "—"),
                 _("Address: {street} {city}").format(street=p.street or "", city=p.city or ""),
                 _("Phone {phone} · e-mail {email}").format(phone=p.phone or "—", email=p.email or "—"),
                 _("Brought in by {agent} {ago}").format(agent=p.agent_username or "", ago=i18n.ago(p.created_at))]
        self.facts.setText("<br>".join(facts))
        self._show_targets(list(p.candidates))

    def _show_targets(self, targets: list[DuplicateCandidate | CustomerBrief]) -> None:
        self.targets = targets
        fill_table(self.candidates, [(N_("Customer"), "text"), (N_("ERP code"), "text"), (N_("City"), "text"),
                                     (N_("Agent"), "text"), (N_("Why"), "text")],
                   [(t.name, t.erp_code or "", t.city or "", t.agent_username or "", _why(t)) for t in targets])
        if targets:
            self.candidates.selectRow(0)

    def _search(self) -> None:
        text = self.search.text().strip()
        if text:
            NetworkOp(self, lambda office: office.customers(text)).success(self._show_targets) \
                .failure(lambda e: self.banner.say(i18n.error_text(e), warning=True)).run(self.runner)

    def _enable(self, on: bool) -> None:
        for w in (self.erp_code, self.price_list, self.agent, self.note, self.accept_button, self.merge_button,
                  self.search):
            w.setEnabled(on)

    def _accept(self) -> None:
        p, code = self.current, self.erp_code.text().strip()
        if p is None:
            return
        if not code:
            self.banner.say(_("Give the new customer its ERP code first."))
            self.erp_code.setFocus()
            return
        price_list, agent, note = self.price_list.currentData(), self.agent.currentData(), self.note.text()
        NetworkOp(self, lambda office: office.accept_prospect(p.id, erp_code=code, price_list_id=price_list,
                                                              agent_id=agent, note=note)) \
            .success(lambda d: self._decided(p, d)).failure(self._refused).run(self.runner)

    def _merge(self) -> None:
        p = self.current
        rows = self.candidates.selectionModel().selectedRows()
        if p is None or not rows or rows[0].row() >= len(self.targets):
            self.banner.say(_("Choose the customer to merge the prospect into."))
            return
        target, note = self.targets[rows[0].row()], self.note.text()
        NetworkOp(self, lambda office: office.merge_prospect(p.id, customer_id=target.customer_id
                                                             if isinstance(target, DuplicateCandidate)
                                                             else target.id, note=note)) \
            .success(lambda d: self._decided(p, d)).failure(self._refused).run(self.runner)

    def _refused(self, error: BaseException) -> None:
        self.banner.say(i18n.error_text(error), warning=True)

    def _decided(self, p: Prospect, decision: ProspectDecision) -> None:
        self.banner.say(_("{name} accepted as a new customer.").format(name=p.name) if decision.status == "accepted"
                        else _("{name} merged into the existing customer.").format(name=p.name))
        self.erp_code.clear()
        self.note.clear()
        self.refresh()
