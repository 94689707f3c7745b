"""The customer 360°: the figures an agent reads before a visit, worked out by hand in conftest.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sfa_desktop.i18n import render
from sfa_desktop.operations.read.customer360 import customer_360

from .conftest import TODAY

D = Decimal


def view(replica, customer_id="c1", **kw):
    kw.setdefault("today", TODAY)
    with replica.session() as s:
        return customer_360(s, customer_id, **kw)


def test_master_data_addresses_and_contacts(replica):
    v = view(replica)
    assert (v.customer.name, v.customer.vat_number, v.customer.payment_terms) == (
        "Ćirić Impianti S.r.l.", "IT01234567890", "RB 60 gg DF FM")
    assert (v.customer.price_list_code, v.customer.price_list_name) == ("VIP", "Listino installatori")
    assert [(a.kind, a.city, a.province) for a in v.addresses] == [("billing", "Bologna", "BO"),
                                                                   ("shipping", "Modena", "MO")]
    assert [c.name for c in v.contacts] == ["Anna Neri", "Zoran Ćirić"]
    assert (v.row.last_visit_date, v.row.last_order_date) == (dt.date(2026, 11, 10), dt.date(2026, 11, 20))


def test_open_invoices_with_their_days_past_due(replica):
    invoices = view(replica).credit.invoices
    # the settled FT 90 is not listed; oldest due first
    assert [(i.document_number, i.open_amount, i.days_past_due, i.overdue) for i in invoices] == [
        ("FT 2026/00100", D("600.00"), 53, True),    # due 30 Sep, 400 of 1,000 paid
        ("FT 2026/00150", D("1500.00"), 22, True),   # due 31 Oct
        ("FT 2026/00200", D("700.00"), 0, False),    # due today: not overdue yet
        ("FT 2026/00250", D("200.00"), 0, False),    # due 31 Dec
    ]


def test_credit_situation_and_its_explanation(replica):
    credit = view(replica).credit
    s = credit.situation
    assert (s.credit_limit, s.balance, s.open_orders) == (D(10000), D(3000), D("2200.00"))
    assert (s.overdue, s.outstanding, s.overdue_erp) == (D("2100.00"), D("3000.00"), D(500))
    assert credit.available == D("4800.00")
    # the open orders counted: pending approval (1,830) and approved not yet fulfilled (370); not the draft
    assert [o.number for o in credit.open_orders] == ["O-AG07-2026-00003", "O-AG07-2026-00006"]
    assert [(x.code, x.operation, x.amount) for x in credit.availability] == [
        ("credit_limit", "", D(10000)), ("balance", "-", D(3000)), ("open_orders", "-", D("2200.00")),
        ("available", "=", D("4800.00"))]
    assert [(x.code, x.amount) for x in credit.owed] == [
        ("overdue", D("2100.00")), ("not_yet_due", D("900.00")), ("outstanding", D("3000.00")),
        ("overdue_erp", D(500))]  # the ERP says 500: shown beside, never used
    assert render(credit.availability[2].label, "en") == "Open orders (2)"
    assert render(credit.owed[0].label, "it") == "Scaduto al 22/11/2026 (2 fatture)"


def test_over_the_limit_and_not_managed(replica):
    verdi = view(replica, "c4").credit
    assert verdi.available == D("-1000.00")
    assert [(x.code, x.amount) for x in verdi.availability][-1] == ("over_by", D("1000.00"))
    rossi = view(replica, "c2").credit
    assert rossi.available is None
    assert [x.code for x in rossi.availability] == ["not_managed"]
    assert rossi.situation.overdue == 0 and rossi.invoices[0].days_past_due == 0


def test_overdue_moves_with_the_day(replica):
    credit = view(replica, today=dt.date(2026, 12, 1)).credit
    assert credit.situation.overdue == D("2800.00")
    assert [i.days_past_due for i in credit.invoices] == [62, 31, 9, 0]


def test_open_quotes_show_their_display_status_and_open_orders_the_office_notes(replica):
    v = view(replica)
    # q1 was sent and is past its validity: shown expired; q2 is won (not open); q5 is a draft
    assert [(q.number, q.status) for q in v.open_quotes] == [("Q-AG07-2026-00005", "draft"),
                                                             ("Q-AG07-2026-00001", "expired")]
    assert [(o.number, o.status) for o in v.open_orders] == [
        ("DRAFT-o5", "draft"), ("O-AG07-2026-00003", "pending_approval"), ("O-AG07-2026-00006", "approved")]
    assert [q.number for q in view(replica, quotes=1).open_quotes] == ["Q-AG07-2026-00005"]
    approved = v.open_orders[2]
    assert (approved.decision_note, approved.decided_by) == ("Ok, consegna urgente", "ufficio.vendite")
    assert v.open_orders[1].needs_approval_reasons == 1


def test_order_history_newest_first_without_drafts_and_limited(replica):
    v = view(replica)
    assert [o.number for o in v.order_history] == [
        "O-AG07-2026-00003", "O-AG07-2026-00006", "O-AG07-2026-00004", "O-AG07-2026-00002", "O-AG07-2026-00001"]
    rejected = v.order_history[2]
    assert (rejected.status, rejected.decision_note) == ("rejected", "Fido superato: incassare prima")
    assert len(view(replica, orders=2).order_history) == 2


def test_last_price_sold_per_product_from_approved_or_fulfilled_orders(replica):
    prices = view(replica).last_prices
    assert [(p.sku, p.order_number, p.date, p.quantity, p.unit_price, p.discount, p.net_unit_price)
            for p in prices] == [
        # o6 (18 Nov, approved) is the latest sale of p2; o1 sold it at 24.00 before
        ("CAV-FS17-25N", "O-AG07-2026-00006", dt.date(2026, 11, 18), D(1), D("23.50"), None, D("23.5000")),
        # o2 (5 Oct, fulfilled): 0.50 less 5+2 = 0.4655; o1's 0.52 less 10 is older
        ("CAV-FS17-25", "O-AG07-2026-00002", dt.date(2026, 10, 5), D(200), D("0.50"), "5+2", D("0.4655")),
    ]
    # not from the pending order (p5), the rejected one (p3) or the draft (p3)
    assert {p.product_id for p in prices} == {"p1", "p2"}
    assert len(view(replica, prices=1).last_prices) == 1


def test_activities_and_deals(replica):
    v = view(replica)
    assert [a.subject for a in v.activities] == ["Sollecito pagamento", "Visita cantiere"]
    assert [a.subject for a in view(replica, activities=1).activities] == ["Sollecito pagamento"]
    # open deals first
    assert [(d.title, d.closed) for d in v.deals] == [("Impianto capannone Nord", False),
                                                       ("Illuminazione uffici", True)]


def test_a_prospect_with_nothing_yet(replica):
    v = view(replica, "c3")
    assert v.addresses == () and v.credit.invoices == () and v.open_orders == () and v.last_prices == ()
    assert v.row.city == "Modena" and v.credit.available is None


def test_unknown_customer_is_none(replica):
    assert view(replica, "nobody") is None
    assert view(replica, "") is None
    assert view(replica, None) is None
