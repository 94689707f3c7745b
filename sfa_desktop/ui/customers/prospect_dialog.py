"""A new prospect, offline: the form, the duplicate check shown while typing and before saving, and
the refusals of `operations.create_prospect` under the field they concern, in the agent's language.

Customers that may be the same company are listed with why (same VAT number, similar name...);
saving one anyway needs the agent to tick "it is a different company" (confirmed=True).
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop.i18n import N_, _, error_text, tr
from sfa_desktop.operations import create_prospect
from sfa_desktop.operations.customers import DuplicateMatch, ProspectDraft, find_prospect_duplicates
from sfa_desktop.operations.errors import PossibleDuplicateError
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.customers.edit_dialog import error_code, problem_label
from sfa_desktop.ui.tables import debouncer

FIELDS = (("name", N_("Company name")), ("vat_number", N_("VAT number")), ("tax_code", N_("Tax code")),
          ("phone", N_("Phone")), ("email", N_("E-mail")), ("street", N_("Street")),
          ("postal_code", N_("Postcode")), ("city", N_("City")), ("province", N_("Province")),
          ("segment", N_("Segment")))

_FIELD_OF_CODE = {"op.name_required": "name", "op.email_invalid": "email", "op.phone_invalid": "phone"}

#: The duplicate finder's reasons (domain.prospects, English), in the agent's words.
_REASONS = {"same VAT number": N_("same VAT number"), "same tax code": N_("same tax code"),
            "same phone": N_("same phone"), "same e-mail": N_("same e-mail"),
            "same e-mail domain": N_("same e-mail domain")}
_SIMILAR = re.compile(r"similar name \((\d+)%\)")


def reason_text(reason: str) -> str:
    found = _SIMILAR.fullmatch(reason)
    if found:
        return tr("similar name ({percent}%)", percent=found.group(1))
    return _(_REASONS[reason]) if reason in _REASONS else reason


def field_of(error: BaseException) -> str | None:
    code = error_code(error) or ""
    if code in _FIELD_OF_CODE:
        return _FIELD_OF_CODE[code]
    if code.startswith("identifier.vat"):
        return "vat_number"
    if code.startswith("identifier.tax_code"):
        return "tax_code"
    params = getattr(getattr(error, "message", None), "params", {}) or {}
    field = params.get("field")
    return field if field in dict(FIELDS) else None


class ProspectDialog(QDialog):
    """`created(customer_id)` once saved; the page then opens its 360."""

    created = Signal(str)
    #: (list of DuplicateMatch): a duplicate check came back (tests wait on it).
    checked = Signal(object)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("prospect_dialog")
        self.setWindowTitle(_("New prospect"))
        self.setAccessibleName(_("New prospect"))
        self.fields: dict[str, QLineEdit] = {}
        self.problems: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, label in FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"prospect_{name}")
            edit.setAccessibleName(_(label))
            self.fields[name] = edit
            form.addRow(_(label) + (" *" if name == "name" else ""), edit)
            problem = problem_label(f"prospect_{name}_problem")
            self.problems[name] = problem
            form.addRow("", problem)
            edit.textEdited.connect(lambda _text, n=name: self._edited(n))
        self.duplicates_title = QLabel()
        self.duplicates_title.setObjectName("prospect_duplicates_title")
        self.duplicates_title.setWordWrap(True)
        self.duplicates = QListWidget()
        self.duplicates.setObjectName("prospect_duplicates")
        self.duplicates.setAccessibleName(_("Customers that may be the same company"))
        self.duplicates.setMaximumHeight(110)
        self.duplicates.setWordWrap(True)
        self.duplicates.itemActivated.connect(self._open_duplicate)
        self.different = QCheckBox(_("It is a different company: save it anyway"))
        self.different.setObjectName("prospect_different")
        self.different.setAccessibleName(_("It is a different company: save it anyway"))
        self.problem = problem_label("prospect_problem")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("prospect_save")
        self.save_button.setText(_("Save prospect"))
        self.save_button.setAccessibleName(_("Save prospect"))
        self.save_button.setShortcut("Ctrl+S")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        note = QLabel(_("Saved on this computer and sent to the office at the next sync; the office checks "
                        "it against every customer of the company."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.duplicates_title)
        layout.addWidget(self.duplicates)
        layout.addWidget(self.different)
        layout.addWidget(self.problem)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self._show_duplicates([])
        self._check_timer = debouncer(self, self.check, 300)
        self.matches: list[DuplicateMatch] = []
        self._check_generation = 0
        self.resize(620, self.sizeHint().height())

    def draft(self) -> ProspectDraft:
        values = {name: (edit.text().strip() or None) for name, edit in self.fields.items()}
        return ProspectDraft(name=values.pop("name") or "", **values)

    def _edited(self, name: str) -> None:
        self.problems[name].hide()
        if name in ("name", "vat_number", "tax_code", "phone", "email", "city"):
            self._check_timer.start()

    def _clear_problems(self) -> None:
        for label in (*self.problems.values(), self.problem):
            label.hide()

    def check(self) -> None:
        """Look for customers that may be this prospect (while typing, and before saving)."""
        draft = self.draft()
        if not draft.name.strip():
            self._show_duplicates([])
            return
        self._check_generation += 1
        generation = self._check_generation
        ReplicaOp(self, lambda agent: agent.read(lambda s: find_prospect_duplicates(s, draft))) \
            .success(lambda found: self._checked(generation, found)) \
            .failure(lambda error: self._checked(generation, [], error)).run(self.ctx.runner)

    def _checked(self, generation: int, found: list[DuplicateMatch], error: BaseException | None = None) -> None:
        if generation != self._check_generation:
            return
        if error is not None:
            self._show_refusal(error)
        self._show_duplicates(found)
        self.checked.emit(found)

    def _show_duplicates(self, found: list[DuplicateMatch]) -> None:
        self.matches = list(found)
        self.duplicates.clear()
        for match in found:
            place = f" ({match.city})" if match.city else ""
            why = ", ".join(reason_text(r) for r in match.reasons)
            item = QListWidgetItem(f"{match.name}{place} — {why}")
            item.setData(Qt.ItemDataRole.UserRole, match.customer_id)
            self.duplicates.addItem(item)
        has = bool(found)
        self.duplicates_title.setText(
            _("These customers may be the same company: check before saving (Enter opens one).") if has else
            _("No customer on this computer looks like this prospect."))
        self.duplicates.setVisible(has)
        self.different.setVisible(has)
        if not has:
            self.different.setChecked(False)

    def _open_duplicate(self, item: QListWidgetItem) -> None:
        self.reject()
        self.ctx.navigate("customers", item.data(Qt.ItemDataRole.UserRole))

    def save(self) -> None:
        self._clear_problems()
        draft, confirmed = self.draft(), self.different.isChecked()
        self.save_button.setEnabled(False)
        ReplicaOp(self, lambda agent: agent.write(lambda s: create_prospect(s, draft=draft, confirmed=confirmed))) \
            .success(self._saved).failure(self._refused) \
            .finally_(lambda: self.save_button.setEnabled(True)).run(self.ctx.runner)

    def _saved(self, changes: Any) -> None:
        self.ctx.show_message(_("Prospect saved on this computer: it goes to the office at the next sync."))
        self.created.emit(changes.created)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        if isinstance(error, PossibleDuplicateError):
            self._show_duplicates(list(error.matches))
            self.problem.setText(_("Possible duplicates found: open one to check it, or tick \"It is a different "
                                   "company\" and save again."))
            self.problem.show()
            self.different.setFocus()
            return
        self._show_refusal(error)

    def _show_refusal(self, error: BaseException) -> None:
        field = field_of(error)
        label = self.problems[field] if field else self.problem
        label.setText(error_text(error))
        label.show()
        if field:
            self.fields[field].setFocus()
