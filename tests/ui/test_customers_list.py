"""The customer list on a real replica: search as you type, filters, sort, empty state, Enter opens the 360."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from visit_support import OFFSCREEN_NOISE, held_widgets, show_page  # noqa: F401 (the keep fixture)

from sfa_desktop.operations.read.customers import customer_ids, customer_rows
from sfa_desktop.operations.read.pyramid import customer_ids_by_class
from sfa_desktop.ui.pages import customers

pytestmark = OFFSCREEN_NOISE


def _page(keep, ctx, qtbot):
    page = show_page(customers.create(ctx), keep, qtbot)
    qtbot.wait_until(lambda: not page.model.is_loading and page.model.rowCount() > 0)
    return page


def _names(page, qtbot, count=None):
    model = page.model
    n = model.rowCount() if count is None else min(count, model.rowCount())
    for row in range(n):
        model.record(row)
    qtbot.wait_until(lambda: all(model.record(r) is not None for r in range(n)))
    return [model.record(r).name for r in range(n)]


def _type(page, qtbot, text):
    with qtbot.wait_signal(page.model.loaded, timeout=5000):
        page.filters.search.setFocus()
        page.filters.search.selectAll()
        QTest.keyClicks(page.filters.search, text)


def _agent_read(ctx, fn):
    return ctx.session.read(fn)


def test_the_list_shows_the_portfolio_sorted_by_name_and_passes_the_model_tester(keep, ctx, qtbot, qtmodeltester):
    page = _page(keep, ctx, qtbot)
    everyone = _agent_read(ctx, lambda s: customer_ids(s))
    assert page.model.rowCount() == len(everyone)
    assert "1" in page.count.text() or page.count.text()
    names = _names(page, qtbot, 15)
    assert names == sorted(names, key=str.casefold)
    qtmodeltester.check(page.model, force_py=True)


def test_search_as_you_type_waits_for_the_pause_then_finds_by_name_and_vat(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    first = _agent_read(ctx, lambda s: customer_rows(s, customer_ids(s)[:1]))[0]
    word = first.name.split()[0]
    _type(page, qtbot, word)
    assert first.id in page.model.ids
    assert len(page.model.ids) < len(_agent_read(ctx, lambda s: customer_ids(s)))
    vat = ctx.session.read(lambda s: s.get(__import__("sfa_desktop.local_db.models", fromlist=["Customer"]).Customer,
                                           first.id).vat_number)
    if vat:
        _type(page, qtbot, vat)
        assert page.model.ids[0] == first.id


def test_a_search_with_nothing_found_says_what_to_do_and_clear_brings_everyone_back(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    total = page.model.rowCount()
    _type(page, qtbot, "zzqxw nessuno")
    assert page.model.rowCount() == 0
    assert page.list_area.is_empty
    assert "Mostrare tutti i clienti" in page.list_area.empty.text()
    with qtbot.wait_signal(page.model.loaded):
        page.clear_filters.click()
    assert page.model.rowCount() == total
    assert not page.list_area.is_empty


def test_special_characters_in_the_search_never_break_it(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    for hostile in ['"', "*", "(", "2,5 mm²", "a\"b*(c", "NEAR(", "'; DROP TABLE customers; --"]:
        _type(page, qtbot, hostile)
        assert not page.list_area.is_empty or page.model.rowCount() == 0
        assert page.list_area.empty.text() == "" or "errore" not in page.list_area.empty.text().lower()


def test_filters_segment_status_overdue_and_pyramid_class_narrow_the_list(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    qtbot.wait_until(lambda: page.filters.segment.count() > 1)
    total = page.model.rowCount()
    segment = page.filters.segment.itemData(1)
    with qtbot.wait_signal(page.model.loaded):
        page.filters.segment.setCurrentIndex(1)
    expected = _agent_read(ctx, lambda s: customer_ids(s, segment=segment))
    assert page.model.ids == expected and 0 < len(expected) < total
    with qtbot.wait_signal(page.model.loaded):
        page.filters.segment.setCurrentIndex(0)
    with qtbot.wait_signal(page.model.loaded):
        page.filters.overdue.setChecked(True)
    assert page.model.ids == _agent_read(ctx, lambda s: customer_ids(s, overdue_only=True))
    with qtbot.wait_signal(page.model.loaded):
        page.filters.overdue.setChecked(False)
    cls = page.filters.pyramid.itemData(2)  # client
    with qtbot.wait_signal(page.model.loaded):
        page.filters.pyramid.setCurrentIndex(2)
    ranked = set(_agent_read(ctx, lambda s: customer_ids_by_class(s, classes=cls)))
    assert set(page.model.ids) == ranked & set(_agent_read(ctx, lambda s: customer_ids(s)))
    with qtbot.wait_signal(page.model.loaded):
        page.filters.pyramid.setCurrentIndex(0)
    with qtbot.wait_signal(page.model.loaded, timeout=5000):
        page.filters.not_visited.setValue(30)
    assert page.model.ids == _agent_read(ctx, lambda s: customer_ids(s, not_visited_days=30))
    with qtbot.wait_signal(page.model.loaded):
        page.filters.status.setCurrentIndex(page.filters.status.findData("blocked"))
    assert page.model.ids == _agent_read(ctx, lambda s: customer_ids(s, not_visited_days=30, status="blocked"))


def test_a_click_on_a_header_sorts_by_that_column(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    with qtbot.wait_signal(page.model.loaded):
        page.table.horizontalHeader().setSortIndicator(6, Qt.SortOrder.DescendingOrder)  # a click on Balance
    assert page.model.ids == _agent_read(ctx, lambda s: customer_ids(s, sort="balance", descending=True))


def test_keyboard_type_arrow_down_enter_opens_the_360_and_esc_comes_back(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    page.focus_search()
    first = _agent_read(ctx, lambda s: customer_rows(s, customer_ids(s)[:1]))[0]
    _type(page, qtbot, first.name)
    QTest.keyClick(page.filters.search, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    with qtbot.wait_signal(page.view.loaded, timeout=5000):
        QTest.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.view
    assert page.view.title.text() == first.name
    QTest.keyClick(page.view.tabs, Qt.Key.Key_Escape)
    assert page.stack.currentIndex() == 0


def test_every_control_has_an_accessible_name(keep, ctx, qtbot):
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QSpinBox

    page = _page(keep, ctx, qtbot)
    for kind in (QAbstractButton, QComboBox, QLineEdit, QSpinBox, QAbstractItemView):
        for widget in page.findChildren(kind):
            if widget.parent() is not None and type(widget.parent()).__name__ in ("QComboBox", "QSpinBox",
                                                                                   "QTabBar", "QTableView"):
                continue
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QComboBox | QSpinBox):
                continue
            if widget.objectName().startswith("qt_") or not widget.objectName():
                continue
            assert widget.accessibleName(), widget.objectName()


def test_ctrl_f_puts_the_cursor_in_the_search_even_from_the_360(keep, ctx, qtbot):
    page = _page(keep, ctx, qtbot)
    page.activateWindow()
    with qtbot.wait_signal(page.view.loaded, timeout=5000):
        page.show_target(page.model.id_at(0))
    page.view.tabs.setFocus()
    QTest.keyClick(page.view.tabs, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.stack.currentIndex() == 0
    qtbot.wait_until(lambda: page.filters.search.hasFocus())
