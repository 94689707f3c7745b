"""Lifecycle, PDF and signature of documents through the screens, down to the server and back."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdf
import pypdfium2
import pytest
from documents_helpers import active_customer, priced_products, wait_preview
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from sqlalchemy import create_engine, text

from sfa_desktop import i18n
from sfa_desktop.domain.signature import SignatureError, check_signature, path_data
from sfa_desktop.operations.read.documents import order_detail, quote_detail
from sfa_desktop.ui.documents import actions, mail
from sfa_desktop.ui.documents.page import DocumentsPage
from sfa_desktop.ui.documents.pdf_view import print_pdf, rasterise
from sfa_desktop.ui.documents.signature_pad import SignaturePad


def _editor_with_lines(ctx, qtbot, agent, kind: str, n: int = 2):
    customer_id, _code = active_customer(agent)
    page = DocumentsPage(ctx, kind)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.show_target("new:" + customer_id)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    for i, (_pid, sku, _pack) in enumerate(priced_products(agent, n, packed=False), start=1):
        QTest.keyClicks(editor.entry.edit, sku)
        QTest.keyClick(editor.entry.edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda i=i: len(editor.draft.lines) == i, timeout=10000)
    wait_preview(qtbot, editor, n)
    qtbot.waitUntil(lambda: editor.document is not None, timeout=10000)
    return page, editor


def _signature() -> str:
    return path_data([[(20 + x * 4, 100 + (x % 7) * 9) for x in range(120)], [(60, 40), (300, 160), (500, 60)]])


def test_quote_sent_lost_needs_a_reason_then_revised_keeping_the_old(ctx, synced_agent, qtbot, monkeypatch) -> None:
    page, editor = _editor_with_lines(ctx, qtbot, synced_agent, "quote")
    acts = page.actions
    first_id = editor.doc_id
    acts.send()
    qtbot.waitUntil(lambda: editor.document is not None and editor.document.status == "sent", timeout=10000)
    assert not editor.editable and acts.buttons["lost"].isEnabled()
    # lost with no reason: the dialog refuses to close; the reason then goes through the operation
    dialog = actions.ReasonDialog("x", "why", True)
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.result() == 0 and dialog.error.text()
    monkeypatch.setattr(actions, "ask_reason", lambda *a, **k: "Prezzo del concorrente")
    acts.lost()
    qtbot.waitUntil(lambda: editor.document.status == "lost", timeout=10000)
    detail = synced_agent.session.read(lambda s: quote_detail(s, first_id))
    assert detail.lost_reason == "Prezzo del concorrente"
    acts.revise()
    qtbot.waitUntil(lambda: editor.doc_id != first_id and editor.document is not None, timeout=10000)
    assert editor.document.revision == 2 and editor.editable
    assert synced_agent.session.read(lambda s: quote_detail(s, first_id)) is not None  # the old one kept


def test_quote_converted_to_order_and_a_refusal_shown_in_place(ctx, synced_agent, qtbot) -> None:
    page, editor = _editor_with_lines(ctx, qtbot, synced_agent, "quote")
    opened: list[tuple[str, str]] = []
    ctx.navigate = lambda key, target=None: opened.append((key, target))
    page.actions.send()
    qtbot.waitUntil(lambda: editor.document is not None and editor.document.status == "sent", timeout=10000)
    page.actions.send()  # a sent quote cannot be sent again: the core says why, in Italian
    qtbot.waitUntil(lambda: editor.checks.problem.isVisible(), timeout=10000)
    assert editor.checks.problem.text()
    assert page.actions.buttons["convert"].isEnabled()
    page.actions.convert()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    assert opened[0][0] == "orders"
    order = synced_agent.session.read(lambda s: order_detail(s, opened[0][1]))
    assert order.order.status == "submitted" and order.order.unsent


def test_a_refusal_outlives_a_pricing_asked_before_it_and_goes_with_the_next_change(ctx, synced_agent,
                                                                                   qtbot) -> None:
    """The race CI once hit: an action refused while an older pricing is on its way; the pricing must
    not wipe the refusal, and the agent's next change (priced after it) clears it."""
    page, editor = _editor_with_lines(ctx, qtbot, synced_agent, "quote")
    asked_before = editor._preview_generation
    editor._preview()  # a pricing on its way...
    qtbot.waitUntil(lambda: editor._preview_generation > asked_before, timeout=10000)
    page.actions.send()
    qtbot.waitUntil(lambda: editor.document is not None and editor.document.status == "sent", timeout=10000)
    pending = editor._preview_generation  # the latest pricing asked before the refusal
    page.actions.send()  # ...and the refusal: a sent quote cannot be sent again
    qtbot.waitUntil(lambda: editor.checks.problem.isVisible(), timeout=10000)
    refusal = editor.checks.problem.text()
    editor._preview_arrived(pending, editor.preview)  # that pricing arrives after the refusal
    assert editor.checks.problem.isVisible() and editor.checks.problem.text() == refusal
    editor._preview()  # a change priced after the refusal
    qtbot.waitUntil(lambda: not editor.checks.problem.isVisible(), timeout=10000)


def test_signed_order_submitted_synced_stored_and_printed(ctx, synced_agent, server, qtbot, monkeypatch,
                                                          tmp_path) -> None:
    page, editor = _editor_with_lines(ctx, qtbot, synced_agent, "order")
    signature = _signature()
    monkeypatch.setattr(actions, "ask_signature", lambda parent, current: signature)
    page.actions.sign()
    assert editor.draft.signature == signature
    page.actions.submit()
    qtbot.waitUntil(lambda: editor.document is not None and editor.document.status == "submitted", timeout=10000)
    order_id = editor.doc_id
    ctx.runner.wait_idle()
    synced_agent.sync()
    engine = create_engine(server.database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT signature, status FROM orders WHERE id = :id"), {"id": order_id}).one()
    engine.dispose()
    assert stored.signature == signature and stored.status in ("approved", "pending_approval")
    # the PDF shows the ink in the customer's box; an unsigned one does not
    with qtbot.wait_callback() as done:
        page.actions._with_pdf(done)
    pdf = done.args[0].pdf
    signed = _ink_in_signature_box(pdf)
    assert signed > 200
    printed = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    assert print_pdf(printer, pdf) == len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert len(pypdf.PdfReader(printed).pages) == len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _ink_in_signature_box(pdf: bytes) -> int:
    """Dark pixels in the lower right of the last page, where the customer signs."""
    last = rasterise(pdf, scale=1.0)[-1]
    dark = 0
    for y in range(last.height // 3, last.height):
        row = last.rgb[y * last.width * 3:(y + 1) * last.width * 3]
        for x in range(last.width // 2, last.width - 20):
            if row[x * 3] < 90:
                dark += 1
    return dark


def test_preview_print_save_and_email_of_a_quote(ctx, synced_agent, qtbot, monkeypatch, tmp_path) -> None:
    page, editor = _editor_with_lines(ctx, qtbot, synced_agent, "quote", 3)
    acts = page.actions
    with qtbot.wait_callback() as done:
        acts._with_pdf(done)
    rendered = done.args[0]
    assert rendered.pages and rendered.pdf.startswith(b"%PDF")
    dialog = actions.PreviewDialog(rendered, "x")
    qtbot.addWidget(dialog)
    assert len(dialog.view.page_labels) == len(rendered.pages)
    # print: the system dialog is the platform's; here it answers "print to this PDF file"
    target = tmp_path / "out.pdf"

    def fake_dialog(printer, parent):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return True

    monkeypatch.setattr(actions, "ask_printer", fake_dialog)
    acts.print()
    qtbot.waitUntil(lambda: target.exists() and acts.printed_pages > 0, timeout=20000)
    reader = pypdf.PdfReader(target)
    assert len(reader.pages) == len(rendered.pages)
    saved = tmp_path / "saved.pdf"
    monkeypatch.setattr(actions, "ask_save_path", lambda parent, suggested: str(saved))
    acts.save_pdf()
    qtbot.waitUntil(saved.exists, timeout=10000)
    assert editor.document.number in pypdf.PdfReader(saved).pages[0].extract_text()
    launched: list[list[str]] = []
    monkeypatch.setattr(mail, "_launch", lambda args: launched.append(args) or True)
    monkeypatch.setattr(mail.shutil, "which", lambda name: "/usr/bin/xdg-email")
    acts.email()
    qtbot.waitUntil(lambda: bool(launched), timeout=10000)
    assert launched[0][0] == "xdg-email" and "--attach" in launched[0]
    attached = launched[0][launched[0].index("--attach") + 1]
    assert pypdfium2.PdfDocument(attached)[0] is not None


def test_email_fallbacks_per_platform(tmp_path, monkeypatch) -> None:
    path = tmp_path / "Q.pdf"
    path.write_bytes(b"%PDF-1.4")
    launched, opened = [], []
    monkeypatch.setattr(mail, "_launch", lambda args: launched.append(args) or True)
    monkeypatch.setattr(mail, "_open_url", lambda url: opened.append(url) or True)
    assert mail.email_document(path, subject="Q 1", body="b", platform="darwin") == mail.ATTACHED
    assert launched[-1] == ["open", "-a", "Mail", str(path)]
    assert mail.email_document(path, subject="Q 1", body="b", platform="win32") == mail.MANUAL
    assert opened[-1].startswith("mailto:") and "Q.pdf" in opened[-1]


def test_signature_pad_records_strokes_and_bad_signatures_are_refused(qtbot) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(600, 200)
    pad.show()
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=pad.rect().center() - pad.rect().center() / 2)
    for x in range(50, 400, 20):
        QTest.mouseMove(pad, pos=pad.rect().topLeft() + type(pad.rect().center())(x, 60 + x % 40))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=pad.rect().topLeft() + type(pad.rect().center())(400, 90))
    data = pad.signature()
    assert check_signature(data) == data and data.startswith("M ")
    for bad in ("<svg/>", "M 1 2", "M 9999 1 L 2 3", "x" * (64 * 1024 + 1), 42):
        with pytest.raises(SignatureError):
            check_signature(bad)
    assert Decimal(len(data)) < 64 * 1024


def test_an_expired_quote_is_shown_and_cannot_be_converted(ctx, synced_agent, qtbot) -> None:
    from sfa_desktop.operations.read.documents import quote_ids

    expired = synced_agent.session.read(lambda s: quote_ids(s, status="expired"))
    assert expired, "the small demo has expired quotes"
    page = DocumentsPage(ctx, "quote")
    qtbot.addWidget(page)
    page.show_target(expired[0])
    qtbot.waitUntil(lambda: page.editor.document is not None, timeout=10000)
    assert page.editor.document.status == "expired" and not page.editor.document.convertible
    assert not page.actions.buttons["convert"].isEnabled() and not page.editor.editable
    assert page.actions.buttons["revise"].isEnabled()
    assert page.editor.title.text().endswith("scaduto")


def test_signature_pad_takes_a_finger(qtbot) -> None:
    from PySide6.QtCore import QPoint

    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(600, 200)
    pad.show()
    device = QTest.createTouchDevice()
    QTest.touchEvent(pad, device).press(0, QPoint(40, 100)).commit()
    for x in range(60, 500, 40):
        QTest.touchEvent(pad, device).move(0, QPoint(x, 100 + (x % 80) - 40)).commit()
    QTest.touchEvent(pad, device).release(0, QPoint(520, 90)).commit()
    data = pad.signature()
    assert check_signature(data) == data and len(pad.strokes) == 1 and len(pad.strokes[0]) > 5


def _pen() -> object:
    from PySide6.QtGui import QInputDevice, QPointingDevice

    return QPointingDevice("test pen", 4711, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                           QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 2)


def _pen_stroke(pad, pen, points) -> None:
    """Press, moves and release of a pen, sent to the pad's window as the platform sends them (the
    window finds the widget under the pen), in window coordinates."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QTabletEvent
    from PySide6.QtWidgets import QApplication

    window = pad.window().windowHandle()
    kinds = [QEvent.Type.TabletPress] + [QEvent.Type.TabletMove] * (len(points) - 2) + [QEvent.Type.TabletRelease]
    for kind, (x, y) in zip(kinds, points, strict=True):
        at = QPointF(pad.mapTo(pad.window(), QPointF(x, y)))
        pressed = kind != QEvent.Type.TabletRelease
        event = QTabletEvent(kind, pen, at, QPointF(pad.window().mapToGlobal(at)), 0.6 if pressed else 0.0,
                             0.0, 0.0, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton,
                             Qt.MouseButton.LeftButton if pressed else Qt.MouseButton.NoButton)
        QApplication.sendEvent(window, event)
        assert event.isAccepted()


def test_a_pen_signs_in_the_dialog_and_the_signature_is_saved_with_the_order(ctx, synced_agent, qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    page, editor = _editor_with_lines(ctx, qtbot, synced_agent, "order")
    pen = _pen()
    strokes = ([(30 + x * 6, 120 + (x % 9) * 5) for x in range(60)], [(80, 60), (200, 150), (320, 70), (420, 140)])
    seen: dict[str, object] = {}

    def sign_with_the_pen() -> None:
        dialog = QApplication.activeModalWidget()
        name = i18n._("Signature pad: the customer signs here")
        pads = [w for w in dialog.findChildren(SignaturePad) if w.accessibleName() == name] \
            if dialog is not None else []
        if not pads or not pads[0].isVisible():
            QTimer.singleShot(20, sign_with_the_pen)  # the dialog is not shown yet
            return
        pad = pads[0]
        for stroke in strokes:
            _pen_stroke(pad, pen, stroke)
        seen["strokes"] = [list(s) for s in pad.strokes]
        seen["size"] = (pad.width(), pad.height())
        ok = next(b for b in dialog.findChild(QDialogButtonBox).buttons() if b.text() == "OK")
        ok.click()

    QTimer.singleShot(0, sign_with_the_pen)
    page.actions.sign()  # the real dialog, modal, until the pen has signed and OK was pressed
    captured = seen["strokes"]
    assert len(captured) == 2 and [len(s) for s in captured] == [len(s) for s in strokes]
    width, height = seen["size"]
    from sfa_desktop.domain.signature import SIGNATURE_HEIGHT, SIGNATURE_WIDTH

    first_x, first_y = captured[0][0]  # in the signature box's units, whatever the pad's size on screen
    assert abs(first_x - strokes[0][0][0] * SIGNATURE_WIDTH / width) < 0.5
    assert abs(first_y - strokes[0][0][1] * SIGNATURE_HEIGHT / height) < 0.5
    assert editor.draft.signature == path_data(captured) and check_signature(editor.draft.signature)
    page.actions.submit()
    qtbot.waitUntil(lambda: editor.document is not None and editor.document.status == "submitted", timeout=10000)
    stored = synced_agent.session.read(lambda s: s.execute(text("SELECT signature FROM orders WHERE id = :id"),
                                                           {"id": editor.doc_id}).scalar())
    assert stored == editor.draft.signature
