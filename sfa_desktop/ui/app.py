"""The desktop app: QApplication, language, the agent's session, the workers, the crash handler, and
the start: first run, unlock (silently through a secure keyring, else the password), rebuild of
damaged data, the revoked computer; then the main window, auto-sync, auto-lock and the dialogs.

`run_gui()` is what `sfa-desktop` (no arguments) and `sfa-desktop demo` call; `Shell` is what the
tests and the screenshots drive.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QStyle, QSystemTrayIcon

from sfa_desktop import i18n
from sfa_desktop.i18n import _, tr
from sfa_desktop.session import AgentSession, SessionState
from sfa_desktop.ui.background import NetworkOp, ReplicaOp, Runner
from sfa_desktop.ui.bridge import EventBridge
from sfa_desktop.ui.crash import CrashHandler, start_file_log
from sfa_desktop.ui.lock import IdleWatch
from sfa_desktop.ui.preferences import Preferences, default_data_dir
from sfa_desktop.ui.search_upkeep import SearchUpkeep
from sfa_desktop.ui.settings_dialog import SettingsDialog, about_box
from sfa_desktop.ui.sign_in import FIRST_RUN, REBUILD, FirstRunDialog, PasswordDialog, device_revoked_text
from sfa_desktop.ui.sync_controller import SyncController

log = logging.getLogger(__name__)
REVOKED_MARKER = "revoked.json"


@dataclass
class DemoStart:
    """The demo's part: `prepare()` (run on the network worker) starts the embedded server and returns
    its address; the shell then signs in as the demo agent and shows `note` in the window."""

    prepare: Callable[[], str]
    username: str
    password: str
    note: str = ""


def application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("sfa-desktop")
    app.setApplicationDisplayName("SFA Desktop")
    app.setOrganizationName("sfa-desktop")
    return app  # type: ignore[return-value]


def apply_language(app: QApplication, lang: str) -> None:
    """The core's catalogs, Qt's own words (standard buttons) and QLocale for the widgets' numbers."""
    i18n.set_language(lang)
    QLocale.setDefault(QLocale(QLocale.Language.Italian if lang == "it" else QLocale.Language.English,
                               QLocale.Country.Italy if lang == "it" else QLocale.Country.UnitedKingdom))
    translator = QTranslator(app)
    if lang == "it" and translator.load("qtbase_it", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)


def make_session(preferences: Preferences, **kw) -> AgentSession:
    session = AgentSession(preferences.replica_path, server_url=preferences.server_url or None,
                           username=preferences.username or None, **kw)
    # The customer pyramid follows what each sync brought (operations/pyramid.py).
    session.after_sync.append(refresh_pyramid)
    return session


def refresh_pyramid(session, changes):
    from sfa_desktop.operations.pyramid import refresh_if_stale

    return refresh_if_stale(session, changes=changes)


#: What the main window needs, imported on a worker while the agent types the password (a cold start's
#: imports then overlap the key derivation, which runs on the other worker with the GIL released).
PRELOAD = ("sfa_desktop.ui.main_window", "sfa_desktop.ui.pages.sync", "sfa_desktop.operations.pyramid",
           "sfa_desktop.ui.pages.customers")


def preload(_agent=None) -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:  # a section not built yet is fine; a missing dependency is a bug
                raise


def freeze_heap() -> None:
    """Move every object alive now (modules, classes, widgets: what lives as long as the app) out of
    the garbage collector's reach. A full collection scans every tracked object in the process while
    holding the GIL, whichever thread triggers it: with the app's ~half a million objects that was
    85-95 ms per pass, triggered by the sync's page decoding, and the GUI thread stood still meanwhile.
    Frozen objects are still freed by reference counting; only cycles among them would stay."""
    gc.freeze()


class Shell(QObject):
    """One agent's app; `start()` opens whatever the state of this computer asks for."""

    #: The main window is shown and usable (benchmarks and the demo's smoke test listen).
    ready = Signal()
    #: The agent quit or the app cannot go on (revoked, first run abandoned).
    finished = Signal()

    def __init__(self, preferences: Preferences, *, session: AgentSession | None = None,
                 demo: DemoStart | None = None, log_dir: Path | None = None, poll_ms: int | None = None) -> None:
        super().__init__()
        self.preferences = preferences
        self.session = session or make_session(preferences)
        self.runner = Runner(self.session)
        self.bridge = EventBridge(self.session.events)
        self.demo = demo
        self.log_dir = Path(log_dir) if log_dir else preferences.log_folder
        self.crash = CrashHandler(self.log_dir).install(self.runner)
        self.runner.error_unhandled.connect(self._known_error)
        self.sync = SyncController(self.session, self.runner, self, **({"poll_ms": poll_ms} if poll_ms else {}))
        self.search_upkeep = SearchUpkeep(self.runner, self)
        self.bridge.streams_changed.connect(self.search_upkeep.on_changes)
        self.idle = IdleWatch(preferences.autolock_minutes, self)
        self.idle.idle.connect(self.lock)
        self.window = None  # the MainWindow, once the data is open
        self.office_window = None  # an office or admin user's window (sfa_desktop.ui.office)
        self.dialog = None  # the dialog of the moment (first run, password, revoked...), for tests
        self.company: dict = {}
        self.bridge.sign_in_required.connect(self.on_sign_in_required)
        self.bridge.device_revoked.connect(self.on_device_revoked)
        self.bridge.sync_finished.connect(lambda _r: self._remember_company())
        self.bridge.locked.connect(lambda: self.window and not self.window.locked and self.window.cover())

    # ------------------------------------------------------------------ start

    @property
    def revoked_marker(self) -> Path:
        return self.preferences.data_dir / REVOKED_MARKER

    def start(self) -> None:
        freeze_heap()  # the imports are done: what they made lives until the app quits
        if self.demo is not None and self.session.state is SessionState.NEW:
            self._start_demo()
            return
        state = self.session.state
        if self.revoked_marker.exists() and state is SessionState.NEW:
            self.show_revoked(then=self.first_run)
        elif state is SessionState.NEW:
            self.first_run()
        elif state is SessionState.DAMAGED:
            self.explain_damaged()
        else:
            self.unlock_at_start()

    def first_run(self, *, server_url: str = "", username: str = "", password: str = "", note: str = "") -> None:
        dialog = FirstRunDialog(self.session, self.runner, self.bridge, mode=FIRST_RUN, note=note,
                                server_url=server_url or self.preferences.server_url, username=username)
        self.dialog = dialog
        dialog.signed_in.connect(lambda _answer: self._signed_in(dialog))
        dialog.office_signed_in.connect(lambda client: self.open_office(dialog, client))
        dialog.accepted.connect(self.open_main)
        dialog.rejected.connect(self.quit)
        dialog.show()
        if password:
            dialog.password.setText(password)
            dialog.submit()

    def _signed_in(self, dialog: FirstRunDialog) -> None:
        self.preferences.server_url = self.session.server_url or dialog.server.text().strip()
        self.preferences.username = self.session.username or dialog.username.text().strip()
        self.preferences.save()
        self.revoked_marker.unlink(missing_ok=True)

    def open_office(self, dialog: FirstRunDialog, client) -> None:
        """An office or admin user signed in: the office window instead of the agent's (no replica here)."""
        from sfa_desktop.ui.office import open_office_window

        self.preferences.server_url = dialog.server.text().strip()
        self.preferences.username = dialog.username.text().strip()
        self.preferences.save()
        self.office_window = open_office_window(client)
        self.office_window.closed.connect(self.finished.emit)
        self.ready.emit()

    def _start_demo(self) -> None:
        demo = self.demo
        assert demo is not None
        box = QMessageBox(QMessageBox.Icon.Information, _("SFA Desktop demo"),
                          _("Starting the demo server with an invented wholesaler…"),
                          QMessageBox.StandardButton.NoButton)
        box.setObjectName("demoStarting")
        box.show()
        self.dialog = box

        def started(url: str) -> None:
            box.hide()
            box.deleteLater()
            note = demo.note.format(url=url) if demo.note else ""
            self.first_run(server_url=url, username=demo.username, password=demo.password, note=note)

        NetworkOp(box, lambda _agent: demo.prepare()).success(started).run(self.runner)

    def unlock_at_start(self) -> None:
        """Silently when a secure keyring holds the key; else the password dialog."""
        NetworkOp(None, preload).run(self.runner)
        def attempt(agent):
            if agent.needs_password():
                return False
            agent.unlock(None)
            return True

        ReplicaOp(self, attempt).success(lambda opened: self.open_main() if opened else self.ask_password()) \
            .failure(lambda _error: self.ask_password()).run(self.runner)

    def ask_password(self) -> None:
        dialog = PasswordDialog(self.runner, title=_("Open your data"), action=_("Open"), give_up=_("Quit"),
                                lane=ReplicaOp,
                                text=_("Your data on this computer is locked. Enter your password to open it; "
                                       "no connection is needed."),
                                work=lambda agent, password: agent.unlock(password), object_name="unlockDialog")
        self.dialog = dialog
        dialog.accepted.connect(self.open_main)
        dialog.rejected.connect(self.quit)
        dialog.show()

    def explain_damaged(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, _("The local data is damaged"),
                          _("The data on this computer failed its check and is not used any more. It can be "
                            "rebuilt from the server: the old file is kept aside, and what you had not sent yet is "
                            "carried over when it can still be read. A connection is needed."),
                          QMessageBox.StandardButton.NoButton)
        box.setObjectName("damagedBox")
        rebuild = box.addButton(_("Rebuild from the server"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Quit"), QMessageBox.ButtonRole.RejectRole)
        self.dialog = box
        box.buttonClicked.connect(lambda button: self.rebuild() if button is rebuild else self.quit())
        box.show()

    def rebuild(self) -> None:
        dialog = FirstRunDialog(self.session, self.runner, self.bridge, mode=REBUILD,
                                server_url=self.session.server_url or "", username=self.session.username or "")
        self.dialog = dialog
        dialog.accepted.connect(self.open_main)
        dialog.rejected.connect(self.quit)
        dialog.show()

    # ------------------------------------------------------------------ the main window

    def open_main(self) -> None:
        from sfa_desktop.ui.main_window import MainWindow

        if self.window is None:
            window = MainWindow(self.session, self.runner, self.bridge)
            window.ctx.extras["sync"] = self.sync
            window.ctx.extras["preferences"] = self.preferences
            window.lock_requested.connect(self.lock)
            window.sync_requested.connect(self.sync_now)
            window.settings_requested.connect(self.open_settings)
            window.about_requested.connect(self.open_about)
            window.quit_requested.connect(self.quit)
            self.sync.online_changed.connect(window.status.set_online)
            self.sync.running_changed.connect(window.status.set_syncing)
            self.crash.window = window
            if QSystemTrayIcon.isSystemTrayAvailable():
                tray = QSystemTrayIcon(window.style().standardIcon(QStyle.StandardPixmap.SP_ComputerIcon), window)
                tray.setToolTip("SFA Desktop")
                tray.show()
                window.tray = tray
            self.window = window
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self.idle)
        if self.demo is not None and self.demo.note and self.dialog is not None:
            note = getattr(self.dialog, "note", None)
            if note is not None and note.text():
                self.window.show_notice(note.text(), "info")
        self.dialog = None
        self.window.show()
        freeze_heap()  # the main window and its first page are built
        self.window.refresh_status()
        self.idle.set_minutes(self.preferences.autolock_minutes)
        self.sync.start(self.preferences.sync_minutes)
        self._remember_company()
        self.ready.emit()

    def sync_now(self) -> None:
        if self.window is not None and self.window.locked:
            return
        if not self.sync.sync_now() and self.window is not None:
            self.window.show_message(_("A sync is already running."))

    def _known_error(self, _parent, error: BaseException) -> None:
        """A known error no screen took: said in the status bar (never a crash dialog)."""
        if self.window is not None:
            self.window.show_message(i18n.error_text(error), 8000)

    def _remember_company(self) -> None:
        if self.window is not None and self.session.replica is not None:
            self.window.read_company(self._company_read)

    def _company_read(self, company: dict) -> None:
        self.company = company
        store = self.preferences
        # kept outside the replica so that a revoked computer can still say whom to call
        (store.data_dir / "office.json").write_text(json.dumps(company), encoding="utf-8")

    # ------------------------------------------------------------------ lock

    def lock(self) -> None:
        window = self.window
        if window is None or window.locked or self.session.replica is None:
            return
        window.cover()
        self.sync.cancel()  # a sync holds the replica: it stops at its next page
        window.pending_saves()
        ReplicaOp(self, lambda agent: agent.lock(timeout=60)) \
            .failure(lambda error: log.warning("lock: %s", error)).run(self.runner)

    # ------------------------------------------------------------------ session expired, revoked

    def on_sign_in_required(self, _error) -> None:
        if self.window is None or self.session.replica is None or isinstance(self.dialog, PasswordDialog):
            return
        dialog = PasswordDialog(self.runner, title=_("Sign in again"),
                                text=tr("The server asks you to sign in again as {user}. What you were doing stays "
                                        "as it is; your changes are kept and sent after the sign-in.",
                                        user=self.session.username or ""),
                                work=lambda agent, password: agent.sign_in_again(password),
                                object_name="signInAgainDialog", parent=self.window)
        self.dialog = dialog
        dialog.accepted.connect(self._signed_in_again)
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        dialog.show()

    def _signed_in_again(self) -> None:
        self.dialog = None
        self.sync.sync_now()

    def on_device_revoked(self, _error) -> None:
        try:
            self.revoked_marker.write_text(json.dumps({"at": dt.datetime.now(dt.UTC).isoformat()}))
        except OSError as error:
            log.warning("revoked marker not written: %s", error)
        self.sync.stop()
        if self.window is not None:
            self.window.hide()
        self.show_revoked(then=self.quit)

    def office_contact(self) -> str:
        company = self.company
        if not company:
            try:
                company = json.loads((self.preferences.data_dir / "office.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                company = {}
        parts = [p for p in (company.get("name"), company.get("phone"), company.get("email")) if p]
        return tr("the sales office of {who}", who=", ".join(parts)) if parts else ""

    def show_revoked(self, then: Callable[[], None]) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, _("This computer was disconnected"),
                          device_revoked_text(self.office_contact()), QMessageBox.StandardButton.Ok)
        box.setObjectName("revokedBox")
        self.dialog = box
        box.finished.connect(lambda _code: then())
        box.show()

    # ------------------------------------------------------------------ settings, about, quit

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.preferences, self.window)
        self.dialog = dialog
        dialog.accepted.connect(self._settings_saved)
        dialog.open()

    def _settings_saved(self) -> None:
        self.idle.set_minutes(self.preferences.autolock_minutes)
        self.sync.set_interval(self.preferences.sync_minutes)
        if self.window is not None:
            self.window.show_message(_("Settings saved. A new language applies at the next start."))

    def open_about(self) -> None:
        box = about_box(self.preferences, self.session.replica_path, self.window)
        self.dialog = box
        box.open()

    def quit(self) -> None:
        window = self.window
        if window is not None:
            busy = [key for key, page in window.pages.items()
                    if callable(getattr(page, "can_close", None)) and not page.can_close()]
            if busy and QMessageBox.question(window, _("Quit"), _("Some of your input is not saved yet. Quit "
                                                                  "anyway?")) != QMessageBox.StandardButton.Yes:
                return
        self.finished.emit()

    def close(self) -> None:
        """Stop the workers and close the replica (cleanly: no check is needed at the next start)."""
        self.sync.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        self.crash.uninstall()
        self.runner.close()
        self.bridge.close()
        self.session.close()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.office_window is not None:
            self.office_window.close()
            self.office_window.deleteLater()
            self.office_window = None


def run_gui(data_dir: Path | None = None, *, demo: DemoStart | None = None, log_dir: Path | None = None,
            exit_when_ready: bool = False, argv: list[str] | None = None) -> int:
    """Open the app; returns the exit code when the agent quits."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    app = application(argv)
    preferences = Preferences.load(data_dir)
    apply_language(app, preferences.effective_language)
    start_file_log(Path(log_dir) if log_dir else preferences.log_folder)
    shell = Shell(preferences, demo=demo, log_dir=log_dir)
    shell.finished.connect(app.quit)
    if exit_when_ready:
        shell.ready.connect(lambda: QTimer.singleShot(300, app.quit))
    QTimer.singleShot(0, shell.start)
    try:
        return app.exec()
    finally:
        shell.close()
