"""The commands a new user runs: the demo end to end, and printing a quote from the replica."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from sfa_desktop.app import main
from sfa_desktop.sync import protocol

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> tuple[Path, str]:
    workdir = tmp_path_factory.mktemp("demo")
    done = subprocess.run([sys.executable, "-m", "sfa_desktop", "demo", "--script", "--workdir", str(workdir)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return workdir, done.stdout


def test_demo_shows_the_whole_loop(demo_run) -> None:
    workdir, out = demo_run
    assert "initial sync:" in out and f"checksums verified for {len(protocol.STREAMS)} tables" in out
    assert "waiting for approval" in out and "is above your limit" in out
    assert ": approved, total" in out and "decision by ufficio" in out
    assert "update: Order O-AG01-" in out and "was approved by ufficio" in out
    assert "WARNING" not in out and "Traceback" not in out
    [pdf] = workdir.glob("Q-AG01-*.pdf")
    with pdfplumber.open(pdf) as doc:
        assert "Offerta Q-AG01-" in doc.pages[0].extract_text()
    # The replica on disk is encrypted: plain SQLite cannot read it.
    import sqlite3

    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(workdir / "agent-ag01.sfadb").execute("select * from sqlite_master").fetchall()


def test_pdf_command_prints_a_quote_from_a_password_protected_replica(tmp_path, monkeypatch, capsys) -> None:
    from sqlalchemy import insert

    from sfa_desktop.local_db import keys, open_replica
    from sfa_desktop.local_db.models import Customer, Quote, QuoteLine, Setting

    db = tmp_path / "agent.sfadb"
    key = keys.create_key(db, "correct horse battery")
    replica = open_replica(db, key)
    with replica.session(write=True) as s:
        s.execute(insert(Setting), [{"id": "company", "value": {"name": "Padane S.p.A."}}])
        s.execute(insert(Customer), [{"id": "c1", "name": "Rossi Impianti S.r.l.", "status": "active",
                                      "credit_limit": 0, "balance": 0, "overdue_amount": 0,
                                      "language": "en"}])
        import datetime as dt
        from decimal import Decimal

        now = dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC)
        s.execute(insert(Quote), [{"id": "q1", "number": "Q-AG07-2026-10001", "customer_id": "c1",
                                   "agent_id": "u1", "status": "sent", "revision": 1, "currency": "EUR",
                                   "taxable_total": Decimal("85.50"), "vat_total": Decimal("18.81"),
                                   "grand_total": Decimal("104.31"), "created_at": now, "updated_at": now}])
        s.execute(insert(QuoteLine), [{"id": "q1-001", "quote_id": "q1", "line_no": 1, "product_id": "p1",
                                       "sku": "CAV-1", "description": "Cavo FS17", "quantity": Decimal(100),
                                       "unit": "M", "unit_price": Decimal("0.90"), "discount": "5",
                                       "vat_rate": Decimal(22), "net_amount": Decimal("85.50")}])
    replica.close()
    out = tmp_path / "quote.pdf"
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert main(["pdf", "Q-AG07-2026-10001", "-o", str(out), "--db", str(db), "--password-stdin"]) == 0
    with pdfplumber.open(out) as doc:
        text = doc.pages[0].extract_text()
    assert "Quotation Q-AG07-2026-10001" in text and "€104.31" in text and "CAV-1" in text

    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert main(["pdf", "Q-NOPE", "-o", str(tmp_path / "x.pdf"), "--db", str(db), "--password-stdin"]) == 1
    assert "no quote or order 'Q-NOPE'" in capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", io.StringIO("wrong password\n"))
    assert main(["pdf", "Q-AG07-2026-10001", "-o", str(out), "--db", str(db), "--password-stdin"]) == 1
    assert "password" in capsys.readouterr().err.lower()
