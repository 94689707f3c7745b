"""The customer list: every filter, every sort, and the figures of its rows, on a real replica."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sfa_desktop.operations.read.customers import (
    CUSTOMER_SORTS,
    customer_cities,
    customer_ids,
    customer_provinces,
    customer_rows,
    customer_segments,
)

from .conftest import TODAY

ALL = {"c1", "c2", "c3", "c4", "c5"}


def ids(replica, **kw):
    kw.setdefault("today", TODAY)
    with replica.session() as s:
        return customer_ids(s, **kw)


def rows(replica, wanted, today=TODAY):
    with replica.session() as s:
        return customer_rows(s, wanted, today=today)


def test_no_filter_lists_every_customer_by_name_accents_folded(replica):
    # Ćirić sorts with the Cs and Élite with the Es, not after Z
    assert ids(replica) == ["c3", "c1", "c5", "c2", "c4"]
    assert ids(replica, descending=True) == ["c4", "c2", "c5", "c1", "c3"]


@pytest.mark.parametrize(("text", "expected"), [
    ("ciric", ["c1"]),                # accents ignored
    ("ĆIRIĆ imp", ["c1"]),            # case ignored, words as prefixes
    ("elite", ["c5"]),
    ("bolo", ["c1"]),                 # the city
    ("01234567890", ["c1"]),          # a VAT number typed without IT
    ("C00002", ["c2"]),               # the ERP code
    ("impianti", ["c1", "c4"]),
    ("nobody here", []),
])
def test_text_finds_by_name_code_vat_or_city(replica, text, expected):
    assert sorted(ids(replica, text=text)) == sorted(expected)


def test_an_exact_code_comes_before_name_matches(replica):
    assert ids(replica, text="c00004")[0] == "c4"


@pytest.mark.parametrize(("hostile", "expected"), [
    ('"*" OR 1=1 --', set()),                   # words "OR", "1", "1": nobody has them
    ("'; DROP TABLE customers; --", set()),
    ("NEAR(ciric impianti)", set()),             # NEAR is a word to find, not an operator
    ("x" * 5000, set()),
    ("ciric\x00", {"c1"}),
    ('"', ALL), ("*", ALL), ("🙂", ALL),          # nothing to look for: no text filter
])
def test_hostile_search_text_is_only_text(replica, hostile, expected):
    assert set(ids(replica, text=hostile)) == expected
    assert len(ids(replica)) == 5  # and the table is still there


def test_blank_text_and_empty_filters_filter_nothing(replica):
    assert set(ids(replica, text="")) == set(ids(replica, text="   ")) == ALL
    assert ids(replica, segment=[]) == [] and ids(replica, status=()) == []


def test_province_is_the_billing_addresses_and_city_as_listed(replica):
    assert ids(replica, province="BO") == ["c1"]
    assert ids(replica, province="mo") == []  # c1 ships to Modena but is listed under Bologna
    assert ids(replica, province="FC") == ["c5"]  # stored lowercase in the address
    assert ids(replica, city="forli") == ["c5"]
    assert ids(replica, city="Parma") == ["c4"]  # no city on the customer: the billing address's
    assert ids(replica, city="Modena") == ["c3"]


def test_segment_and_status_filters(replica):
    assert ids(replica, segment="Installatori") == ["c3", "c1"]
    assert set(ids(replica, segment=["Installatori", "Industria"])) == {"c1", "c2", "c3"}
    assert ids(replica, status="blocked") == ["c4"]
    assert ids(replica, status=["prospect", "blocked"]) == ["c3", "c4"]
    assert ids(replica, status="nonsense") == []


def test_overdue_is_decided_on_the_day(replica):
    assert ids(replica, overdue_only=True) == ["c1", "c4"]
    # On 30 September nothing of c1 was overdue yet (its first invoice is due that day)
    assert ids(replica, overdue_only=True, today=dt.date(2026, 9, 30)) == ["c4"]
    # From 1 December c2's invoice due 30 November is overdue too
    assert set(ids(replica, overdue_only=True, today=dt.date(2026, 12, 1))) == {"c1", "c2", "c4"}


def test_not_visited_for_days_counts_only_visits_and_includes_never_visited(replica):
    # c2's call on 1 November is not a visit; c3 and c4 were never visited
    assert ids(replica, not_visited_days=30) == ["c3", "c2", "c4"]
    assert ids(replica, not_visited_days=12) == ["c3", "c2", "c4"]   # c1 visited 10 Nov = 12 days ago
    assert ids(replica, not_visited_days=11) == ["c3", "c1", "c2", "c4"]
    assert ids(replica, not_visited_days=0) == ["c3", "c1", "c5", "c2", "c4"]
    with pytest.raises(ValueError):
        ids(replica, not_visited_days=-1)


def test_filters_combine(replica):
    assert ids(replica, text="impianti", overdue_only=True, status="active") == ["c1"]


@pytest.mark.parametrize(("sort", "ascending"), [
    ("name", ["c3", "c1", "c5", "c2", "c4"]),
    ("erp_code", ["c1", "c2", "c4", "c5", "c3"]),                  # no code: last
    ("city", ["c1", "c5", "c2", "c3", "c4"]),                      # Bologna Forlì Milano Modena Parma
    ("province", ["c1", "c5", "c2", "c4", "c3"]),                  # BO FC MI PR, none last
    ("segment", ["c5", "c2", "c3", "c1", "c4"]),                   # ties by name
    ("status", ["c1", "c5", "c2", "c4", "c3"]),
    ("balance", ["c3", "c5", "c2", "c1", "c4"]),
    ("overdue", ["c3", "c5", "c2", "c1", "c4"]),
    ("credit_limit", ["c3", "c2", "c4", "c1", "c5"]),
    ("available", ["c4", "c1", "c5", "c3", "c2"]),                 # no credit management: last
    ("last_order", ["c2", "c1", "c3", "c5", "c4"]),                # never ordered: last
    ("last_visit", ["c2", "c1", "c5", "c3", "c4"]),
])
def test_every_sort(replica, sort, ascending):
    assert ids(replica, sort=sort) == ascending


@pytest.mark.parametrize(("sort", "descending"), [
    ("overdue", ["c4", "c1", "c3", "c5", "c2"]),
    ("available", ["c5", "c1", "c4", "c3", "c2"]),                 # missing values stay last
    ("last_visit", ["c5", "c1", "c2", "c3", "c4"]),
    ("balance", ["c4", "c1", "c2", "c3", "c5"]),
])
def test_descending_keeps_missing_values_last_and_ties_by_name(replica, sort, descending):
    assert ids(replica, sort=sort, descending=True) == descending


def test_every_declared_sort_works(replica):
    for sort in CUSTOMER_SORTS:
        assert set(ids(replica, sort=sort)) == ALL


def test_an_unknown_sort_is_a_bug_not_an_empty_list(replica):
    with pytest.raises(ValueError):
        ids(replica, sort="name; DROP TABLE customers")


def test_rows_carry_the_figures_of_the_credit_panel(replica):
    [c1, c2, c4] = rows(replica, ["c1", "c2", "c4"])
    assert (c1.name, c1.erp_code, c1.city, c1.province, c1.segment, c1.status) == (
        "Ćirić Impianti S.r.l.", "C00001", "Bologna", "BO", "Installatori", "active")
    assert c1.balance == Decimal("3000")
    assert c1.overdue == Decimal("2100.00")  # 600 left on FT 100 + 1,500 of FT 150; FT 200 is due today
    assert c1.credit_limit == Decimal("10000")
    assert c1.available == Decimal("4800.00")  # 10,000 - 3,000 - (1,830 + 370 open orders)
    assert c1.last_order_date == dt.date(2026, 11, 20)  # the draft of 21 Nov is not an order yet
    assert c1.last_visit_date == dt.date(2026, 11, 10)
    assert c2.available is None and c2.overdue == 0 and c2.last_order_date == dt.date(2026, 3, 1)
    assert c4.available == Decimal("-1000.00") and c4.city == "Parma" and c4.province == "PR"


def test_rows_come_in_the_order_asked_and_skip_unknown_ids(replica):
    found = rows(replica, ["c5", "nobody", "c1", "c5", "", None, 42])
    assert [r.id for r in found] == ["c5", "c1"]
    assert rows(replica, []) == []


def test_overdue_in_rows_follows_the_day(replica):
    [c1] = rows(replica, ["c1"], today=dt.date(2026, 11, 23))
    assert c1.overdue == Decimal("2800.00")  # FT 200 (700) became overdue


def test_filter_choices(replica):
    with replica.session() as s:
        assert customer_segments(s) == ["Illuminazione", "Industria", "Installatori"]
        assert customer_cities(s) == ["Bologna", "Forlì", "Milano", "Modena", "Parma"]
        assert customer_provinces(s) == ["BO", "FC", "MI", "PR"]


def test_a_visit_only_planned_is_not_the_last_visit(replica):
    from sqlalchemy import insert

    from sfa_desktop.local_db.models import Activity

    from .conftest import at

    with replica.session(write=True) as s:
        s.execute(insert(Activity), [dict(id="a_plan_c3", customer_id="c3", agent_id="u1", kind="visit",
                                          subject="Visita programmata", occurred_at=at("2026-12-01", "10:00"),
                                          planned_at=at("2026-12-01", "10:00"))])
    assert rows(replica, ["c3"])[0].last_visit_date is None
    assert "c3" in ids(replica, not_visited_days=30)
