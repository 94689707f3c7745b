"""Edit the fields an agent may change offline (phone, e-mail, segment, payment terms, language).

The change goes through `operations.edit_customer` (queued, merged field by field on sync; the
office wins a clash and the Sync page's inbox shows both values). What the operation refuses is
shown under the field it concerns, in place; the dialog stays open with what was typed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from sfa_desktop.i18n import _, error_text
from sfa_desktop.operations import edit_customer
from sfa_desktop.operations.read.customer360 import CustomerDetail
from sfa_desktop.ui.background import ReplicaOp

#: Which field a refusal concerns, by message code (the rest shows under the form).
FIELD_OF_CODE = {"op.email_invalid": "email", "op.phone_invalid": "phone", "op.language_invalid": "language"}


def problem_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.hide()
    return label


def error_code(error: BaseException) -> str | None:
    message = getattr(error, "message", None)
    return getattr(message, "code", None)


class CustomerEditDialog(QDialog):
    """Save (Ctrl+S or Enter) sends only the fields that changed."""

    def __init__(self, ctx: Any, customer: CustomerDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.customer = ctx, customer
        self.setObjectName("customer_edit_dialog")
        self.setWindowTitle(_("Edit {name}").replace("{name}", customer.name))
        self.setAccessibleName(_("Edit customer"))
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        self.problems: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, label, value in (("phone", _("Phone"), customer.phone), ("email", _("E-mail"), customer.email),
                                   ("segment", _("Segment"), customer.segment),
                                   ("payment_terms", _("Payment terms"), customer.payment_terms)):
            edit = QLineEdit(value or "")
            edit.setObjectName(f"edit_{name}")
            edit.setAccessibleName(label)
            self.fields[name] = edit
            self._row(form, name, label, edit)
        language = QComboBox()
        language.setObjectName("edit_language")
        language.setAccessibleName(_("Language"))
        language.addItem(_("Italian"), "it")
        language.addItem(_("English"), "en")
        language.setCurrentIndex(max(language.findData(customer.language), 0))
        self.fields["language"] = language
        self._row(form, "language", _("Language"), language)
        self.problem = problem_label("edit_problem")
        note = QLabel(_("Saved on this computer and sent at the next sync. If the office changed the same "
                        "field meanwhile, its value wins and the Sync page shows both."))
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("edit_save")
        self.save_button.setText(_("Save"))
        self.save_button.setAccessibleName(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.save_button.setShortcut("Ctrl+S")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _row(self, form: QFormLayout, name: str, label: str, widget: QWidget) -> None:
        form.addRow(label, widget)
        problem = problem_label(f"edit_{name}_problem")
        self.problems[name] = problem
        form.addRow("", problem)

    def changes(self) -> dict[str, str | None]:
        typed: dict[str, str | None] = {}
        for name, widget in self.fields.items():
            value = widget.currentData() if isinstance(widget, QComboBox) else widget.text().strip() or None
            if value != getattr(self.customer, name):
                typed[name] = value
        return typed

    def save(self) -> None:
        for label in (*self.problems.values(), self.problem):
            label.hide()
        changes = self.changes()
        if not changes:
            self.accept()
            return
        self.save_button.setEnabled(False)
        customer_id = self.customer.id
        ReplicaOp(self, lambda agent: agent.write(lambda s: edit_customer(s, customer_id=customer_id,
                                                                          changes=changes))) \
            .success(self._saved).failure(self._refused) \
            .finally_(lambda: self.save_button.setEnabled(True)).run(self.ctx.runner)

    def _saved(self, _changes: Any) -> None:
        self.ctx.show_message(_("Saved on this computer: it goes to the office at the next sync."))
        self.accept()

    def _refused(self, error: BaseException) -> None:
        field = FIELD_OF_CODE.get(error_code(error) or "")
        label = self.problems.get(field) if field else self.problem
        label = label or self.problem
        label.setText(error_text(error))
        label.show()
        widget = self.fields.get(field or "")
        (widget or self.fields["phone"]).setFocus()
