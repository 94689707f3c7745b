"""Bugs: logged with their traceback to a file in the log folder, and shown once in a dialog naming it.

Two doors lead here: `sys.excepthook` (an exception in a slot or a callback of Qt) and
`Runner.bug_found` (an operation that failed in a way no one foresaw). A second bug in the same
session is logged too, but not shown again: one dialog is enough to send the file to support.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from sfa_desktop.i18n import _, tr

log = logging.getLogger(__name__)
LOG_NAME = "sfa-desktop.log"


def start_file_log(folder: Path, *, level: int = logging.INFO) -> Path | None:
    """Everything the app logs goes to <log folder>/sfa-desktop.log as well (never a secret: the
    core logs no passwords or keys)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_NAME
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as error:
        log.warning("no log file in %s: %s", folder, error)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)
    root = logging.getLogger()
    if root.level > level or root.level == logging.NOTSET:
        for existing in root.handlers:  # the terminal keeps showing what it showed before
            if existing.level == logging.NOTSET:
                existing.setLevel(root.level or logging.WARNING)
        root.setLevel(level)
    root.addHandler(handler)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the embedded demo server's migrations
    return path


class CrashHandler(QObject):
    """Install once per app: `CrashHandler(log_folder, parent_window_getter).install(runner)`."""

    #: (path of the report): a report was written; the dialog was shown if it is the first.
    reported = Signal(object)
    _bug = Signal(object, object, object)

    def __init__(self, folder: Path, window: QWidget | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = Path(folder)
        self.window = window
        self.shown = False
        self.dialog: QMessageBox | None = None
        self._previous = sys.excepthook
        self._bug.connect(self._report, Qt.ConnectionType.QueuedConnection)

    def install(self, runner: QObject | None = None) -> CrashHandler:
        sys.excepthook = self._excepthook
        if runner is not None:
            runner.bug_found.connect(self.on_bug)  # type: ignore[attr-defined]
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous

    def _excepthook(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous(kind, error, tb)
            return
        self._bug.emit(kind, error, tb)

    @Slot(object)
    def on_bug(self, error: BaseException) -> None:
        self._report(type(error), error, error.__traceback__)

    def write_report(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> Path:
        from importlib.metadata import version

        text = "".join(traceback.format_exception(kind, error, tb))
        log.error("bug: %s", text)
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = self.folder / f"crash-{stamp}.log"
        path.write_text(f"sfa-desktop {version('sfa-desktop')}, Python {sys.version.split()[0]}\n"
                        f"{dt.datetime.now().astimezone().isoformat()}\n\n{text}", encoding="utf-8")
        return path

    @Slot(object, object, object)
    def _report(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        try:
            path = self.write_report(kind, error, tb)
        except OSError as failure:  # even without a file the agent is told, once
            log.error("crash report not written: %s", failure)
            path = None
        self.reported.emit(path)
        if not self.shown:
            self.shown = True
            self._show(path)

    def _show(self, path: Path | None) -> None:
        box = QMessageBox(self.window)
        box.setObjectName("crashDialog")
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(_("Something went wrong"))
        box.setText(_("The application met an error it did not expect. What you had saved is safe; "
                      "you can go on working."))
        where = tr("The details are in the file {path}. Please send it to your support contact.",
                   path=str(path)) if path else _("The details could not be written to a file.")
        box.setInformativeText(where)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAccessibleName(_("Error report"))
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog = box
        box.open()
