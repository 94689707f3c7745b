"""Schema versions: new files at the latest, v1 files upgraded on open, newer files refused."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from sfa_desktop.local_db import ReplicaCorruptError, ReplicaTooNewError, open_replica
from sfa_desktop.local_db.migrations import APPLICATION_ID, LATEST_VERSION
from sfa_desktop.local_db.search import search_customers, search_products

V1_DDL = (Path(__file__).parent / "schema_v1.sql").read_text()


def raw(path: Path, key: bytes) -> sqlcipher.Connection:
    conn = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def make_v1(path: Path, key: bytes) -> None:
    """A replica exactly as the first release wrote it, with a few rows."""
    conn = raw(path, key)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(V1_DDL)
    conn.execute("INSERT INTO products (id, sku, name, unit, vat_rate, brand, active) VALUES "
                 "('p1', 'FR-100', 'Trapano a percussione', 'pz', '22', 'Bosch', 1)")
    conn.execute("INSERT INTO customers (id, erp_code, name, status, credit_limit, balance, "
                 "overdue_amount, language, city, dirty) VALUES "
                 "('c1', 'C001', 'Ferramenta Città Alta', 'active', '0', '0', '0', 'it', 'Bergamo', 0)")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.close()


def user_version(path: Path, key: bytes) -> int:
    conn = raw(path, key)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def snapshot(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_a_new_replica_starts_at_the_latest_version(db_path, key):
    open_replica(db_path, key).close()
    conn = raw(db_path, key)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION == 8
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_a_v1_replica_is_upgraded_on_open_and_its_rows_become_searchable(db_path, key):
    make_v1(db_path, key)
    seen = []
    with open_replica(db_path, key, on_upgrade=lambda old, new: seen.append((old, new))) as rep:
        with rep.session() as s:
            assert [h.id for h in search_products(s, "trap")] == ["p1"]
            assert [h.id for h in search_customers(s, "citta berg")] == ["c1"]
        assert rep.check_integrity() == []
        with rep.session() as s:  # v8: the indexes merge in idle steps, not in every commit
            for fts in ("products_fts", "customers_fts"):
                assert s.connection().exec_driver_sql(f"SELECT v FROM {fts}_config WHERE k = 'automerge'").scalar() == 0
    assert seen == [(1, LATEST_VERSION)]
    assert user_version(db_path, key) == LATEST_VERSION
    with open_replica(db_path, key, on_upgrade=lambda old, new: seen.append((old, new))):
        pass
    assert seen == [(1, LATEST_VERSION)]  # nothing to do the second time


def test_a_replica_from_a_newer_app_is_refused_and_left_untouched(db_path, key):
    open_replica(db_path, key).close()
    conn = raw(db_path, key)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    os.utime(db_path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    before = snapshot(db_path)
    with pytest.raises(ReplicaTooNewError) as caught:
        open_replica(db_path, key)
    message = str(caught.value)
    assert str(db_path) in message and "newer version" in message and "Update the application" in message
    assert snapshot(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["replica.db"]


def test_a_database_of_another_application_is_refused(db_path, key):
    conn = raw(db_path, key)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("PRAGMA application_id = 1234")
    conn.close()
    before = snapshot(db_path)
    with pytest.raises(ReplicaCorruptError, match="not a local database of SFA Desktop"):
        open_replica(db_path, key)
    assert snapshot(db_path) == before


def test_an_unversioned_file_with_tables_is_not_overwritten(db_path, key):
    conn = raw(db_path, key)
    conn.execute("CREATE TABLE products (id TEXT)")
    conn.close()
    with pytest.raises(ReplicaCorruptError):
        open_replica(db_path, key)
    conn = raw(db_path, key)
    assert conn.execute("SELECT sql FROM sqlite_master").fetchall() == [("CREATE TABLE products (id TEXT)",)]
    conn.close()


def schema_signature(path: Path, key: bytes) -> dict:
    """Tables with their columns, indexes with their columns, triggers: what the app relies on."""
    conn = raw(path, key)
    try:
        out = {}
        for kind, name, table in conn.execute(
                "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                "AND NOT (type = 'table' AND name LIKE '%_fts_%')"):  # FTS5's own shadow tables
            if kind == "table":
                out[name] = conn.execute(f"PRAGMA table_info('{name}')").fetchall()
            elif kind == "index":
                out[name] = (table, conn.execute(f"PRAGMA index_info('{name}')").fetchall())
            else:
                out[name] = (kind, table)
        return out
    finally:
        conn.close()


def test_an_upgraded_replica_has_the_same_schema_as_a_new_one(tmp_path, key):
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    make_v1(old, key)
    open_replica(old, key).close()
    open_replica(new, key).close()
    upgraded = schema_signature(old, key)
    assert {"outbox", "products_fts", "products_fts_au", "ix_products_sku"} <= set(upgraded)
    assert upgraded == schema_signature(new, key)
