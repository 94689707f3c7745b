"""The approval queue and the order being decided: filter by agent and reason, sort, scroll through
thousands; approve (Ctrl+Enter), approve with a note, reject with a note; "already decided" in place."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.domain.approval import RULES
from sfa_desktop.i18n import _, ngettext
from sfa_desktop.office.client import AlreadyDecidedError
from sfa_desktop.office.rows import Decision, OrderDetail
from sfa_desktop.ui.background import NetworkOp, Runner
from sfa_desktop.ui.office.decisions import NoteDialog
from sfa_desktop.ui.office.labels import rule_label
from sfa_desktop.ui.office.order_view import OrderView
from sfa_desktop.ui.office.queue_model import ApprovalQueueModel


class Banner(QFrame):
    """A message in place (a decision made, someone faster, the server away), in the palette's colours."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(self.palette().ColorRole.AlternateBase)
        self.setAutoFillBackground(True)
        self.icon = QLabel()
        self.label = QLabel()
        self.label.setObjectName(name + ".text")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box = QHBoxLayout(self)
        box.addWidget(self.icon)
        box.addWidget(self.label, 1)
        self.hide()

    def say(self, text: str, *, warning: bool = False) -> None:
        """Show `text`; a warning (someone was faster, the server away) carries the style's warning icon."""
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning if warning
                                         else QStyle.StandardPixmap.SP_MessageBoxInformation)
        self.icon.setPixmap(icon.pixmap(22, 22))
        self.label.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


class ApprovalsPage(QWidget):
    #: (Decision): an order was approved or rejected from this screen.
    order_decided = Signal(object)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("office.approvals")
        self.runner = runner
        self.detail: OrderDetail | None = None
        self.model = ApprovalQueueModel(runner, self)
        self.agent = QComboBox()
        self.agent.setObjectName("office.filter.agent")
        self.agent.setAccessibleName(_("Filter by agent"))
        self.agent.addItem(_("All agents"), None)
        self.reason = QComboBox()
        self.reason.setObjectName("office.filter.reason")
        self.reason.setAccessibleName(_("Filter by reason"))
        self.reason.addItem(_("All reasons"), None)
        for rule in RULES:
            self.reason.addItem(rule_label(rule), rule)
        self.count = QLabel()
        self.count.setObjectName("office.queue.count")
        refresh = QPushButton(_("Refresh (F5)"))
        refresh.setObjectName("office.refresh")
        refresh.clicked.connect(self.refresh)
        filters = QHBoxLayout()
        for label, combo in ((_("&Agent:"), self.agent), (_("Rea&son:"), self.reason)):
            shown = QLabel(label)
            shown.setBuddy(combo)
            filters.addWidget(shown)
            filters.addWidget(combo, 1)
        filters.addWidget(self.count, 1)
        filters.addWidget(refresh)

        self.table = QTableView()
        self.table.setObjectName("office.queue")
        self.table.setAccessibleName(_("Orders waiting for approval"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSortIndicator(3, Qt.SortOrder.AscendingOrder)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((150, 220, 150, 130, 100, 260, 90)):
            self.table.setColumnWidth(col, width)
        self.table.setSortingEnabled(True)
        self.empty = QLabel()
        self.empty.setObjectName("office.queue.empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)

        self.banner = Banner("office.banner")
        self.order_view = OrderView()
        self.placeholder = QLabel(_("Choose an order in the queue to see its lines, the customer's credit and "
                                    "the stock, then approve or reject it."))
        self.placeholder.setObjectName("office.detail.placeholder")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_stack = QStackedWidget()
        self.detail_stack.addWidget(self.placeholder)
        self.detail_stack.addWidget(self.order_view)
        self.approve_button = QPushButton(_("&Approve (Ctrl+Enter)"))
        self.approve_button.setObjectName("office.approve")
        self.approve_note_button = QPushButton(_("Approve with &note…"))
        self.approve_note_button.setObjectName("office.approve_note")
        self.reject_button = QPushButton(_("&Reject…"))
        self.reject_button.setObjectName("office.reject")
        for button in (self.approve_button, self.approve_note_button, self.reject_button):
            button.setAccessibleName(button.text().replace("&", ""))
        self.approve_button.clicked.connect(lambda: self.decide(approve=True, with_note=False))
        self.approve_note_button.clicked.connect(lambda: self.decide(approve=True, with_note=True))
        self.reject_button.clicked.connect(lambda: self.decide(approve=False, with_note=True))
        actions = QHBoxLayout()
        actions.addStretch(1)
        for button in (self.reject_button, self.approve_note_button, self.approve_button):
            actions.addWidget(button)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.addWidget(self.detail_stack, 1)
        right_box.addLayout(actions)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addLayout(filters)
        left_box.addWidget(self.list_stack, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([320, 460])  # about ten orders over the one being decided, at 1280x800
        box = QVBoxLayout(self)
        box.addWidget(self.banner)  # above both panes: a message never squeezes the queue alone
        box.addWidget(splitter, 1)
        self.setTabOrder(self.agent, self.reason)
        self.setTabOrder(self.reason, self.table)
        self.setTabOrder(self.table, self.approve_button)
        self.setTabOrder(self.approve_button, self.approve_note_button)
        self.setTabOrder(self.approve_note_button, self.reject_button)
        for keys in (Qt.Modifier.CTRL | Qt.Key.Key_Return, Qt.Modifier.CTRL | Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda: self.decide(approve=True, with_note=False))
        self.agent.currentIndexChanged.connect(self._filter_changed)
        self.reason.currentIndexChanged.connect(self._filter_changed)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self._failed)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._open_row(current.row()))
        self._set_actions_enabled(False)

    # ------------------------------------------------------------------ queue

    def set_agents(self, agents: list) -> None:
        for a in agents:
            self.agent.addItem(a.full_name or a.username, a.id)

    def refresh(self) -> None:
        self.model.refresh()

    def _filter_changed(self) -> None:
        self.model.set_filter(agent_id=self.agent.currentData(), reason=self.reason.currentData())

    def _loaded(self, total: int) -> None:
        self.count.setText(ngettext("{count} order waiting", "{count} orders waiting", total).format(count=total))
        filtered = self.agent.currentData() or self.reason.currentData()
        self.empty.setText(_("No order matches these filters: choose All agents and All reasons.") if filtered
                           else _("No order is waiting for approval. New ones appear here on their own."))
        self.list_stack.setCurrentWidget(self.table if total else self.empty)
        if self.detail is not None:
            row = self.model.row_of(self.detail.order.id)
            if row is not None:
                self.table.selectRow(row)

    def _failed(self, error: BaseException) -> None:
        self.banner.say(i18n.error_text(error), warning=True)

    # ------------------------------------------------------------------ one order

    def show_order(self, order_id: str) -> None:
        NetworkOp(self, lambda office: office.order(order_id)).success(self._show_detail) \
            .failure(self._failed).run(self.runner)

    def _open_row(self, row: int) -> None:
        order = self.model.order_at(row)
        if order is not None and (self.detail is None or self.detail.order.id != order.id):
            self.show_order(order.id)

    def _show_detail(self, detail: OrderDetail) -> None:
        self.detail = detail
        self.order_view.show_detail(detail)
        self.detail_stack.setCurrentWidget(self.order_view)
        self._set_actions_enabled(detail.order.status == "pending_approval")

    def _set_actions_enabled(self, on: bool) -> None:
        for button in (self.approve_button, self.approve_note_button, self.reject_button):
            button.setEnabled(on)

    def decide(self, *, approve: bool, with_note: bool) -> None:
        detail = self.detail
        if detail is None or not self.approve_button.isEnabled():
            return
        note = None
        if with_note:
            dialog = NoteDialog(self, number=detail.order.number, reject=not approve)
            if dialog.exec() != NoteDialog.DialogCode.Accepted:
                return
            note = dialog.text
        order_id = detail.order.id
        self._set_actions_enabled(False)
        call = (lambda office: office.approve(order_id, note)) if approve else \
            (lambda office: office.reject(order_id, note or ""))
        NetworkOp(self, call).success(self._decided).failure(lambda error: self._not_decided(order_id, error)) \
            .run(self.runner)

    def _decided(self, decision: Decision) -> None:
        word = _("approved") if decision.status == "approved" else _("rejected")
        self.banner.say(_("Order {number} {decision}: the agent sees it at the next sync.").format(
            number=decision.number, decision=word))
        self.order_decided.emit(decision)
        self.show_order(decision.id)
        self.model.refresh()

    def _not_decided(self, order_id: str, error: BaseException) -> None:
        self.banner.say(i18n.error_text(error), warning=True)
        if isinstance(error, AlreadyDecidedError):
            self.show_order(order_id)  # shows who decided, and the buttons stay off
            self.model.refresh()
        else:
            self._set_actions_enabled(True)
