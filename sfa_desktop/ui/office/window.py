"""The office window: the approval queue with the order being decided, the prospects review and,
for administrators, agents and devices. Online against the server through the office client, every
call on the network worker; the queue refreshes on its own every 30 s and on F5."""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from sfa_desktop import i18n
from sfa_desktop.domain.lifecycle import status_label
from sfa_desktop.i18n import _
from sfa_desktop.office.client import OfficeClient
from sfa_desktop.ui.background import NetworkOp, Runner
from sfa_desktop.ui.office.admin import AdminPage
from sfa_desktop.ui.office.approvals import ApprovalsPage
from sfa_desktop.ui.office.prospects import ProspectsPage

log = logging.getLogger(__name__)
#: How often the queue is read again on its own (the office sees the agents' new orders).
REFRESH_MS = 30_000


class OfficeWindow(QMainWindow):
    #: The window was closed (the shell quits the app).
    closed = Signal()

    def __init__(self, runner: Runner, *, owns_runner: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("office.window")
        self.setWindowTitle(_("sfa-desktop · Sales office"))
        self.runner, self._owns_runner = runner, owns_runner
        self.client: OfficeClient | None = None
        self._bug_shown = False
        self._closed = False
        self.tabs = QTabWidget()
        self.tabs.setObjectName("office.sections")
        self.waiting = QLabel(_("Signing in…"))
        self.waiting.setObjectName("office.signing_in")
        self.waiting.setWordWrap(True)
        self.setCentralWidget(self.waiting)
        self.approvals = ApprovalsPage(runner)
        self.prospects = ProspectsPage(runner)
        self.admin: AdminPage | None = None
        self.who = QLabel()
        self.who.setObjectName("office.who")
        self.statusBar().addPermanentWidget(self.who)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.refresh)
        QShortcut(QKeySequence("Ctrl+Q"), self).activated.connect(self.close)
        runner.bug_found.connect(self._bug)
        runner.error_unhandled.connect(lambda _parent, error: self.statusBar().showMessage(i18n.error_text(error)))
        self.approvals.order_decided.connect(lambda d: self.statusBar().showMessage(
            _("Order {number}: {status}").format(number=d.number,
                                                 status=i18n.render(status_label("order_status", d.status))), 6000))
        self.resize(1280, 800)

    # ------------------------------------------------------------------ signing in

    def sign_in(self, server_url: str, username: str, password: str, ca_bundle: str | None = None) -> None:
        """Sign in on the network worker; the sections appear when the server answers."""
        NetworkOp(self, lambda _none: OfficeClient.sign_in(server_url, username, password, ca_bundle=ca_bundle)) \
            .success(self.signed_in).failure(lambda e: self.waiting.setText(i18n.error_text(e))).run(self.runner)

    def signed_in(self, client: OfficeClient) -> None:
        self.client = client
        self.runner.session = client  # every NetworkOp of the screens receives the office client
        self.tabs.addTab(self.approvals, _("&1 Approvals"))
        self.tabs.addTab(self.prospects, _("&2 Prospects"))
        if client.user.is_admin:
            self.admin = AdminPage(self.runner)
            self.tabs.addTab(self.admin, _("&3 Agents and devices"))
        for n in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Ctrl+{n + 1}"), self).activated.connect(
                lambda n=n: self.tabs.setCurrentIndex(n))
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.setCentralWidget(self.tabs)
        self.waiting = None
        role = _("administrator") if client.user.is_admin else _("sales office")
        self.who.setText(_("{user} ({role}) · {server}").format(user=client.user.username, role=role,
                                                               server=client.transport.base_url))
        NetworkOp(self, lambda office: (office.agents(), office.price_lists())).success(self._lookups) \
            .failure(lambda e: self.statusBar().showMessage(i18n.error_text(e))).run(self.runner)
        self.approvals.refresh()
        self.timer.start()

    def _lookups(self, answer: tuple[list, list]) -> None:
        agents, price_lists = answer
        self.approvals.set_agents(agents)
        self.prospects.set_lookups(agents, price_lists)
        if self.admin is not None:
            self.admin.set_agents(agents)

    # ------------------------------------------------------------------ refreshing

    def refresh(self) -> None:
        """F5: read the shown section again."""
        if self.client is None:
            return
        page = self.tabs.currentWidget()
        if page is not None and hasattr(page, "refresh"):
            page.refresh()
            self.statusBar().showMessage(_("Refreshing…"), 2000)

    def _tick(self) -> None:
        if self.tabs.currentWidget() is self.approvals:
            self.approvals.refresh()

    # ------------------------------------------------------------------ closing, bugs

    def _bug(self, error: BaseException) -> None:
        log.error("bug in the office window", exc_info=error)
        if not self._bug_shown:
            self._bug_shown = True
            QMessageBox.critical(self, _("Unexpected error"), _(
                "Something went wrong in the application: {error}. The log file has the details.").format(
                error=type(error).__name__))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:  # closed twice (a test, then its teardown): the workers are gone already
            super().closeEvent(event)
            return
        self._closed = True
        self.timer.stop()
        client, self.client = self.client, None
        if client is not None:
            self.runner.submit(NetworkOp(None, lambda _office: client.close()))
        if self._owns_runner:
            try:  # the sign-out is one request without retries: let it finish before the workers stop
                self.runner.wait_idle(timeout=5)
            except TimeoutError:
                log.info("the sign-out did not finish in time; the session ends with its tokens")
            self.runner.close()
        super().closeEvent(event)
        self.closed.emit()
