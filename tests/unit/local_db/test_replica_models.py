"""The replica's tables: same columns as the sync streams, exact money, UTC times, local tables."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, StatementError

from sfa_desktop.local_db.models import (
    LOCAL_COLUMNS,
    STREAM_TABLES,
    Conflict,
    Customer,
    NumberSequence,
    Order,
    OrderLine,
    OutboxCommand,
    Product,
    SyncCursor,
)
from sfa_desktop.sync import protocol

from .helpers import add_order, add_products, customer_row, product_row

SAMPLE = {
    protocol.STR: "Caffè «Perché» 'x'",
    protocol.INT: 42,
    protocol.DECIMAL: "1234.5600",
    protocol.DATE: "2026-02-28",
    protocol.DATETIME: "2026-02-28T23:30:00.123456+01:00",
    protocol.BOOL: True,
    protocol.JSON: {"reasons": ["discount", "credit"], "amount": "12.10"},
    protocol.BYTES: "JVBERi0xLjQK",
}


def test_every_stream_has_a_table_with_exactly_its_columns():
    assert list(STREAM_TABLES) == list(protocol.STREAMS)
    for name, stream in protocol.STREAMS.items():
        table = STREAM_TABLES[name].__table__
        assert set(table.c.keys()) - LOCAL_COLUMNS == set(stream.field_names), name
        assert [c.name for c in table.primary_key] == ["id"]
        for f in stream.fields:
            assert table.c[f.name].nullable == f.nullable or f.name == "id", f"{name}.{f.name}"


def test_decoded_wire_rows_of_every_stream_round_trip_exactly(replica):
    """What the sync engine will do: decode a page row, upsert it with Core, read it back."""
    written = {}
    with replica.session(write=True) as s:
        for name, stream in protocol.STREAMS.items():
            wire = {f.name: SAMPLE[f.type] for f in stream.fields} | {"id": f"{name}-1"}
            wire |= {k: v for k, v in (("quote_id", "quotes-1"), ("order_id", "orders-1")) if k in wire}
            row = protocol.decode_row(name, wire)
            table = STREAM_TABLES[name].__table__
            stmt = sqlite_insert(table).values([row])
            s.execute(stmt.on_conflict_do_update(
                index_elements=["id"], set_={k: stmt.excluded[k] for k in row if k != "id"}))
            s.execute(stmt.on_conflict_do_update(  # the same change twice changes nothing
                index_elements=["id"], set_={k: stmt.excluded[k] for k in row if k != "id"}))
            written[name] = row
    with replica.session() as s:
        for name, row in written.items():
            table = STREAM_TABLES[name].__table__
            back = s.execute(select(table)).mappings().one()
            assert {k: back[k] for k in row} == row, name
            assert protocol.row_checksum_text(name, back) == protocol.row_checksum_text(name, row)
            if "dirty" in table.c:
                assert back["dirty"] is False


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=None))
def test_decimals_come_back_identical(replica, value):
    with replica.session(write=True) as s:
        s.execute(delete(Product))
        s.execute(insert(Product), [product_row(1, cost=value)])
    with replica.session() as s:
        back = s.scalar(select(Product.cost))
    assert back == value and str(back) == str(value)


def test_float_money_and_naive_times_are_refused(replica):
    with pytest.raises(StatementError, match="must be Decimal"), replica.session(write=True) as s:
        s.execute(insert(Product), [product_row(1, cost=1.1)])
    order, _ = _order("o1")
    order["created_at"] = dt.datetime(2026, 1, 1, 12, 0)  # naive
    with pytest.raises(StatementError, match="timezone-aware"), replica.session(write=True) as s:
        s.execute(insert(Order), [order])


def _order(order_id: str) -> tuple[dict, list[dict]]:
    from .helpers import order_rows

    return order_rows(order_id)


def test_times_are_stored_in_utc_and_sort_by_time(replica):
    rome = ZoneInfo("Europe/Rome")
    with replica.session(write=True) as s:
        for oid, when in (("late", dt.datetime(2026, 3, 29, 3, 30, tzinfo=rome)),  # after DST jump
                          ("early", dt.datetime(2026, 3, 29, 1, 30, tzinfo=rome))):
            order, _ = _order(oid)
            s.execute(insert(Order), [order | {"created_at": when}])
    with replica.session() as s:
        rows = s.execute(select(Order.id, Order.created_at).order_by(Order.created_at)).all()
        raw = s.connection().exec_driver_sql("SELECT created_at FROM orders WHERE id='late'").scalar()
    assert [r.id for r in rows] == ["early", "late"]
    assert rows[1].created_at == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    assert raw == "2026-03-29T01:30:00.000000+00:00"


def test_deleting_an_order_removes_its_lines(replica):
    add_order(replica, "o1", lines=4)
    add_order(replica, "o2", lines=2)
    with replica.session(write=True) as s:
        s.execute(delete(Order).where(Order.id == "o1"))
    with replica.session() as s:
        assert s.scalars(select(OrderLine.order_id).distinct()).all() == ["o2"]


def test_a_line_without_its_order_cannot_be_committed(replica):
    _, lines = _order("ghost")
    with pytest.raises(IntegrityError), replica.session(write=True) as s:
        s.execute(insert(OrderLine), lines)


def test_outbox_keeps_commands_in_the_order_they_were_queued(replica):
    ids = [str(uuid.uuid4()) for _ in range(5)]
    with replica.session(write=True) as s:
        s.execute(insert(OutboxCommand), [
            {"id": i, "type": "order.submit", "payload": {"quantity": Decimal("1.50")}} for i in ids[:3]])
    with replica.session(write=True) as s:
        s.add_all([OutboxCommand(id=i, type="activity.log", payload={}, depends_on=[ids[0]])
                   for i in ids[3:]])
    with replica.session() as s:
        rows = s.scalars(select(OutboxCommand).order_by(OutboxCommand.seq)).all()
    assert [r.id for r in rows] == ids
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].payload == {"quantity": "1.50"} and rows[0].status == "pending"
    assert rows[4].depends_on == [ids[0]] and rows[4].created_at.tzinfo is not None


@pytest.mark.parametrize("model, values", [
    (OutboxCommand, {"id": "x", "type": "t", "payload": {}, "status": "lost"}),
    (Conflict, {"id": "x", "kind": "k", "title": "t", "message": "m", "status": "maybe"}),
    (SyncCursor, {"id": 2, "cursor": "c"}),
    (NumberSequence, {"kind": "order", "year": 2026, "last_used": -1}),
])
def test_local_tables_refuse_impossible_values(replica, model, values):
    with pytest.raises(IntegrityError), replica.session(write=True) as s:
        s.execute(insert(model), [values])


def test_local_edits_mark_rows_dirty_and_a_sync_upsert_keeps_the_flag(replica):
    with replica.session(write=True) as s:
        s.add(Customer(**customer_row(1)))
    with replica.session(write=True) as s:
        customer = s.get(Customer, "c1")
        customer.phone, customer.dirty = "+39 02 1234567", True
    with replica.session(write=True) as s:
        row = customer_row(1, balance=Decimal("250.00"))
        stmt = sqlite_insert(Customer).values([row])
        s.execute(stmt.on_conflict_do_update(index_elements=["id"],
                                             set_={"balance": stmt.excluded.balance}))
    with replica.session() as s:
        back = s.get(Customer, "c1")
        assert (back.dirty, back.balance, back.phone) == (True, Decimal("250.00"), "+39 02 1234567")
        assert s.scalar(select(func.count()).select_from(Customer)) == 1


def test_products_bulk_insert_many_rows(replica):
    add_products(replica, [product_row(i) for i in range(2000)])
    with replica.session() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 2000
