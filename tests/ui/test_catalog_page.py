"""The catalog on a real replica: search as you type (accents, decimals, special characters), filters,
the customer being visited and their price, stock per warehouse, documents opened with the viewer."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from visit_support import OFFSCREEN_NOISE, held_widgets, show_page  # noqa: F401 (the keep fixture)

from sfa_desktop.local_db.models import Product, ProductDocument
from sfa_desktop.operations.read.catalog import product_ids
from sfa_desktop.operations.read.customers import customer_ids
from sfa_desktop.ui.catalog import documents
from sfa_desktop.ui.catalog.customer_chooser import VISITING
from sfa_desktop.ui.pages import catalog

pytestmark = OFFSCREEN_NOISE


def _page(keep, ctx, qtbot):
    page = show_page(catalog.create(ctx), keep, qtbot)
    qtbot.wait_until(lambda: not page.model.is_loading and page.model.rowCount() > 0)
    return page


def _type(page, qtbot, text):
    with qtbot.wait_signal(page.model.completed, timeout=5000):
        page.filters.search.setFocus()
        page.filters.search.selectAll()
        QTest.keyClicks(page.filters.search, text)


def _record(page, qtbot, row=0):
    page.model.record(row)
    qtbot.wait_until(lambda: page.model.record(row) is not None)
    return page.model.record(row)


def test_the_catalog_lists_every_product_lazily_and_passes_the_model_tester(keep, ctx, qtbot, qtmodeltester):
    page = _page(keep, ctx, qtbot)
    assert page.model.rowCount() == len(ctx.session.read(lambda s: product_ids(s)))
    qtmodeltester.check(page.model, force_py=True)


def test_a_long_result_shows_its_first_screen_then_grows_in_place(keep, ctx, qtbot, qtmodeltester):
    from sfa_desktop.ui.catalog.model import FIRST

    page = _page(keep, ctx, qtbot)
    qtmodeltester.check(page.model, force_py=True)  # watches the growth below too
    expected = ctx.session.read(lambda s: product_ids(s, text="c"))
    assert len(expected) > FIRST
    with qtbot.wait_signal(page.model.completed, timeout=5000) as completed, \
            qtbot.wait_signal(page.model.loaded, timeout=5000) as first:
        page.filters.search.setFocus()
        QTest.keyClick(page.filters.search, "c")
    assert first.args[0] == FIRST and completed.args[0] == len(expected)
    assert page.model.ids == expected
    assert page.count.text().startswith(str(len(expected))[:1])


def test_a_keystroke_s_results_come_with_their_rows_and_the_whole_list_when_scrolled_to(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    with qtbot.wait_signal(page.model.loaded, timeout=5000):
        page.filters.search.setFocus()
        QTest.keyClick(page.filters.search, "c")
    # the first paint draws the rows: they came with the ids, not in a second trip to the worker
    assert all(page.model.is_fetched(r) for r in range(20))
    assert page.model.data(page.model.index(0, 0)) == page.model.record(0).sku
    assert page.model.canFetchMore() and page.count.text().startswith("Più di")
    with qtbot.wait_signal(page.model.completed, timeout=5000):
        page.model.fetchMore()  # what the view does at the end of the first ids
    assert not page.model.canFetchMore()
    assert page.model.ids == ctx.session.read(lambda s: product_ids(s, text="c"))


@pytest.mark.parametrize("name", ["stock", "breaks", "documents"])
def test_the_detail_s_tables_pass_the_model_tester(keep, ctx, qtbot, qtmodeltester, name):
    page = _page(keep, ctx, qtbot)
    customer = ctx.session.read(lambda s: customer_ids(s, status="active"))[0]
    page.chooser.choose(customer)
    product_id = ctx.session.read(lambda s: s.query(ProductDocument.product_id).limit(1).scalar())
    with qtbot.wait_signal(page.detail.loaded, timeout=5000):
        page.show_target(product_id)
    model = getattr(page.detail, name)
    assert model.rowCount() > 0 or name == "breaks"
    qtmodeltester.check(model, force_py=True)


@pytest.mark.parametrize("typed", ["cavo 2,5 mm²", "cavo 2.5 mm2", "CAVO 2,5"])
def test_cavo_2_5_mm2_finds_the_2_5_mm2_cables_typed_either_way(keep, ctx, qtbot, typed):
    page = _page(keep, ctx, qtbot)
    _type(page, qtbot, typed)
    assert page.model.rowCount() > 0
    names = [_record(page, qtbot, r).name for r in range(min(page.model.rowCount(), 10))]
    assert all("2,5" in n or "2.5" in n for n in names), names
    assert all("cavo" in n.lower() for n in names), names


def test_accented_and_partial_words_find_the_product(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    accented = ctx.session.read(lambda s: s.query(Product.name).filter(Product.name.op("GLOB")("*[àèéìòù]*"))
                                .limit(1).scalar())
    if accented is None:
        pytest.skip("no accented product name in the demo catalog")
    word = next(w for w in accented.split() if any(c in w for c in "àèéìòù"))
    import unicodedata
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))[:4]
    _type(page, qtbot, plain)
    names = [_record(page, qtbot, r).name for r in range(min(page.model.rowCount(), 200))]
    assert accented in names or page.model.rowCount() > 200


@pytest.mark.parametrize("hostile", ['"', "*", "(", ")", '"cavo', "cavo*", "NEAR(cavo", "2,5 mm²\"", "^-:"])
def test_special_characters_in_the_search_show_results_or_the_empty_state_never_an_error(keep, ctx, qtbot, hostile):
    page = _page(keep, ctx, qtbot)
    failures = []
    page.model.failed.connect(failures.append)
    _type(page, qtbot, hostile)
    assert failures == []
    assert page.model.rowCount() > 0 or "Nessun articolo" in page.list_area.empty.text()


def test_filters_category_brand_and_in_stock(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    qtbot.wait_until(lambda: page.filters.category.count() > 1)
    category = page.filters.category.itemData(1)
    with qtbot.wait_signal(page.model.completed):
        page.filters.category.setCurrentIndex(1)
    assert page.model.ids == ctx.session.read(lambda s: product_ids(s, category=category))
    qtbot.wait_until(lambda: page.filters.brand.count() > 1)
    brand = page.filters.brand.itemData(1)
    with qtbot.wait_signal(page.model.completed):
        page.filters.brand.setCurrentIndex(1)
    assert page.model.ids == ctx.session.read(lambda s: product_ids(s, category=category, brand=brand))
    with qtbot.wait_signal(page.model.completed):
        page.filters.in_stock.setChecked(True)
    assert page.model.ids == ctx.session.read(lambda s: product_ids(s, category=category, brand=brand,
                                                                    in_stock=True))
    with qtbot.wait_signal(page.model.completed):
        page.clear_filters.click()
    assert page.model.rowCount() == len(ctx.session.read(lambda s: product_ids(s)))


def test_the_visited_customer_s_price_list_version_and_breaks_and_the_choice_is_remembered(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    customer = ctx.session.read(lambda s: customer_ids(s, status="active"))[0]
    with qtbot.wait_signal(page.model.completed):
        page.chooser.choose(customer)
    assert ctx.extras[VISITING] == customer
    priced = _record(page, qtbot)
    assert priced.price is None or isinstance(priced.price, Decimal)
    with qtbot.wait_signal(page.detail.loaded, timeout=5000):
        page.show_target(priced.id)
    detail = page.detail.detail
    assert detail.price is not None and detail.price.customer_id == customer
    if detail.price.price is not None:
        assert detail.price.price_list_code in page.detail.price.text()
        assert page.detail.breaks.rowCount() >= 1
        assert any(line.applies for line in page.detail.breaks.rows)
    # another page built later starts with the same customer
    second = show_page(catalog.create(ctx), keep, qtbot)
    qtbot.wait_until(lambda: second.customer_id == customer)
    qtbot.wait_until(lambda: second.chooser.edit.text() != "")


def test_typing_a_customer_name_offers_matches_and_picking_one_prices_the_list(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    first = ctx.session.read(lambda s: customer_ids(s))[0]
    name = ctx.session.read(lambda s: s.get(__import__("sfa_desktop.local_db.models", fromlist=["Customer"])
                                            .Customer, first).name)
    page.chooser.edit.setFocus()
    QTest.keyClicks(page.chooser.edit, name.split()[0])
    qtbot.wait_until(lambda: page.chooser.suggestions.rowCount() > 0)
    index = page.chooser.suggestions.index(0, 0)
    with qtbot.wait_signal(page.chooser.chosen):
        page.chooser.completer.activated[type(index)].emit(index)
    assert page.customer_id == ctx.extras[VISITING]
    with qtbot.wait_signal(page.chooser.chosen):
        page.chooser.clear.click()
    assert VISITING not in ctx.extras and page.customer_id is None


def test_stock_per_warehouse_with_its_age(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    stocked = ctx.session.read(lambda s: product_ids(s, in_stock=True))[0]
    with qtbot.wait_signal(page.detail.loaded, timeout=5000):
        page.show_target(stocked)
    assert page.detail.stock.rowCount() >= 1
    age = page.detail.stock.data(page.detail.stock.index(0, 6))
    assert age  # "3 ore fa"...
    assert "Disponibile" in page.detail.stock_total.text()


def test_the_detail_s_tables_fit_its_width_without_a_sideways_scrollbar(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    page.resize(1280, 800)
    stocked = ctx.session.read(lambda s: product_ids(s, in_stock=True))[0]
    with qtbot.wait_signal(page.detail.loaded, timeout=5000):
        page.show_target(stocked)
    for table in (page.detail.stock_table, page.detail.document_table, page.detail.break_table):
        qtbot.wait_until(lambda t=table: t.horizontalHeader().length() > 0)
        header = table.horizontalHeader()
        assert header.length() <= table.viewport().width() + 1, table.objectName()
        assert not table.horizontalScrollBar().isVisible(), table.objectName()
    # a warehouse name cut to fit is whole in its tooltip
    stock = page.detail.stock
    assert stock.data(stock.index(0, 0), Qt.ItemDataRole.ToolTipRole) == stock.data(stock.index(0, 0))


def test_a_document_opens_with_the_system_viewer_from_a_private_copy(keep, ctx, qtbot, monkeypatch):
    opened: list[QUrl] = []
    monkeypatch.setattr(documents.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    page = _page(keep, ctx, qtbot)
    doc_id, product_id, sha = ctx.session.read(lambda s: s.query(ProductDocument.id, ProductDocument.product_id,
                                                                ProductDocument.sha256)
                                               .filter(ProductDocument.content.is_not(None)).first())
    with qtbot.wait_signal(page.detail.loaded, timeout=5000):
        page.show_target(product_id)
    row = next(r for r in range(page.detail.documents.rowCount()) if page.detail.documents.record(r).id == doc_id)
    page.detail.document_table.select_row(row)
    with qtbot.wait_signal(page.detail.document_opened, timeout=5000) as done:
        QTest.keyClick(page.detail.document_table, Qt.Key.Key_Return)
    path = Path(done.args[0])
    assert opened == [QUrl.fromLocalFile(str(path))]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    assert (path.parent.parent.stat().st_mode & 0o077) == 0  # only this user can read the copies


def test_a_document_that_cannot_be_written_is_said_in_place(keep, ctx, qtbot, monkeypatch):
    monkeypatch.setattr(documents.QDesktopServices, "openUrl", lambda url: True)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(documents, "write_copy", full)
    page = _page(keep, ctx, qtbot)
    product_id = ctx.session.read(lambda s: s.query(ProductDocument.product_id)
                                  .filter(ProductDocument.content.is_not(None)).limit(1).scalar())
    with qtbot.wait_signal(page.detail.loaded, timeout=5000):
        page.show_target(product_id)
    page.detail.open_row(0)
    qtbot.wait_until(lambda: "No space" in page.detail.document_note.text())


def test_filenames_never_escape_the_private_folder():
    assert documents.safe_filename("../../etc/passwd") == "passwd"
    assert documents.safe_filename("C:\\x\\scheda:1.pdf") == "scheda_1.pdf"
    assert documents.safe_filename("..") == "document"
    path = documents.write_copy("d/1", "../x.pdf", b"%PDF-1")
    assert path.parent.parent == documents.private_folder() and path.read_bytes() == b"%PDF-1"


def test_keyboard_arrows_follow_the_detail_and_escape_clears_the_search(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    _type(page, qtbot, "cavo")
    QTest.keyClick(page.filters.search, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    with qtbot.wait_signal(page.detail.loaded, timeout=5000):
        QTest.keyClick(page.table, Qt.Key.Key_Down)
    assert page.detail.product_id == page.model.id_at(1)
    page.focus_search()
    with qtbot.wait_signal(page.model.completed):
        QTest.keyClick(page.filters.search, Qt.Key.Key_Escape)
    assert page.filters.search.text() == ""


def test_an_unknown_product_target_says_so(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    with qtbot.wait_signal(page.detail.loaded, timeout=5000):
        page.show_target("no-such-product")
    assert "non è più" in page.detail.title.text() or "not in the catalog" in page.detail.title.text()


def test_every_control_has_an_accessible_name(keep, ctx, qtbot):
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit

    page = _page(keep, ctx, qtbot)
    with qtbot.wait_signal(page.detail.loaded, timeout=5000):
        page.show_target(page.model.id_at(0))
    for kind in (QAbstractButton, QComboBox, QLineEdit, QAbstractItemView):
        for widget in page.findChildren(kind):
            if not widget.objectName() or widget.objectName().startswith("qt_"):
                continue  # Qt's own parts of a combo box or a scroll bar
            assert widget.accessibleName(), widget.objectName()
