"""The customer 360 view: what is owed, what is overdue, and the exposure from open orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import insert

from sfa_desktop.local_db.models import Address, Contact, OpenItem
from sfa_desktop.local_db.queries import customer_overview

from .helpers import add_customers, add_order, customer_row

TODAY = dt.date(2026, 3, 2)


def item(i: int, due: dt.date, amount: str, paid: str = "0") -> dict:
    return dict(id=f"i{i}", customer_id="c1", document_number=f"FT-{i}", document_date=dt.date(2026, 1, 5),
                due_date=due, amount=Decimal(amount), paid=Decimal(paid))


def test_overview_sums_what_is_owed_and_the_open_orders(replica):
    add_customers(replica, [customer_row(1, credit_limit=Decimal("5000.00"), balance=Decimal("1200.50")),
                            customer_row(2)])
    with replica.session(write=True) as s:
        s.execute(insert(Address), [
            dict(id="ad2", customer_id="c1", kind="shipping", street="Via Roma 1", city="Bergamo",
                 country="IT"),
            dict(id="ad1", customer_id="c1", kind="billing", street="Via Verdi 2", city="Bergamo",
                 country="IT"),
            dict(id="ad3", customer_id="c2", kind="billing", street="Altrove", city="Milano", country="IT")])
        s.execute(insert(Contact), [dict(id="k1", customer_id="c1", name="Mario Rossi", role="buyer")])
        s.execute(insert(OpenItem), [
            item(1, dt.date(2026, 2, 1), "1000.00", "400.00"),   # overdue, partly paid
            item(2, dt.date(2026, 4, 1), "600.50"),              # not due yet
            item(3, dt.date(2026, 1, 1), "300.00", "300.00"),    # paid: not open
        ])
    add_order(replica, "o1", status="approved", grand_total=Decimal("3000.00"))
    add_order(replica, "o2", status="pending_approval", grand_total=Decimal("1000.25"))
    add_order(replica, "o3", status="draft", grand_total=Decimal("999.00"))      # not committed
    add_order(replica, "o4", status="fulfilled", grand_total=Decimal("999.00"))  # already invoiced
    add_order(replica, "o5", customer_id="c2", status="approved")

    with replica.session() as s:
        view = customer_overview(s, customer_id="c1", today=TODAY)
    assert [a.kind for a in view.addresses] == ["billing", "shipping"]
    assert [c.name for c in view.contacts] == ["Mario Rossi"]
    assert [i.id for i in view.open_items] == ["i1", "i2"]
    assert view.outstanding == Decimal("1200.50") and view.overdue == Decimal("600.00")
    assert {o.id for o in view.open_orders} == {"o1", "o2"}
    assert view.open_orders_total == Decimal("4000.25")
    assert view.exposure == Decimal("5200.75")
    assert view.credit_available == Decimal("-200.75") and view.over_credit_limit


def test_unknown_customer_gives_none(replica):
    with replica.session() as s:
        assert customer_overview(s, customer_id="nobody", today=TODAY) is None
