"""The editor's actions: the lifecycle (send, revise, won, lost, convert, submit, cancel) through the
core's operations, and the PDF (preview, print, save as, e-mail) and the customer's signature.

Each action first saves what is being typed, then runs its operation on the replica worker; a
refusal (UserError) is shown in place in the agent's language.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.i18n import _
from sfa_desktop.operations.orders import cancel_order, convert_quote, submit_order
from sfa_desktop.operations.quotes import accept_quote, lose_quote, revise_quote, send_quote
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.documents import mail
from sfa_desktop.ui.documents.editor import DocumentEditor
from sfa_desktop.ui.documents.pdf_view import PdfPreview, RenderedDocument, print_pdf, render_for_preview
from sfa_desktop.ui.documents.signature_pad import SignatureDialog


def ok_cancel(accept, reject) -> QDialogButtonBox:
    """OK and Cancel in the agent's language (Qt's own button texts come from its catalogs, not ours)."""
    buttons = QDialogButtonBox()
    ok = buttons.addButton(_("OK"), QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setDefault(True)
    buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(accept)
    buttons.rejected.connect(reject)
    return buttons


class ReasonDialog(QDialog):
    """Why a quote was won (optional) or lost (required), or why an order is cancelled."""

    def __init__(self, title: str, prompt: str, required: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reason_dialog")
        self.setWindowTitle(title)
        self.required = required
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setAccessibleName(prompt)
        self.error = QLabel()
        self.error.setObjectName("reason_error")
        self.buttons = ok_cancel(self._accept, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt))
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _accept(self) -> None:
        if self.required and not self.reason.text().strip():
            self.error.setText(_("A reason is needed (price, competitor, timing…)."))
            return
        self.accept()


class PreviewDialog(QDialog):
    def __init__(self, rendered: RenderedDocument, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdf_preview_dialog")
        self.setWindowTitle(title)
        self.view = PdfPreview(self)
        self.view.show_document(rendered)
        buttons = QDialogButtonBox()
        close = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setObjectName("close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(900, 760)


def ask_printer(printer: QPrinter, parent: QWidget) -> bool:
    """The system print dialog (tests replace it: no printer offscreen)."""
    return QPrintDialog(printer, parent).exec() == QDialog.DialogCode.Accepted


def ask_save_path(parent: QWidget, suggested: str) -> str:
    """The system save dialog (tests replace it)."""
    return QFileDialog.getSaveFileName(parent, _("Save the PDF as"), suggested, "PDF (*.pdf)")[0]


def ask_reason(parent: QWidget, title: str, prompt: str, required: bool) -> str | None:
    dialog = ReasonDialog(title, prompt, required, parent)
    return dialog.reason.text().strip() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_signature(parent: QWidget, current: str) -> str | None:
    dialog = SignatureDialog(current, parent)
    return dialog.pad.signature() if dialog.exec() == QDialog.DialogCode.Accepted else None


class DocumentActions:
    """Buttons and shortcuts of one editor; enabled by the document's state."""

    def __init__(self, editor: DocumentEditor) -> None:
        self.editor = editor
        self.buttons: dict[str, QPushButton] = {}
        self.last_pdf: RenderedDocument | None = None
        self.printed_pages = 0
        kind = editor.kind
        specs = [("preview", _("Pre&view PDF"), None), ("print", _("&Print"), "Ctrl+P"),
                 ("save_pdf", _("Save PDF &as…"), "Ctrl+Shift+S"), ("email", _("&E-mail"), "Ctrl+E")]
        if kind == "quote":
            specs = [("send", _("&Send"), "Ctrl+Return"), ("revise", _("&Revise"), None),
                     ("won", _("&Won…"), None), ("lost", _("&Lost…"), None),
                     ("convert", _("&Convert to order"), None), *specs]
        else:
            specs = [("submit", _("&Submit"), "Ctrl+Return"), ("sign", _("Si&gnature…"), None),
                     ("cancel", _("Cancel &order…"), None), *specs]
        for key, text, shortcut in specs:
            button = QPushButton(text)
            button.setObjectName("action_" + key)
            button.setAccessibleName(text.replace("&", ""))
            button.clicked.connect(getattr(self, key))
            editor.actions_bar.addWidget(button)
            self.buttons[key] = button
            if shortcut:
                action = QAction(editor)
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                action.triggered.connect(getattr(self, key))
                editor.addAction(action)
        editor.actions_bar.addStretch(1)
        editor.opened.connect(lambda _doc: self.refresh())
        editor.saved.connect(lambda _id: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        doc, editor = self.editor.document, self.editor
        status = doc.status if doc else "draft"
        stored = doc is not None
        enabled = {"preview": stored, "print": stored, "save_pdf": stored, "email": stored}
        if editor.kind == "quote":
            enabled.update(send=status == "draft" and editor.editable, revise=stored and status in
                           ("sent", "lost", "expired", "rejected"), won=status == "sent", lost=status in
                           ("sent", "draft") and stored, convert=bool(doc and doc.convertible))
        else:
            enabled.update(submit=status == "draft", sign=status == "draft",
                           cancel=stored and status in ("draft", "submitted", "pending_approval", "approved"))
        for key, button in self.buttons.items():
            button.setEnabled(enabled.get(key, False))

    # ------------------------------------------------------------------ running operations

    def _run(self, make, done=None) -> None:
        """Save what is typed, then run `make()(session)` in one write; errors shown in place."""
        editor = self.editor

        def go() -> None:
            operation = make()
            ReplicaOp(editor, lambda agent: agent.write(operation)).success(done or self._reopen) \
                .failure(editor._show_error).run(editor.ctx.runner)

        editor.save_now(then=go)

    def _reopen(self, changes=None) -> None:
        created = getattr(changes, "created", None)
        self.editor.open_document(created or self.editor.doc_id)
        self.editor.ctx.show_message(_("Done: the office receives it at the next sync."))

    def send(self) -> None:
        doc_id = self.editor.doc_id
        self._run(lambda: lambda s: send_quote(s, quote_id=doc_id))

    def revise(self) -> None:
        doc_id = self.editor.doc_id
        self._run(lambda: lambda s: revise_quote(s, quote_id=doc_id))

    def won(self) -> None:
        reason = ask_reason(self.editor, _("Quote won"), _("Why did the customer accept? (optional)"), False)
        if reason is not None:
            doc_id = self.editor.doc_id
            self._run(lambda: lambda s: accept_quote(s, quote_id=doc_id, reason=reason or None))

    def lost(self) -> None:
        reason = ask_reason(self.editor, _("Quote lost"), _("Why did the customer say no?"), True)
        if reason is not None:
            doc_id = self.editor.doc_id
            self._run(lambda: lambda s: lose_quote(s, quote_id=doc_id, reason=reason))

    def convert(self) -> None:
        doc_id = self.editor.doc_id

        def converted(changes) -> None:
            self.editor.open_document(doc_id)
            self.editor.ctx.navigate("orders", changes.created)

        self._run(lambda: lambda s: convert_quote(s, quote_id=doc_id), converted)

    def submit(self) -> None:
        editor = self.editor
        doc_id, draft = editor.doc_id, editor.draft
        quote_id = editor.document.quote_id if editor.document else None
        self._run(lambda: lambda s: submit_order(
            s, order_id=doc_id, customer_id=draft.customer_id, lines=draft.requests(),
            document_discount=draft.document_discount or None, notes=draft.notes or None,
            customer_reference=draft.customer_reference or None, quote_id=quote_id,
            signature=draft.signature or None))

    def cancel(self) -> None:
        reason = ask_reason(self.editor, _("Cancel the order"), _("Why is the order cancelled?"), False)
        if reason is None:
            return
        doc_id = self.editor.doc_id

        def cancelled(changes) -> None:
            if self.editor.document and self.editor.document.status == "draft":
                self.editor.start_new()
            else:
                self._reopen()

        self._run(lambda: lambda s: cancel_order(s, order_id=doc_id, reason=reason or None), cancelled)

    def sign(self) -> None:
        editor = self.editor
        signature = ask_signature(editor, editor.draft.signature)
        if signature is not None and signature != editor.draft.signature:
            editor.change(dataclasses.replace(editor.draft, signature=signature), _("Signature"))

    # ------------------------------------------------------------------ the PDF

    def _with_pdf(self, then) -> None:
        editor = self.editor

        def render() -> None:
            doc_id = editor.doc_id
            ReplicaOp(editor, lambda agent: agent.read(lambda s: render_for_preview(s, doc_id))) \
                .success(lambda rendered: (setattr(self, "last_pdf", rendered), then(rendered))) \
                .failure(editor._show_error).run(editor.ctx.runner)

        editor.save_now(then=render)

    def _file_name(self) -> str:
        doc = self.editor.document
        return f"{doc.number if doc else 'document'}.pdf".replace("/", "-")

    def preview(self) -> None:
        self._with_pdf(lambda rendered: PreviewDialog(rendered, self._file_name(), self.editor).open())

    def print(self) -> None:
        def go(rendered: RenderedDocument) -> None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setDocName(self._file_name())
            if ask_printer(printer, self.editor):
                self.printed_pages = print_pdf(printer, rendered.pdf)
                self.editor.ctx.show_message(i18n.tr("{n} pages sent to the printer", n=self.printed_pages))
        self._with_pdf(go)

    def save_pdf(self) -> None:
        def go(rendered: RenderedDocument) -> None:
            path = ask_save_path(self.editor, str(Path.home() / self._file_name()))
            if path:
                Path(path).write_bytes(rendered.pdf)
                self.editor.ctx.show_message(i18n.tr("Saved: {path}", path=path))
        self._with_pdf(go)

    def email(self) -> None:
        def go(rendered: RenderedDocument) -> None:
            folder = Path(tempfile.mkdtemp(prefix="sfa-mail-"))
            path = folder / self._file_name()
            path.write_bytes(rendered.pdf)
            doc = self.editor.document
            subject = (_("Quote") if self.editor.kind == "quote" else _("Order")) + f" {doc.number if doc else ''}"
            result = mail.email_document(path, subject=subject, body=_("Please find the document attached."))
            self.editor.ctx.show_message(_("The mail client is open with the PDF attached.") if result == mail.ATTACHED
                                         else _("The mail client is open: attach the PDF named in the message."))
        self._with_pdf(go)
