"""A dialog that saves through one of the core's operations on the replica worker: Save (Ctrl+S,
Ctrl+Return) and Cancel under a form, and what the core refuses shown in place, leaving the dialog
open with what was typed. Subclasses fill `form` and say which operation `operation()` makes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from sfa_desktop import i18n
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.look import InlineMessage, name_buttons


class OperationDialog(QDialog):
    saved = Signal(object)  # (Changes)

    def __init__(self, ctx: AppContext, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form = QFormLayout()
        self.message = InlineMessage(self, object_name="dialogMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("saveButton")
        name_buttons(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def operation(self) -> Any:
        """The operation to run on the replica (None: nothing to save); ValueError in the agent's words
        for what is refused before the core is asked."""
        raise NotImplementedError

    def save(self) -> None:
        """Validate what can be validated here, then let the core decide (its refusal shows in place)."""
        try:
            op = self.operation()
        except ValueError as error:
            self.message.show_text(str(error))
            return
        if op is None:
            return
        self.message.clear_text()
        self.buttons.setEnabled(False)
        ReplicaOp(self, lambda agent: agent.write(op)).success(self._saved).failure(self._refused) \
            .finally_(lambda: self.buttons.setEnabled(True)).run(self.ctx.runner)

    def _saved(self, changes: Any) -> None:
        self.saved.emit(changes)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.message.show_text(i18n.error_text(error))
