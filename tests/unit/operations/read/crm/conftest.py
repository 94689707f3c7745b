"""A replica with an agent, a catalog, customers, a sales history, targets, quotes, orders, deals and
visits whose figures are computed by hand in the tests (today is 22 November 2026)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert

from sfa_desktop.local_db import open_replica
from sfa_desktop.local_db.models import (
    Activity,
    Customer,
    Deal,
    Order,
    OrderLine,
    Product,
    ProspectReview,
    Quote,
    SalesHistory,
    Target,
    User,
)

TODAY = dt.date(2026, 11, 22)

D = Decimal
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


def _at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def sale(n: int, customer: str, day: str, product: str, quantity: str, amount: str, category: str | None) -> dict:
    return {"id": f"h{n}", "customer_id": customer, "product_id": product, "document_number": f"FT {n}",
            "document_date": dt.date.fromisoformat(day), "line_no": 1, "quantity": D(quantity), "unit": None,
            "net_amount": D(amount), "category": category}


def quote(qid: str, status: str, total: str, *, previous: str | None = None, valid_until: str = "2026-12-31",
          created: str = "2026-10-01", deal: str | None = None, customer: str = "c1") -> dict:
    return {"id": qid, "number": f"Q-AG07-2026-{qid}", "customer_id": customer, "agent_id": "u1",
            "status": status, "revision": 2 if previous else 1, "previous_revision_id": previous,
            "valid_until": dt.date.fromisoformat(valid_until), "currency": "EUR", "taxable_total": D(total),
            "vat_total": D(0), "grand_total": D(total), "created_at": _at(created), "updated_at": _at(created, 12),
            "deal_id": deal}


def _order(oid: str, status: str, taxable: str, lines: list[tuple[str, str]]) -> tuple[dict, list[dict]]:
    header = {"id": oid, "number": f"O-AG07-2026-{oid}", "customer_id": "c1", "agent_id": "u1", "status": status,
              "currency": "EUR", "taxable_total": D(taxable), "vat_total": D(0), "grand_total": D(taxable),
              "created_at": _at("2026-09-15"), "updated_at": _at("2026-09-15")}
    rows = [{"id": f"{oid}-{n:03d}", "order_id": oid, "line_no": n, "product_id": "p1", "sku": "CAV-FS17-15",
             "description": "Cavo", "quantity": D(q), "unit": "M", "unit_price": D(p), "vat_rate": D(22),
             "net_amount": D(0)} for n, (q, p) in enumerate(lines, start=1)]
    return header, rows


def activity(aid: str, customer: str, kind: str, *, planned: dt.datetime | None, done: dt.datetime | None,
             subject: str = "Visita", follow_up_of: str | None = None) -> dict:
    return {"id": aid, "customer_id": customer, "agent_id": "u1", "kind": kind, "subject": subject,
            "occurred_at": done or planned, "planned_at": planned, "done_at": done, "follow_up_of": follow_up_of}


@pytest.fixture
def crm(tmp_path: Path):
    replica = open_replica(tmp_path / "agent.sfadb", os.urandom(32))
    with replica.session(write=True) as s:
        s.execute(insert(User), [{"id": "u1", "username": "ag07", "full_name": "Marco Bellini", "role": "agent",
                                  "agent_code": "AG07", "number_block_start": 10000, "number_block_end": 10002}])
        s.execute(insert(Product), [
            {"id": "p1", "sku": "CAV-FS17-15", "name": "Cavo unipolare FS17 1,5 mm²", "unit": "M",
             "vat_rate": D(22), "pack_size": D(100), "active": True},
            {"id": "p2", "sku": "LIB-ISTR", "name": "Manuale tecnico impianti", "unit": "PZ", "vat_rate": D(4),
             "active": True}])
        s.execute(insert(Customer), [
            {"id": "c1", "name": "Ćirić Impianti S.r.l.", "status": "active", "credit_limit": D(10000),
             "balance": D(0), "overdue_amount": D(0), "language": "it"},
            {"id": "c2", "name": "Bloccata S.p.A.", "status": "blocked", "credit_limit": D(0), "balance": D(0),
             "overdue_amount": D(0), "language": "en"},
        ])
        s.execute(insert(Customer), [
            {"id": "c3", "name": "Rossi Impianti S.r.l.", "status": "active", "credit_limit": D(0),
             "balance": D(0), "overdue_amount": D(0), "language": "it", "city": "Parma"},
            {"id": "c4", "name": "Nuova Luce S.n.c.", "status": "prospect", "credit_limit": D(0), "balance": D(0),
             "overdue_amount": D(0), "language": "it", "dirty": True},
        ])
        s.execute(insert(SalesHistory), [
            sale(1, "c1", "2026-11-05", "p1", "100", "1000.00", "Cavi"),
            sale(2, "c1", "2026-11-20", "p2", "1", "500.00", None),
            sale(3, "c1", "2026-10-10", "p1", "200", "2000.00", "Cavi"),
            sale(4, "c1", "2025-12-15", "p2", "1", "700.00", None),
            sale(5, "c3", "2026-11-10", "p2", "3", "300.00", None),
            sale(6, "c3", "2026-11-12", "p2", "-1", "-100.00", None),   # a return
            sale(7, "c2", "2026-01-15", "p1", "400", "4000.00", "Cavi"),
            sale(8, "c2", "2024-06-15", "p1", "10", "99.00", "Cavi"),     # before the 24 months read
        ])
        s.execute(insert(Target), [
            {"id": "t1", "agent_id": "u1", "month": dt.date(2026, 11, 1), "category": None, "amount": D(5000)},
            {"id": "t2", "agent_id": "u1", "month": dt.date(2026, 11, 1), "category": "Cavi", "amount": D(2000)},
            {"id": "t3", "agent_id": "u1", "month": dt.date(2026, 1, 1), "category": None, "amount": D(3000)},
            {"id": "t4", "agent_id": "u1", "month": dt.date(2026, 10, 1), "category": None, "amount": D(2500)},
            {"id": "t5", "agent_id": "u1", "month": dt.date(2025, 11, 1), "category": None, "amount": D(9999)},
        ])
        s.execute(insert(Quote), [
            quote("q1", "accepted", "1000.00", deal="d1"), quote("q2", "lost", "500.00"),
            quote("q3", "sent", "800.00", deal="d1", valid_until="2026-12-10", created="2026-11-15"),
            quote("q4a", "lost", "9000.00"), quote("q4b", "accepted", "300.00", previous="q4a"),
            quote("q5", "draft", "50.00"), quote("q6", "sent", "70.00", valid_until="2026-11-01"),  # expired
            quote("q7", "accepted", "123.00", created="2025-10-01"),  # before the period
        ])
        for header, lines in (_order("o1", "approved", "180.00", [("10", "10.00"), ("5", "20.00")]),
                              _order("o2", "rejected", "1.00", [("100", "10.00")]),
                              _order("o3", "fulfilled", "50.00", [("1", "50.00")])):
            s.execute(insert(Order), [header])
            s.execute(insert(OrderLine), lines)
        s.execute(insert(Deal), [
            {"id": "d1", "customer_id": "c1", "agent_id": "u1", "title": "Quadri nuova sede", "stage": "offerta",
             "amount": D(5000), "expected_close": dt.date(2026, 12, 15), "updated_at": _at("2026-11-02"),
             "stage_history": [{"stage": "contatto", "from": None, "at": "2026-10-01T08:00:00+00:00", "reason": None},
                               {"stage": "offerta", "from": "contatto", "at": "2026-11-02T09:00:00+00:00",
                                "reason": "listino 2026"}]},
            {"id": "d2", "customer_id": "c3", "agent_id": "u1", "title": "Cavi cantiere", "stage": "offerta",
             "amount": None, "expected_close": None, "updated_at": _at("2026-11-03")},
            {"id": "d3", "customer_id": "c1", "agent_id": "u1", "title": "LED magazzino", "stage": "chiuso_vinto",
             "amount": D(100), "expected_close": None, "updated_at": _at("2026-11-20")},
        ])
        s.execute(insert(Activity), [
            activity("a1", "c1", "visit", planned=None, done=_at("2026-11-01")),
            activity("a2", "c3", "visit", planned=_at("2026-09-01"), done=_at("2026-09-01")),
            activity("a3", "c3", "visit", planned=_at("2026-11-25", 8), done=None, subject="Visita periodica"),
            activity("a4", "c1", "call", planned=_at("2026-11-20", 15), done=None, subject="Richiamare",
                     follow_up_of="a1"),                                              # overdue
            activity("a5", "c1", "call", planned=_at("2026-11-23", 9), done=None, subject="Telefonata"),
            activity("a6", "c1", "visit", planned=_at("2026-11-30", 9), done=None),  # next week
        ])
        s.execute(insert(ProspectReview), [
            {"id": "c9", "agent_id": "u1", "customer_id": "c1", "name": "Ciric Impianti", "status": "merged",
             "note": "È già nostro cliente", "created_at": _at("2026-11-01"), "decided_at": _at("2026-11-02")},
            {"id": "c8", "agent_id": "u1", "customer_id": None, "name": "Altra Ditta", "status": "merged",
             "note": None, "created_at": _at("2026-10-01"), "decided_at": _at("2026-10-02")},
        ])
    yield replica
    replica.close()
