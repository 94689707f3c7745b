"""Locking: an overlay over the open window (nothing the agent typed is closed or lost) and the idle
watch that locks after the minutes set in the settings.

The pages stay alive underneath, disabled so that Tab and shortcuts cannot reach them; the replica
is closed on the replica worker after the pages' pending saves (the worker runs work in order).
Unlocking reads the key on the worker too (Argon2id takes a moment on purpose).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from sfa_desktop.i18n import _, error_text, tr
from sfa_desktop.ui.background import ReplicaOp, Runner
from sfa_desktop.ui.widgets.banner import MessageBanner

_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
          QEvent.Type.TouchBegin, QEvent.Type.InputMethod}


class IdleWatch(QObject):
    """Application-wide event filter: `idle` after `minutes` without keyboard, mouse or touch."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: float) -> None:
        self.minutes = max(0.0, float(minutes))
        if self.minutes:
            self.timer.start(int(self.minutes * 60_000))
        else:
            self.timer.stop()

    def poke(self) -> None:
        if self.minutes:
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self.poke()
        return False


class LockOverlay(QWidget):
    """Covers its parent; `unlocked` once the replica is open again."""

    unlocked = Signal()

    def __init__(self, runner: Runner, parent: QWidget) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("lockOverlay")
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        panel = QFrame(self)
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setFixedWidth(460)
        title = QLabel(_("SFA Desktop is locked"), panel)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.text = QLabel(_("Your data is locked. Enter your password to go on: what you were typing "
                             "is still there."), panel)
        self.text.setWordWrap(True)
        self.user = QLabel("", panel)
        self.banner = MessageBanner(panel, closable=False)
        self.password = QLineEdit(panel)
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Password"))
        self.password.setPlaceholderText(_("Password"))
        self.password.returnPressed.connect(self.submit)
        self.button = QPushButton(_("Unlock"), panel)
        self.button.setObjectName("unlockButton")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        box = QVBoxLayout(panel)
        for widget in (title, self.user, self.text, self.banner, self.password, self.button):
            box.addWidget(widget)
        # no alignment flag on the panel: with one, its word-wrapped text would get one line's height
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.setTabOrder(self.password, self.button)
        self.hide()
        parent.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def show_locked(self, username: str = "", message: str = "") -> None:
        self.user.setText(tr("Signed in as {user}", user=username) if username else "")
        self.user.setVisible(bool(username))
        if message:
            self.banner.show_message(message, "info")
        else:
            self.banner.hide()
        self.password.clear()
        self.password.setEnabled(True)
        self.button.setEnabled(True)
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        password = self.password.text() or None
        self.password.setEnabled(False)
        self.button.setEnabled(False)
        ReplicaOp(self, lambda agent: agent.unlock(password)).success(self._opened).failure(self._refused) \
            .run(self.runner)

    def _opened(self, _result) -> None:
        self.password.clear()
        self.hide()
        self.unlocked.emit()

    def _refused(self, error: BaseException) -> None:
        self.banner.show_message(error_text(error), "error")
        self.password.clear()
        self.password.setEnabled(True)
        self.button.setEnabled(True)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
