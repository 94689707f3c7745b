"""THE cursor test on real PostgreSQL: writers commit out of order while a reader follows the feed;
the reader must end with every committed row. A naive sequence cursor is shown to skip rows."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from sfa_server.changes import upsert_rows
from sfa_server.cursors import format_cursor, parse_cursor
from sfa_server.db import init_database, session_factory
from sfa_server.deps import Principal
from sfa_server.feed import pull_page
from tests.server.conftest import drop_pg_database, fresh_pg_database

pytestmark = pytest.mark.postgres
OFFICE = Principal("reader", "reader", "office", None, "device", None, None, (0, 0))


@pytest.fixture(scope="module")
def pg_sessions(pg_admin) -> Iterator[sessionmaker[Session]]:
    name, url = fresh_pg_database(pg_admin)
    engine = init_database(url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()
        drop_pg_database(pg_admin, name)


class Reader:
    """Follows the feed like a client: applies a page, keeps the cursor."""

    def __init__(self, sessions: sessionmaker[Session], *, use_watermark: bool) -> None:
        self.sessions, self.use_watermark = sessions, use_watermark
        self.cursor = format_cursor((0, 0))
        self.seen: set[str] = set()

    def pull(self, limit: int = 50) -> bool:
        with self.sessions() as s, s.begin():
            page = pull_page(s, OFFICE, parse_cursor(self.cursor), limit, use_watermark=self.use_watermark)
        self.seen |= {c["id"] for c in page["changes"] if c["s"] == "warehouses" and c["op"] == "u"}
        self.cursor = page["cursor"]
        return page["has_more"]

    def drain(self) -> None:
        while self.pull():
            pass


def _write(
    sessions: sessionmaker[Session],
    row_id: str,
    *,
    hold: threading.Event | None = None,
    written: threading.Event | None = None,
) -> None:
    with sessions.begin() as s:
        upsert_rows(s, "warehouses", [{"id": row_id, "code": row_id, "name": f"Magazzino {row_id}"}])
        if written:
            written.set()
        if hold:
            assert hold.wait(30)


def test_late_commit_is_not_skipped_but_a_naive_cursor_skips_it(pg_sessions: sessionmaker[Session]) -> None:
    safe, naive = Reader(pg_sessions, use_watermark=True), Reader(pg_sessions, use_watermark=False)
    safe.drain()
    naive.drain()
    release, first_written = threading.Event(), threading.Event()
    slow = threading.Thread(
        target=_write, args=(pg_sessions, "late-1"), kwargs={"hold": release, "written": first_written}
    )
    slow.start()
    assert first_written.wait(30)  # T1 has its stamp, and stays open
    _write(pg_sessions, "early-2")  # T2 stamps later and commits first
    safe.drain()
    naive.drain()
    assert "early-2" in naive.seen  # the naive reader moved its cursor past T1's stamp
    release.set()
    slow.join(30)
    deadline = time.monotonic() + 30
    while {"late-1", "early-2"} - safe.seen and time.monotonic() < deadline:
        safe.drain()
        time.sleep(0.05)
    naive.drain()
    assert {"late-1", "early-2"} <= safe.seen
    assert "late-1" not in naive.seen, "the naive cursor should have skipped the late commit"


def test_concurrent_writers_and_a_following_reader_miss_nothing(pg_sessions: sessionmaker[Session]) -> None:
    reader = Reader(pg_sessions, use_watermark=True)
    reader.drain()
    committed: set[str] = set()
    lock = threading.Lock()
    stop = threading.Event()
    rng = random.Random(4)
    delays = [[rng.uniform(0, 0.03) for _ in range(12)] for _ in range(6)]

    def writer(w: int) -> None:
        for i, delay in enumerate(delays[w]):
            row_id = f"w{w}-{i}"
            with pg_sessions.begin() as s:
                upsert_rows(s, "warehouses", [{"id": row_id, "code": row_id, "name": "x"}])
                time.sleep(delay)  # commit order differs from stamp order
            with lock:
                committed.add(row_id)

    def follow() -> None:
        while not stop.is_set():
            reader.pull(limit=7)
            time.sleep(0.005)

    follower = threading.Thread(target=follow)
    follower.start()
    writers = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
    for t in writers:
        t.start()
    for t in writers:
        t.join(60)
    stop.set()
    follower.join(30)
    deadline = time.monotonic() + 30
    while committed - reader.seen and time.monotonic() < deadline:
        reader.drain()
        time.sleep(0.05)
    assert len(committed) == 72
    assert committed <= reader.seen, f"skipped: {sorted(committed - reader.seen)[:10]}"


def test_a_transaction_in_another_database_does_not_hold_the_feed(
    pg_sessions: sessionmaker[Session], pg_admin
) -> None:
    reader = Reader(pg_sessions, use_watermark=True)
    reader.drain()
    with pg_admin.connect() as other, other.begin():
        other.execute(text("SELECT pg_current_xact_id()"))  # a writing transaction elsewhere, left open
        _write(pg_sessions, "while-other-db-busy")
        reader.drain()
        assert "while-other-db-busy" in reader.seen


def test_a_role_that_cannot_see_other_sessions_falls_back_to_the_safe_watermark(
    pg_sessions: sessionmaker[Session], pg_admin
) -> None:
    """Without pg_read_all_stats, backend_xid of others' sessions may be hidden: the watermark then
    comes from the snapshot's xmin, so an open writing transaction still holds it back."""
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from sfa_server.feed import watermark

    role = f"sfa_t_plain_{uuid.uuid4().hex[:8]}"
    url = make_url(pg_sessions.kw["bind"].url.render_as_string(hide_password=False)).set(username=role)
    with pg_admin.connect() as c:
        c.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    plain = create_engine(url)
    try:
        with pg_sessions.begin() as s:  # a writing transaction left open while the plain role looks
            upsert_rows(s, "warehouses", [{"id": "held-open", "code": "held-open", "name": "x"}])
            held = int(s.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one())
            with Session(plain) as ps, ps.begin():
                assert not ps.execute(text(
                    "SELECT pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER')")).scalar_one()
                assert watermark(ps) <= held
    finally:
        plain.dispose()
        with pg_admin.connect() as c:
            c.execute(text(f'DROP ROLE IF EXISTS "{role}"'))


def test_a_pull_plans_with_generic_plans_for_its_own_transaction_only(pg_sessions: sessionmaker[Session]) -> None:
    """pull_context switches PostgreSQL's plan cache to generic plans (the positions statement is
    not planned again at every pull) for the pull's transaction; the connection goes back to the pool
    as it was."""
    from sfa_server.feed import pull_context

    engine = pg_sessions.kw["bind"]
    with engine.connect() as conn:
        with Session(bind=conn) as session, session.begin():
            before = session.execute(text("SHOW plan_cache_mode")).scalar_one()
            context = pull_context(session)
            assert session.execute(text("SHOW plan_cache_mode")).scalar_one() == "force_generic_plan"
            assert context.watermark > 0
        assert conn.execute(text("SHOW plan_cache_mode")).scalar_one() == before == "auto"
        conn.rollback()
