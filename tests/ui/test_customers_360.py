"""The customer 360° view on a real replica: credit panel explained, documents, history, CRM,
links to the other sections, tel:/mailto: through the system, and its tables' models."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from visit_support import OFFSCREEN_NOISE, held_widgets, show_page  # noqa: F401 (the keep fixture)

from sfa_desktop import i18n
from sfa_desktop.operations.read.customer360 import customer_360
from sfa_desktop.operations.read.customers import customer_ids
from sfa_desktop.ui import tables
from sfa_desktop.ui.pages import customers

pytestmark = OFFSCREEN_NOISE


def _rich_customer(ctx, need=("open_quotes", "activities", "deals")):
    """A customer of the demo with overdue invoices and, as far as the demo has them, quotes, activities, deals."""
    def pick(s):
        best, best_score = None, -1
        for cid in customer_ids(s, overdue_only=True)[:40]:
            view = customer_360(s, cid)
            score = sum(bool(getattr(view, n)) for n in need) + bool(view.credit.invoices)
            if score > best_score:
                best, best_score = view, score
        return best
    return ctx.session.read(pick)


def _open(keep, ctx, qtbot, customer_id):
    page = show_page(customers.create(ctx), keep, qtbot)
    with qtbot.wait_signal(page.view.loaded, timeout=5000):
        page.show_target(customer_id)
    return page


@pytest.fixture
def navigated(ctx):
    calls: list[tuple[str, str | None]] = []
    ctx.navigate = lambda key, target=None: calls.append((key, target))
    return calls


def test_the_credit_panel_shows_every_figure_explained_and_the_overdue_invoices(keep, ctx, qtbot):
    view = _rich_customer(ctx)
    page = _open(keep, ctx, qtbot, view.customer.id)
    panel = page.view.credit
    assert page.view.title.text() == view.customer.name
    codes = [line.code for line in view.credit.availability]
    for code in codes + [line.code for line in view.credit.owed]:
        figure = panel.figures[code]
        assert figure.toolTip(), code  # each figure says what it is
        assert not figure.text().lstrip().startswith(("-", "−")), code  # no unexplained negative figure
    assert panel.note.text()  # the sum explained under it
    assert panel.invoices.rowCount() == len(view.credit.invoices) > 0
    overdue_rows = [r for r in range(panel.invoices.rowCount()) if panel.invoices.record(r).overdue]
    assert overdue_rows
    days = panel.invoices.data(panel.invoices.index(overdue_rows[0], 6))
    assert days == str(panel.invoices.record(overdue_rows[0]).days_past_due)


def test_a_customer_over_the_limit_is_shown_over_by_never_a_negative_available(keep, ctx, qtbot):
    over = ctx.session.read(lambda s: customer_ids(s, sort="available")[:1])
    view = ctx.session.read(lambda s: customer_360(s, over[0]))
    page = _open(keep, ctx, qtbot, over[0])
    if view.credit.available is not None and view.credit.available < 0:
        assert "credit_over_by" in {f.objectName() for f in page.view.credit.figures.values()}
        assert not page.view.credit.figures["over_by"].text().startswith(("-", "−"))
    row = page.model.row_of(over[0]) if page.model.rowCount() else None
    if row is not None and view.credit.available is not None and view.credit.available < 0:
        page.model.record(row)
        qtbot.wait_until(lambda: page.model.record(row) is not None)
        text = page.model.data(page.model.index(row, 8))
        assert not text.startswith(("-", "−"))


def test_quotes_orders_history_activities_deals_and_the_pyramid_are_shown(keep, ctx, qtbot):
    from sfa_desktop.operations.pyramid import refresh_pyramid
    from sfa_desktop.operations.read.pyramid import customer_rank

    ctx.session.write(lambda s: refresh_pyramid(s))  # as after each sync in the app
    view = _rich_customer(ctx)
    rank = ctx.session.read(lambda s: customer_rank(s, view.customer.id, today=view.today))
    page = _open(keep, ctx, qtbot, view.customer.id)
    v = page.view
    assert v.quotes.rowCount() == len(view.open_quotes)
    assert v.orders.rowCount() == len(view.open_orders)
    assert v.history.rowCount() == len(view.order_history)
    assert v.prices.rowCount() == len(view.last_prices)
    assert v.activities.rowCount() == len(view.activities)
    assert v.deals.rowCount() == len(view.deals)
    assert rank is not None
    assert i18n.render(rank.explanation[0]) in v.pyramid.text()  # why: "last order 94 days ago, usually every 30"
    assert v.contacts.rowCount() == len(view.contacts)


def test_new_quote_new_order_and_the_rows_navigate_to_their_sections(keep, ctx, qtbot, navigated):
    view = _rich_customer(ctx)
    page = _open(keep, ctx, qtbot, view.customer.id)
    v = page.view
    v.new_quote.click()
    v.new_order.click()
    assert navigated[:2] == [("quotes", "new:" + view.customer.id), ("orders", "new:" + view.customer.id)]
    for table, model, section in ((v.quote_table, v.quotes, "quotes"), (v.history_table, v.history, "orders"),
                                  (v.activity_table, v.activities, "agenda"), (v.deal_table, v.deals, "deals")):
        if model.rowCount():
            table.select_row(0)
            QTest.keyClick(table, Qt.Key.Key_Return)
            assert navigated[-1] == (section, model.record(0).id)


def test_call_and_write_go_through_the_system_handler(keep, ctx, qtbot, monkeypatch):
    opened: list[QUrl] = []
    monkeypatch.setattr(tables.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    view = ctx.session.read(lambda s: next(customer_360(s, c) for c in customer_ids(s)
                                           if (lambda d: d.customer.phone and d.customer.email)(customer_360(s, c))))
    page = _open(keep, ctx, qtbot, view.customer.id)
    page.view.call.click()
    page.view.write.click()
    assert opened[0].scheme() == "tel" and opened[0].path().replace(" ", "")
    assert opened[1].toString() == "mailto:" + view.customer.email


def test_a_customer_not_on_this_computer_says_so_and_disables_the_actions(keep, ctx, qtbot):
    page = _open(keep, ctx, qtbot, "no-such-customer")
    assert not page.view.new_quote.isEnabled() and not page.view.edit.isEnabled()
    assert page.view.subtitle.text()


def test_a_locked_replica_is_a_message_in_place_not_a_crash(keep, ctx, qtbot):
    view = _rich_customer(ctx)
    page = _open(keep, ctx, qtbot, view.customer.id)
    ctx.runner.wait_idle()
    ctx.session.lock()
    with qtbot.wait_signal(page.view.loaded, timeout=5000):
        page.view.reload()
    assert page.view.problem.isVisible() and page.view.problem.text()


@pytest.mark.parametrize("name", ["contacts", "addresses", "quotes", "orders", "history", "prices", "activities",
                                  "deals", "invoices"])
def test_the_360_tables_pass_the_model_tester(keep, ctx, qtbot, qtmodeltester, name):
    view = _rich_customer(ctx)
    page = _open(keep, ctx, qtbot, view.customer.id)
    model = page.view.credit.invoices if name == "invoices" else getattr(page.view, name)
    qtmodeltester.check(model, force_py=True)
