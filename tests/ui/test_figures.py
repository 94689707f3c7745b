"""The agent's figures on a real replica: every figure shown, in words too, the tables open the
customer, N days changes the list, and the page follows the replica."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from sfa_desktop import i18n
from sfa_desktop.operations import log_activity
from sfa_desktop.operations.pyramid import refresh_crm
from sfa_desktop.operations.read.figures import dashboard
from sfa_desktop.ui.pages.figures import FiguresPage

#: The offscreen platform cannot pass a window's size hints on; a real screen has no such warning.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")



def _page(ctx, qtbot) -> FiguresPage:
    page = FiguresPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    with qtbot.wait_signal(page.refreshed, timeout=15000):
        page.show()
    return page


def test_the_dashboard_shows_the_replicas_figures_in_bars_and_words(ctx, qtbot, qtmodeltester) -> None:
    ctx.session.write(lambda s: refresh_crm(s))
    page = _page(ctx, qtbot)
    data = ctx.session.read(lambda s: dashboard(s, today=dt.date.today()))
    assert page.data == data
    assert len(page.months.bars) == 13
    assert [b.value for b in page.months.bars] == [v for _m, v in data.sales_by_month]
    assert any(b.value > 0 for b in page.months.bars), "the demo has two years of history"
    assert i18n.money(data.sales.month.sales) in page.month_gauge.caption
    assert i18n.money(data.sales.year_to_date.sales) in page.year_gauge.caption
    assert len(page.pipeline.bars) == 6  # every open stage, in the order of the process
    assert page.pipeline.bars[0].label == "Contatto"
    text = page.text()
    assert "Contatto" in text and "Questo mese" in text  # the charts in words (Italian)
    assert page.months.accessibleDescription() == page.months.text()
    assert "Tasso di successo" in page.hit_rate.text() or "nessun preventivo" in page.hit_rate.text().lower()
    assert page.top_customers.rowCount() == len(data.top_customers) > 0
    assert page.top_products.rowCount() == len(data.top_products) > 0
    for model in (page.top_customers, page.top_products, page.not_visited):
        qtmodeltester.check(model, force_py=True)
    opened = []
    ctx.navigate = lambda key, target=None: opened.append((key, target))
    qtbot.mouseClick(page.customers_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.customers_view.visualRect(page.top_customers.index(0, 0)).center())
    assert opened == [("customers", data.top_customers[0].customer_id)]
    page.products_view.setFocus()
    page.products_view.setCurrentIndex(page.top_products.index(0, 0))
    qtbot.keyClick(page.products_view, Qt.Key.Key_Return)
    assert opened[-1] == ("catalog", data.top_products[0].product_id)
    for chart in (page.months, page.pipeline, page.quotes, page.month_gauge, page.year_gauge):
        chart.grab()  # paints without a warning at its size


def test_n_days_without_a_visit_and_a_visit_logged_updates_the_list(ctx, qtbot) -> None:
    page = _page(ctx, qtbot)
    with qtbot.wait_signal(page.refreshed, timeout=15000):
        page.days.setValue(30)
    assert page.data.not_visited_days == 30
    rows = page.not_visited.rows
    assert rows, "some customers of the demo were not visited for 30 days"
    first = rows[0]
    with qtbot.wait_signal(page.refreshed, timeout=15000):
        ctx.session.write(lambda s: log_activity(s, customer_id=first.customer_id, kind="visit", subject="Visit"))
    assert first.customer_id not in [r.customer_id for r in page.not_visited.rows]
    never = page.not_visited.data(page.not_visited.index(0, 2))
    assert never  # "mai" or "N giorni fa (...)": in words


def test_the_dashboard_in_english_formats_money_the_english_way(ctx, qtbot) -> None:
    i18n.set_language("en")
    page = _page(ctx, qtbot)
    assert "This month" in page.text()
    assert "€" in page.month_gauge.caption
    assert page.period.text().startswith("Figures from")
