"""Quotes and orders lists and details: display statuses, filters, sorts, lines, revisions, approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sfa_desktop.i18n import render
from sfa_desktop.operations.read.documents import (
    DOCUMENT_SORTS,
    last_prices_sold,
    order_detail,
    order_ids,
    order_rows,
    quote_detail,
    quote_ids,
    quote_rows,
)

from .conftest import TODAY

D = Decimal


def quotes(replica, **kw):
    kw.setdefault("today", TODAY)
    with replica.session() as s:
        return quote_ids(s, **kw)


def orders(replica, **kw):
    with replica.session() as s:
        return order_ids(s, **kw)


def test_quotes_newest_first_latest_revisions_only(replica):
    assert quotes(replica) == ["q5", "q4", "q2", "q1", "q6"]  # q3 was revised by q4
    assert quotes(replica, latest_only=False) == ["q5", "q4", "q3", "q2", "q1", "q6"]


def test_quote_status_filter_uses_the_display_status(replica):
    assert quotes(replica, status="expired") == ["q1"]  # sent, valid until 1 Nov
    assert quotes(replica, status="sent") == []  # q3 is sent but superseded
    assert quotes(replica, status="sent", latest_only=False) == ["q3"]
    assert quotes(replica, status="sent", today=dt.date(2026, 10, 20)) == ["q1"]  # before it expired
    assert quotes(replica, status=["draft", "lost"]) == ["q5", "q4", "q6"]
    assert quotes(replica, status="accepted") == ["q2"]
    # q4's draft (valid until 31 Dec) shows expired in January
    assert quotes(replica, status="expired", today=dt.date(2027, 1, 2)) == ["q5", "q4", "q1"]
    assert quotes(replica, status=[]) == [] and quotes(replica, status="nonsense") == []


def test_quote_customer_text_and_date_filters(replica):
    assert quotes(replica, customer_id="c1") == ["q5", "q2", "q1"]
    assert quotes(replica, customer_id="nobody") == []
    assert quotes(replica, text="00004") == ["q4"]
    assert quotes(replica, text="Q-AG07-2026-0000") == ["q5", "q4", "q2", "q1", "q6"]
    assert quotes(replica, text="rossi") == ["q4"]
    assert quotes(replica, text="ciric") == ["q5", "q2", "q1"]
    assert quotes(replica, text="100%") == [] and quotes(replica, text="_") == []  # LIKE wildcards are text
    assert quotes(replica, text='"*" OR 1=1 --') == []
    assert quotes(replica, text="") == quotes(replica)
    assert quotes(replica, date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 12)) == ["q4", "q2"]
    assert quotes(replica, date_from=dt.date(2026, 11, 21)) == ["q5"]
    assert quotes(replica, date_to=dt.date(2026, 9, 30)) == ["q6"]


@pytest.mark.parametrize(("sort", "expected"), [
    ("date", ["q6", "q1", "q2", "q4", "q5"]),
    ("number", ["q1", "q2", "q4", "q5", "q6"]),
    ("customer", ["q1", "q2", "q5", "q6", "q4"]),   # Ćirić, Élite, Rossi; then by date
    ("total", ["q5", "q2", "q1", "q4", "q6"]),
    ("status", ["q2", "q4", "q5", "q1", "q6"]),     # accepted, draft, draft (ties by date), expired, lost
    ("valid_until", ["q6", "q1", "q2", "q5", "q4"]),
])
def test_every_quote_sort(replica, sort, expected):
    assert quotes(replica, sort=sort, descending=False) == expected


def test_quote_rows(replica):
    with replica.session() as s:
        q1, q3, q5 = quote_rows(s, ["q1", "q3", "q5", "nope"], today=TODAY)
    assert (q1.number, q1.customer_name, q1.status, q1.stored_status, q1.grand_total) == (
        "Q-AG07-2026-00001", "Ćirić Impianti S.r.l.", "expired", "sent", D("500.00"))
    assert not q3.is_latest_revision and q5.is_latest_revision and q5.unsent


def test_quote_detail_with_lines_revisions_and_orders(replica):
    with replica.session() as s:
        q4 = quote_detail(s, "q4", today=TODAY)
        q3 = quote_detail(s, "q3", today=TODAY)
        q2 = quote_detail(s, "q2", today=TODAY)
        assert quote_detail(s, "nope") is None and quote_detail(s, None) is None
    assert [(r.number, r.revision, r.status) for r in q4.revisions] == [
        ("Q-AG07-2026-00003", 1, "sent"), ("Q-AG07-2026-00004", 2, "draft")]
    assert q3.revisions == q4.revisions  # the same chain seen from the older revision
    assert [o.number for o in q2.orders] == ["O-AG07-2026-00006"]
    assert q4.lines == ()


def test_orders_list_filters_and_sorts(replica):
    assert orders(replica) == ["o5", "o3", "o6", "o4", "o2", "o1", "o7"]
    assert orders(replica, status="approved") == ["o6"]
    assert orders(replica, status=["rejected", "pending_approval"]) == ["o3", "o4"]
    assert orders(replica, customer_id="c2") == ["o7"]
    assert orders(replica, text="rossi") == ["o7"]
    assert orders(replica, text="draft") == ["o5"]
    assert orders(replica, text="' OR ''='") == []
    assert orders(replica, date_from=dt.date(2026, 11, 15), date_to=dt.date(2026, 11, 18)) == ["o6", "o4"]
    assert orders(replica, sort="number", descending=False) == ["o5", "o1", "o2", "o3", "o4", "o6", "o7"]
    assert orders(replica, sort="date", descending=False) == ["o7", "o1", "o2", "o4", "o6", "o3", "o5"]
    assert orders(replica, sort="total", descending=True) == ["o3", "o1", "o4", "o7", "o6", "o2", "o5"]
    assert orders(replica, sort="customer", descending=False) == ["o1", "o2", "o4", "o6", "o3", "o5", "o7"]
    assert orders(replica, sort="customer")[0] == "o7"  # Rossi first; ties still oldest first
    assert orders(replica, sort="status", status=["approved", "draft", "fulfilled"], descending=False) == [
        "o6", "o5", "o7", "o1", "o2"]
    for sort in DOCUMENT_SORTS:
        assert len(orders(replica, sort=sort)) == 7
    with pytest.raises(ValueError):
        orders(replica, sort="valid_until")


def test_order_rows_and_detail_with_approval_reasons_and_decision(replica):
    with replica.session() as s:
        [o4] = order_rows(s, ["o4"])
        o3 = order_detail(s, "o3", today=TODAY)
        o6 = order_detail(s, "o6", today=TODAY)
        assert order_detail(s, "nope") is None
    assert (o4.status, o4.decision_note, o4.decided_by, o4.decided_at.date()) == (
        "rejected", "Fido superato: incassare prima", "ufficio.vendite", dt.date(2026, 11, 16))
    [reason] = o3.approval_reasons
    assert (reason.rule, reason.role) == ("credit_limit", "office")
    assert render(reason.message, "en") == ("Credit exposure €12,030.00 (balance, open orders and this order) "
                                            "is above the credit limit of €10,000.00.")
    assert render(reason.role_label, "en") == "the sales office"
    assert [(ln.sku, ln.quantity, ln.unit_price, ln.net_amount) for ln in o3.lines] == [
        ("INT-MT-16", D(150), D("12.20"), D("1830.00"))]
    assert o3.quote is None
    assert (o6.quote.number, o6.quote.status) == ("Q-AG07-2026-00002", "accepted")


def test_last_prices_sold_for_some_products(replica):
    with replica.session() as s:
        assert [p.order_number for p in last_prices_sold(s, "c1", product_ids=["p1"])] == ["O-AG07-2026-00002"]
        assert last_prices_sold(s, "c1", product_ids=["p5"]) == []  # only on a pending order
        assert last_prices_sold(s, "c1", product_ids=[]) == []
        assert [p.product_id for p in last_prices_sold(s, "c2")] == ["p3"]
        assert last_prices_sold(s, "nobody") == []
