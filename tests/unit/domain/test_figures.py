"""The agent's figures, each against an example computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_desktop.domain.figures import (
    DocumentValue,
    Progress,
    QuoteFact,
    TargetRow,
    average_discount,
    hit_rate,
    not_visited,
    pipeline_by_stage,
    quote_outcomes,
    sales_vs_target,
    target_for,
    top_amounts,
)
from sfa_desktop.domain.lifecycle import DealStage

D = Decimal
TARGETS = [
    TargetRow(dt.date(2026, 1, 1), D(30000)),
    TargetRow(dt.date(2026, 2, 1), D(10000), "Cavi"),          # February: only per category
    TargetRow(dt.date(2026, 2, 1), D(15000), "Illuminazione"),
    TargetRow(dt.date(2026, 3, 1), D(40000)),                  # March: a total and one category
    TargetRow(dt.date(2026, 3, 1), D(12000), "Cavi"),
]


def test_a_months_target_is_its_total_row_else_the_sum_of_its_categories() -> None:
    assert target_for(TARGETS, dt.date(2026, 1, 20)) == D(30000)
    assert target_for(TARGETS, dt.date(2026, 2, 1)) == D(25000)
    assert target_for(TARGETS, dt.date(2026, 3, 1)) == D(40000)
    assert target_for(TARGETS, dt.date(2026, 3, 1), "Cavi") == D(12000)
    assert target_for(TARGETS, dt.date(2026, 3, 1), "Illuminazione") is None
    assert target_for(TARGETS, dt.date(2026, 4, 1)) is None


def test_sales_against_target_for_the_month_and_the_year_to_date() -> None:
    sales = {dt.date(2025, 12, 1): D(50000), dt.date(2026, 1, 1): D(28500), dt.date(2026, 2, 1): D(27000),
             dt.date(2026, 3, 1): D(9000)}
    figures = sales_vs_target(sales_by_month=sales, targets=TARGETS, today=dt.date(2026, 3, 10),
                              category_sales={"Cavi": D(4000), "Quadri": D(500)})
    # March: 9,000 of 40,000 = 22.5 %, 31,000 to go
    assert figures.month == Progress(D(9000), D(40000))
    assert figures.month.percent == D("22.5") and figures.month.gap == D(31000)
    # January to March: 28,500 + 27,000 + 9,000 = 64,500 of 30,000 + 25,000 + 40,000 = 95,000 -> 67.9 %
    assert figures.year_to_date == Progress(D(64500), D(95000)) and figures.year_to_date.percent == D("67.9")
    # to date: 55,000 + 40,000 x 10 / 31 = 67,903.23 -> 64,500 is 95.0 % of it
    assert figures.year_to_date_pro_rata == D("67903.23")
    assert figures.year_to_date_pro_rata_percent == D("95.0")
    assert [(c, p.sales, p.target, p.percent) for c, p in figures.by_category] == [
        ("Cavi", D(4000), D(12000), D("33.3")), ("Quadri", D(500), None, None)]


def test_without_targets_there_is_no_percent() -> None:
    figures = sales_vs_target(sales_by_month={dt.date(2026, 3, 1): D(10)}, targets=[], today=dt.date(2026, 3, 5))
    assert figures.month.target is None and figures.month.percent is None and figures.month.gap is None
    assert figures.year_to_date_pro_rata is None and figures.year_to_date_pro_rata_percent is None


def test_hit_rate_counts_decided_quotes_of_the_period_by_their_latest_revision() -> None:
    feb = dt.date(2026, 2, 10)
    quotes = [
        QuoteFact("accepted", dt.date(2026, 3, 10), feb, D(1000)),
        QuoteFact("accepted", dt.date(2026, 3, 10), feb, D(2000)),
        QuoteFact("accepted", dt.date(2026, 3, 10), feb, D(3000)),
        QuoteFact("lost", dt.date(2026, 3, 10), feb, D(4000)),
        QuoteFact("sent", dt.date(2026, 3, 31), feb, D(500)),         # waiting for an answer
        QuoteFact("sent", dt.date(2026, 3, 31), feb, D(700)),
        QuoteFact("sent", dt.date(2026, 2, 28), feb, D(900)),         # past its validity: expired
        QuoteFact("draft", None, feb, D(100)),                         # never left the desk
        QuoteFact("lost", None, feb, D(8000), latest=False),           # revised since: its chain counts once
        QuoteFact("accepted", None, dt.date(2026, 1, 31), D(5000)),    # another period
    ]
    got = quote_outcomes(quotes, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28), today=dt.date(2026, 3, 5))
    assert (got.sent, got.won, got.lost, got.expired, got.waiting) == (7, 3, 1, 1, 2)
    assert got.hit_rate == D("75.0")                      # 3 / (3 + 1)
    assert got.hit_rate_value == D("60.0")                # 6,000 / (6,000 + 4,000)
    assert got.sent_value == D(12100) and got.won_value == D(6000) and got.lost_value == D(4000)
    assert hit_rate(0, 0) is None and hit_rate(1, 2) == D("33.3")


def test_average_discount_is_weighted_by_value() -> None:
    # (1,000 + 500 - 900 - 475) / 1,500 = 125 / 1,500 = 8.33 %
    assert average_discount([DocumentValue(D(1000), D(900)), DocumentValue(D(500), D(475))]) == D("8.33")
    assert average_discount([]) is None


def test_pipeline_lists_every_open_stage_in_process_order() -> None:
    pipeline = pipeline_by_stage([("contatto", D(1000)), ("offerta", D(5000)), ("offerta", None),
                                  ("chiuso_vinto", D(9999)), ("chiuso_perso", D(1))])
    assert [(s.stage, s.deals, s.amount) for s in pipeline] == [
        (DealStage.CONTATTO, 1, D(1000)), (DealStage.OFFERTA, 2, D(5000)), (DealStage.RILANCIO, 0, D(0)),
        (DealStage.SOLLECITO, 0, D(0)), (DealStage.RINVIO, 0, D(0)), (DealStage.SOSPENSIONE, 0, D(0))]


def test_top_and_not_visited() -> None:
    assert top_amounts({"a": D(5), "b": D(9), "c": D(5), "d": D(-2), "e": D(0)}, 2) == [("b", D(9)), ("a", D(5))]
    with pytest.raises(ValueError):
        top_amounts({}, 0)
    today = dt.date(2026, 3, 2)
    visits = {"a": dt.date(2026, 2, 25), "b": dt.date(2025, 12, 1), "c": None, "d": dt.date(2026, 1, 31)}
    # 30 days: a (5) and d (30, not more) are fine; c never, b 91 days ago
    assert not_visited(visits, today=today, days=30) == [("c", None), ("b", 91)]


@given(st.lists(st.tuples(st.decimals(min_value=1, max_value=10**6, places=2),
                          st.decimals(min_value=0, max_value=1, places=2)), min_size=1, max_size=20))
def test_average_discount_lies_between_the_smallest_and_largest_document_discount(docs) -> None:
    values = [DocumentValue(list_value, (list_value * (1 - share)).quantize(D("0.01"))) for list_value, share in docs]
    each = [(v.list_value - v.net_value) * 100 / v.list_value for v in values]
    result = average_discount(values)
    assert result is not None
    assert min(each) - D("0.01") <= result <= max(each) + D("0.01")


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500))
def test_hit_rate_is_a_percentage(won, lost) -> None:
    rate = hit_rate(won, lost)
    assert rate is None if won + lost == 0 else D(0) <= rate <= D(100)
