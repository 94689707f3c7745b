"""Nothing readable leaves the replica: a canary customer name is in no file and no log line."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from sqlalchemy import insert, select, text

from sfa_desktop.local_db import open_replica
from sfa_desktop.local_db.models import Activity, Customer, OutboxCommand
from sfa_desktop.local_db.search import search_customers

from .helpers import NOW, customer_row

CANARY = "Zqwcanary" + uuid.uuid4().hex[:10]


def needles() -> list[bytes]:
    variants = {CANARY, CANARY.lower(), CANARY.upper()}  # FTS stores folded tokens
    return [v.encode(enc) for v in variants for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def scan(folder: Path) -> dict[str, list[bytes]]:
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = [n for n in needles() if n in data]
            if hits:
                found[path.name] = hits
    return found


def test_canary_is_in_no_file_and_no_log(tmp_path, key, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)  # SQL echo on, as when debugging
    db_path = tmp_path / "replica.db"
    replica = open_replica(db_path, key)
    files_seen: set[str] = set()
    try:
        with replica.session(write=True) as s:
            s.execute(insert(Customer), [customer_row(i, name=f"Cliente {i} " + "y" * 300)
                                         for i in range(2000)])
            s.execute(insert(Customer), [customer_row(9999, name=f"Trattoria {CANARY}",
                                                      city=CANARY)])
            s.execute(insert(Activity), [dict(id="a1", customer_id="c9999", agent_id="a1", kind="visit",
                                              subject=CANARY, notes=CANARY * 50, occurred_at=NOW)])
            s.execute(insert(OutboxCommand), [dict(id=str(uuid.uuid4()), type="customer.update",
                                                   payload={"changes": {"name": CANARY}})])
        with replica.session(write=True) as s:
            # work that would spill into temp files if temp_store were not MEMORY
            s.execute(text("CREATE INDEX ix_tmp_name ON customers (name, city)"))
            s.execute(select(Customer.name).order_by(Customer.email, Customer.name.desc())).all()
            assert [h.id for h in search_customers(s, CANARY[:8].lower())] == ["c9999"]
            assert s.scalar(select(Customer.name).where(Customer.city == CANARY)).endswith(CANARY)
        files_seen = {p.name for p in tmp_path.iterdir()}
        assert "replica.db-wal" in files_seen  # the WAL is there, and holds the rows...
        assert scan(tmp_path) == {}  # ...encrypted, like the database while it is open
    finally:
        replica.close()
    assert scan(tmp_path) == {}
    assert CANARY.lower() not in caplog.text.lower()
    assert any("INSERT INTO customers" in r.getMessage() for r in caplog.records)  # logging was on
