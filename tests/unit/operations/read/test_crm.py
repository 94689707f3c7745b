"""Activities (the agenda) and deals: by customer, by day range, by stage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sfa_desktop.operations.read.crm import ACTIVITY_SORTS, DEAL_SORTS, activity_ids, activity_rows, deal_ids, deal_rows


def activities(replica, **kw):
    with replica.session() as s:
        return activity_ids(s, **kw)


def deals(replica, **kw):
    with replica.session() as s:
        return deal_ids(s, **kw)


def test_agenda_of_some_days_newest_first(replica):
    assert activities(replica, date_from=dt.date(2026, 11, 10), date_to=dt.date(2026, 11, 18)) == [
        "a_call_c1", "a_visit_c1"]
    assert activities(replica, date_from=dt.date(2026, 11, 21), date_to=dt.date(2026, 11, 21)) == ["a_visit_c5"]
    assert activities(replica, date_to=dt.date(2026, 6, 30)) == ["a_visit_c2"]
    assert activities(replica, date_from=dt.date(2026, 11, 22)) == []


def test_activities_by_customer_and_kind(replica):
    assert activities(replica, customer_id="c2") == ["a_call_c2", "a_visit_c2"]
    assert activities(replica, kind="visit") == ["a_visit_c5", "a_visit_c1", "a_visit_c2"]
    assert activities(replica, kind=["call"], customer_id="c1") == ["a_call_c1"]
    assert activities(replica, customer_id="nobody") == [] and activities(replica, kind=[]) == []


def test_activity_sorts(replica):
    assert activities(replica, sort="occurred_at", descending=False)[0] == "a_visit_c2"
    assert activities(replica, sort="customer", descending=False) == [
        "a_visit_c1", "a_call_c1", "a_visit_c5", "a_visit_c2", "a_call_c2"]  # Ćirić, Élite, Rossi; by time
    assert activities(replica, sort="subject", descending=False)[0] == "a_visit_c5"  # Demo prodotti LED
    assert activities(replica, sort="kind", descending=False) == [
        "a_call_c2", "a_call_c1", "a_visit_c2", "a_visit_c1", "a_visit_c5"]  # then by time
    for sort in ACTIVITY_SORTS:
        assert len(activities(replica, sort=sort)) == 5
    with pytest.raises(ValueError):
        activities(replica, sort="notes")


def test_activity_rows(replica):
    with replica.session() as s:
        [row] = activity_rows(s, ["a_visit_c1", "nope"])
    assert (row.customer_name, row.kind, row.subject, row.occurred_at) == (
        "Ćirić Impianti S.r.l.", "visit", "Visita cantiere", dt.datetime(2026, 11, 10, 9, 30, tzinfo=dt.UTC))


def test_deals_by_stage_customer_and_expected_close(replica):
    assert deals(replica) == ["dl3", "dl2", "dl1"]
    assert deals(replica, stage="offerta") == ["dl1"]
    assert deals(replica, stage=["contatto", "chiuso_perso"]) == ["dl3", "dl2"]
    assert deals(replica, open_only=True) == ["dl3", "dl1"]
    assert deals(replica, customer_id="c1", open_only=True) == ["dl1"]
    assert deals(replica, close_from=dt.date(2026, 12, 1), close_to=dt.date(2026, 12, 31)) == ["dl1"]
    assert deals(replica, stage="nonsense") == []


def test_deal_sorts(replica):
    assert deals(replica, sort="stage", descending=False) == ["dl3", "dl1", "dl2"]  # the sales process order
    assert deals(replica, sort="amount", descending=True) == ["dl1", "dl2", "dl3"]  # no amount: last
    assert deals(replica, sort="expected_close", descending=False) == ["dl2", "dl1", "dl3"]
    assert deals(replica, sort="title", descending=False) == ["dl2", "dl1", "dl3"]  # Illuminazione, Impianto, Quadri
    assert deals(replica, sort="customer", descending=False) == ["dl1", "dl2", "dl3"]  # Ćirić's by last change
    assert deals(replica, sort="updated_at", descending=False) == ["dl1", "dl2", "dl3"]
    for sort in DEAL_SORTS:
        assert len(deals(replica, sort=sort)) == 3


def test_deal_rows(replica):
    with replica.session() as s:
        dl1, dl2 = deal_rows(s, ["dl1", "dl2"])
    assert (dl1.title, dl1.stage, dl1.closed, dl1.amount) == ("Impianto capannone Nord", "offerta", False,
                                                              Decimal(25000))
    assert (dl2.closed, dl2.close_reason) == (True, "prezzo")
