"""The quote and order editor on a real replica: customer, lines, live figures, drafts saved as typed."""

from __future__ import annotations

from decimal import Decimal

from documents_helpers import active_customer, blocked_customer, priced_products, wait_preview
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from sfa_desktop.operations.read.documents import order_detail, quote_detail
from sfa_desktop.ui.documents.page import DocumentsPage


def _page(ctx, qtbot, kind: str) -> DocumentsPage:
    page = DocumentsPage(ctx, kind)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    return page


def _add(qtbot, editor, text: str, lines: int) -> None:
    editor.entry.edit.setFocus()
    QTest.keyClicks(editor.entry.edit, text)
    QTest.keyClick(editor.entry.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(editor.draft.lines) == lines, timeout=10000)


def test_a_new_quote_is_priced_by_the_core_and_saved_as_typed(ctx, synced_agent, qtbot) -> None:
    customer_id, _code = active_customer(synced_agent)
    products = priced_products(synced_agent, 2, packed=False)
    page = _page(ctx, qtbot, "quote")
    page.show_target("new:" + customer_id)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    assert editor.credit.values["credit_limit"].text()
    _add(qtbot, editor, products[0][1], 1)
    _add(qtbot, editor, "3*" + products[1][1], 2)
    assert editor.draft.lines[1].quantity == Decimal(3)
    wait_preview(qtbot, editor, 2)
    qtbot.waitUntil(lambda: editor.document is not None, timeout=10000)
    detail = synced_agent.session.read(lambda s: quote_detail(s, editor.doc_id))
    assert [line.sku for line in detail.lines] == [products[0][1], products[1][1]]
    # the totals shown are the core's, to the cent
    assert editor.totals.values["grand_total"].text().replace("\u00a0", " ").startswith(
        f"{detail.quote.grand_total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")[:3])
    assert editor.totals.vat.rowCount() >= 1
    assert editor.checks.approval.count() >= 1


def test_undo_and_redo_a_line(ctx, synced_agent, qtbot) -> None:
    customer_id, _code = active_customer(synced_agent)
    [(_pid, sku, _pack)] = priced_products(synced_agent, 1, packed=False)
    page = _page(ctx, qtbot, "order")
    page.show_target("new:" + customer_id)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    _add(qtbot, editor, sku, 1)
    QTest.keyClick(editor.entry.edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.draft.lines == ()
    QTest.keyClick(editor.entry.edit, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [line.sku for line in editor.draft.lines] == [sku]


def test_unknown_sku_is_said_in_place(ctx, synced_agent, qtbot) -> None:
    customer_id, _code = active_customer(synced_agent)
    page = _page(ctx, qtbot, "quote")
    page.show_target("new:" + customer_id)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    QTest.keyClicks(editor.entry.edit, "ZZNOSUCHCODE")
    QTest.keyClick(editor.entry.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.checks.problem.isVisible(), timeout=10000)
    assert "ZZNOSUCHCODE" in editor.checks.problem.text()
    assert editor.draft.lines == ()


def test_quantity_not_a_multiple_of_the_pack(ctx, synced_agent, qtbot) -> None:
    customer_id, _code = active_customer(synced_agent)
    [(_pid, sku, pack)] = priced_products(synced_agent, 1, packed=True)
    page = _page(ctx, qtbot, "order")
    page.show_target("new:" + customer_id)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    odd = int(pack) + 1
    _add(qtbot, editor, f"{odd}*{sku}", 1)
    qtbot.waitUntil(lambda: editor.preview is not None and editor.preview.problem is not None, timeout=10000)
    assert sku in editor.checks.problem.text()
    assert editor.preview.problem_line == 1
    qtbot.waitUntil(lambda: "⚠" in editor.save_state.text(), timeout=10000)  # not saved, kept in the editor
    assert editor.draft.lines[0].quantity == odd


def test_discount_10_plus_plus_5_is_refused_in_place(ctx, synced_agent, qtbot) -> None:
    customer_id, _code = active_customer(synced_agent)
    [(_pid, sku, _pack)] = priced_products(synced_agent, 1, packed=False)
    page = _page(ctx, qtbot, "quote")
    page.show_target("new:" + customer_id)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    _add(qtbot, editor, sku, 1)
    wait_preview(qtbot, editor, 1)
    model = editor.lines_model
    assert model.setData(model.index(0, 6), "10++5")
    qtbot.waitUntil(lambda: editor.preview.problem is not None, timeout=10000)
    assert editor.checks.problem.isVisible()
    assert model.setData(model.index(0, 6), "10+5")
    qtbot.waitUntil(lambda: editor.preview.problem is None and bool(editor.preview.lines), timeout=10000)
    assert editor.preview.lines[0].discount == "10+5"
    # a document discount the same way
    QTest.keyClicks(editor.document_discount, "5")
    qtbot.waitUntil(lambda: editor.preview.document_discount_amount > 0, timeout=10000)


def test_a_net_price_typed_directly(ctx, synced_agent, qtbot) -> None:
    customer_id, _code = active_customer(synced_agent)
    [(_pid, sku, _pack)] = priced_products(synced_agent, 1, packed=False)
    page = _page(ctx, qtbot, "quote")
    page.show_target("new:" + customer_id)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    _add(qtbot, editor, sku, 1)
    wait_preview(qtbot, editor, 1)
    price = editor.preview.lines[0].unit_price
    agreed = (price * Decimal("0.8")).quantize(Decimal("0.01"))
    assert editor.lines_model.setData(editor.lines_model.index(0, 7), str(agreed).replace(".", ","))
    qtbot.waitUntil(lambda: bool(editor.preview.lines) and editor.preview.lines[0].net_price == agreed, timeout=10000)
    assert not editor.lines_model.setData(editor.lines_model.index(0, 3), "abc")  # not a number


def test_blocked_customer_gets_no_document(ctx, synced_agent, qtbot) -> None:
    blocked = blocked_customer(synced_agent)
    assert blocked is not None
    [(_pid, sku, _pack)] = priced_products(synced_agent, 1, packed=False)
    page = _page(ctx, qtbot, "order")
    page.show_target("new:" + blocked)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    _add(qtbot, editor, sku, 1)
    qtbot.waitUntil(lambda: editor.checks.warnings.count() > 0 and "⚠" in editor.save_state.text(), timeout=10000)
    assert any(editor.customer.name in editor.checks.warnings.item(i).text()
               for i in range(editor.checks.warnings.count()))
    assert synced_agent.session.read(lambda s: order_detail(s, editor.doc_id)) is None


def test_replica_locked_mid_edit_keeps_the_draft(ctx, synced_agent, qtbot) -> None:
    customer_id, _code = active_customer(synced_agent)
    products = priced_products(synced_agent, 2, packed=False)
    page = _page(ctx, qtbot, "order")
    page.show_target("new:" + customer_id)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    _add(qtbot, editor, products[0][1], 1)
    qtbot.waitUntil(lambda: editor.document is not None, timeout=10000)
    ctx.runner.wait_idle()
    synced_agent.session.lock()
    model = editor.lines_model
    model.setData(model.index(0, 3), "4")
    editor.save_now()
    qtbot.waitUntil(lambda: "⚠" in editor.save_state.text(), timeout=10000)
    assert editor.draft.lines[0].quantity == Decimal(4)  # kept in the editor
    assert editor.has_unsaved_input


def test_a_barcode_scanner_adds_lines_and_a_second_scan_adds_a_pack(ctx, synced_agent, qtbot) -> None:
    from sqlalchemy import select

    from sfa_desktop.local_db.models import PriceListItem, Product

    customer_id, _code = active_customer(synced_agent)
    barcode = synced_agent.session.read(lambda s: s.scalar(
        select(Product.barcode).where(Product.active.is_(True), Product.barcode.is_not(None),
                                      Product.id.in_(select(PriceListItem.product_id))).limit(1)))
    assert barcode and barcode.isdigit()
    page = _page(ctx, qtbot, "order")
    page.show_target("new:" + customer_id)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.customer is not None, timeout=10000)
    _add(qtbot, editor, barcode, 1)  # keyClicks types faster than a person: a scanner's burst
    first = editor.draft.lines[0].quantity
    QTest.keyClicks(editor.entry.edit, barcode)
    QTest.keyClick(editor.entry.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.draft.lines[0].quantity == 2 * first, timeout=10000)
    assert len(editor.draft.lines) == 1 and editor.entry.edit.hasFocus() and editor.entry.edit.text() == ""
    # typed by hand (slowly), the same digits are a code like any other: a new line
    for digit in barcode:
        QTest.keyClick(editor.entry.edit, digit)
        QTest.qWait(45)
    QTest.keyClick(editor.entry.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(editor.draft.lines) == 2, timeout=10000)
