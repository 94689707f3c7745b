"""Fixtures for the ERP import and demo-data tests: a real server database (SQLite file, or a
throw-away PostgreSQL database) and a writer of CSV files in any encoding."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from sfa_server.db import init_database, session_factory

PG_URL = os.environ.get("SFA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_admin() -> Engine | None:
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return engine
    except Exception:
        engine.dispose()
        return None


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A uniquely named PostgreSQL database for this test session, dropped afterwards."""
    admin = _pg_admin()
    if admin is None:
        pytest.skip(f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string()}")
    name = f"sfa_t_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_pg(url: str) -> None:
    """Empty every table (the schema stays) so each test starts from a fresh server."""
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )).scalars().all()
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, seeded server database: SQLite file, then PostgreSQL when reachable."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.db'}"
    else:
        url = request.getfixturevalue("pg_database_url")
        init_database(url).dispose()
        _reset_pg(url)
    engine = init_database(url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = init_database(f"sqlite:///{tmp_path / 'server.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def agent_ids(server_engine: Engine) -> dict[str, str]:
    from sfa_server.accounts import create_user

    with session_factory(server_engine).begin() as session:
        return {code: create_user(session, username=code.lower(), password="password-" + code, role="agent",
                                  agent_code=code) for code in ("AG01", "AG02")}


class CsvWriter:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, name: str, lines: list[str], *, encoding: str = "utf-8",
                 newline: str = "\r\n") -> Path:
        path = self.folder / name
        path.write_bytes((newline.join(lines) + newline).encode(encoding))
        return path


@pytest.fixture
def write_csv(tmp_path: Path) -> CsvWriter:
    folder = tmp_path / "erp"
    folder.mkdir()
    return CsvWriter(folder)
