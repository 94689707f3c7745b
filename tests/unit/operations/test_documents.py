"""Drafting quotes and submitting orders offline, on a real SQLCipher replica."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import func, insert, select

from sfa_desktop.domain.discounts import parse_discount
from sfa_desktop.domain.totals import LineInput, document_totals
from sfa_desktop.local_db import open_replica
from sfa_desktop.local_db.models import (
    Address,
    Customer,
    NumberSequence,
    OutboxCommand,
    PriceList,
    PriceListItem,
    Product,
    QuoteLine,
    Setting,
    User,
)
from sfa_desktop.operations.documents import (
    DocumentError,
    LineRequest,
    save_quote_draft,
    submit_order,
)
from sfa_desktop.operations.printing import PrintError, print_to_file

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def replica(tmp_path: Path):
    rep = open_replica(tmp_path / "agent.sfadb", os.urandom(32))
    with rep.session(write=True) as s:
        s.execute(insert(User), [{"id": "u1", "username": "ag07", "full_name": "Marco Bellini",
                                  "role": "agent", "agent_code": "AG07",
                                  "number_block_start": 10000, "number_block_end": 10002}])
        s.execute(insert(Setting), [{"id": "company", "value": {
            "name": "Forniture Padane S.p.A.", "street": "Via dell'Industria 24", "postal_code": "20097",
            "city": "San Donato Milanese", "province": "MI", "vat_number": "IT09876540155"}}])
        s.execute(insert(Product), [
            {"id": "p1", "sku": "CAV-FS17-15", "name": "Cavo unipolare FS17 1,5 mm²", "unit": "M",
             "vat_rate": Decimal(22), "pack_size": Decimal(100), "active": True, "cost": Decimal("0.20")},
            {"id": "p2", "sku": "LIB-ISTR", "name": "Manuale tecnico impianti", "unit": "PZ",
             "vat_rate": Decimal(4), "active": True},
            {"id": "p3", "sku": "OLD-1", "name": "Fuori produzione", "unit": "PZ",
             "vat_rate": Decimal(22), "active": False},
        ])
        s.execute(insert(PriceList), [
            {"id": "base", "code": "BASE", "name": "Listino base", "currency": "EUR", "version": 3,
             "valid_from": dt.date(2026, 1, 1), "valid_to": None, "is_base": True},
            {"id": "vip", "code": "VIP", "name": "Listino VIP", "currency": "EUR", "version": 1,
             "valid_from": dt.date(2026, 1, 1), "valid_to": dt.date(2026, 12, 31), "is_base": False},
        ])
        s.execute(insert(PriceListItem), [
            {"id": "i1", "price_list_id": "base", "product_id": "p1", "min_quantity": Decimal(0),
             "price": Decimal("0.52")},
            {"id": "i2", "price_list_id": "base", "product_id": "p1", "min_quantity": Decimal(500),
             "price": Decimal("0.48")},
            {"id": "i3", "price_list_id": "vip", "product_id": "p2", "min_quantity": Decimal(0),
             "price": Decimal("24.00")},
            {"id": "i4", "price_list_id": "base", "product_id": "p2", "min_quantity": Decimal(0),
             "price": Decimal("26.00")},
        ])
        s.execute(insert(Customer), [
            {"id": "c1", "name": "Ćirić Impianti S.r.l.", "status": "active", "price_list_id": "vip",
             "default_discount": "5", "credit_limit": Decimal(10000), "balance": Decimal(0),
             "overdue_amount": Decimal(0), "language": "it", "payment_terms": "RB 60 gg DF FM"},
            {"id": "c2", "name": "Bloccata S.p.A.", "status": "blocked", "credit_limit": Decimal(0),
             "balance": Decimal(0), "overdue_amount": Decimal(0), "language": "en"},
        ])
        s.execute(insert(Address), [{"id": "a1", "customer_id": "c1", "kind": "billing",
                                     "street": "Via Emilia 221", "city": "Bologna",
                                     "postal_code": "40133", "province": "BO", "country": "IT"}])
    yield rep
    rep.close()


def test_quote_is_priced_numbered_and_queued_with_its_draft(replica):
    with replica.session(write=True) as s:
        quote = save_quote_draft(s, customer_id="c1", today=TODAY, document_discount="2",
                                 lines=[LineRequest("p1", Decimal(500), "10+5+3"),
                                        LineRequest("p2", Decimal(3), None)])
    expected = document_totals([
        LineInput(Decimal(500), Decimal("0.48"), parse_discount("10+5+3"), Decimal(22)),
        LineInput(Decimal(3), Decimal("24.00"), parse_discount("5"), Decimal(4)),  # customer default
    ], parse_discount("2"))
    assert quote.number == "Q-AG07-2026-10000"
    assert quote.grand_total == expected.grand_total
    assert quote.valid_until == TODAY + dt.timedelta(days=30)
    with replica.session() as s:
        lines = s.scalars(select(QuoteLine).order_by(QuoteLine.line_no)).all()
        assert [(ln.sku, ln.unit_price, ln.discount, ln.price_list_id) for ln in lines] == [
            ("CAV-FS17-15", Decimal("0.48"), "10+5+3", "base"), ("LIB-ISTR", Decimal("24.00"), "5", "vip")]
        command = s.scalars(select(OutboxCommand)).one()
        assert command.type == "quote.save" and command.payload["quote_id"] == quote.id
        assert command.payload["lines"][0] == {"product_id": "p1", "quantity": "500", "discount": "10+5+3"}


def test_editing_a_draft_keeps_its_number_and_replaces_lines(replica):
    with replica.session(write=True) as s:
        quote = save_quote_draft(s, customer_id="c1", today=TODAY, lines=[LineRequest("p2", Decimal(1))])
    with replica.session(write=True) as s:
        again = save_quote_draft(s, customer_id="c1", today=TODAY, quote_id=quote.id,
                                 lines=[LineRequest("p2", Decimal(2)), LineRequest("p1", Decimal(100))])
    assert again.number == quote.number
    with replica.session() as s:
        assert s.scalar(select(func.count()).select_from(QuoteLine)) == 2
        assert s.scalar(select(func.count()).select_from(OutboxCommand)) == 2


@pytest.mark.parametrize(("lines", "discount", "message"), [
    ([], None, "at least one product line"),
    ([LineRequest("nope", Decimal(1))], None, "Line 1: the product is not in the catalog"),
    ([LineRequest("p1", Decimal(150))], None, "packs of 100"),
    ([LineRequest("p3", Decimal(1))], None, "inactive"),
    ([LineRequest("p2", Decimal(-1))], None, "more than zero"),
    ([LineRequest("p2", Decimal(1), "10++5")], None, r"Line 1 \(LIB-ISTR\).*two .\+. in a row"),
    ([LineRequest("p2", Decimal(1), "120")], None, r"Line 1 \(LIB-ISTR\).*above 100%"),
    ([LineRequest("p2", Decimal(1))], "abc", "Document discount"),
])
def test_bad_lines_are_refused_in_words_and_nothing_is_written(replica, lines, discount, message):
    with pytest.raises(DocumentError, match=message), replica.session(write=True) as s:
        save_quote_draft(s, customer_id="c1", today=TODAY, lines=lines, document_discount=discount)
    with replica.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxCommand)) == 0
        assert s.scalar(select(func.count()).select_from(NumberSequence)) == 0


def test_blocked_customer_and_exhausted_number_block(replica):
    with pytest.raises(DocumentError, match="blocked"), replica.session(write=True) as s:
        submit_order(s, customer_id="c2", today=TODAY, lines=[LineRequest("p2", Decimal(1))])
    numbers = []
    for _ in range(3):
        with replica.session(write=True) as s:
            numbers.append(submit_order(s, customer_id="c1", today=TODAY,
                                        lines=[LineRequest("p2", Decimal(1))]).number)
    assert numbers == ["O-AG07-2026-10000", "O-AG07-2026-10001", "O-AG07-2026-10002"]
    with pytest.raises(DocumentError, match="used up"), replica.session(write=True) as s:
        submit_order(s, customer_id="c1", today=TODAY, lines=[LineRequest("p2", Decimal(1))])


def test_order_from_a_quote_waits_for_the_quote_command(replica):
    with replica.session(write=True) as s:
        quote = save_quote_draft(s, customer_id="c1", today=TODAY, lines=[LineRequest("p2", Decimal(1))])
        quote.status = "sent"
    with replica.session(write=True) as s:
        order = submit_order(s, customer_id="c1", today=TODAY, quote_id=quote.id,
                             lines=[LineRequest("p2", Decimal(1))])
    with replica.session() as s:
        command = s.scalars(select(OutboxCommand).where(OutboxCommand.type == "order.submit")).one()
        quote_command = s.scalars(select(OutboxCommand).where(OutboxCommand.type == "quote.save")).one()
        assert command.depends_on == [quote_command.id]
        assert command.payload["order_id"] == order.id


def test_printed_quote_carries_lines_totals_and_company(replica, tmp_path):
    with replica.session(write=True) as s:
        quote = save_quote_draft(s, customer_id="c1", today=TODAY,
                                 lines=[LineRequest("p1", Decimal(500), "10+5"),
                                        LineRequest("p2", Decimal(2), "")])
    out = tmp_path / "q.pdf"
    with replica.session() as s:
        print_to_file(s, reference=quote.number, path=out)
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Offerta" in text and quote.number in text
    assert "Forniture Padane S.p.A." in text and "20097 San Donato Milanese (MI)" in text
    assert "CAV-FS17-15" in text and "10+5" in text
    grand = f"{quote.grand_total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert grand in text
    with pytest.raises(PrintError, match="no quote or order"), replica.session() as s:
        print_to_file(s, reference="Q-XX-2026-0001", path=tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


def test_the_synced_company_logo_is_printed_and_a_damaged_one_is_left_out(replica, tmp_path, caplog):
    import base64

    from pypdf import PdfReader

    logo = (Path(__file__).resolve().parents[3] / "resources" / "logo" / "fep-logo.png").read_bytes()
    with replica.session(write=True) as s:
        quote = save_quote_draft(s, customer_id="c1", today=TODAY, lines=[LineRequest("p2", Decimal(1))])
        s.get(Setting, "company").value = {"name": "Padane", "logo_png": base64.b64encode(logo).decode()}

    def images(path: Path) -> int:
        return sum(len(page.images) for page in PdfReader(path).pages)

    with replica.session() as s:
        print_to_file(s, reference=quote.number, path=tmp_path / "with.pdf")
    assert images(tmp_path / "with.pdf") >= 1
    with replica.session(write=True) as s:
        s.get(Setting, "company").value = {"name": "Padane", "logo_png": "bm90IGEgcG5n"}  # "not a png"
    with replica.session() as s:
        print_to_file(s, reference=quote.number, path=tmp_path / "without.pdf")
    assert images(tmp_path / "without.pdf") == 0
    assert "not a PNG image" in caplog.text
