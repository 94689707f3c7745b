"""Lists of quotes and orders (filters, search, empty states, Enter opens) and the models' contracts."""

from __future__ import annotations

from decimal import Decimal

from documents_helpers import active_customer, priced_products
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from sfa_desktop.operations.lines import LineRequest
from sfa_desktop.operations.orders import save_order_draft
from sfa_desktop.operations.quotes import save_quote
from sfa_desktop.ui.documents.lines_model import LinesModel
from sfa_desktop.ui.documents.page import DocumentsPage


def _documents(agent) -> tuple[str, str]:
    customer_id, _code = active_customer(agent)
    [(pid, _sku, _pack)] = priced_products(agent, 1, packed=False)
    quote = agent.write(lambda s: save_quote(s, customer_id=customer_id, lines=[LineRequest(pid, Decimal(1))]))
    order = agent.write(lambda s: save_order_draft(s, customer_id=customer_id, lines=[LineRequest(pid, Decimal(1))]))
    return quote.created, order.created


def test_lists_filter_search_open_and_pass_the_model_tester(ctx, synced_agent, qtbot, qtmodeltester) -> None:
    quote_id, order_id = _documents(synced_agent)
    for kind, wanted in (("quote", quote_id), ("order", order_id)):
        page = DocumentsPage(ctx, kind)
        qtbot.addWidget(page)
        page.resize(1280, 800)
        page.show()
        model = page.list.model
        qtbot.waitUntil(lambda model=model: model.rowCount() > 0, timeout=10000)
        qtbot.waitUntil(lambda model=model: model.data(model.index(0, 0)) is not None, timeout=10000)
        qtmodeltester.check(model)
        page.list.status.setCurrentIndex(page.list.status.findData("draft"))
        qtbot.waitUntil(lambda model=model, wanted=wanted: wanted in model.ids, timeout=10000)
        page.list.search.setFocus()
        QTest.keyClicks(page.list.search, "zzznessuno")
        qtbot.waitUntil(lambda page=page: page.list.empty.isVisible(), timeout=10000)
        assert "Ctrl+N" not in page.list.empty.text() and page.list.empty.text()
        page.list.search.clear()
        page.list.reload()
        qtbot.waitUntil(lambda model=model, wanted=wanted: wanted in model.ids, timeout=10000)
        page.list.table.setFocus()
        page.list.table.setCurrentIndex(model.index(model.row_of(wanted), 0))
        QTest.keyClick(page.list.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda page=page, wanted=wanted: page.editor.document is not None
                        and page.editor.document.id == wanted, timeout=10000)
        assert page.currentWidget() is page.editor
        QTest.keyClick(page.editor.entry.edit, Qt.Key.Key_Escape)
        assert page.currentWidget() is page.list


def test_editor_lines_model_passes_the_model_tester(ctx, synced_agent, qtbot, qtmodeltester) -> None:
    customer_id, _code = active_customer(synced_agent)
    page = DocumentsPage(ctx, "order")
    qtbot.addWidget(page)
    page.show_target("new:" + customer_id)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    for i, (_pid, sku, _pack) in enumerate(priced_products(synced_agent, 3, packed=False), start=1):
        QTest.keyClicks(editor.entry.edit, sku)
        QTest.keyClick(editor.entry.edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda i=i: len(editor.draft.lines) == i, timeout=10000)
    qtbot.waitUntil(lambda: editor.preview is not None and len(editor.preview.lines) == 3, timeout=10000)
    qtmodeltester.check(editor.lines_model)
    qtmodeltester.check(LinesModel(lambda *a: False))
