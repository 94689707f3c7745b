"""The demo company: deterministic, valid Italian data, priced by the domain, loadable in bulk."""

from __future__ import annotations

import argparse
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from stdnum import ean
from stdnum.it import codicefiscale, iva

from sfa_desktop.domain.discounts import parse_discount
from sfa_desktop.domain.numbering import parse_document_number
from sfa_desktop.domain.totals import LineInput, document_totals
from sfa_desktop.sync.protocol import STREAMS
from sfa_server import demo_data
from sfa_server.accounts import BLOCK_SIZE, verify_password
from sfa_server.demo_data import generate, load
from sfa_server.erp_import import import_path
from sfa_server.models import STREAM_MODELS, User

TODAY = dt.date(2026, 3, 16)


@pytest.fixture(scope="module")
def small() -> demo_data.DemoDataset:
    return generate("small", 7, today=TODAY)


@pytest.fixture(scope="module")
def large() -> demo_data.DemoDataset:
    return generate("large", 1, today=TODAY)


def test_same_seed_same_company(small: demo_data.DemoDataset) -> None:
    assert generate("small", 7, today=TODAY).rows == small.rows
    assert generate("small", 8, today=TODAY).rows["customers"] != small.rows["customers"]


def test_small_company_shape(small: demo_data.DemoDataset) -> None:
    counts = small.counts()
    assert counts["products"] == 500 and counts["customers"] == 60 and counts["warehouses"] == 3
    assert {u.username for u in small.users} == {"admin", "ufficio", "ag01", "ag02", "ag03"}
    assert {u.agent_code for u in small.users if u.role == "agent"} == {"AG01", "AG02", "AG03"}
    statuses = {c["status"] for c in small.rows["customers"]}
    assert statuses == {"active", "blocked", "prospect"}
    assert any(c["overdue_amount"] > 0 for c in small.rows["customers"])
    assert {s["id"] for s in small.rows["settings"]} >= {"company", "approval_policy", "quote_validity_days"}
    assert {q["status"] for q in small.rows["quotes"]} >= {"draft", "sent", "accepted", "lost"}
    assert {o["status"] for o in small.rows["orders"]} >= {"approved", "pending_approval"}


def test_rows_carry_only_known_columns(small: demo_data.DemoDataset) -> None:
    for stream, rows in small.rows.items():
        columns = set(STREAM_MODELS[stream].__table__.c.keys())
        assert set(STREAMS[stream].field_names) <= set(rows[0]) <= columns, stream


def test_italian_identifiers_are_valid(small: demo_data.DemoDataset) -> None:
    for customer in small.rows["customers"]:
        assert iva.is_valid(customer["vat_number"]), customer
        assert codicefiscale.is_valid(customer["tax_code"]), customer
    assert any(len(c["tax_code"]) == 16 for c in small.rows["customers"])  # sole traders
    for product in small.rows["products"]:
        assert ean.is_valid(product["barcode"]) and len(product["barcode"]) == 13
        assert product["vat_rate"] in (Decimal(4), Decimal(10), Decimal(22))
    company = next(s["value"] for s in small.rows["settings"] if s["id"] == "company")
    assert iva.is_valid(company["vat_number"].removeprefix("IT"))


def test_balances_match_open_items(small: demo_data.DemoDataset) -> None:
    open_by_customer: dict[str, Decimal] = defaultdict(Decimal)
    overdue_by_customer: dict[str, Decimal] = defaultdict(Decimal)
    for item in small.rows["open_items"]:
        open_by_customer[item["customer_id"]] += item["amount"] - item["paid"]
        if item["due_date"] < TODAY:
            overdue_by_customer[item["customer_id"]] += item["amount"] - item["paid"]
    for c in small.rows["customers"]:
        assert c["balance"] == open_by_customer[c["id"]]
        assert c["overdue_amount"] == overdue_by_customer[c["id"]]


def test_documents_are_priced_and_totalled_by_the_domain(small: demo_data.DemoDataset) -> None:
    prices = {(i["price_list_id"], i["product_id"], i["min_quantity"]): i["price"]
              for i in small.rows["price_list_items"]}
    for header_stream, line_stream, key in (("quotes", "quote_lines", "quote_id"),
                                            ("orders", "order_lines", "order_id")):
        lines_of: dict[str, list[dict]] = defaultdict(list)
        for line in small.rows[line_stream]:
            lines_of[line[key]].append(line)
        for doc in small.rows[header_stream]:
            lines = lines_of[doc["id"]]
            assert lines, doc["number"]
            inputs = [LineInput(ln["quantity"], ln["unit_price"], parse_discount(ln["discount"]),
                                ln["vat_rate"]) for ln in lines]
            totals = document_totals(inputs, parse_discount(doc["document_discount"]))
            assert (doc["taxable_total"], doc["vat_total"], doc["grand_total"]) == (
                totals.taxable_total, totals.vat_total, totals.grand_total)
            for ln, amounts in zip(lines, totals.lines, strict=True):
                assert ln["net_amount"] == amounts.net_amount
                assert any(prices.get((ln["price_list_id"], ln["product_id"], q)) == ln["unit_price"]
                           for q in (Decimal(1), *[k[2] for k in prices if k[1] == ln["product_id"]]))
    pending = [o for o in small.rows["orders"] if o["status"] == "pending_approval"]
    assert pending and all(o["approval_reasons"] for o in pending)


@pytest.mark.slow
def test_large_company_has_the_promised_volumes(large: demo_data.DemoDataset) -> None:
    counts = large.counts()
    assert counts["customers"] == 5_000 and counts["products"] == 50_000
    assert counts["price_list_items"] == 250_000 and counts["stock_levels"] == 50_000
    assert 1_900 <= counts["quotes"] + counts["orders"] <= 2_000
    assert counts["users"] == 3  # admin, office, one agent


def _count(engine: Engine, stream: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(STREAM_MODELS[stream].__table__)).scalar_one()


def test_load_writes_everything_and_twice_is_idempotent(server_engine: Engine,
                                                        small: demo_data.DemoDataset) -> None:
    written = load(server_engine, small)
    assert written["price_list_items"] == len(small.rows["price_list_items"])
    for stream, rows in small.rows.items():
        if stream != "settings":  # the database is seeded with default settings already
            assert _count(server_engine, stream) == len(rows), stream
    with server_engine.connect() as conn:
        users = {u.username: u for u in conn.execute(select(User))}
        numbers = list(conn.execute(select(STREAM_MODELS["orders"].__table__.c.number)).scalars())
    for demo_user in small.users:
        assert verify_password(users[demo_user.username].password_hash, demo_user.password)
    assert all(BLOCK_SIZE <= parse_document_number(n)[3] < 2 * BLOCK_SIZE for n in numbers)

    load(server_engine, small)
    assert _count(server_engine, "customers") == len(small.rows["customers"])
    assert _count(server_engine, "orders") == len(small.rows["orders"])


def test_erp_import_over_demo_data_updates_the_same_rows(sqlite_engine: Engine, small: demo_data.DemoDataset,
                                                         tmp_path: Path) -> None:
    load(sqlite_engine, small)
    customer = next(c for c in small.rows["customers"] if c["erp_code"])
    product = small.rows["products"][0]
    (tmp_path / "customers.csv").write_text(
        f"codice;ragione_sociale;partita_iva\n{customer['erp_code']};Nuovo nome;{customer['vat_number']}\n")
    (tmp_path / "products.csv").write_text(f"sku;name;vat_rate\n{product['sku']};{product['name']};22\n")
    report = import_path(sqlite_engine, tmp_path / "customers.csv")
    assert (report.files[0].inserted, report.files[0].updated) == (0, 1), report.render()
    report = import_path(sqlite_engine, tmp_path / "products.csv")
    assert report.files[0].inserted == 0, report.render()
    assert _count(sqlite_engine, "customers") == len(small.rows["customers"])


def test_cli_prints_the_users(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    demo_data.add_arguments(parser)
    args = parser.parse_args(["--size", "small", "--seed", "3", "--database-url", f"sqlite:///{tmp_path}/d.db"])
    assert demo_data.run(args) == 0
    out = capsys.readouterr().out
    assert "ag01" in out and "demo-ag01" in out and "price_list_items" in out


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="size must be one of"):
        generate("huge", 1)
