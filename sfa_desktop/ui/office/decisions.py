"""The note of a decision: required to reject (the agent reads why), optional to approve."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from sfa_desktop.i18n import _

MAX_NOTE = 4000


class NoteDialog(QDialog):
    """Asks for the note; OK stays disabled while a required note is empty."""

    def __init__(self, parent: QWidget | None, *, number: str, reject: bool) -> None:
        super().__init__(parent)
        self.reject_mode = reject
        self.setObjectName("office.note_dialog")
        self.setWindowTitle(_("Reject order {number}").format(number=number) if reject
                            else _("Approve order {number} with a note").format(number=number))
        hint = QLabel(_("Say why the order is rejected: the agent reads this note after the next sync.")
                      if reject else _("The agent reads this note with the approval after the next sync."))
        hint.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setObjectName("office.note")
        self.note.setAccessibleName(_("Note for the agent"))
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(_("e.g. discount above the agreed 35%: requote at 35% or less"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Reject") if reject else _("Approve"))
        self.ok.setObjectName("office.note.ok")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(hint)
        box.addWidget(self.note)
        box.addWidget(self.buttons)
        self.note.textChanged.connect(self._check)
        self._check()
        self.resize(520, 260)
        self.note.setFocus()

    def _check(self) -> None:
        text = self.note.toPlainText()
        if len(text) > MAX_NOTE:
            self.note.setPlainText(text[:MAX_NOTE])
            return
        self.ok.setEnabled(bool(text.strip()) or not self.reject_mode)

    @property
    def text(self) -> str:
        return self.note.toPlainText().strip()
