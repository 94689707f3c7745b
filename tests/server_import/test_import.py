"""ERP import against a real server database: every kind, re-import, bad rows, references, CLI."""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from sfa_server import erp_import
from sfa_server.erp_import import ids, import_path
from sfa_server.models import STREAM_MODELS

VALID_VAT = "00743110157"  # check digit verified by stdnum
OTHER_VAT = "01234560157"


def table(stream: str):
    return STREAM_MODELS[stream].__table__


def count(engine: Engine, stream: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table(stream))).scalar_one()


def row(engine: Engine, stream: str, row_id: str) -> dict:
    with engine.connect() as conn:
        t = table(stream)
        found = conn.execute(select(t).where(t.c.id == row_id)).mappings().one_or_none()
        return dict(found) if found else {}


def erp_folder(write_csv) -> Path:
    """A complete export, Italian style: ';', decimal comma, dd/mm/yyyy, Italian column names."""
    write_csv("magazzini.csv", ["Codice;Descrizione", "MI;Magazzino Milano", "BO;Magazzino Bologna"])
    write_csv("articoli.csv", [
        "Codice;Descrizione;UM;IVA;Marca;Categoria;EAN;Confezione;Costo;Attivo",
        "CAV001;Cavo FS17 1,5 mm²;m;22;Prysmian;Cavi;8001234567897;100;0,21;S",
        "INT001;Interruttore unipolare;PZ;22%;Vimar;Interruttori;;10;1.234,50;S",
        "LIB001;Manuale impianti;PZ;4;;Libri;;1;7,00;N",
    ], encoding="utf-8-sig")
    write_csv("listini.csv", ["Codice;Versione;Descrizione;Valido dal;Valido al;Base",
                              "BASE;1;Listino 2026;01/01/2026;;S",
                              "RIS01;2;Riservato;01/01/2026;31/12/2026;N"])
    write_csv("prezzi.csv", ["Listino;Codice articolo;Qta da;Prezzo",
                             "BASE;CAV001;1;0,45", "BASE;CAV001;500;0,40", "BASE;INT001;1;2.500,00",
                             "RIS01;INT001;1;2.100,00", "BASE;LIB001;1;12,00"])
    write_csv("clienti.csv", [
        "Codice;Ragione sociale;Partita IVA;Codice fiscale;Stato;Pagamento;Listino;Sconto;Fido;Saldo;"
        "Scaduto;Agente;Telefono;Email;Città",
        f"C001;Elettroforniture Rossi S.r.l.;IT{VALID_VAT};;attivo;RB 30/60 gg DF FM;RIS01;10+5;"
        f"20.000,00;1.500,50;0;AG01;02 1234567;info@rossi.it;Milano",
        f"C002;Impianti Bianchi;{OTHER_VAT};RSSMRA85T10A562S;bloccato;Bonifico 30 gg;;;5000;0;250,00;AG02;;;"
        "Bologna",
        "C003;Elektro GmbH;DE123456789;;A;;;;0;0;0;;;;München",
    ])
    write_csv("destinazioni.csv", ["Codice cliente;Tipo;Indirizzo;CAP;Città;Provincia;Nazione",
                                   "C001;sede;Via Roma 1;20121;Milano;mi;IT",
                                   "C001;consegna;Via Emilia 20;40121;Bologna;BO;",
                                   "C003;fatturazione;Hauptstraße 5;80331;München;;DE"])
    write_csv("contatti.csv", ["Codice cliente;Nome;Ruolo;Telefono;Email",
                               "C001;Mario Rossi;Titolare;+39 333 1234567;mario@rossi.it"])
    write_csv("scadenzario.csv", ["Codice cliente;Numero documento;Data documento;Scadenza;Importo;Pagato",
                                  "C001;FT 2026/10;15/01/2026;28/02/2026;1.000,00;0",
                                  "C001;FT 2026/10;15/01/2026;31/03/2026;500,50;100",
                                  "C002;NC 2026/3;20/01/2026;20/01/2026;-250,00;0"])
    write_csv("giacenze.csv", ["Codice articolo;Magazzino;Giacenza;Impegnato;In arrivo;Data arrivo",
                               "CAV001;MI;1.500;200;1000;15/03/2026", "INT001;BO;12;0;;"])
    (write_csv.folder / "schede").mkdir()
    (write_csv.folder / "schede" / "CAV001.pdf").write_bytes(b"%PDF-1.4\n% a tech sheet\n%%EOF\n")
    write_csv("documenti.csv", ["Codice articolo;Tipo;Titolo;File",
                                "CAV001;scheda tecnica;Scheda tecnica FS17;schede/CAV001.pdf"])
    invoiced = (dt.date.today() - dt.timedelta(days=10)).strftime("%d/%m/%Y")
    write_csv("storico_vendite.csv", [
        "Codice cliente;Numero documento;Data documento;Codice articolo;Quantità;Imponibile",
        f"C001;FT 2026/10;{invoiced};CAV001;500;225,00"])
    write_csv("obiettivi.csv", ["Agente;Anno;Mese;Obiettivo", "AG01;2026;1;30.000,00"])
    return write_csv.folder


def test_full_export_imports_every_kind(server_engine: Engine, agent_ids: dict, write_csv) -> None:
    report = import_path(server_engine, erp_folder(write_csv))
    assert report.exit_code == 0, report.render()
    assert report.committed
    assert [f.kind for f in report.files] == list(erp_import.KIND_ORDER)
    customer = row(server_engine, "customers", ids.customer_id("C001"))
    assert customer["vat_number"] == VALID_VAT and customer["agent_id"] == agent_ids["AG01"]
    assert customer["credit_limit"] == Decimal("20000") and customer["balance"] == Decimal("1500.50")
    assert customer["price_list_id"] == ids.price_list_id("RIS01", 2)
    assert customer["default_discount"] == "10+5" and customer["status"] == "active"
    blocked = row(server_engine, "customers", ids.customer_id("C002"))
    assert blocked["status"] == "blocked" and blocked["tax_code"] == "RSSMRA85T10A562S"
    assert row(server_engine, "customers", ids.customer_id("C003"))["vat_number"] == "DE123456789"
    product = row(server_engine, "products", ids.product_id("INT001"))
    assert product["cost"] == Decimal("1234.50") and product["vat_rate"] == Decimal(22)
    assert product["unit"] == "PZ" and product["active"] is True
    assert row(server_engine, "products", ids.product_id("LIB001"))["active"] is False
    assert row(server_engine, "products", ids.product_id("CAV001"))["unit"] == "M"
    item = row(server_engine, "price_list_items",
               ids.price_list_item_id(ids.price_list_id("BASE", 1), ids.product_id("CAV001"), Decimal(500)))
    assert item["price"] == Decimal("0.40")
    stock_id = ids.stock_level_id(ids.product_id("CAV001"), ids.warehouse_id("MI"))
    stock = row(server_engine, "stock_levels", stock_id)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (1500, 200, 1300)
    assert stock["incoming_date"] == dt.date(2026, 3, 15)
    assert count(server_engine, "open_items") == 3  # one invoice, two instalments, plus a credit note
    address = row(server_engine, "addresses", ids.address_id(ids.customer_id("C001"), "billing"))
    assert address["province"] == "MI" and address["country"] == "IT"
    assert count(server_engine, "addresses") == 3 and count(server_engine, "contacts") == 1
    sheet = row(server_engine, "product_documents", ids.product_document_id("CAV001", "tech_sheet", "CAV001.pdf"))
    assert sheet["media_type"] == "application/pdf" and sheet["product_id"] == ids.product_id("CAV001")


def test_reimport_updates_and_never_duplicates(server_engine: Engine, agent_ids: dict, write_csv) -> None:
    folder = erp_folder(write_csv)
    assert import_path(server_engine, folder).exit_code == 0
    streams = ("customers", "products", "price_list_items", "stock_levels")
    counts = {s: count(server_engine, s) for s in streams}
    stamp_before = row(server_engine, "products", ids.product_id("CAV001"))["change_seq"]

    again = import_path(server_engine, folder)
    assert again.exit_code == 0
    assert all(f.inserted == 0 and f.updated == 0 for f in again.files), again.render()
    assert {s: count(server_engine, s) for s in counts} == counts
    assert row(server_engine, "products", ids.product_id("CAV001"))["change_seq"] == stamp_before

    write_csv("prezzi.csv", ["Listino;Codice articolo;Qta da;Prezzo", "BASE;CAV001;1;0,47"])
    changed = import_path(server_engine, folder / "prezzi.csv")
    assert (changed.files[0].updated, changed.files[0].unchanged) == (1, 0)
    item_id = ids.price_list_item_id(ids.price_list_id("BASE", 1), ids.product_id("CAV001"), Decimal(1))
    assert row(server_engine, "price_list_items", item_id)["price"] == Decimal("0.47")
    assert count(server_engine, "price_list_items") == counts["price_list_items"]


def test_customer_update_keeps_fields_of_absent_columns(server_engine: Engine, agent_ids: dict,
                                                        write_csv) -> None:
    import_path(server_engine, erp_folder(write_csv))
    before = row(server_engine, "customers", ids.customer_id("C001"))
    path = write_csv("customers_fix.csv", ["erp_code;name;vat_number",
                                           f"C001;Rossi Elettroforniture S.r.l.;{VALID_VAT}"])
    report = import_path(server_engine, path, kind="customers")
    assert report.files[0].updated == 1, report.render()
    after = row(server_engine, "customers", ids.customer_id("C001"))
    assert after["name"] == "Rossi Elettroforniture S.r.l."
    assert after["agent_id"] == agent_ids["AG01"] and after["credit_limit"] == before["credit_limit"]
    assert after["row_version"] == (before["row_version"] or 0) + 1


def test_bad_rows_import_nothing_and_are_reported(server_engine: Engine, agent_ids: dict, write_csv) -> None:
    path = write_csv("customers.csv", [
        "codice;ragione_sociale;partita_iva;stato;fido;agente;email",
        f"C010;Buono S.r.l.;{VALID_VAT};attivo;1000;AG01;a@b.it",
        "C011;IVA sbagliata;00743110158;attivo;1000;;",
        "C012;;;sospeso;mille;AG99;non-una-mail",
        f"C010;Doppione;{VALID_VAT};attivo;0;;",
    ])
    report = import_path(server_engine, path)
    assert report.exit_code == 1 and not report.committed
    assert count(server_engine, "customers") == 0
    reasons = {bad.line: bad.reason for bad in report.files[0].rejected}
    assert set(reasons) == {3, 4, 5}
    assert "wrong check digit" in reasons[3]
    assert "name is missing" in reasons[4] and "'mille' is not a number" in reasons[4]
    text = report.render()
    assert "line 4:" in text and "Nothing was imported" in text

    skipped = import_path(server_engine, path, skip_bad_rows=True)
    assert skipped.exit_code == 0 and skipped.committed
    assert count(server_engine, "customers") == 1
    assert len(skipped.files[0].rejected) == 3


def test_row_level_messages_for_each_rule(sqlite_engine: Engine, write_csv) -> None:
    path = write_csv("customers.csv", [
        "codice;ragione_sociale;partita_iva;stato;fido;agente;email;lingua",
        "C012;Ditta;;sospeso;-5;AG99;non-una-mail;de",
    ])
    reason = import_path(sqlite_engine, path).files[0].rejected[0].reason
    for words in ("status 'sospeso' is not one of", "needs a VAT number or a tax code",
                  "unknown agent code 'AG99'", "credit_limit -5 is negative", "email 'non-una-mail'",
                  "language 'de'"):
        assert words in reason


def test_unknown_references_are_rejected(sqlite_engine: Engine, write_csv) -> None:
    write_csv("products.csv", ["sku;name;vat_rate", "P1;Prodotto;22"])
    write_csv("stock.csv", ["sku;warehouse_code;on_hand", "P1;XX;5", "P9;XX;1"])
    write_csv("contacts.csv", ["customer_code;name", "NOPE;Mario"])
    write_csv("price_list_items.csv", ["price_list_code;sku;price", "BASE;P1;1,00"])
    report = import_path(sqlite_engine, write_csv.folder)
    by_kind = {f.kind: f for f in report.files}
    assert "unknown warehouse code 'XX'" in by_kind["stock"].rejected[0].reason
    assert "unknown product code 'P9'" in by_kind["stock"].rejected[1].reason
    assert "unknown customer code 'NOPE'" in by_kind["contacts"].rejected[0].reason
    assert "unknown price list 'BASE'" in by_kind["price_list_items"].rejected[0].reason
    assert count(sqlite_engine, "products") == 0  # one transaction: the good file is not kept either


@pytest.mark.parametrize(("encoding", "sep", "cost", "expected"), [
    ("utf-8", ";", "1.234,56", "1234.56"), ("utf-8-sig", ",", '"1,234.56"', "1234.56"),
    ("cp1252", ",", "1234.56", "1234.56"), ("latin-1", ";", "1234,56", "1234.56"),
    ("utf-8-sig", "\t", "0,5", "0.5"),
])
def test_encodings_separators_and_decimals(sqlite_engine: Engine, write_csv, encoding: str, sep: str,
                                           cost: str, expected: str) -> None:
    path = write_csv("products.csv", [sep.join(["codice", "descrizione", "iva", "costo"]),
                                      sep.join(["P1", "Plafoniera è più bella", "22", cost])],
                     encoding=encoding)
    report = import_path(sqlite_engine, path)
    assert report.exit_code == 0, report.render()
    product = row(sqlite_engine, "products", ids.product_id("P1"))
    assert product["cost"] == Decimal(expected) and product["name"] == "Plafoniera è più bella"


def test_file_level_errors(sqlite_engine: Engine, write_csv) -> None:
    report = import_path(sqlite_engine, write_csv("products.csv", ["codice;descrizione", "P1;Senza IVA"]))
    assert report.exit_code == 1 and "required column(s) missing: vat_rate" in report.render()
    report = import_path(sqlite_engine, write_csv("warehouses.csv", ["code;name"]))
    assert "no rows" in report.render()
    with pytest.raises(ValueError, match="give --kind"):
        import_path(sqlite_engine, write_csv("export.csv", ["a;b", "1;2"]))


def test_dry_run_writes_nothing(sqlite_engine: Engine, write_csv) -> None:
    report = import_path(sqlite_engine, write_csv("warehouses.csv", ["code;name", "MI;Milano"]), dry_run=True)
    assert report.exit_code == 0 and report.files[0].inserted == 1 and not report.committed
    assert count(sqlite_engine, "warehouses") == 0
    assert "Dry run" in report.render()


def test_cli_entry_points(tmp_path: Path, write_csv, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    erp_import.add_arguments(parser)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    good = write_csv("warehouses.csv", ["codice;descrizione", "MI;Milano"])
    assert erp_import.run(parser.parse_args([str(good), "--database-url", url])) == 0
    assert "1 new" in capsys.readouterr().out
    bad = write_csv("products.csv", ["codice;descrizione;iva", "P1;Ok;22", "P2;Ko;23"])
    assert erp_import.run(parser.parse_args([str(bad), "--kind", "products", "--database-url", url])) == 1
    assert "line 3: vat_rate: 23 is not one of" in capsys.readouterr().out
    assert erp_import.run(parser.parse_args([str(bad), "--skip-bad-rows", "--database-url", url])) == 0
    assert erp_import.run(parser.parse_args([str(tmp_path / "none.csv"), "--database-url", url])) == 2
