"""The pyramid, the agenda, the deal board and the prospects' outcomes, read from a real replica."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, insert, select

from sfa_desktop.domain.agenda import ActivityState
from sfa_desktop.domain.lifecycle import DealStage, QuoteStatus
from sfa_desktop.domain.messages import format_message
from sfa_desktop.domain.pyramid import PyramidClass, Temperature
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.models import SalesHistory, Setting
from sfa_desktop.operations.pyramid import (
    drop_expired_history,
    pyramid_is_stale,
    refresh_crm,
    refresh_if_stale,
    refresh_pyramid,
)
from sfa_desktop.operations.read import agenda, deals, prospects, pyramid

from .conftest import NOW, TODAY, sale

D = Decimal


def test_the_pyramid_is_computed_from_the_history_and_filters_customers(crm):
    with crm.session(write=True) as s:
        assert pyramid_is_stale(s, today=TODAY)
        refresh_pyramid(s, today=TODAY)
        assert not pyramid_is_stale(s, today=TODAY)
    with crm.session() as s:
        ranks = pyramid.customer_ranks(s, ["c1", "c2", "c3", "c4"], today=TODAY)
        assert {c: (r.pyramid_class, r.temperature) for c, r in ranks.items()} == {
            # c1: December, October, November -> 3 months, a user; every 26 days, 2 days ago; May-October 2,000
            # against November-April 700: growing
            "c1": (PyramidClass.USER, Temperature.MOLTO_CALDO),
            "c2": (PyramidClass.USER, Temperature.INCERTO),  # one purchase (the 2024 one is too old)
            "c3": (PyramidClass.USER, Temperature.INCERTO),  # a purchase and a return
            "c4": (PyramidClass.PROSPECT, Temperature.INCERTO),
        }
        c1 = ranks["c1"]
        assert (c1.active_months, c1.year_value, c1.usual_interval_days, c1.days_since_purchase) == (
            3, D(4200), 26, 2)
        assert [format_message(m, "en") for m in c1.explanation] == [
            "Bought in 3 of the last 12 months: €4,200.00.", "Last order 2 days ago, usually every 26 days.",
            "Last 6 months €2,000.00, up from €700.00."]
        assert pyramid.customer_ids_by_class(s, classes=["user"]) == ["c1", "c2", "c3"]  # by value
        assert pyramid.customer_ids_by_class(s, classes="user", order="name") == ["c2", "c1", "c3"]  # Bl, Ći, Ro
        assert pyramid.customer_ids_by_class(s, temperatures=["incerto"], classes=["prospect"]) == ["c4"]
        counts = pyramid.pyramid_counts(s)
        assert counts[PyramidClass.USER][Temperature.INCERTO] == 2 and counts[PyramidClass.ADVOCATE][
            Temperature.CALDO] == 0
        # four days later c1's rank says 6 days since its last order (the stored rank is of the 22nd)
        assert pyramid.customer_rank(s, "c1", today=TODAY + dt.timedelta(days=4)).days_since_purchase == 6


def test_a_regular_customer_who_stopped_is_suggested_for_a_visit(crm):
    with crm.session(write=True) as s:  # c3 bought 900 on the 10th of every month until July (and 200 net in November)
        s.execute(insert(SalesHistory), [sale(100 + m, "c3", f"2025-{m:02d}-10" if m > 7 else f"2026-{m:02d}-10",
                                              "p1", "10", "900.00", "Cavi") for m in range(1, 13) if m != 8])
        refresh_pyramid(s, today=TODAY)
    with crm.session() as s:
        rank = pyramid.customer_rank(s, "c3", today=TODAY)
        assert (rank.pyramid_class, rank.temperature) == (PyramidClass.CLIENT, Temperature.FREDDO)
        assert pyramid.slipping_customer_ids(s) == ["c3"]
        tips = agenda.suggested_visits(s, today=TODAY, now=NOW)
        # c3 has a visit planned on the 25th: not suggested; the waiting quote q3 is (q6 expired)
        assert tips.slipping == ()
        assert [q.quote_id for q in tips.waiting_quotes] == ["q3"] and tips.waiting_quotes[0].days_waiting == 7
    with crm.session(write=True) as s:
        s.connection().exec_driver_sql("DELETE FROM activities WHERE id = 'a3'")
    with crm.session() as s:
        tips = agenda.suggested_visits(s, today=TODAY, now=NOW)
        assert [c.customer_id for c in tips.slipping] == ["c3"]
        # on rhythm again (12 days, every 31) but buying half: May-October 2,700 against 5,400 the six before
        assert [format_message(m, "en") for m in tips.slipping[0].explanation[1:]] == [
            "Last order 12 days ago, usually every 31 days.", "Last 6 months €2,700.00, down from €5,400.00."]


def test_the_day_and_the_week_of_the_agenda(crm):
    with crm.session() as s:
        week = agenda.week_agenda(s, day=TODAY, now=NOW, tz=dt.UTC)  # Sunday 22 November: 16-22
        assert week.days[0][0] == dt.date(2026, 11, 16)
        assert {d: [i.activity_id for i in items] for d, items in week.days if items} == {
            dt.date(2026, 11, 20): ["a4"]}
        assert [i.activity_id for i in week.overdue] == ["a4"] and week.overdue[0].state is ActivityState.OVERDUE
        assert week.overdue[0].customer_name == "Ćirić Impianti S.r.l." and week.overdue[0].follow_up_of == "a1"
        next_week = agenda.week_agenda(s, day=dt.date(2026, 11, 23), now=NOW, tz=dt.UTC)
        assert [[i.activity_id for i in items] for _, items in next_week.days] == [
            ["a5"], [], ["a3"], [], [], [], []]
        monday = agenda.day_agenda(s, day=dt.date(2026, 11, 23), now=NOW, tz=dt.UTC)
        assert [(i.activity_id, i.state) for i in monday] == [("a5", ActivityState.PLANNED)]
        assert [i.activity_id for i in agenda.customer_activities(s, "c3", now=NOW, planned_only=True)] == ["a3"]
        assert agenda.activity_item(s, "a1", now=NOW).state is ActivityState.DONE


def test_the_deal_board_the_list_and_a_deals_history(crm):
    with crm.session() as s:
        board = {c.stage: c for c in deals.deal_board(s)}
        assert [c.deal_id for c in board[DealStage.OFFERTA].cards] == ["d1", "d2"]  # by expected close
        assert board[DealStage.OFFERTA].amount == D(5000) and board[DealStage.CHIUSO_VINTO].cards == ()
        recent = {c.stage: c for c in deals.deal_board(s, closed_since=NOW - dt.timedelta(days=7))}
        assert [c.deal_id for c in recent[DealStage.CHIUSO_VINTO].cards] == ["d3"]
        cards = deals.deal_cards(s, ["d2", "d3", "ghost"])
        assert set(cards) == {"d2", "d3"} and cards["d3"].closed and cards["d2"].customer_name == \
            "Rossi Impianti S.r.l."
        detail = deals.deal_detail(s, "d1", today=TODAY)
        assert [(h.stage, h.previous, h.reason) for h in detail.history] == [
            (DealStage.CONTATTO, None, None), (DealStage.OFFERTA, DealStage.CONTATTO, "listino 2026")]
        assert detail.card.in_stage_since == dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC) and detail.card.quotes == 2
        assert [(q.quote_id, q.status) for q in detail.quotes] == [("q3", QuoteStatus.SENT),
                                                                   ("q1", QuoteStatus.ACCEPTED)]
        assert deals.deal_detail(s, "ghost", today=TODAY) is None


def test_the_prospects_and_what_the_office_decided(crm):
    with crm.session() as s:
        rows = prospects.prospect_rows(s)
    assert [(r.prospect_id, r.outcome.value, r.customer_id) for r in rows] == [
        ("c4", "unsent", "c4"), ("c9", "merged", "c1"), ("c8", "merged", None)]
    assert format_message(rows[1].message, "en").startswith("The office found it is Ćirić Impianti S.r.l.")
    assert format_message(rows[2].message, "en").startswith("The office found it is a customer another agent")
    assert str(rows[0].label) == "not sent yet"


def test_the_history_older_than_the_server_keeps_is_dropped(crm):
    with crm.session(write=True) as s:
        assert drop_expired_history(s).empty  # no horizon published: nothing goes
        s.add(Setting(id="sales_history_retention", value={"keep_months": 24, "horizon": "2024-12-01"}))
        s.flush()
        changes = refresh_crm(s, today=TODAY)
        assert changes.touches("sales_history", "customer_ranks")
        assert s.scalar(select(func.count()).select_from(SalesHistory)) == 7  # the June 2024 line is gone


def test_after_a_sync_the_ranks_are_refreshed_only_when_something_they_read_changed(crm):
    with crm.session(write=True) as s:
        assert refresh_if_stale(s, today=TODAY).touches("customer_ranks")  # none yet
        assert refresh_if_stale(s, today=TODAY, changes=Changes.of("products", "p1")).empty
        assert refresh_if_stale(s, today=TODAY, changes=Changes.of("sales_history", "h9")).touches("customer_ranks")
        assert refresh_if_stale(s, today=TODAY + dt.timedelta(days=1)).touches("customer_ranks")  # a new day


def test_a_quote_sent_after_this_computers_today_waits_zero_days_not_minus_two(crm):
    """The agenda showed "-2 days" for a quote the server stamped after the agent's today."""
    from sfa_desktop.local_db.models import Quote

    with crm.session(write=True) as s:
        s.get(Quote, "q3").updated_at = dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(12), dt.UTC)
    with crm.session() as s:
        waiting = agenda.suggested_visits(s, today=TODAY, now=NOW).waiting_quotes
        assert [(q.quote_id, q.days_waiting, q.sent_on) for q in waiting] == [("q3", 0, TODAY)]
