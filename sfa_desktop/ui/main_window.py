"""The agent's main window: the sections' navigation (Ctrl+1..8), the pages (built when first shown),
the global search (Ctrl+K), Sync now (F5), Lock (Ctrl+L), the status bar and in-window notices.

Each section's page comes from `sfa_desktop.ui.pages.<key>.create(ctx)`; a section whose module
does not exist yet says plainly that it arrives in a later version. The window builds the one
`AppContext` every page receives and implements its `navigate` and `show_message`.
"""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop.i18n import _, render, tr
from sfa_desktop.sync.state import decision_message
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.lock import LockOverlay
from sfa_desktop.ui.pages import SECTIONS, module_name
from sfa_desktop.ui.search import GlobalSearch
from sfa_desktop.ui.status_bar import SyncStatusBar
from sfa_desktop.ui.widgets.banner import MessageBanner
from sfa_desktop.ui.widgets.empty_state import EmptyState

log = logging.getLogger(__name__)


class LaterPage(EmptyState):
    """A section not built yet: said plainly, with what to use meanwhile."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(tr("{section} arrives in a later version", section=title),
                         _("This section is not part of this version of SFA Desktop yet. The other sections "
                           "work as usual; use the search (Ctrl+K) to find customers, products and documents."),
                         parent)
        self.setObjectName("laterPage")


class MainWindow(QMainWindow):
    """`lock_requested`, `sync_requested`, `settings_requested`, `about_requested` go to the shell."""

    lock_requested = Signal()
    sync_requested = Signal()
    settings_requested = Signal()
    about_requested = Signal()
    quit_requested = Signal()

    def __init__(self, session, runner, bridge, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.runner, self.bridge = session, runner, bridge
        self.setObjectName("mainWindow")
        self.setWindowTitle(_("SFA Desktop"))
        self.resize(1280, 800)
        self.ctx = AppContext(session=session, runner=runner, bridge=bridge, navigate=self.navigate,
                              show_message=self.show_message)
        self.pages: dict[str, QWidget] = {}
        self.tray = None

        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = MessageBanner(central)
        outer.addWidget(self.banner)
        self.content = QWidget(central)
        row = QHBoxLayout(self.content)
        row.setContentsMargins(0, 0, 0, 0)
        self.nav = QListWidget(self.content)
        self.nav.setObjectName("sectionList")
        self.nav.setAccessibleName(_("Sections"))
        self.nav.setMaximumWidth(220)
        self.nav.setSpacing(3)
        for section in SECTIONS:
            item = QListWidgetItem(_(section.title))
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            keys = QKeySequence(section.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            item.setToolTip(f"{_(section.title)} ({keys})")
            item.setIcon(self._icon(section.icon))
            self.nav.addItem(item)
        self.stack = QStackedWidget(self.content)
        self.stack.setObjectName("sectionStack")
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        outer.addWidget(self.content, 1)
        self.setCentralWidget(central)
        self.overlay = LockOverlay(runner, central)
        self.overlay.unlocked.connect(self._unlocked)

        self.status = SyncStatusBar(runner, bridge, self)
        self.setStatusBar(self.status)
        self.status.conflicts_clicked.connect(lambda: self.navigate("sync"))
        self.search = GlobalSearch(runner, self)
        self.search.opened.connect(self.navigate)
        self.nav.currentRowChanged.connect(self._row_changed)
        bridge.decisions_arrived.connect(self.on_decisions)
        self._actions()
        self.nav.setCurrentRow(0)
        self.nav.setFocus(Qt.FocusReason.OtherFocusReason)

    def _icon(self, name: str):
        from PySide6.QtGui import QIcon

        return QIcon.fromTheme(name)  # the desktop's own icons; none where the theme has none

    def _actions(self) -> None:
        menu = self.menuBar().addMenu(_("&File"))
        self.sync_action = self._action(menu, _("&Sync now"), "F5", self.sync_requested.emit, "syncNow")
        self.lock_action = self._action(menu, _("&Lock"), "Ctrl+L", self.lock_requested.emit, "lock")
        self._action(menu, _("Se&ttings…"), None, self.settings_requested.emit, "settings")
        menu.addSeparator()
        self._action(menu, _("&Quit"), "Ctrl+Q", self.quit_requested.emit, "quit")
        go = self.menuBar().addMenu(_("&Go"))
        self._action(go, _("&Search…"), "Ctrl+K", self.search.open_search, "search")
        go.addSeparator()
        for section in SECTIONS:
            self._action(go, _(section.title), section.shortcut,
                         lambda key=section.key: self.navigate(key), f"go_{section.key}")
        help_menu = self.menuBar().addMenu(_("&Help"))
        self._action(help_menu, _("&Keyboard shortcuts"), "F1", self.show_shortcuts, "shortcuts")
        self._action(help_menu, _("&About SFA Desktop"), None, self.about_requested.emit, "about")

    def _action(self, menu, text: str, shortcut: str | None, slot, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{name}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    # ------------------------------------------------------------------ sections

    def section_keys(self) -> list[str]:
        return [s.key for s in SECTIONS]

    def current_key(self) -> str:
        return SECTIONS[max(0, self.nav.currentRow())].key

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(SECTIONS):
            self.stack.setCurrentWidget(self.page(SECTIONS[row].key))

    def page(self, key: str) -> QWidget:
        """The section's page, built the first time it is asked for."""
        found = self.pages.get(key)
        if found is not None:
            return found
        section = next(s for s in SECTIONS if s.key == key)
        page = self._build(section)
        page.setObjectName(page.objectName() or f"page_{key}")
        self.pages[key] = page
        self.stack.addWidget(page)
        return page

    def _build(self, section) -> QWidget:
        name = module_name(section.key)
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise  # a module the page needs is missing: a bug, not a later section
            return LaterPage(_(section.title), self.stack)
        try:
            return module.create(self.ctx)
        except Exception as bug:  # one broken page must not take the window down
            log.exception("the %s page could not be built", section.key)
            self.runner.bug_found.emit(bug)
            return EmptyState(tr("{section} could not be opened", section=_(section.title)),
                              _("An error report was written; the other sections work."), self.stack)

    def navigate(self, key: str, target: str | None = None) -> None:
        keys = self.section_keys()
        if key not in keys:
            log.warning("navigate to an unknown section %r", key)
            return
        self.nav.setCurrentRow(keys.index(key))
        page = self.page(key)
        if target and callable(getattr(page, "show_target", None)):
            page.show_target(target)

    def show_message(self, text: str, timeout_ms: int = 4000) -> None:
        self.status.showMessage(text, timeout_ms)

    def show_notice(self, text: str, kind: str = "info") -> None:
        """A notice above the pages (decisions when no tray icon, the demo's note)."""
        self.banner.show_message(text, kind)

    # ------------------------------------------------------------------ lock

    @property
    def locked(self) -> bool:
        return self.overlay.isVisible()

    def cover(self, message: str = "") -> None:
        """Show the lock overlay; the pages stay as they are underneath, out of reach of the keyboard."""
        self.search.hide()
        self.content.setEnabled(False)
        self.menuBar().setEnabled(False)
        self.overlay.show_locked(self.session.username or "", message)

    def pending_saves(self) -> None:
        """Ask the pages to queue what they hold (their `before_lock()`), ahead of the lock on the worker."""
        for page in self.pages.values():
            before = getattr(page, "before_lock", None)
            if callable(before):
                try:
                    before()
                except Exception as bug:
                    log.exception("before_lock of %r failed", page)
                    self.runner.bug_found.emit(bug)

    def _unlocked(self) -> None:
        self.content.setEnabled(True)
        self.menuBar().setEnabled(True)
        self.status.refresh()
        focus = self.stack.currentWidget()
        (focus or self.nav).setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ decisions and help

    def on_decisions(self, decisions) -> None:
        if not decisions:
            return
        texts = [render(decision_message(d)) for d in decisions]
        title = _("The office decided on your orders")
        body = "\n".join(texts)
        if self.tray is not None and self.tray.isVisible() and self.tray.supportsMessages():
            from PySide6.QtWidgets import QSystemTrayIcon

            self.tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 10_000)
        self.show_notice(body, "info")
        self.last_notice = body

    def show_shortcuts(self) -> None:
        rows = [(s.shortcut, _(s.title)) for s in SECTIONS] + [
            ("Ctrl+K", _("Search")), ("F5", _("Sync now")), ("Ctrl+L", _("Lock")), ("Ctrl+Q", _("Quit")),
            ("Ctrl+F", _("Search in the section")), ("Ctrl+N", _("New")), ("Ctrl+S", _("Save")),
            ("Ctrl+P", _("Print")), ("Esc", _("Close or cancel"))]
        text = "\n".join(f"{QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)}\t{v}" for k, v in rows)
        box = QMessageBox(QMessageBox.Icon.Information, _("Keyboard shortcuts"), text, QMessageBox.StandardButton.Close,
                          self)
        box.setObjectName("shortcutsBox")
        box.open()

    def refresh_status(self) -> None:
        self.status.refresh()

    def read_company(self, callback) -> None:
        """The company's name and contacts (for "whom to call"), read on the worker."""
        from sfa_desktop.local_db.models import Setting

        def company(s):
            row = s.get(Setting, "company")
            value = row.value if row is not None and isinstance(row.value, dict) else {}
            return {k: value.get(k) for k in ("name", "phone", "email")}

        ReplicaOp(self, lambda agent: agent.read(company)).success(callback).failure(lambda _e: None).run(self.runner)
