"""Applying pulled pages: bulk upserts and deletes, resets, the agent's unsent rows kept."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy import text as sql_text

from sfa_desktop.local_db.engine import Replica
from sfa_desktop.local_db.models import Customer, Deal, Order, OrderLine, Product
from sfa_desktop.local_db.search import search_customers
from sfa_desktop.sync import apply, protocol, state

from .rows import delete, page, upsert, wire_row


def apply_one(replica: Replica, p: protocol.PullPage) -> apply.PageOutcome:
    with replica.session(write=True) as s:
        out = apply.apply_page(s.connection(), p)
        state.write_cursor(s.connection(), p.cursor)
    return out


def test_upserts_then_updates_then_deletes(replica: Replica) -> None:
    apply_one(replica, page(upsert("products", "p1", name="Vite M6", vat_rate="22.00"),
                            upsert("products", "p2", name="Dado M6")))
    apply_one(replica, page(upsert("products", "p1", name="Vite M6 inox", vat_rate="22.00"),
                            delete("products", "p2"), cursor="v1.2.2"))
    with replica.session() as s:
        rows = s.execute(select(Product.id, Product.name, Product.vat_rate)).all()
        assert rows == [("p1", "Vite M6 inox", Decimal("22.00"))]
        assert state.read_cursor(s).cursor == "v1.2.2"


def test_last_change_of_an_id_in_a_page_wins(replica: Replica) -> None:
    apply_one(replica, page(upsert("products", "p1"), delete("products", "p1"),
                            upsert("products", "p2"), delete("products", "p2"), upsert("products", "p2")))
    with replica.session() as s:
        assert s.scalars(select(Product.id)).all() == ["p2"]


def test_reset_empties_the_stream_before_applying(replica: Replica) -> None:
    apply_one(replica, page(upsert("products", "p1"), upsert("products", "p2")))
    apply_one(replica, page(upsert("products", "p3"), reset=["products"]))
    with replica.session() as s:
        assert s.scalars(select(Product.id)).all() == ["p3"]


def test_unsent_local_changes_are_not_overwritten_or_deleted(replica: Replica) -> None:
    apply_one(replica, page(upsert("customers", "c1", name="Rossi", phone="1"),
                            upsert("customers", "c2", name="Bianchi")))
    with replica.session(write=True) as s:
        s.execute(update(Customer).where(Customer.id == "c1").values(phone="999", dirty=True))
    out = apply_one(replica, page(upsert("customers", "c1", name="Rossi", phone="2"),
                                  delete("customers", "c2"), cursor="v1.3.3"))
    assert out.kept_local == 1 and "customers" in out.kept_streams
    with replica.session() as s:
        assert s.execute(select(Customer.id, Customer.phone)).all() == [("c1", "999")]


def test_lines_of_a_document_being_edited_stay_as_the_agent_left_them(replica: Replica) -> None:
    apply_one(replica, page(upsert("orders", "o1"), upsert("order_lines", "l1", order_id="o1"),
                            upsert("orders", "o2"), upsert("order_lines", "l2", order_id="o2")))
    with replica.session(write=True) as s:
        s.execute(update(Order).where(Order.id == "o1").values(dirty=True))
    apply_one(replica, page(delete("order_lines", "l1"), upsert("order_lines", "l9", order_id="o1"),
                            delete("order_lines", "l2"), cursor="v1.4.4"))
    with replica.session() as s:
        assert s.scalars(select(OrderLine.id)).all() == ["l1"]


def test_clear_stream_keeps_dirty_rows_and_their_lines(replica: Replica) -> None:
    apply_one(replica, page(upsert("orders", "o1"), upsert("order_lines", "l1", order_id="o1"),
                            upsert("orders", "o2"), upsert("order_lines", "l2", order_id="o2")))
    with replica.session(write=True) as s:
        s.execute(update(Order).where(Order.id == "o1").values(dirty=True))
        apply.clear_stream(s.connection(), "orders")
        apply.clear_stream(s.connection(), "order_lines")
    with replica.session() as s:
        assert s.scalars(select(Order.id)).all() == ["o1"]
        assert s.scalars(select(OrderLine.id)).all() == ["l1"]


def test_local_checksum_uses_the_server_recipe(replica: Replica) -> None:
    rows = [wire_row("products", pid, name=f"P {pid}", cost="0.10") for pid in ("b", "a", "c")]
    apply_one(replica, page(*({"s": "products", "op": "u", "id": r["id"], "row": r} for r in rows)))
    expected = hashlib.sha256()
    for r in sorted(rows, key=lambda r: r["id"]):
        decoded = protocol.decode_row("products", r)
        expected.update(protocol.row_checksum_text("products", decoded).encode() + b"\n")
    with replica.session() as s:
        assert apply.stream_checksum(s.connection(), "products") == (3, expected.hexdigest())
        assert apply.stream_checksum(s.connection(), "orders") == (0, hashlib.sha256().hexdigest())


def test_checksum_matches_the_server_function(replica: Replica) -> None:
    from sfa_server.checksums import stream_checksum

    rows = [wire_row("stock_levels", f"s{i}", on_hand=f"{i}.500", as_of="2026-01-15T10:00:00.123+00:00")
            for i in range(5)]
    apply_one(replica, page(*({"s": "stock_levels", "op": "u", "id": r["id"], "row": r} for r in rows)))
    server = stream_checksum("stock_levels", [protocol.decode_row("stock_levels", r) for r in rows])
    with replica.session() as s:
        assert apply.stream_checksum(s.connection(), "stock_levels") == (server["count"], server["checksum"])


def test_lines_whose_document_is_missing_are_skipped_not_fatal(replica: Replica) -> None:
    out = apply_one(replica, page(upsert("orders", "o1"), upsert("order_lines", "l1", order_id="o1"),
                                  upsert("order_lines", "l2", order_id="o-not-here")))
    assert out.orphaned_streams == {"order_lines"}
    with replica.session() as s:  # the commit went through (no foreign key failure)
        assert s.scalars(select(OrderLine.id)).all() == ["l1"]


def test_bulk_upsert_stores_what_the_orm_reads_back_exactly(replica: Replica) -> None:
    # The executemany path binds plain tuples: money keeps its exact text, datetimes come back
    # aware in UTC, the local `dirty` column gets its default, and search sees the new rows.
    apply_one(replica, page(upsert("customers", "c1", name="Ferramenta Rossi", credit_limit="1500.50",
                                   balance="0.10", overdue_amount="1E+2", city="Città di Castello")))
    with replica.session() as s:
        c = s.get(Customer, "c1")
        assert (c.credit_limit, c.balance, c.overdue_amount) == (Decimal("1500.50"), Decimal("0.10"),
                                                                  Decimal("1E+2"))
        assert c.dirty is False
        raw = s.execute(sql_text("SELECT credit_limit, dirty FROM customers WHERE id = 'c1'")).one()
        assert tuple(raw) == ("1500.50", 0)
        assert [h.id for h in search_customers(s, "castello")] == ["c1"]
    apply_one(replica, page(upsert("deals", "d1", customer_id="c1", expected_close="2026-03-31",
                                   updated_at="2026-01-15T12:00:00+02:00"), cursor="v1.2.2"))
    with replica.session() as s:
        d = s.get(Deal, "d1")
        assert d.updated_at == dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)
        assert d.expected_close == dt.date(2026, 3, 31) and d.dirty is False


def test_bulk_upsert_refuses_a_float_for_money(replica: Replica) -> None:
    good = page(upsert("customers", "c1"))
    row = dict(good.changes[0].row or {}, credit_limit=1.5)  # never produced by the decoder
    bad = protocol.PullPage("v1.1.1", False, [protocol.Change("customers", protocol.UPSERT, "c1", row)])
    with pytest.raises(TypeError, match="must be Decimal"), replica.session(write=True) as s:
        apply.apply_page(s.connection(), bad)
    with replica.session() as s:
        assert s.get(Customer, "c1") is None
