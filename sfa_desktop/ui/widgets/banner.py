"""A message in place (what the agent can fix, or should know), above the widgets it is about.

Drawn with the palette and the style's standard icons, so light and dark themes both read it;
hidden until `show_message`; Esc or the close button hides it again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStyle, QToolButton, QWidget

from sfa_desktop.i18n import _

_ICONS = {"info": QStyle.StandardPixmap.SP_MessageBoxInformation,
          "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
          "error": QStyle.StandardPixmap.SP_MessageBoxCritical}


class MessageBanner(QFrame):
    """`banner.show_message(text, kind="error")`; `banner.text()` for tests; `closed` when dismissed."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None, *, closable: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self._icon = QLabel(self)
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._label.setObjectName("messageBannerText")
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self._label, 1)
        self._close = QToolButton(self)
        self._close.setAutoRaise(True)
        self._close.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self._close.setAccessibleName(_("Close the message"))
        self._close.clicked.connect(self.dismiss)
        self._close.setVisible(closable)
        layout.addWidget(self._close, 0, Qt.AlignmentFlag.AlignTop)
        self.kind = "info"
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.kind = kind
        icon = self.style().standardIcon(_ICONS.get(kind, _ICONS["info"]))
        self._icon.setPixmap(icon.pixmap(20, 20))
        self._label.setText(text)
        self.setAccessibleName(text)
        self.show()

    def text(self) -> str:
        return self._label.text() if self.isVisible() else ""

    def dismiss(self) -> None:
        self.hide()
        self.closed.emit()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self._close.isVisible():
            self.dismiss()
            return
        super().keyPressEvent(event)
