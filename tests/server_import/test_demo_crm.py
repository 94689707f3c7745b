"""The demo company's CRM: two years of plausible sales history, targets, an agenda, deals with a
history the lifecycle allows, and prospects waiting for the office."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from itertools import pairwise

import pytest

from sfa_desktop.domain import lifecycle
from sfa_desktop.domain.pyramid import CustomerFacts, PyramidClass, Temperature, rank_customers
from sfa_server.demo_data import generate
from sfa_server.erp_import import ids

TODAY = dt.date(2026, 3, 16)


@pytest.fixture(scope="module")
def small():
    return generate("small", 7, today=TODAY)


def _by_customer(rows):
    out = defaultdict(list)
    for r in rows:
        out[r["customer_id"]].append((r["document_date"], r["net_amount"]))
    return out


def test_two_years_of_history_that_buys_like_customers_do(small) -> None:
    history = small.rows["sales_history"]
    days = [r["document_date"] for r in history]
    assert min(days) >= dt.date(2024, 4, 1) and max(days) < TODAY  # 24 calendar months up to yesterday
    assert all(r["net_amount"] != 0 and (r["net_amount"] > 0) == (r["quantity"] > 0) for r in history)
    assert any(r["net_amount"] < 0 for r in history)  # a few returns
    prospects = {c["id"] for c in small.rows["customers"] if c["status"] == "prospect"}
    assert not prospects & {r["customer_id"] for r in history}
    line = history[0]
    assert line["id"] == ids.sales_line_id(line["customer_id"], line["document_number"],
                                           line["document_date"].isoformat(), str(line["line_no"]))
    # the season: August is quieter than the year's average month
    by_month = defaultdict(Decimal)
    for r in history:
        by_month[r["document_date"].month] += r["net_amount"]
    assert by_month[8] < sum(by_month.values()) / 12
    # the pyramid finds regulars, slipping customers and never-buyers in it
    statuses = {c["id"]: c["status"] for c in small.rows["customers"]}
    ranks = rank_customers([CustomerFacts(c, statuses[c], p) for c, p in _by_customer(history).items()], today=TODAY)
    classes = {r.pyramid_class for r in ranks}
    assert {PyramidClass.CLIENT, PyramidClass.USER} <= classes
    assert any(r.temperature is Temperature.FREDDO and r.pyramid_class is not PyramidClass.USER for r in ranks)
    assert len(ranks) < len(statuses)  # some customers never bought


def test_the_large_profile_stays_within_its_budget() -> None:
    large = generate("large", 1, today=TODAY)
    history = large.rows["sales_history"]
    assert 150_000 <= len(history) <= 300_000
    by_customer = _by_customer(history)
    assert len(by_customer) >= 3_000  # most of the 5,000 bought something
    big = [c for c, lines in by_customer.items() if len({d for d, _ in lines}) >= 60]
    assert 40 <= len(big) <= 200  # the few who buy every week
    stopped = [c for c, lines in by_customer.items()
               if len({d.month for d, _ in lines}) >= 10 and 80 <= (TODAY - max(d for d, _ in lines)).days <= 140]
    assert len(stopped) >= 100  # regulars who stopped three or four months ago


def test_targets_are_per_agent_and_month(small) -> None:
    targets = small.rows["targets"]
    agents = {u["id"] for u in small.rows["users"] if u["role"] == "agent"}
    assert {t["agent_id"] for t in targets} == agents
    assert all(t["month"].day == 1 and t["amount"] > 0 and t["amount"] % 500 == 0 for t in targets)
    assert {t["month"].year for t in targets} == {2025, 2026}
    assert any(t["category"] for t in targets) and any(t["category"] is None for t in targets)


def test_the_agenda_has_done_planned_and_overdue_activities(small) -> None:
    activities = small.rows["activities"]
    now = dt.datetime(2026, 3, 16, 6, tzinfo=dt.UTC)
    done = [a for a in activities if a["done_at"]]
    planned = [a for a in activities if a["done_at"] is None]
    assert done and all(a["outcome"] for a in done) and all(a["occurred_at"] == a["done_at"] for a in done)
    assert any(a["planned_at"] < now for a in planned) and any(a["planned_at"] > now for a in planned)
    assert any(a["follow_up_of"] for a in activities) and any(a["next_action"] for a in done)
    kinds = {a["kind"] for a in activities}
    assert {"visit", "call"} <= kinds and "note" not in {a["kind"] for a in planned}


def test_deals_went_through_stages_the_lifecycle_allows(small) -> None:
    deals = small.rows["deals"]
    linked = {q["deal_id"] for q in small.rows["quotes"] if q["deal_id"]}
    assert linked and linked <= {d["id"] for d in deals}
    for deal in deals:
        history = deal["stage_history"]
        assert history[0]["stage"] == "contatto" and history[-1]["stage"] == deal["stage"]
        for before, after in pairwise(history):
            lifecycle.deal_transition(before["stage"], after["stage"], lost_reason=after["reason"],
                                      offer_made=lifecycle.deal_offer_made(history[:history.index(after)]),
                                      expected_close=deal["expected_close"], today=TODAY)
            assert before["at"] <= after["at"]
    assert {"chiuso_vinto", "chiuso_perso"} <= {d["stage"] for d in deals}


def test_prospects_wait_for_the_office(small) -> None:
    reviews = small.rows["prospect_reviews"]
    prospects = {c["id"] for c in small.rows["customers"] if c["status"] == "prospect"}
    assert reviews and {r["id"] for r in reviews} <= prospects
    assert all(r["status"] == "pending" and isinstance(r["candidates"], list) for r in reviews)
