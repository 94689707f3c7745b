"""A real SQLCipher replica holding a small, hand-made portfolio whose figures are worked out below.

Customers (TODAY = 22 Nov 2026):
  c1 Ćirić Impianti  Bologna BO  limit 10,000  balance 3,000  open items 600 + 1,500 overdue, 700 due
                     today, 200 later -> overdue 2,100; open orders o3 1,830 + o6 370 -> available 4,800
  c2 Rossi S.r.l.    Milano MI   no limit      balance 800, nothing overdue, last visit June
  c3 Bianchi         Modena      prospect, no address, never visited
  c4 Verdi Impianti  Parma PR    blocked, limit 5,000, balance 6,000 all overdue -> over by 1,000
  c5 Élite Luce      Forlì FC    limit 20,000, nothing owed, visited yesterday
The read fixture is built once per module and only read; tests that write build their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from sfa_desktop.domain.approval import ApprovalReason
from sfa_desktop.local_db import open_replica
from sfa_desktop.local_db.models import (
    Activity,
    Address,
    Contact,
    Customer,
    Deal,
    OpenItem,
    Order,
    OrderLine,
    OutboxCommand,
    PriceList,
    PriceListItem,
    Product,
    ProductDocument,
    Quote,
    StockLevel,
    User,
    Warehouse,
)
from sfa_desktop.operations import create_prospect, edit_customer, log_activity, save_deal, send_quote, submit_order
from sfa_desktop.operations.customers import ProspectDraft
from sfa_desktop.operations.lines import LineRequest
from sfa_desktop.sync import answers, outbox, protocol

TODAY = dt.date(2026, 11, 22)
D = Decimal


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}:00+00:00")


def customer(id_: str, name: str, **kw) -> dict:
    row = dict(id=id_, name=name, erp_code=None, vat_number=None, segment=None, status="active",
               price_list_id=None, credit_limit=D(0), balance=D(0), overdue_amount=D(0), language="it", city=None)
    row.update(kw)
    return row


def product(id_: str, sku: str, name: str, brand: str, category: str, **kw) -> dict:
    row = dict(id=id_, sku=sku, name=name, brand=brand, category=category, unit="PZ", vat_rate=D(22),
               active=True, barcode=None, pack_size=None, min_quantity=None, description=None)
    row.update(kw)
    return row


def order(id_: str, number: str, customer_id: str, status: str, created: str, total: str, **kw) -> dict:
    row = dict(id=id_, number=number, customer_id=customer_id, agent_id="u1", status=status, currency="EUR",
               taxable_total=D(total) / D("1.22"), vat_total=D(0), grand_total=D(total), created_at=at(created),
               updated_at=at(created), quote_id=None, approval_reasons=None, decision_note=None,
               decided_by=None, decided_at=None)
    row["taxable_total"] = row["taxable_total"].quantize(D("0.01"))
    row.update(kw)
    return row


def line(order_id: str, no: int, product_id: str, sku: str, qty: str, price: str, discount: str | None = None,
         unit: str = "M") -> dict:
    quantity, unit_price = D(qty), D(price)
    return dict(id=f"{order_id}-{no:03d}", order_id=order_id, line_no=no, product_id=product_id, sku=sku,
                description=f"{sku} description", quantity=quantity, unit=unit, unit_price=unit_price,
                discount=discount, vat_rate=D(22), net_amount=(quantity * unit_price).quantize(D("0.01")),
                price_list_id="base", price_list_version=3)


def quote(id_: str, number: str, customer_id: str, status: str, created: str, valid_until: str | None, total: str,
          **kw) -> dict:
    row = dict(id=id_, number=number, customer_id=customer_id, agent_id="u1", status=status, revision=1,
               previous_revision_id=None, valid_until=dt.date.fromisoformat(valid_until) if valid_until else None,
               currency="EUR", taxable_total=D(total), vat_total=D(0), grand_total=D(total), created_at=at(created),
               updated_at=at(created))
    row.update(kw)
    return row


CREDIT_REASON = ApprovalReason(rule="credit_limit", figure=D("12030.00"), limit=D("10000"), role="office")


def fill(rep) -> None:
    with rep.session(write=True) as s:
        s.execute(insert(User), [{"id": "u1", "username": "ag07", "full_name": "Marco Bellini", "role": "agent",
                                  "agent_code": "AG07", "number_block_start": 10000, "number_block_end": 10999}])
        s.execute(insert(Warehouse), [{"id": "w1", "code": "MI", "name": "Magazzino Milano"},
                                      {"id": "w2", "code": "BO", "name": "Deposito Bologna"}])
        s.execute(insert(Product), [
            product("p1", "CAV-FS17-25", "Cavo unipolare FS17 2,5 mm²", "Prysmian", "Cavi", unit="M",
                    pack_size=D(100), min_quantity=D(100), barcode="8012345000011"),
            product("p2", "CAV-FS17-25N", "Cavo unipolare FS17 2.5 mm² nero", "Nexans", "Cavi", unit="M"),
            product("p3", "CAV-FS17-15", "Cavo unipolare FS17 1,5 mm²", "Prysmian", "Cavi", unit="M"),
            product("p4", "TUB-25", "Tubo corrugato 25x2 5m", "Dielectrix", "Tubi"),
            product("p5", "INT-MT-16", "Interruttore magnetotermico 1P+N 16A", "BTicino", "Protezione"),
            product("p6", "LAM-E27", "Lampadina LED E27 10W", "Philips", "Illuminazione", active=False),
            product("p7", "CAV-H07-25", "Cavo H07RN-F 2,5 mm2", "prysmian", "Cavi", unit="M"),
        ])
        s.execute(insert(StockLevel), [
            dict(id="s1", product_id="p1", warehouse_id="w1", on_hand=D(120), reserved=D(20), available=D(100),
                 incoming=None, incoming_date=None, as_of=at("2026-11-22", "05:00")),
            dict(id="s2", product_id="p1", warehouse_id="w2", on_hand=D(10), reserved=D(10), available=D(0),
                 incoming=D(500), incoming_date=dt.date(2026, 12, 5), as_of=at("2026-11-21", "05:00")),
            dict(id="s3", product_id="p2", warehouse_id="w1", on_hand=D(5), reserved=D(5), available=D("0.000"),
                 as_of=at("2026-11-22", "05:00")),
            dict(id="s4", product_id="p3", warehouse_id="w2", on_hand=D("7.5"), reserved=D(0), available=D("7.5"),
                 as_of=at("2026-11-22", "05:00")),
            dict(id="s5", product_id="p5", warehouse_id="w1", on_hand=D(0), reserved=D(2), available=D(-2),
                 as_of=at("2026-11-22", "05:00")),
            dict(id="s6", product_id="p7", warehouse_id="w1", on_hand=D(40), reserved=D(0), available=D(40),
                 as_of=at("2026-11-22", "05:00")),
        ])
        s.execute(insert(ProductDocument), [
            dict(id="d1", product_id="p1", kind="datasheet", title="Scheda tecnica FS17", filename="fs17.pdf",
                 media_type="application/pdf", size=8, sha256=hashlib.sha256(b"%PDF-1.7").hexdigest(),
                 content=b"%PDF-1.7"),
            dict(id="d2", product_id="p1", kind="certificate", title="Dichiarazione CE", filename="ce.pdf",
                 media_type="application/pdf", size=120_000, sha256="0" * 64, content=None),
        ])
        s.execute(insert(PriceList), [
            dict(id="base", code="BASE", name="Listino generale", currency="EUR", version=3,
                 valid_from=dt.date(2026, 1, 1), valid_to=None, is_base=True),
            dict(id="vip", code="VIP", name="Listino installatori", currency="EUR", version=1,
                 valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 12, 31), is_base=False),
        ])
        s.execute(insert(PriceListItem), [
            dict(id=f"i{n}", price_list_id=pl, product_id=pid, min_quantity=D(q), price=D(p))
            for n, (pl, pid, q, p) in enumerate([
                ("base", "p1", "1", "0.55"), ("base", "p1", "500", "0.48"), ("base", "p1", "1000", "0.45"),
                ("base", "p2", "1", "0.60"), ("vip", "p2", "1", "0.50"), ("vip", "p2", "200", "0.46"),
                ("base", "p3", "1", "0.35"), ("base", "p5", "1", "12.80"), ("vip", "p5", "1", "11.90"),
                ("base", "p6", "1", "3.20"), ("base", "p7", "1", "1.10")])])
        s.execute(insert(Customer), [
            customer("c1", "Ćirić Impianti S.r.l.", erp_code="C00001", vat_number="IT01234567890",
                     segment="Installatori", price_list_id="vip", credit_limit=D(10000), balance=D(3000),
                     overdue_amount=D(500), city="Bologna", default_discount="5", payment_terms="RB 60 gg DF FM",
                     phone="+39 051 123456", email="info@ciric.example.it"),
            customer("c2", "Rossi S.r.l.", erp_code="C00002", vat_number="IT09876543210", segment="Industria",
                     balance=D(800), city="Milano"),
            customer("c3", "Bianchi Elettroforniture di Luca Bianchi", status="prospect", segment="Installatori",
                     city="Modena"),
            customer("c4", "Verdi Impianti S.n.c.", erp_code="C00004", status="blocked", credit_limit=D(5000),
                     balance=D(6000), overdue_amount=D(6000)),
            customer("c5", "Élite Luce S.p.A.", erp_code="C00005", segment="Illuminazione", credit_limit=D(20000),
                     city="Forlì"),
        ])
        s.execute(insert(Address), [
            dict(id="a1", customer_id="c1", kind="billing", street="Via Emilia 221", city="Bologna",
                 postal_code="40133", province="BO", country="IT"),
            dict(id="a2", customer_id="c1", kind="shipping", street="Via del Cantiere 3", city="Modena",
                 postal_code="41121", province="MO", country="IT"),
            dict(id="a3", customer_id="c2", kind="billing", street="Via Torino 5", city="Milano",
                 postal_code="20123", province="MI", country="IT"),
            dict(id="a4", customer_id="c4", kind="billing", street="Strada Farnese 8", city="Parma",
                 postal_code="43121", province="PR", country="IT"),
            dict(id="a5", customer_id="c5", kind="billing", street="Corso Diaz 10", city="Forlì",
                 postal_code="47121", province="fc", country="IT"),
        ])
        s.execute(insert(Contact), [
            dict(id="k1", customer_id="c1", name="Zoran Ćirić", role="titolare", phone="+39 333 1234567"),
            dict(id="k2", customer_id="c1", name="Anna Neri", role="amministrazione", email="anna@ciric.example.it"),
        ])
        s.execute(insert(OpenItem), [
            dict(id="oi1", customer_id="c1", document_number="FT 2026/00100", document_date=dt.date(2026, 8, 20),
                 due_date=dt.date(2026, 9, 30), amount=D("1000.00"), paid=D("400.00")),
            dict(id="oi2", customer_id="c1", document_number="FT 2026/00150", document_date=dt.date(2026, 9, 15),
                 due_date=dt.date(2026, 10, 31), amount=D("1500.00"), paid=D("0")),
            dict(id="oi3", customer_id="c1", document_number="FT 2026/00200", document_date=dt.date(2026, 10, 10),
                 due_date=TODAY, amount=D("700.00"), paid=D("0")),
            dict(id="oi4", customer_id="c1", document_number="FT 2026/00250", document_date=dt.date(2026, 10, 30),
                 due_date=dt.date(2026, 12, 31), amount=D("200.00"), paid=D("0")),
            dict(id="oi5", customer_id="c1", document_number="FT 2026/00090", document_date=dt.date(2026, 7, 1),
                 due_date=dt.date(2026, 8, 31), amount=D("300.00"), paid=D("300.00")),
            dict(id="oi6", customer_id="c2", document_number="FT 2026/00300", document_date=dt.date(2026, 10, 20),
                 due_date=dt.date(2026, 11, 30), amount=D("800.00"), paid=D("0")),
            dict(id="oi7", customer_id="c4", document_number="FT 2026/00050", document_date=dt.date(2026, 5, 10),
                 due_date=dt.date(2026, 7, 31), amount=D("6000.00"), paid=D("0")),
        ])
        s.execute(insert(Quote), [
            quote("q1", "Q-AG07-2026-00001", "c1", "sent", "2026-10-02", "2026-11-01", "500.00"),
            quote("q2", "Q-AG07-2026-00002", "c1", "accepted", "2026-11-01", "2026-11-30", "370.00"),
            quote("q3", "Q-AG07-2026-00003", "c2", "sent", "2026-11-05", "2026-12-20", "1200.00"),
            quote("q4", "Q-AG07-2026-00004", "c2", "draft", "2026-11-12", "2026-12-31", "1100.00", revision=2,
                  previous_revision_id="q3"),
            quote("q5", "Q-AG07-2026-00005", "c1", "draft", "2026-11-21", "2026-12-15", "80.00", dirty=True),
            quote("q6", "Q-AG07-2026-00006", "c5", "lost", "2026-09-01", "2026-10-01", "2000.00",
                  lost_reason="prezzo"),
        ])
        s.execute(insert(Order), [
            order("o1", "O-AG07-2026-00001", "c1", "fulfilled", "2026-09-10", "1220.00"),
            order("o2", "O-AG07-2026-00002", "c1", "fulfilled", "2026-10-05", "119.56"),
            order("o3", "O-AG07-2026-00003", "c1", "pending_approval", "2026-11-20", "1830.00",
                  approval_reasons=[CREDIT_REASON.to_dict()]),
            order("o4", "O-AG07-2026-00004", "c1", "rejected", "2026-11-15", "999.00",
                  decision_note="Fido superato: incassare prima", decided_by="ufficio.vendite",
                  decided_at=at("2026-11-16", "08:30")),
            order("o5", "DRAFT-o5", "c1", "draft", "2026-11-21", "50.00", dirty=True),
            order("o6", "O-AG07-2026-00006", "c1", "approved", "2026-11-18", "370.00", quote_id="q2",
                  decision_note="Ok, consegna urgente", decided_by="ufficio.vendite",
                  decided_at=at("2026-11-18", "15:00")),
            order("o7", "O-AG07-2026-00007", "c2", "fulfilled", "2026-03-01", "610.00"),
        ])
        s.execute(insert(OrderLine), [
            line("o1", 1, "p1", "CAV-FS17-25", "500", "0.52", "10"),
            line("o1", 2, "p2", "CAV-FS17-25N", "2", "24.00"),
            line("o2", 1, "p1", "CAV-FS17-25", "200", "0.50", "5+2"),
            line("o3", 1, "p5", "INT-MT-16", "150", "12.20", unit="PZ"),
            line("o4", 1, "p3", "CAV-FS17-15", "1", "10.00"),
            line("o5", 1, "p3", "CAV-FS17-15", "100", "0.35"),
            line("o6", 1, "p2", "CAV-FS17-25N", "1", "23.50"),
            line("o7", 1, "p3", "CAV-FS17-15", "1000", "0.50"),
        ])
        s.execute(insert(Activity), [
            dict(id="a_visit_c1", customer_id="c1", agent_id="u1", kind="visit", subject="Visita cantiere",
                 occurred_at=at("2026-11-10", "09:30")),
            dict(id="a_call_c1", customer_id="c1", agent_id="u1", kind="call", subject="Sollecito pagamento",
                 occurred_at=at("2026-11-18", "14:00")),
            dict(id="a_visit_c2", customer_id="c2", agent_id="u1", kind="visit", subject="Presentazione catalogo",
                 occurred_at=at("2026-06-01")),
            dict(id="a_call_c2", customer_id="c2", agent_id="u1", kind="call", subject="Richiesta offerta",
                 occurred_at=at("2026-11-01", "08:00")),
            dict(id="a_visit_c5", customer_id="c5", agent_id="u1", kind="visit", subject="Demo prodotti LED",
                 occurred_at=at("2026-11-21", "15:00")),
        ])
        s.execute(insert(Deal), [
            dict(id="dl1", customer_id="c1", agent_id="u1", title="Impianto capannone Nord", stage="offerta",
                 amount=D(25000), expected_close=dt.date(2026, 12, 15), updated_at=at("2026-11-10")),
            dict(id="dl2", customer_id="c1", agent_id="u1", title="Illuminazione uffici", stage="chiuso_perso",
                 amount=D(8000), expected_close=dt.date(2026, 10, 30), close_reason="prezzo",
                 updated_at=at("2026-11-12")),
            dict(id="dl3", customer_id="c2", agent_id="u1", title="Quadri elettrici", stage="contatto",
                 updated_at=at("2026-11-15")),
        ])


def queue_the_days_work(replica) -> None:
    with replica.session(write=True) as s:
        submit_order(s, customer_id="c2", lines=[LineRequest("p3", D(10))], today=TODAY)
        log_activity(s, customer_id="c1", kind="visit", subject="Visita di cortesia",
                     occurred_at=at("2026-11-22", "09:00"))
        edit_customer(s, customer_id="c2", changes={"phone": "+39 02 1111111"})
        save_deal(s, customer_id="c5", title="Fari LED parcheggio", stage="contatto")
        send_quote(s, quote_id="q5", today=TODAY)
        create_prospect(s, draft=ProspectDraft(name="Nuova Luce di Gino Neri", city="Rimini"), confirmed=True)


def refuse_the_customer_change(replica) -> None:
    with replica.session(write=True) as s:
        row = s.scalars(select(OutboxCommand).where(OutboxCommand.type == "customer.update")).one()
        command = outbox.to_command(row)
        answers.record_result(s, command, protocol.CommandResult(
            command.id, protocol.REJECTED, reason="The office changed the phone", code="conflict",
            server={"phone": "+39 02 9999999"}, message={"code": "text", "params": {"text": "Changed by the office"}}))


@pytest.fixture(scope="module")
def replica(tmp_path_factory):
    """The portfolio above, built once for the module's tests, which only read it."""
    rep = open_replica(tmp_path_factory.mktemp("read") / "agent.sfadb", os.urandom(32))
    fill(rep)
    yield rep
    rep.close()


@pytest.fixture
def writable(tmp_path: Path):
    """The same portfolio in a replica of the test's own, for tests that write."""
    rep = open_replica(tmp_path / "agent.sfadb", os.urandom(32))
    fill(rep)
    yield rep
    rep.close()
