"""ERP import of the sales history (storico_vendite / fatturato) and the agents' targets (obiettivi):
validated row by row, idempotent, old history skipped, and pruned by age afterwards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from sfa_server.cli import main
from sfa_server.db import session_factory
from sfa_server.erp_import import ids, import_path
from sfa_server.erp_import.columns import kind_from_filename
from sfa_server.models import STREAM_MODELS, Setting, Tombstone
from sfa_server.sales_history import horizon, prune_sales_history

VAT = "00743110157"
TODAY = dt.date.today()


def count(engine: Engine, stream: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(STREAM_MODELS[stream].__table__)).scalar_one()


def _master_data(engine: Engine, write_csv) -> None:
    from sfa_server.accounts import create_user

    with session_factory(engine).begin() as session:
        if not session.execute(select(STREAM_MODELS["users"].__table__.c.id).where(
                STREAM_MODELS["users"].__table__.c.agent_code == "AG01")).first():
            create_user(session, username="ag01", password="password-ag01", role="agent", agent_code="AG01")
    write_csv("articoli.csv", ["Codice;Descrizione;UM;IVA;Categoria", "CAV001;Cavo FS17;M;22;Cavi",
                               "INT001;Interruttore;PZ;22;Interruttori"])
    write_csv("clienti.csv", ["Codice;Ragione sociale;Partita IVA;Agente", f"C001;Rossi S.r.l.;{VAT};AG01"])
    report = import_path(engine, write_csv.folder)
    assert report.committed, report.render()
    for name in ("articoli.csv", "clienti.csv"):
        (write_csv.folder / name).unlink()


def _day(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).strftime("%d/%m/%Y")


def test_sales_history_and_targets_import_and_reimport(server_engine: Engine, agent_ids: dict, write_csv) -> None:
    _master_data(server_engine, write_csv)
    write_csv("storico_vendite.csv", [
        "Codice cliente;Numero documento;Data documento;Riga;Codice articolo;Quantità;UM;Imponibile;Categoria",
        f"C001;FT 2026/10;{_day(40)};1;CAV001;500;m;225,00;Cavi",
        f"C001;FT 2026/10;{_day(40)};2;INT001;10;;1.234,50;",
        f"C001;NC 2026/2;{_day(20)};1;CAV001;-100;M;-45,00;Cavi",    # a return: both negative
    ])
    write_csv("obiettivi.csv", ["Agente;Anno;Mese;Categoria;Obiettivo",
                                f"AG01;{TODAY.year};1;;30.000,00", f"AG01;{TODAY.year};1;Cavi;10.000",
                                f"AG02;{TODAY.year};2;;25000"])
    report = import_path(server_engine, write_csv.folder)
    assert report.committed and report.exit_code == 0, report.render()
    assert count(server_engine, "sales_history") == 3 and count(server_engine, "targets") == 3
    customer = ids.customer_id("C001")
    line_id = ids.sales_line_id(customer, "FT 2026/10", (TODAY - dt.timedelta(days=40)).isoformat(), "2")
    with server_engine.connect() as conn:
        t = STREAM_MODELS["sales_history"].__table__
        line = conn.execute(select(t).where(t.c.id == line_id)).mappings().one()
        assert (line["net_amount"], line["quantity"], line["unit"], line["category"]) == (
            Decimal("1234.50"), Decimal(10), None, None)
        targets = STREAM_MODELS["targets"].__table__
        rows = conn.execute(select(targets.c.agent_id, targets.c.month, targets.c.category, targets.c.amount)).all()
    assert sorted(((r.agent_id, r.month, r.category, r.amount) for r in rows), key=lambda r: (r[1], r[2] or "")) == [
        (agent_ids["AG01"], dt.date(TODAY.year, 1, 1), None, Decimal(30000)),
        (agent_ids["AG01"], dt.date(TODAY.year, 1, 1), "Cavi", Decimal(10000)),
        (agent_ids["AG02"], dt.date(TODAY.year, 2, 1), None, Decimal(25000))]
    again = import_path(server_engine, write_csv.folder)
    assert again.committed and all(f.unchanged == f.rows_read for f in again.files), again.render()
    assert count(server_engine, "sales_history") == 3


def test_bad_history_and_target_rows_are_reported_in_words(sqlite_engine: Engine, write_csv) -> None:
    _master_data(sqlite_engine, write_csv)
    path = write_csv("fatturato.csv", [
        "Cliente;Documento;Data;Articolo;Qta;Importo",
        f"C999;FT 1;{_day(5)};CAV001;1;10",               # 2: unknown customer
        f"C001;FT 1;{_day(5)};NOPE;1;10",                 # 3: unknown product
        f"C001;FT 2;{_day(-30)};CAV001;1;10",             # 4: in the future
        f"C001;FT 3;{_day(5)};CAV001;5;-10",              # 5: opposite signs
        f"C001;FT 4;{_day(5)};CAV001;tanti;10",           # 6: not a number
        f"C001;FT 5;{_day(5)};CAV001;1;10",               # 7: good
        f"C001;FT 5;{_day(5)};CAV001;2;20",               # 8: the same line twice
    ])
    report = import_path(sqlite_engine, path)
    assert not report.committed and report.exit_code == 1
    reasons = {r.line: r.reason for r in report.files[0].rejected}
    assert reasons[2] == "unknown customer code 'C999'"
    assert reasons[3].startswith("unknown product code 'NOPE'")
    assert "is in the future" in reasons[4]
    assert reasons[5] == "quantity and net_amount have opposite signs (a return has both negative)"
    assert reasons[6] == "quantity: 'tanti' is not a number"
    assert reasons[8] == "same customer, document, date and line as line 7"
    assert count(sqlite_engine, "sales_history") == 0  # nothing of a file with bad rows
    targets = write_csv("budget_2026.csv", ["agente;anno;mese;importo", "AG09;2026;1;100", "AG01;2026;13;100",
                                            "AG01;1999;1;100", "AG01;2026;2;-5"])
    report = import_path(sqlite_engine, targets)
    assert [r.reason for r in report.files[0].rejected] == [
        "unknown agent code 'AG09'", "month 13 is not between 1 and 12", "year 1999 is not between 2000 and 2100",
        "amount -5 is negative"]


def test_history_older_than_kept_is_skipped_then_pruned(sqlite_engine: Engine, write_csv,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    _master_data(sqlite_engine, write_csv)
    cut = horizon(TODAY, 24)
    before = cut - dt.timedelta(days=1)
    path = write_csv("vendite.csv", [
        "Codice cliente;Numero documento;Data documento;Codice articolo;Quantità;Importo",
        f"C001;FT A;{before.strftime('%d/%m/%Y')};CAV001;1;10",
        f"C001;FT B;{cut.strftime('%d/%m/%Y')};CAV001;1;10",
        f"C001;FT C;{_day(3)};CAV001;1;10"])
    report = import_path(sqlite_engine, path)
    assert report.committed and report.files[0].skipped == 1 and report.files[0].inserted == 2
    assert f"1 row(s) skipped: dated before {cut.isoformat()}" in report.render()
    # a year later (with the keep shortened to 12 months) the prune drops what is older
    with session_factory(sqlite_engine).begin() as session:
        done = prune_sales_history(session, keep_months=1, today=TODAY)
        # FT B always goes; FT C (three days ago) only when that was in an earlier month than today's
        assert done["deleted"] == 1 + (TODAY - dt.timedelta(days=3) < TODAY.replace(day=1))
        assert session.get(Setting, "sales_history_retention").value == {
            "keep_months": 1, "horizon": TODAY.replace(day=1).isoformat()}
        assert session.scalar(select(func.count()).select_from(Tombstone)
                              .where(Tombstone.stream == "sales_history")) == done["deleted"]
    url = str(sqlite_engine.url)
    assert main(["prune-history", "--database-url", url, "--keep-months", "24"]) == 0
    assert "sales history line(s) dated before" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["prune-history", "--database-url", url, "--keep-months", "0"])


def test_kinds_from_italian_names() -> None:
    assert kind_from_filename("storico_vendite_2026.csv") == "sales_history"
    assert kind_from_filename("fatturato.csv") == "sales_history"
    assert kind_from_filename("obiettivi-2026.csv") == "targets"
    assert kind_from_filename("sales_history.csv") == "sales_history"
    assert horizon(dt.date(2026, 3, 2), 24) == dt.date(2024, 4, 1)
    assert horizon(dt.date(2026, 1, 31), 1) == dt.date(2026, 1, 1)
