"""First run (server address, user name, password; sign-in, device registration, the first sync with
its progress) and the rebuild of a damaged replica, which is the same road with the address known.

Sign-in and sync run on the network worker; the dialog only shows what comes back. Every refusal is
said in place, in the agent's words (error_text of the core's SyncError), and the form stays filled
in except for the password.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop.i18n import _, error_text, tr
from sfa_desktop.sync.errors import SyncCancelledError
from sfa_desktop.sync.events import CancelToken
from sfa_desktop.ui.background import NetworkOp, Runner
from sfa_desktop.ui.bridge import EventBridge
from sfa_desktop.ui.widgets.banner import MessageBanner
from sfa_desktop.ui.widgets.sync_progress import SyncProgress

FIRST_RUN, REBUILD = "first_run", "rebuild"


def sign_in_by_role(session, *, server_url: str, username: str, password: str):
    """First sign-in: office and admin users get an OfficeClient (they work online, no replica is made
    on this computer); an agent gets the replica, registered under the same device id."""
    device_id = session.device_id_for_first_sign_in()
    probe = session.new_transport(server_url)
    try:
        answer = probe.login(username=username, password=password, device_id=device_id,
                             device_name=session.device_name)
    except BaseException:
        probe.close()
        raise
    if isinstance(answer, dict) and answer.get("role") in ("office", "admin"):
        # imported here: the office client is not needed by an agent's start (a cold start's imports)
        from sfa_desktop.office.client import OfficeClient
        from sfa_desktop.office.rows import SignedIn

        client = OfficeClient(probe, SignedIn(answer["user_id"], answer["username"], answer["role"],
                                              answer["device_id"]))
        probe.reauthenticate = lambda: probe.login(username=username, password=password, device_id=device_id,
                                                   device_name=session.device_name)
        return client
    probe.logout()  # the agent's tokens live in its encrypted replica, made now
    probe.close()
    return session.sign_in_first_time(server_url=server_url, username=username, password=password,
                                      device_id=device_id)


def check_server_address(text: str) -> str | None:
    """Why the typed server address cannot be used, or None when it can."""
    address = text.strip()
    if not address:
        return _("Enter the server address the office gave you.")
    if not address.lower().startswith(("https://", "http://")) or len(address.split("://", 1)[1]) < 1:
        return _("The server address must start with https:// (for example https://sfa.example.com).")
    return None


class FirstRunDialog(QDialog):
    """`accepted` once signed in and the first sync has finished (or the agent chose to go on)."""

    #: (answer of the server): signed in and registered; the first sync starts.
    signed_in = Signal(object)
    #: (OfficeClient): an office or admin user signed in: the office window opens instead (no replica).
    office_signed_in = Signal(object)

    def __init__(self, session, runner: Runner, bridge: EventBridge, *, server_url: str = "", username: str = "",
                 mode: str = FIRST_RUN, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.runner, self.bridge, self.mode = session, runner, bridge, mode
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(_("Sign in to SFA Desktop") if mode == FIRST_RUN else _("Rebuild the local data"))
        self.setMinimumWidth(520)
        self.token: CancelToken | None = None
        self.last_error: BaseException | None = None

        self.pages = QStackedWidget(self)
        form_page = QWidget(self)
        intro = QLabel(_("Welcome. Enter the server address, your user name and your password: the office "
                         "gave them to you. This computer then receives your customers, the catalog and your "
                         "documents, and works without a connection.") if mode == FIRST_RUN else
                       _("The local data on this computer is damaged. Enter your password to build it again "
                         "from the server; what you had not sent yet is carried over when it can be read."),
                       form_page)
        intro.setWordWrap(True)
        self.note = QLabel(note, form_page)
        self.note.setObjectName("demoNote")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        self.banner = MessageBanner(form_page)
        self.server = QLineEdit(server_url, form_page)
        self.server.setObjectName("serverField")
        self.server.setPlaceholderText("https://sfa.example.com")
        self.server.setAccessibleName(_("Server address"))
        self.username = QLineEdit(username, form_page)
        self.username.setObjectName("userField")
        self.username.setAccessibleName(_("User name"))
        self.password = QLineEdit(form_page)
        self.password.setObjectName("passwordField")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Password"))
        if mode == REBUILD:
            self.server.setReadOnly(True)
            self.username.setReadOnly(True)
        form = QFormLayout()
        form.addRow(_("&Server address"), self.server)
        form.addRow(_("&User name"), self.username)
        form.addRow(_("&Password"), self.password)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            if isinstance(label, QLabel):
                label.setBuddy(form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget())
        self.buttons = QDialogButtonBox(form_page)
        self.sign_in = self.buttons.addButton(_("Sign in") if mode == FIRST_RUN else _("Rebuild"),
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in.setObjectName("signInButton")
        self.sign_in.setDefault(True)
        quit_button = self.buttons.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_in.clicked.connect(self.submit)
        quit_button.clicked.connect(self.reject)
        box = QVBoxLayout(form_page)
        for widget in (intro, self.note, self.banner):
            box.addWidget(widget)
        box.addLayout(form)
        box.addStretch(1)
        box.addWidget(self.buttons)
        self.pages.addWidget(form_page)

        progress_page = QWidget(self)
        self.progress_title = QLabel(_("First sync: this computer receives your data."), progress_page)
        self.progress = SyncProgress(progress_page)
        self.progress.cancelled.connect(self.cancel)
        self.sync_banner = MessageBanner(progress_page, closable=False)
        self.after = QDialogButtonBox(progress_page)
        self.retry = self.after.addButton(_("Try again"), QDialogButtonBox.ButtonRole.ActionRole)
        self.retry.setObjectName("retryButton")
        self.go_on = self.after.addButton(_("Continue with what arrived"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.go_on.setObjectName("continueButton")
        self.retry.clicked.connect(self.start_first_sync)
        self.go_on.clicked.connect(self.accept)
        self.after.hide()
        pbox = QVBoxLayout(progress_page)
        pbox.addWidget(self.progress_title)
        pbox.addWidget(self.progress)
        pbox.addWidget(self.sync_banner)
        pbox.addStretch(1)
        pbox.addWidget(self.after)
        self.pages.addWidget(progress_page)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.setTabOrder(self.server, self.username)
        self.setTabOrder(self.username, self.password)
        self.setTabOrder(self.password, self.sign_in)
        bridge.sync_progressed.connect(self._progressed)
        first = self.password if (mode == REBUILD or (server_url and username)) else (
            self.username if server_url else self.server)
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ sign-in

    def submit(self) -> None:
        problem = None if self.mode == REBUILD else check_server_address(self.server.text())
        if problem is None and not self.username.text().strip():
            problem = _("Enter your user name.")
        if problem is None and not self.password.text():
            problem = _("Enter your password.")
        if problem:
            self.banner.show_message(problem, "error")
            self.adjustSize()
            return
        self.banner.hide()
        self._set_busy(True)
        server, username, password = self.server.text().strip(), self.username.text().strip(), self.password.text()
        if self.mode == REBUILD:
            work = lambda agent: agent.rebuild(password)  # noqa: E731
        else:
            work = lambda agent: sign_in_by_role(  # noqa: E731
                agent, server_url=server, username=username, password=password)
        NetworkOp(self, work).success(self._signed_in).failure(self._refused) \
            .finally_(lambda: self._set_busy(False)).run(self.runner)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.server, self.username, self.password, self.sign_in):
            widget.setEnabled(not busy)
        self.sign_in.setText(_("Signing in…") if busy else (_("Sign in") if self.mode == FIRST_RUN
                                                              else _("Rebuild")))

    def _refused(self, error: BaseException) -> None:
        self.last_error = error
        self.banner.show_message(error_text(error), "error")
        self.adjustSize()
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _signed_in(self, answer) -> None:
        self.password.clear()
        if not isinstance(answer, dict):  # an OfficeClient (sign_in_by_role): not an agent's answer
            self.hide()  # neither accepted nor rejected: the office window takes over
            self.office_signed_in.emit(answer)
            return
        self.signed_in.emit(answer)
        self.start_first_sync()

    # ------------------------------------------------------------------ the first sync

    def start_first_sync(self) -> None:
        self.pages.setCurrentIndex(1)
        self.after.hide()
        self.sync_banner.hide()
        self.progress.start()
        token = self.token = CancelToken()
        NetworkOp(self, lambda agent: agent.sync(token)).success(self._synced).failure(self._sync_failed) \
            .run(self.runner)

    def cancel(self) -> None:
        if self.token is not None:
            self.token.cancel()

    def _progressed(self, status) -> None:
        if self.pages.currentIndex() == 1 and self.token is not None:
            self.progress.show_status(status)

    def _synced(self, report) -> None:
        self.token = None
        self.progress.finish()
        self.accept()

    def _sync_failed(self, error: BaseException) -> None:
        self.token = None
        self.last_error = error
        self.progress.finish()
        text = _("The first sync was stopped. What arrived is kept; the rest comes at the next sync.") \
            if isinstance(error, SyncCancelledError) else error_text(error)
        self.sync_banner.show_message(text, "warning")
        self.after.show()
        self.retry.setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        self.cancel()
        super().reject()


class PasswordDialog(QDialog):
    """Asks the password for one piece of work (`work(agent, password)` on the given lane) and stays
    open, with the refusal in place, until it succeeds or the agent gives up."""

    def __init__(self, runner: Runner, *, title: str, text: str, work, lane=NetworkOp, action: str = "",
                 give_up: str = "", object_name: str = "passwordDialog", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.work, self.lane = runner, work, lane
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.result_value = None
        label = QLabel(text, self)
        label.setWordWrap(True)
        self.banner = MessageBanner(self)
        self.password = QLineEdit(self)
        self.password.setObjectName("passwordField")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Password"))
        buttons = QDialogButtonBox(self)
        self.ok: QPushButton = buttons.addButton(action or _("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("passwordOk")
        self.ok.setDefault(True)
        later = buttons.addButton(give_up or _("Not now"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.clicked.connect(self.submit)
        later.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.banner)
        form = QFormLayout()
        form.addRow(_("&Password"), self.password)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        password = self.password.text()
        if not password:
            self.banner.show_message(_("Enter your password."), "error")
            return
        self.ok.setEnabled(False)
        self.password.setEnabled(False)
        self.lane(self, lambda agent: self.work(agent, password)).success(self._done).failure(self._refused) \
            .finally_(self._ready).run(self.runner)

    def _ready(self) -> None:
        self.ok.setEnabled(True)
        self.password.setEnabled(True)

    def _done(self, value) -> None:
        self.result_value = value
        self.password.clear()
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.banner.show_message(error_text(error), "error")
        self.adjustSize()
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)


def device_revoked_text(office: str = "") -> str:
    whom = office or _("the sales office")
    return tr("The office disconnected this computer, so the local data was removed from it for safety. "
              "Nothing you had already synced is lost: it is on the server. To work again, call {whom} and "
              "ask them to register this computer; then sign in again.", whom=whom)
