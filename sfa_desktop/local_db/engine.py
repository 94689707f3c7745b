"""Opening the encrypted replica: SQLCipher 4 connections keyed with a raw 32-byte key.

Every connection gets the key first, then WAL, foreign keys, a busy timeout and in-memory
temporary storage (so sorting or FTS merges never spill plain text into temp files).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from sfa_desktop.local_db.errors import (
    ReplicaCorruptError,
    ReplicaError,
    ReplicaFullError,
    ReplicaIOError,
    ReplicaLockedError,
)

log = logging.getLogger(__name__)

KEY_BYTES = 32
PAGE_SIZE = 4096  # SQLCipher 4 default; a healthy file is a whole number of pages
BUSY_TIMEOUT_MS = 10_000
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 10, 11, 13, 26
_PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"

# SQLCipher logs HMAC failures on stderr itself; our errors carry the same facts in words.
with sqlcipher.connect(":memory:") as _c:
    _c.execute("PRAGMA cipher_log_level = NONE")
del _c


def _sync_again(path: Path) -> str:
    return f"Sync again to rebuild it; the file {path} was left as it is."


def locked_message(path: Path) -> str:
    return (f"The local database {path} was not opened: the key does not match or the file is "
            f"damaged. {_sync_again(path)}")


def corrupt_message(path: Path, what: str) -> str:
    return f"The local database {path} is damaged ({what}). {_sync_again(path)}"


def _check_key(key: bytes) -> str:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise ValueError(f"the replica key must be {KEY_BYTES} bytes")
    return bytes(key).hex()


def connect_raw(path: Path, key: bytes, *, configure: bool = True) -> sqlcipher.Connection:
    """One keyed DB-API connection in autocommit mode (transactions are explicit BEGINs).

    `configure=False` only keys it and reads the schema: nothing is written to the file.
    """
    hex_key = _check_key(key)
    conn = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        # The key must be the first statement on the connection.
        conn.execute(f"PRAGMA key = \"x'{hex_key}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA temp_store = MEMORY")
        if not configure:
            return conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # 64 MiB of page cache: the catalog filters of a large replica fall from ~180 ms to ~20 ms
        # (benchmarks/bench_reads.py); the cache is filled only as pages are read
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise sqlcipher.OperationalError(f"journal mode stays {mode}")
        # FULL: an order the agent just saved survives a power cut, not only a crash.
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    return conn


def classify_open_error(path: Path, error: BaseException) -> ReplicaError:
    """Turn a driver error raised while opening `path` into the error the agent sees."""
    head = b""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_PLAIN_SQLITE_HEADER))
    except OSError:
        pass
    if head == _PLAIN_SQLITE_HEADER:
        return ReplicaCorruptError(corrupt_message(path, "it is not encrypted"), path=path)
    code = getattr(error, "sqlite_errorcode", None)
    if code == _SQLITE_NOTADB or "not a database" in str(error):
        return ReplicaLockedError(locked_message(path), path=path)
    if code == _SQLITE_CORRUPT or "malformed" in str(error):
        return ReplicaCorruptError(corrupt_message(path, str(error)), path=path)
    return ReplicaError(f"The local database {path} could not be opened: {error}", path=path)


def is_blank(path: Path) -> bool:
    """An empty file with no write-ahead log: created, then interrupted before the first write.

    It holds nothing, so it is initialised like a new replica.
    """
    wal = Path(f"{path}-wal")
    return path.stat().st_size == 0 and (not wal.exists() or wal.stat().st_size == 0)


def check_file_shape(path: Path) -> None:
    """Cheap check before keying: SQLite only ever writes whole pages to the main file."""
    if path.stat().st_size % PAGE_SIZE:
        raise ReplicaCorruptError(corrupt_message(path, "the file is truncated"), path=path)


class _NoRowData(logging.Filter):
    """Drops SQLAlchemy's DEBUG lines that print result rows (customer data) verbatim."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


ENGINE_LOGGING_NAME = "replica"
logging.getLogger(f"sqlalchemy.engine.Engine.{ENGINE_LOGGING_NAME}").addFilter(_NoRowData())


def make_engine(path: Path, key: bytes) -> Engine:
    """A pooled SQLAlchemy engine whose every connection is keyed and configured."""
    _check_key(key)
    key = bytes(key)
    engine = create_engine(
        "sqlite://",
        creator=lambda: connect_raw(path, key),
        module=sqlcipher,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        # SQL logging (echo, DEBUG) must never print customer data: parameters stay out of it.
        hide_parameters=True,
        logging_name=ENGINE_LOGGING_NAME,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # Writers take the write lock up front, so a read-then-write transaction cannot fail
        # half way with SQLITE_BUSY_SNAPSHOT when another connection committed meanwhile.
        immediate = conn.get_execution_options().get("sfa_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _is_damage(error: exc.DBAPIError) -> bool:
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


class Replica:
    """An open replica: the engine and the session factory. Use `session()` per action."""

    def __init__(self, *, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._read = sessionmaker(bind=engine, expire_on_commit=False)
        self._write = sessionmaker(bind=engine.execution_options(sfa_write=True),
                                   expire_on_commit=False)

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on error.

        `write=True` starts it with BEGIN IMMEDIATE; use it for every transaction that writes.
        Damage found while reading pages is raised as ReplicaCorruptError.
        """
        factory = self._write if write else self._read
        with self._errors_mapped(), factory() as session, session.begin():
            yield session

    @contextmanager
    def _errors_mapped(self) -> Iterator[None]:
        try:
            yield
        except exc.DBAPIError as error:
            if _is_damage(error):
                raise ReplicaCorruptError(corrupt_message(self.path, str(error.orig)),
                                          path=self.path) from error
            code = getattr(error.orig, "sqlite_errorcode", None)
            if code == _SQLITE_FULL or "database or disk is full" in str(error.orig):
                raise ReplicaFullError(f"The disk is full: {self.path} was not changed.", path=self.path) from error
            if code is not None and code & 0xFF == _SQLITE_IOERR:
                raise ReplicaIOError(f"Disk error on {self.path}: {error.orig}", path=self.path) from error
            raise

    @contextmanager
    def pull_session(self) -> Iterator[Session]:
        """A write transaction for one pulled page with its cursor, committed without an fsync.

        `synchronous = NORMAL` on this connection for this transaction only: in WAL mode the commit
        is atomic and the file stays consistent after a crash or a power cut; what a power cut may
        lose is the last pages committed this way, and with them their cursor (the page and its
        cursor are one transaction), so the next sync pulls them again. Nothing the agent wrote
        goes through here: the agent's edits, the outbox and the push's answers keep FULL, and
        their fsync makes every earlier page durable too (the WAL is one ordered log). The search
        index's idle merge steps use it too: a lost step changes no row and is merged again.
        """
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            raw.execute("PRAGMA synchronous = NORMAL")
            try:
                with self._errors_mapped(), Session(bind=conn.execution_options(sfa_write=True),
                                                    expire_on_commit=False) as session, session.begin():
                    yield session
            finally:
                raw.execute("PRAGMA synchronous = FULL")

    @contextmanager
    def bulk_session(self) -> Iterator[Session]:
        """One write transaction tuned for a bulk load (a first sync's pages).

        On its own connection: synchronous NORMAL (WAL stays consistent; at worst the last pages
        are pulled again after a power cut, since each page commits with its cursor), foreign keys
        checked by the caller at the end instead of row by row, and a 16 MiB page cache (rows arrive in
        id order, so a larger cache buys little and cost 49 MB of peak memory: 180 -> 131 MB).
        """
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            raw.execute("PRAGMA foreign_keys = OFF")
            raw.execute("PRAGMA synchronous = NORMAL")
            raw.execute("PRAGMA cache_size = -16384")
            try:
                with Session(bind=conn.execution_options(sfa_write=True), expire_on_commit=False) as session, \
                        session.begin():
                    yield session
            except exc.DBAPIError as error:
                if _is_damage(error):
                    raise ReplicaCorruptError(corrupt_message(self.path, str(error.orig)),
                                              path=self.path) from error
                if getattr(error.orig, "sqlite_errorcode", None) == _SQLITE_FULL or \
                        "database or disk is full" in str(error.orig):
                    raise ReplicaFullError(f"The disk is full: {self.path} was not changed.", path=self.path) \
                        from error
                raise
            finally:
                raw.execute("PRAGMA foreign_keys = ON")
                raw.execute("PRAGMA synchronous = FULL")
                raw.execute("PRAGMA cache_size = -65536")
                raw.execute("PRAGMA wal_autocheckpoint = 1000")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file and truncate it (after a bulk load)."""
        with self.engine.connect() as conn:
            conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def check_integrity(self, *, quick: bool = False) -> list[str]:
        """Run SQLite's and SQLCipher's integrity checks; [] when the file is sound.

        cipher_integrity_check verifies the HMAC of every page; quick_check (quick=True) skips the
        index-to-table cross checks of integrity_check, which dominate its cost.
        """
        problems: list[str] = []
        with self.engine.connect() as conn:
            try:
                pragma = "quick_check" if quick else "integrity_check"
                for (row,) in conn.exec_driver_sql(f"PRAGMA {pragma}"):
                    if row != "ok":
                        problems.append(str(row))
                problems.extend(str(r[0]) for r in conn.exec_driver_sql("PRAGMA cipher_integrity_check"))
            except exc.DBAPIError as error:
                problems.append(str(error.orig))
            conn.rollback()
        return problems

    def compact(self) -> None:
        """VACUUM the file (after a full resync shrank it) and re-index search.

        VACUUM may renumber rowids, which the external-content search indexes point at.
        """
        from sfa_desktop.local_db.search import rebuild_search

        with self.engine.connect() as conn:
            conn.connection.driver_connection.execute("VACUUM")  # outside any transaction
        with self.session(write=True) as session:
            rebuild_search(session)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Replica:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
