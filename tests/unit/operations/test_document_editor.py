"""What the editor reads: the live preview (the one pricing), warnings, codes, and the signed order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from sfa_desktop.domain.signature import SignatureError, check_signature, path_data, strokes_of
from sfa_desktop.local_db.models import OpenItem, Order, OutboxCommand, Product, StockLevel
from sfa_desktop.operations import submit_order
from sfa_desktop.operations.errors import InvalidInputError
from sfa_desktop.operations.lines import LineRequest
from sfa_desktop.operations.orders import save_order_draft
from sfa_desktop.operations.printing import build_print_document
from sfa_desktop.operations.read.editor import editor_document, preview_document, product_facts, product_for_code

from .conftest import TODAY

SIGNED = path_data([[(10, 150), (80, 40), (160, 150)], [(300, 120), (560, 110)]])


def _preview(replica, lines, **kw):
    with replica.session() as s:
        return preview_document(s, customer_id=kw.pop("customer_id", "c1"), lines=lines, today=TODAY, **kw)


def test_preview_equals_what_a_save_stores(replica) -> None:
    lines = [LineRequest("p1", Decimal(200), "10+5"), LineRequest("p2", Decimal(3))]
    preview = _preview(replica, lines, document_discount="2")
    with replica.session(write=True) as s:
        changes = save_order_draft(s, customer_id="c1", lines=lines, document_discount="2", today=TODAY)
    with replica.session() as s:
        order = s.get(Order, changes.created)
        assert preview.grand_total == order.grand_total and preview.vat_total == order.vat_total
    assert {(r.rate, r.nature) for r in preview.vat_rows} == {(Decimal(22), None), (Decimal(4), None)}
    assert preview.problem is None and preview.lines[0].discount == "10+5"


def test_inputs_are_reused_and_read_again_for_a_new_product(replica) -> None:
    first = _preview(replica, [LineRequest("p1", Decimal(100))])
    again = _preview(replica, [LineRequest("p1", Decimal(300))], inputs=first.inputs)
    assert again.inputs is first.inputs and again.lines[0].quantity == 300
    wider = _preview(replica, [LineRequest("p1", Decimal(100)), LineRequest("p2", Decimal(1))], inputs=first.inputs)
    assert wider.inputs is not first.inputs and len(wider.lines) == 2


@pytest.mark.parametrize(("line", "words"), [
    (LineRequest("p1", Decimal(150)), "CAV-FS17-15"),  # not a multiple of the pack of 100
    (LineRequest("p2", Decimal(1), "10++5"), "LIB-ISTR"),
    (LineRequest("nope", Decimal(1)), "1"),
])
def test_a_line_the_core_refuses_is_named(replica, line, words) -> None:
    preview = _preview(replica, [LineRequest("p2", Decimal(1)), line] if line.product_id != "p2" else [line])
    assert preview.problem is not None and preview.lines == ()
    assert preview.problem_line in (1, 2)


def test_price_missing_is_a_problem(replica) -> None:
    with replica.session(write=True) as s:
        s.execute(insert(Product), [{"id": "p9", "sku": "NOPRICE", "name": "Senza prezzo", "unit": "PZ",
                                     "vat_rate": Decimal(22), "active": True}])
    preview = _preview(replica, [LineRequest("p9", Decimal(1))])
    assert preview.problem is not None and "NOPRICE" in str(preview.problem.params)


def test_warnings_for_stock_credit_and_overdue_and_a_blocked_customer(replica) -> None:
    with replica.session(write=True) as s:
        s.execute(insert(StockLevel), [{"id": "s1", "product_id": "p2", "warehouse_id": "w1",
                                        "on_hand": Decimal(2), "reserved": Decimal(0), "available": Decimal(2),
                                        "as_of": dt.datetime(2026, 11, 20, tzinfo=dt.UTC)}])
        s.execute(insert(OpenItem), [{"id": "o1", "customer_id": "c1", "document_number": "F1",
                                      "document_date": TODAY.replace(month=8), "due_date": TODAY.replace(month=9),
                                      "amount": Decimal(500), "paid": Decimal(0)}])
    preview = _preview(replica, [LineRequest("p2", Decimal(500))])
    codes = [m.code for m in preview.warnings]
    assert "editor.stock_short" in codes and "editor.credit_over" in codes and "editor.overdue" in codes
    blocked = _preview(replica, [LineRequest("p2", Decimal(1))], customer_id="c2")
    assert blocked.warnings[0].code == "editor.customer_blocked"


def test_product_for_code_and_facts(replica) -> None:
    with replica.session() as s:
        assert product_for_code(s, "cav-fs17-15") == "p1"
        assert product_for_code(s, "nothing") is None and product_for_code(s, "") is None
        facts = product_facts(s, "c1", ["p1", "p2", "zz"])
    assert set(facts) == {"p1", "p2"} and facts["p1"].suggested_quantity == 100 and facts["p1"].available is None


def test_the_signature_is_kept_with_the_draft_sent_with_the_order_and_printed(replica) -> None:
    lines = [LineRequest("p2", Decimal(1))]
    with replica.session(write=True) as s:
        draft = save_order_draft(s, customer_id="c1", lines=lines, signature=SIGNED, today=TODAY)
    with replica.session() as s:
        assert editor_document(s, "order", draft.created, today=TODAY).signature == SIGNED
    with replica.session(write=True) as s:
        submit_order(s, order_id=draft.created, today=TODAY)
    with replica.session() as s:
        command = s.scalars(select(OutboxCommand).where(OutboxCommand.type == "order.submit")).one()
        assert command.payload["signature"] == SIGNED
        assert build_print_document(s, reference=draft.created).signature == SIGNED


def test_a_bad_signature_is_refused_by_the_operation(replica) -> None:
    with replica.session(write=True) as s, pytest.raises(InvalidInputError):
        save_order_draft(s, customer_id="c1", lines=[LineRequest("p2", Decimal(1))], signature="<svg/>",
                         today=TODAY)


def test_signature_path_data_round_trips_inside_the_box() -> None:
    data = path_data([[(-5, 10), (700, 300), (700, 300), (20, 20)], [(1, 1)]])  # clamped; a dot dropped
    assert data == "M 0 10 L 600 200 L 20 20"
    assert check_signature(data) == data and strokes_of(data) == [[(0, 10), (600, 200), (20, 20)]]
    assert check_signature("") is None
    with pytest.raises(SignatureError):
        check_signature("M 1 1")
