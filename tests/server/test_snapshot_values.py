"""The snapshot's rows are written by the database (sfa_server.snapshot), the feed's by Python
(feed._wire_encoder): a row must reach the client the same either way, on SQLite and PostgreSQL,
including the values where the two could drift (large decimals, datetimes on the second, empty
booleans, JSON, bytes, text that JSON has to escape)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select

from sfa_desktop.sync import protocol as p
from sfa_server import feed, snapshot
from sfa_server.changes import upsert_rows
from sfa_server.deps import Principal
from sfa_server.models import User
from sfa_server.scope import table_of
from tests.server.conftest import Env

NOON = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
OFFICE = Principal("reader", "reader", "office", None, "device", None, None, (0, 0))
TEXT = 'Cavo "FG16" 3×2,5 mm²\nrigo 2\ttab \\ barra \x01 ctrl 🚚 è'


def _edge_rows(env: Env) -> None:
    with env.sessions.begin() as s:
        upsert_rows(s, "products", [
            {"id": "edge-p1", "sku": "EDGE-1", "name": TEXT, "unit": "m", "vat_rate": Decimal("22"),
             "cost": Decimal("3193062254818.1"), "pack_size": Decimal("0.0001"), "active": False,
             "min_quantity": Decimal("99999999999999.9999")},
            {"id": "edge-p2", "sku": "EDGE-2", "name": "x", "unit": "pz", "vat_rate": Decimal("0"),
             "cost": Decimal("-0.5"), "active": True, "description": ""},
        ])
        upsert_rows(s, "product_documents", [
            {"id": "edge-d1", "product_id": "edge-p1", "kind": "datasheet", "title": TEXT, "filename": "a.pdf",
             "media_type": "application/pdf", "size": 300, "sha256": "0" * 64, "content": bytes(range(256)) * 2},
            {"id": "edge-d2", "product_id": "edge-p1", "kind": "photo", "title": "t", "filename": "b.jpg",
             "media_type": "image/jpeg", "size": 0, "sha256": "1" * 64, "content": None},
        ])
        upsert_rows(s, "settings", [{"id": "edge-json", "value": {"testo": TEXT, "n": [1, 2.5, None, True],
                                                                  "nested": {"a": {"b": []}}}}])
        warehouse = s.execute(select(table_of("warehouses").c.id).limit(1)).scalar_one()
        upsert_rows(s, "stock_levels", [
            {"id": "edge-s1", "product_id": "edge-p1", "warehouse_id": warehouse, "on_hand": Decimal("1"),
             "reserved": Decimal("0"), "available": Decimal("1"), "as_of": NOON},
            {"id": "edge-s2", "product_id": "edge-p2", "warehouse_id": warehouse, "on_hand": Decimal("2.125"),
             "reserved": Decimal("0"), "available": Decimal("2.125"), "incoming_date": dt.date(2026, 12, 31),
             "as_of": dt.datetime(2026, 3, 1, 8, 0, 0, 1, tzinfo=dt.UTC)},
        ])
        agent = s.execute(select(User.id).where(User.username == "anna")).scalar_one()
        upsert_rows(s, "orders", [
            {"id": "edge-o1", "number": "O-EDGE-1", "customer_id": env.world.customers["anna"][0], "agent_id": agent,
             "status": "pending_approval", "currency": "EUR", "taxable_total": Decimal("123456789012.3456"),
             "vat_total": Decimal("0.0001"), "grand_total": Decimal("123456789012.3457"),
             "approval_reasons": [{"code": "approval.line_discount", "params": {"testo": TEXT}}],
             "notes": TEXT, "created_at": NOON, "updated_at": NOON + dt.timedelta(microseconds=999_999)},
        ])


def _snapshot_rows(env: Env) -> dict[tuple[str, str], dict]:
    rows: dict[tuple[str, str], dict] = {}
    at = None
    while True:
        with env.sessions() as s, s.begin():
            doc = feed.first_sync_page(s, OFFICE, at, p.MAX_PAGE_SIZE)
        parsed = json.loads(snapshot.page_body(doc))  # what the client receives
        for change in p.wire_changes(parsed):
            rows[(change["s"], change["id"])] = change["row"]
        if not snapshot.is_snapshot_cursor(doc["cursor"]):
            return rows
        at = snapshot.parse(doc["cursor"])


def test_snapshot_rows_are_the_feeds_rows(env: Env) -> None:
    _edge_rows(env)
    from_snapshot = _snapshot_rows(env)
    wanted: dict[str, list[str]] = {}
    for stream, row_id in from_snapshot:
        wanted.setdefault(stream, []).append(row_id)
    with env.sessions() as s, s.begin():
        from_feed = feed._load_rows(s, OFFICE, wanted)
    assert from_feed.keys() == from_snapshot.keys()
    assert {stream for stream, _ in from_feed} >= {"products", "product_documents", "settings", "stock_levels",
                                                    "customers", "orders"}
    for key, feed_row in from_feed.items():
        stream = key[0]
        snap_row = from_snapshot[key]
        assert snap_row.keys() == feed_row.keys(), key
        for f in p.STREAMS[stream].fields:
            a, b = snap_row[f.name], feed_row[f.name]
            if f.type == p.DATETIME and a is not None and b is not None:
                # the same instant; the client stores its own canonical form of either text
                assert dt.datetime.fromisoformat(a) == dt.datetime.fromisoformat(b), (key, f.name)
            else:
                # exact text: the replica keeps a decimal's text as it came
                assert a == b and type(a) is type(b), (key, f.name, a, b)
        assert p.decode_row(stream, snap_row) == p.decode_row(stream, feed_row)
    assert from_snapshot[("products", "edge-p1")]["cost"] == from_feed[("products", "edge-p1")]["cost"]
    assert from_snapshot[("products", "edge-p1")]["name"] == TEXT
    assert from_snapshot[("product_documents", "edge-d2")]["content"] is None
