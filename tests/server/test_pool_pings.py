"""Pooled PostgreSQL connections are pinged before use only after they sat idle (sfa_server.db):
one killed while idle is replaced without the request seeing it; one in steady use is not pinged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from sfa_server import db
from tests.server.conftest import PG_URL

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_admin: Engine) -> Iterator[Engine]:
    engine = db.make_engine(PG_URL, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _kill(admin: Engine, pid: int) -> None:
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar_one()


def test_a_connection_killed_while_idle_is_replaced_before_use(
    engine: Engine, pg_admin: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_pid(engine)
    _kill(pg_admin, first)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)  # it has been idle "long enough"
    second = _backend_pid(engine)  # no error: the ping found it dead and the pool opened another
    assert second != first
    assert _backend_pid(engine) == second  # and that one is kept


def test_a_connection_in_steady_use_is_not_pinged(
    engine: Engine, pg_admin: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)
    for _ in range(5):
        _backend_pid(engine)
    assert pings == []
    # the trade-off, said plainly: a connection killed between two requests a moment apart fails
    # the next one (answered 503 by the server, retried by the client), and only that one
    first = _backend_pid(engine)
    _kill(pg_admin, first)
    with pytest.raises(OperationalError):
        _backend_pid(engine)
    assert _backend_pid(engine) != first
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)
    _backend_pid(engine)
    assert pings == [1]
