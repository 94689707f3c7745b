"""Opening the encrypted replica: keying, settings, and clear refusals of bad files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import func, select

from sfa_desktop.local_db import (
    ReplicaCorruptError,
    ReplicaError,
    ReplicaLockedError,
    ReplicaMissingError,
    open_replica,
)
from sfa_desktop.local_db.engine import PAGE_SIZE
from sfa_desktop.local_db.models import Customer, Product

from .helpers import add_customers, add_order, add_products, customer_row, product_row


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(db_path: Path, key: bytes, n: int = 300) -> None:
    with open_replica(db_path, key) as rep:
        add_customers(rep, [customer_row(i, name=f"Ferramenta {i} " + "x" * 200) for i in range(n)])


def test_created_file_reopens_with_its_key_and_keeps_data(db_path, key):
    with open_replica(db_path, key) as rep:
        add_products(rep, [product_row(1)])
    assert oct(db_path.stat().st_mode & 0o777) == "0o600"
    with open_replica(db_path, key, create=False) as rep, rep.session() as s:
        assert s.scalar(select(Product.name)) == "Prodotto 1"


def test_connections_are_configured(replica):
    with replica.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("temp_store") == 2  # MEMORY
        assert pragma("busy_timeout") == 10_000
        assert pragma("synchronous") == 2  # FULL
        assert pragma("cipher_version").startswith("4.")


def test_plain_sqlite_cannot_read_the_file(db_path, key):
    fill(db_path, key)
    plain = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchall()
    plain.close()


def test_wrong_key_is_refused_with_a_clear_message_and_the_file_is_untouched(db_path, key):
    fill(db_path, key)
    before = digest(db_path)
    with pytest.raises(ReplicaLockedError) as caught:
        open_replica(db_path, os.urandom(32))
    message = str(caught.value)
    assert str(db_path) in message and "key does not match" in message and "Sync again" in message
    assert caught.value.path == db_path
    assert digest(db_path) == before
    with open_replica(db_path, key) as rep, rep.session() as s:  # still opens with the right key
        assert s.scalar(select(func.count()).select_from(Customer)) == 300


@pytest.mark.parametrize("bad_key", [b"", b"short", os.urandom(31), os.urandom(33), "a" * 32, None])
def test_key_must_be_32_bytes(db_path, bad_key):
    with pytest.raises(ValueError, match="32 bytes"):
        open_replica(db_path, bad_key)
    assert not db_path.exists()


def test_a_plain_sqlite_file_is_not_taken_for_a_replica(db_path, key):
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(ReplicaCorruptError, match="not encrypted"):
        open_replica(db_path, key)
    assert digest(db_path) == before


def test_random_bytes_are_refused(tmp_path, key):
    noise = tmp_path / "noise.db"
    noise.write_bytes(data := os.urandom(PAGE_SIZE * 3))
    with pytest.raises(ReplicaLockedError):
        open_replica(noise, key)
    assert noise.read_bytes() == data


def test_an_empty_file_left_by_an_interrupted_first_start_is_initialised(db_path, key):
    db_path.write_bytes(b"")  # created, then killed before SQLite wrote anything
    with open_replica(db_path, key) as rep:
        add_products(rep, [product_row(1)])
    with open_replica(db_path, key) as rep, rep.session() as s:
        assert s.scalar(select(Product.sku)) == "SKU-00001"


def test_data_still_in_the_wal_after_a_crash_is_kept(db_path, key):
    rep = open_replica(db_path, key)
    add_products(rep, [product_row(i) for i in range(50)])
    # a crash: copy the files as they are while the replica is open, without a checkpoint
    crashed = db_path.parent / "crashed"
    crashed.mkdir()
    for name in ("replica.db", "replica.db-wal"):
        (crashed / name).write_bytes((db_path.parent / name).read_bytes())
    rep.close()
    assert (crashed / "replica.db-wal").stat().st_size > 0
    with open_replica(crashed / "replica.db", key) as rep2, rep2.session() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 50


def test_truncated_file_is_refused_and_kept(db_path, key):
    fill(db_path, key)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2 + 100])  # mid-page cut
    with pytest.raises(ReplicaCorruptError, match="truncated"):
        open_replica(db_path, key)
    assert len(db_path.read_bytes()) == len(data) // 2 + 100


def test_truncated_at_a_page_boundary_is_found_when_read(db_path, key):
    fill(db_path, key)
    data = db_path.read_bytes()
    pages = len(data) // PAGE_SIZE
    db_path.write_bytes(data[: (pages // 2) * PAGE_SIZE])
    with pytest.raises(ReplicaError) as caught, open_replica(db_path, key) as rep, rep.session() as s:
        s.execute(select(Customer.name)).all()
    assert str(db_path) in str(caught.value)


def test_a_tampered_page_is_reported_not_repaired(db_path, key):
    fill(db_path, key)
    with open_replica(db_path, key) as rep, rep.session() as s:
        root = s.connection().exec_driver_sql(
            "SELECT rootpage FROM sqlite_master WHERE name = 'customers'").scalar()
    data = bytearray(db_path.read_bytes())
    data[(root - 1) * PAGE_SIZE + 100] ^= 0x01  # one bit inside the customers table's root page
    db_path.write_bytes(bytes(data))
    tampered = digest(db_path)
    rep = open_replica(db_path, key)
    try:
        assert rep.check_integrity() != []
        with pytest.raises(ReplicaCorruptError) as caught, rep.session() as s:
            s.execute(select(Customer.name)).all()
        assert "damaged" in str(caught.value) and str(db_path) in str(caught.value)
    finally:
        rep.close()
    assert digest(db_path) == tampered


def test_a_sound_file_passes_the_integrity_checks(replica):
    add_order(replica, "o1")
    assert replica.check_integrity() == []


def test_missing_file_is_not_created_when_not_asked(db_path, key, tmp_path):
    with pytest.raises(ReplicaMissingError, match="Sync to create it"):
        open_replica(db_path, key, create=False)
    assert not db_path.exists()
    with pytest.raises(ReplicaMissingError, match="does not exist"):
        open_replica(tmp_path / "nowhere" / "r.db", key)


def test_a_failed_session_rolls_back_everything(replica):
    with pytest.raises(RuntimeError), replica.session(write=True) as s:
        s.add(Customer(**customer_row(1)))
        s.flush()
        raise RuntimeError("agent pressed cancel")
    with replica.session() as s:
        assert s.scalar(select(func.count()).select_from(Customer)) == 0


def test_a_pull_session_commits_without_fsync_and_leaves_every_other_write_full(replica):
    def synchronous(session) -> int:
        return session.connection().exec_driver_sql("PRAGMA synchronous").scalar()

    with replica.pull_session() as s:
        assert synchronous(s) == 1  # NORMAL: a pulled page and its cursor, re-fetched if lost
        s.add(Customer(**customer_row(1)))
    with pytest.raises(RuntimeError), replica.pull_session() as s:
        s.add(Customer(**customer_row(2)))
        s.flush()
        raise RuntimeError("the sync was cancelled")
    # the pool's connections are all back to FULL: the agent's writes and the outbox keep it
    sessions = [replica._read() for _ in range(6)]
    try:
        assert {synchronous(s) for s in sessions} == {2}
    finally:
        for s in sessions:
            s.close()
    with replica.session() as s:
        assert s.scalars(select(Customer.id)).all() == [customer_row(1)["id"]]


def test_two_threads_write_without_losing_rows(replica):
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            for i in range(20):
                with replica.session(write=True) as s:
                    n = s.scalar(select(func.count()).select_from(Customer))
                    s.add(Customer(**customer_row(i, id=f"{prefix}{i}", row_version=n)))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(p,)) for p in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with replica.session() as s:
        assert s.scalar(select(func.count()).select_from(Customer)) == 40


def test_a_write_session_holds_the_write_lock_from_its_start(replica, key):
    other = sqlcipher.connect(str(replica.path), isolation_level=None)
    other.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    other.execute("PRAGMA busy_timeout = 0")
    try:
        with replica.session(write=True) as s:
            s.execute(select(Customer.id)).all()  # only a read so far
            with pytest.raises(sqlcipher.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        with replica.session() as s:  # a read session leaves writers free
            s.execute(select(Customer.id)).all()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()
