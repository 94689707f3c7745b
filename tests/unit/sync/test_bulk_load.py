"""A first sync's snapshot blocks (`tables`) written column by column: the same replica as the row
by row path, and every bad value refused with its stream, field and row named."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from sfa_desktop.local_db.engine import Replica
from sfa_desktop.local_db.models import table_of
from sfa_desktop.sync import apply, protocol
from sfa_desktop.sync.bulk_load import apply_bulk_page

from .rows import upsert, wire_row


def table(stream: str, rows: list[dict[str, Any]], fields: list[str] | None = None) -> dict[str, Any]:
    names = fields or list(protocol.STREAMS[stream].field_names)
    return {"s": stream, "fields": names, "rows": [[r.get(n) for n in names] for r in rows]}


def snapshot_page(*tables: dict[str, Any], changes: list[dict] | None = None) -> dict[str, Any]:
    return {"cursor": "s1.1.1.3.00", "has_more": True, "reset": [], "changes": changes or [], "tables": list(tables)}


PRODUCTS = [
    wire_row("products", "p1", name='Cavo "FG16" 3×2,5 mm²', vat_rate="22", cost="12.3400", active=True,
             description=None, pack_size="1E+2"),
    wire_row("products", "p2", name="Vite", vat_rate="0", active=False, cost=None, vat_nature="N3.1"),
]
STOCK = [
    wire_row("stock_levels", "s1", product_id="p1", warehouse_id="w1", on_hand="5", reserved="0", available="5",
             as_of="2026-03-01T12:00:00.000000+00:00", incoming_date="2026-04-01"),
    wire_row("stock_levels", "s2", product_id="p2", warehouse_id="w1", on_hand="1.5", reserved="0",
             available="1.5", as_of="2026-03-01T13:00:00+01:00"),
]
WAREHOUSES = [wire_row("warehouses", "w1", code="C", name="Centrale")]
SETTINGS = [wire_row("settings", "policy", value={"soglia": "25000", "ruoli": ["office"], "attivo": True})]


def rows_of(replica: Replica, stream: str) -> dict[str, dict[str, Any]]:
    t = table_of(stream)
    with replica.session() as s:
        return {r["id"]: dict(r) for r in s.execute(select(t)).mappings()}


def load(replica: Replica, doc: dict[str, Any]) -> Any:
    with replica.bulk_session() as s:
        return apply_bulk_page(s.connection(), doc)


def test_tables_give_the_same_replica_as_changes(replica: Replica, tmp_path: Any) -> None:
    from sfa_desktop.local_db.opening import open_replica

    page, outcome = load(replica, snapshot_page(table("settings", SETTINGS), table("warehouses", WAREHOUSES),
                                                table("products", PRODUCTS), table("stock_levels", STOCK)))
    assert page.rows == 6 and outcome.upserted == 6
    assert page.streams == {"settings", "warehouses", "products", "stock_levels"}
    other = open_replica(tmp_path / "other.db", b"k" * 32)
    try:
        changes = [upsert(s, r["id"], **r) for s, rows in (("settings", SETTINGS), ("warehouses", WAREHOUSES),
                                                           ("products", PRODUCTS), ("stock_levels", STOCK))
                   for r in rows]
        with other.session(write=True) as s:
            apply.apply_page(s.connection(), protocol.decode_pull_page(
                {"cursor": "v1.1.1", "has_more": False, "changes": changes}))
        for stream in ("settings", "warehouses", "products", "stock_levels"):
            assert rows_of(replica, stream) == rows_of(other, stream), stream
    finally:
        other.close()
    products = rows_of(replica, "products")
    assert products["p1"]["cost"] == Decimal("12.3400") and products["p2"]["cost"] is None
    assert products["p1"]["active"] is True and products["p2"]["active"] is False
    assert products["p1"]["name"] == 'Cavo "FG16" 3×2,5 mm²'
    stock = rows_of(replica, "stock_levels")
    assert stock["s2"]["as_of"].isoformat() == "2026-03-01T12:00:00+00:00"  # stored in UTC
    assert rows_of(replica, "settings")["policy"]["value"] == SETTINGS[0]["value"]


def test_fields_in_another_order_unknown_ones_ignored_missing_nullable_ones_empty(replica: Replica) -> None:
    fields = ["vat_rate", "id", "name", "sku", "unit", "active", "colour_of_the_future"]
    rows = [{**r, "colour_of_the_future": "blu"} for r in PRODUCTS]
    load(replica, snapshot_page(table("products", rows, fields)))
    products = rows_of(replica, "products")
    assert products["p1"]["name"] == PRODUCTS[0]["name"] and products["p1"]["cost"] is None
    assert products["p2"]["vat_rate"] == Decimal("0")


def test_a_later_change_of_the_same_page_wins_and_lines_without_document_are_skipped(replica: Replica) -> None:
    later = upsert("products", "p1", name="Nuovo nome", vat_rate="10")
    _page, outcome = load(replica, snapshot_page(table("products", PRODUCTS), changes=[
        later, {"s": "products", "op": "d", "id": "p2"}]))
    assert rows_of(replica, "products").keys() == {"p1"} and rows_of(replica, "products")["p1"]["name"] == "Nuovo nome"
    assert outcome.deleted == 1
    line = wire_row("quote_lines", "l1", quote_id="no-such-quote", line_no=1, product_id="p1")
    _page, outcome = load(replica, snapshot_page(table("quote_lines", [line])))
    assert outcome.orphaned_streams == {"quote_lines"} and rows_of(replica, "quote_lines") == {}


def _bad(stream: str, rows: list[dict[str, Any]], field: str, value: Any) -> dict[str, Any]:
    rows = copy.deepcopy(rows)
    rows[-1][field] = value
    return snapshot_page(table(stream, rows))


BAD = {
    "decimal as a number": (_bad("products", PRODUCTS, "cost", 12.34), "products.cost: expected decimal"),
    "decimal not a number": (_bad("products", PRODUCTS, "vat_rate", "22%"), "products.vat_rate: expected decimal"),
    "decimal too long": (_bad("products", PRODUCTS, "cost", "1" * 41), "products.cost: expected decimal"),
    "text as a number": (_bad("products", PRODUCTS, "name", 5), "products.name: expected str, got 5"),
    "bool as 1": (_bad("products", PRODUCTS, "active", 1), "products.active: expected bool"),
    "required missing": (_bad("products", PRODUCTS, "sku", None), "products.sku: missing"),
    "integer as text": (_bad("price_lists", [wire_row("price_lists", "l1")], "version", "3"),
                        "price_lists.version: expected int"),
    "integer too large": (_bad("price_lists", [wire_row("price_lists", "l1")], "version", 2**63),
                          "price_lists.version: expected int"),
    "date impossible": (_bad("stock_levels", STOCK, "incoming_date", "2026-02-30"),
                        "stock_levels.incoming_date: expected date"),
    "date in another form": (_bad("stock_levels", STOCK, "incoming_date", "20260201"),
                             "stock_levels.incoming_date: expected date"),
    "moment without zone": (_bad("stock_levels", STOCK, "as_of", "2026-03-01T12:00:00"),
                            "stock_levels.as_of: expected datetime"),
    "moment impossible": (_bad("stock_levels", STOCK, "as_of", "2026-13-01T12:00:00.000000+00:00"),
                          "stock_levels.as_of: expected datetime"),
    "bytes not base64": (_bad("product_documents", [wire_row("product_documents", "d1", product_id="p1")],
                              "content", "%%%"), "product_documents.content: expected bytes"),
    "empty id": (_bad("products", PRODUCTS, "id", ""), "products: invalid id"),
    "row too short": ({**snapshot_page(), "tables": [{"s": "warehouses", "fields": ["id", "code", "name"],
                                                       "rows": [["w", "C", "N"], ["w2", "C"]]}]},
                      "warehouses: row 1 is not an array of 3 values"),
    "row not an array": ({**snapshot_page(), "tables": [{"s": "warehouses", "fields": ["id", "code", "name"],
                                                          "rows": [{"id": "w"}]}]},
                         "warehouses: row 0 is not an array"),
    "unknown stream": ({**snapshot_page(), "tables": [{"s": "secrets", "fields": ["id"], "rows": []}]},
                       "table 0: unknown stream"),
    "no id field": ({**snapshot_page(), "tables": [{"s": "warehouses", "fields": ["code"], "rows": []}]},
                    "table 0: invalid field list"),
    "field twice": ({**snapshot_page(), "tables": [{"s": "warehouses", "fields": ["id", "id"], "rows": []}]},
                    "table 0: invalid field list"),
    "required field absent": ({**snapshot_page(), "tables": [{"s": "warehouses", "fields": ["id", "code"],
                                                              "rows": [["w", "C"]]}]}, "warehouses.name: missing"),
    "tables not a list": ({**snapshot_page(), "tables": {"s": "warehouses"}}, "invalid table list"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_block_is_refused_naming_the_value_and_nothing_is_written(replica: Replica, case: str) -> None:
    doc, expected = BAD[case]
    with pytest.raises(protocol.ProtocolError) as caught, replica.bulk_session() as s:
        apply_bulk_page(s.connection(), doc)
    assert expected in str(caught.value)
    for stream in ("products", "stock_levels", "price_lists", "warehouses", "product_documents"):
        assert rows_of(replica, stream) == {}
    # the row by row decoder says no to the same page
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_pull_page(doc)


def test_the_row_by_row_decoder_reads_tables_too() -> None:
    doc = snapshot_page(table("warehouses", WAREHOUSES), table("products", PRODUCTS),
                        changes=[{"s": "products", "op": "d", "id": "p9"}])
    page = protocol.decode_pull_page(doc)
    assert [(c.stream, c.op, c.id) for c in page.changes] == [
        ("warehouses", "u", "w1"), ("products", "u", "p1"), ("products", "u", "p2"), ("products", "d", "p9")]
    assert page.changes[1].row["cost"] == Decimal("12.3400")
    assert [c["id"] for c in protocol.wire_changes(doc)] == ["w1", "p1", "p2", "p9"]


def test_a_feed_delete_after_the_snapshot_of_the_same_page_removes_the_row(replica: Replica) -> None:
    delete = {"s": "products", "op": protocol.DELETE, "id": "p2"}
    load(replica, snapshot_page(table("products", PRODUCTS), changes=[delete]))
    assert set(rows_of(replica, "products")) == {"p1"}


def test_a_bad_page_is_refused_before_anything_is_written(replica: Replica) -> None:
    from sfa_desktop.sync.bulk_load import prepare_bulk_page

    bad_stock = copy.deepcopy(STOCK)
    bad_stock[1]["available"] = "1_000"
    with pytest.raises(protocol.ProtocolError, match=r"stock_levels\.available"):
        prepare_bulk_page(snapshot_page(table("warehouses", WAREHOUSES), table("stock_levels", bad_stock)))
    with pytest.raises(protocol.ProtocolError):
        load(replica, snapshot_page(table("warehouses", WAREHOUSES), table("stock_levels", bad_stock)))
    assert rows_of(replica, "warehouses") == {}
