"""The agent's figures from a real replica, against the values worked out by hand in the conftest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sfa_desktop.domain.lifecycle import DealStage
from sfa_desktop.operations.pyramid import refresh_pyramid
from sfa_desktop.operations.read import figures

from .conftest import TODAY

D = Decimal


def test_sales_against_target(crm):
    with crm.session() as s:
        got = figures.sales_vs_target_figures(s, today=TODAY)
    # November: 1,000 + 500 + 300 - 100 = 1,700 of 5,000
    assert (got.month.sales, got.month.target, got.month.percent, got.month.gap) == (
        D("1700.0000"), D(5000), D("34.0"), D("3300.0000"))
    # January 4,000 + October 2,000 + November 1,700 = 7,700 of 3,000 + 2,500 + 5,000 = 10,500
    assert (got.year_to_date.sales, got.year_to_date.target, got.year_to_date.percent) == (
        D("7700.0000"), D(10500), D("73.3"))
    # to date: 5,500 + 5,000 x 22 / 30 = 9,166.67
    assert got.year_to_date_pro_rata == D("9166.67") and got.year_to_date_pro_rata_percent == D("84.0")
    assert [(c, p.sales, p.target, p.percent) for c, p in got.by_category] == [
        ("Cavi", D("1000.0000"), D(2000), D("50.0"))]


def test_sales_by_month_sums_returns_in(crm):
    with crm.session() as s:
        months = figures.sales_by_month(s, start=dt.date(2026, 1, 1), end=TODAY)
    assert months == {dt.date(2026, 1, 1): D(4000), dt.date(2026, 10, 1): D(2000), dt.date(2026, 11, 1): D(1700)}


def test_quotes_hit_rate_discount_and_pipeline(crm):
    with crm.session() as s:
        quotes = figures.quote_figures(s, start=dt.date(2025, 12, 1), end=TODAY, today=TODAY)
        discount = figures.average_discount_granted(s, start=dt.date(2026, 1, 1), end=TODAY)
        pipeline = {v.stage: (v.deals, v.amount) for v in figures.pipeline(s)}
    # chains: q1 won, q2 lost, q3 waiting, q4 (q4b, its latest revision) won, q6 expired; q5 a draft
    assert (quotes.sent, quotes.won, quotes.lost, quotes.waiting, quotes.expired) == (5, 2, 1, 1, 1)
    assert quotes.hit_rate == D("66.7")                 # 2 / (2 + 1)
    assert quotes.hit_rate_value == D("72.2")           # 1,300 / (1,300 + 500)
    # o1: 10 x 10 + 5 x 20 = 200 listed, 180 net; o3: 50 and 50; o2 refused: out -> 20 / 250 = 8 %
    assert discount == D("8.00")
    assert pipeline[DealStage.OFFERTA] == (2, D(5000)) and DealStage.CHIUSO_VINTO not in pipeline


def test_top_customers_and_products(crm):
    with crm.session() as s:
        customers = figures.top_customers(s, start=dt.date(2025, 12, 1), end=TODAY)
        products = figures.top_products(s, start=dt.date(2025, 12, 1), end=TODAY, limit=5)
    assert [(c.customer_id, c.amount) for c in customers] == [("c1", D(4200)), ("c2", D(4000)), ("c3", D(200))]
    assert [(p.product_id, p.sku, p.amount, p.quantity) for p in products] == [
        ("p1", "CAV-FS17-15", D(7000), D(700)), ("p2", "LIB-ISTR", D(1400), D(4))]


def test_customers_not_visited(crm):
    with crm.session() as s:
        rows = figures.customers_not_visited(s, days=30, today=TODAY)
    # c1 visited 21 days ago; c3 on 1 September (82 days); c2 blocked and c4 a prospect are not listed
    assert [(r.customer_id, r.last_visit, r.days) for r in rows] == [("c3", dt.date(2026, 9, 1), 82)]


def test_the_dashboard_gathers_everything_and_takes_the_top_customers_from_the_pyramid(crm):
    with crm.session(write=True) as s:
        refresh_pyramid(s, today=TODAY)
    with crm.session() as s:
        board = figures.dashboard(s, today=TODAY, not_visited_days=30)
    assert board.start == dt.date(2025, 12, 1) and board.end == TODAY
    assert [(c.customer_id, c.amount) for c in board.top_customers] == [("c1", D(4200)), ("c2", D(4000)),
                                                                        ("c3", D(200))]
    assert board.sales.month.sales == D(1700) and board.quotes.hit_rate == D("66.7")
    assert len(board.sales_by_month) == 13 and board.sales_by_month[-1] == (dt.date(2026, 11, 1), D(1700))
    assert board.sales_by_month[1] == (dt.date(2025, 12, 1), D(700))
    assert [r.customer_id for r in board.not_visited] == ["c3"]
    # the products ranked by the refresh are those the history gives
    with crm.session() as s:
        live = figures.top_products(s, start=board.start, end=TODAY)
    assert board.top_products == tuple(live) and [p.product_id for p in live] == ["p1", "p2"]


def test_a_line_whose_text_sql_cannot_read_is_still_summed_exactly(crm):
    with crm.session(write=True) as s:  # not what the sync writes, but a sum must never drop it silently
        s.connection().exec_driver_sql(
            "INSERT INTO sales_history (id, customer_id, product_id, document_number, document_date, quantity, "
            "net_amount) VALUES ('odd', 'c3', 'p2', 'FT X', '2026-11-21', '1E+1', '1.00001')")
    with crm.session() as s:
        assert figures.sales_by_month(s, start=dt.date(2026, 11, 1), end=TODAY)[dt.date(2026, 11, 1)] == \
            D("1701.00001")
        products = {p.product_id: (p.amount, p.quantity) for p in figures.top_products(
            s, start=dt.date(2025, 12, 1), end=TODAY)}
        assert products["p2"] == (D("1401.00001"), D(14))
        customers = {c.customer_id: c.amount for c in figures.top_customers(s, start=dt.date(2025, 12, 1), end=TODAY)}
        assert customers["c3"] == D("201.00001")
