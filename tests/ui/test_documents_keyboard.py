"""A 10-line order for a known customer written and printed with the keyboard only, key presses counted.

The count is recorded in docs/benchmarks.md ("Keyboard-only order"). Waiting for the replica is
not a key press; every character typed and every shortcut is.
"""

from __future__ import annotations

from documents_helpers import active_customer, priced_products
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from sfa_desktop.ui.documents import actions
from sfa_desktop.ui.documents.page import DocumentsPage


class Keyboard:
    def __init__(self) -> None:
        self.presses = 0

    def type(self, text: str) -> None:
        QTest.keyClicks(QApplication.focusWidget(), text)
        self.presses += len(text)

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(QApplication.focusWidget(), key, modifiers)
        self.presses += 1  # a shortcut (Ctrl+N) is one press of the hand, as a letter is


def test_ten_line_order_written_and_printed_with_the_keyboard(ctx, synced_agent, qtbot, monkeypatch,
                                                              tmp_path) -> None:
    _customer_id, code = active_customer(synced_agent)
    products = priced_products(synced_agent, 10, packed=False)
    printed = tmp_path / "order.pdf"

    def print_to_file(printer, parent):  # the system dialog: Enter on its Print button
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        keys.presses += 1
        return True

    monkeypatch.setattr(actions, "ask_printer", print_to_file)
    page = DocumentsPage(ctx, "order")
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.activateWindow()
    page.list.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.list.table, timeout=5000)
    keys = Keyboard()
    editor = page.editor
    keys.key(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.picker.edit, timeout=5000)
    keys.type(code)
    qtbot.waitUntil(lambda: editor.picker.matches.count() > 0, timeout=10000)
    keys.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    assert QApplication.focusWidget() is editor.entry.edit
    for n, (_pid, sku, _pack) in enumerate(products, start=1):
        keys.type(f"{n}*{sku}" if n % 3 == 0 else sku)  # some lines with a quantity: "3*SKU"
        keys.key(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda n=n: len(editor.draft.lines) == n, timeout=10000)
    qtbot.waitUntil(lambda: editor.preview is not None and len(editor.preview.lines) == 10, timeout=10000)
    keys.key(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: printed.exists() and page.actions.printed_pages > 0, timeout=30000)
    assert [line.sku for line in editor.draft.lines] == [p[1] for p in products]
    assert editor.document is not None and editor.document.status == "draft"
    print(f"\nkey presses for a 10-line order, printed: {keys.presses}")
    assert keys.presses <= 140
