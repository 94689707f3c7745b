"""Database wiring: engine from SFA_DATABASE_URL (PostgreSQL) or an SQLite file, sessions, migrations."""

from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from sfa_server.changes import ServerSession, upsert_rows
from sfa_server.models import ServerSecret, Setting
from sfa_server.sqlite_functions import register_sqlite_functions

ENV_URL = "SFA_DATABASE_URL"
TOKEN_SECRET = "token_signing_key"  # noqa: S105  (a row name, not a secret)


def default_sqlite_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("sfa-server", appauthor=False)) / "sfa-server.db"


def database_url(url: str | None = None) -> str:
    """The URL to use: explicit argument, else SFA_DATABASE_URL, else the default SQLite file.
    A bare file path is accepted as an SQLite database."""
    url = url or os.environ.get(ENV_URL)
    if not url:
        path = default_sqlite_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = database_url(url)
    # JSON columns stored compactly: the snapshot writes them into pages as they are stored
    kwargs.setdefault("json_serializer", _compact_json)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


#: A pooled connection left unused this long is pinged before it is handed out (PostgreSQL may have
#: restarted, or a firewall dropped the connection, meanwhile); one in steady use is not, as in
#: HikariCP (its default bypass window is the same 500 ms): a ping at every checkout was two round
#: trips per request (the caller's check, then the request's work). A connection killed within the
#: window fails one request with 503, which the client sends again.
PING_AFTER_IDLE_S = 0.5
_IDLE_SINCE = "sfa_idle_since"


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return  # just opened, or returned a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            # the pool drops this connection and opens another (up to three attempts)
            raise DisconnectionError("a pooled connection no longer answers") from exc


#: How much of an embedded server's database file its connections read through a memory map.
SQLITE_MMAP_BYTES = 1 << 30


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # driver-level transactions off: SQLAlchemy's begin event emits BEGIN IMMEDIATE, so a
        # transaction takes the write lock up front and never fails upgrading a stale snapshot
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # reads through a memory map instead of a read() per page: a first sync walks its big
        # tables in id order, one random row read after another (250k price rows in 5,000-row
        # pages: 0.79 -> 0.59 s; docs/benchmarks.md). A ceiling, not an allocation: the file's pages
        # are the system's cache, shared by every connection
        cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cur.close()
        register_sqlite_functions(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, class_=ServerSession, expire_on_commit=False)


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (alembic upgrade head)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def seed(session: Session) -> None:
    """Server secret and default settings (approval policy); keeps what is already there."""
    if session.get(ServerSecret, TOKEN_SECRET) is None:
        session.add(ServerSecret(name=TOKEN_SECRET, value=secrets.token_hex(32)))
    from sfa_desktop.domain.approval import ApprovalPolicy

    have = set(session.execute(select(Setting.id)).scalars())
    defaults = {
        "approval_policy": ApprovalPolicy().to_settings(),
        "currency": "EUR",
        "quote_validity_days": 30,
    }
    missing = [{"id": k, "value": v} for k, v in defaults.items() if k not in have]
    if missing:
        upsert_rows(session, "settings", missing)


def init_database(url: str | None = None) -> Engine:
    """Create or migrate the database and seed it; returns the engine."""
    engine = make_engine(url)
    migrate(engine)
    with session_factory(engine).begin() as session:
        seed(session)
    return engine


def refresh_statistics(engine: Engine) -> None:
    """ANALYZE after a bulk load on PostgreSQL: autovacuum may not have run yet, and without
    statistics the feed's queries fall back to sequential scans (measured: 475 ms a page, not 169)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
