"""The change feed: pull pages of changes since a cursor for the caller's scope (and the routes).

Cursor "v1.<tx>.<seq>": the last (change_tx, change_seq) served. On PostgreSQL only changes of
transactions below the current snapshot's xmin are served, so a transaction that commits late can
never land behind a cursor a client already holds (see sfa_server.changes). A cursor below the
history horizon (sfa_server.retention) gets a resync from scratch with `reset`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import BigInteger, Integer, Select, String, bindparam, func, literal, select, text, tuple_, union_all
from sqlalchemy.orm import Session, sessionmaker

from sfa_desktop.sync import protocol as p
from sfa_server import snapshot
from sfa_server.answers import json_answer
from sfa_server.api_schema import CURSOR_PATTERN, STREAMS_PATTERN, PullPagePublic, StreamChecksumPublic, errors
from sfa_server.checksums import scope_checksums
from sfa_server.cursors import (
    CursorError,
    Position,
    cursor_horizon,
    format_cursor,
    parse_cursor,
    parse_streams,
    tag_cursor,
    untag_cursor,
)
from sfa_server.deps import ApiError, CurrentUser, Principal, Sessions
from sfa_server.direct_sql import run
from sfa_server.models import Counter, ScopeGrant, ScopeRemoval, Tombstone
from sfa_server.retention import HORIZON_SEQ, HORIZON_TX, history_horizon, horizon_of
from sfa_server.scope import row_for, scope_clause, table_of

router = APIRouter(prefix="/sync", tags=["sync"])
#: The longest `cursor` and `streams` a pull accepts (the routes' Query bounds; sfa_server.sync_path too).
CURSOR_MAX_LENGTH, STREAMS_MAX_LENGTH = 100, 1000
# The oldest transaction id that may still commit, among the transactions of THIS database only
# (the snapshot's xmin would let a long transaction in another database of the cluster stall the
# feed). Soundness: the snapshot's xmax is read first (same statement, statement snapshot), so every
# transaction that got an id before it and is still running appears in pg_stat_activity (a backend
# publishes its xid in the proc array when it is assigned); any id assigned later is >= xmax.
# backend_xid is 32-bit: it is widened with the epoch of xmax (running ids are within 2^31 of it).
_WATERMARK_SQL = text("""
WITH snap AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax),
running AS (
    SELECT backend_xid::text::bigint AS xid32 FROM pg_stat_activity
    WHERE datname = current_database() AND backend_xid IS NOT NULL
    UNION ALL
    SELECT transaction::text::bigint FROM pg_prepared_xacts WHERE database = current_database()
)
SELECT CASE WHEN pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') THEN
    LEAST(snap.xmax, MIN(snap.xmax - ((snap.xmax % 4294967296) - running.xid32 + 4294967296) % 4294967296))
  ELSE MIN(pg_snapshot_xmin(pg_current_snapshot())::text::bigint) END
FROM snap LEFT JOIN running ON true GROUP BY snap.xmax
""")
# A role that may not read other sessions' backend_xid (neither superuser nor pg_read_all_stats)
# would see an empty `running` set: it falls back to the cluster-wide snapshot xmin, which is
# always safe, only slower to advance while a long transaction runs elsewhere in the cluster.


def watermark(session: Session, *, cluster_wide: bool = False) -> int | None:
    """change_tx values at or above this may still be in flight (PostgreSQL); None = no bound."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    if cluster_wide:
        return int(
            session.execute(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")).scalar_one()
        )
    _fresh_stats(session)
    return int(session.execute(_WATERMARK_SQL).scalar_one())


def _fresh_stats(session: Session) -> None:
    """pg_stat_activity is cached per transaction: drop the copy an earlier read of this one took
    (the first read of a transaction is fresh: a pull saves that round trip)."""
    session.connection()  # autobegin
    trans = session.get_transaction()
    if session.info.get(_STATS_READ_KEY) is trans:
        session.execute(text("SELECT pg_stat_clear_snapshot()"))
    session.info[_STATS_READ_KEY] = trans


_STATS_READ_KEY = "sfa_stats_read_in"  # the transaction that read pg_stat_activity last


@dataclass(frozen=True)
class PullContext:
    """What an incremental pull reads before the feed, read by one statement on PostgreSQL: the
    stamp bounds (at_or_before_head), the watermark and the history horizon."""

    tx_bound: int
    seq_bound: int
    watermark: int
    horizon: Position | None


#: The highest change_tx and change_seq that may have been handed out (PostgreSQL): at_or_before_head
_STAMP_BOUNDS = "pg_snapshot_xmax(pg_current_snapshot())::text::bigint, (SELECT last_value FROM sfa_change_seq)"
#: It also sets, for this transaction only, PostgreSQL's plan cache to generic plans: the positions
#: statement (~20 UNION ALL branches) was now and then planned again as a custom plan (log durations,
#: 60 agents 10 at once, 2,380 prepared runs: its bind took 2.55 s in all, p99 12.4 ms; with generic
#: plans 1.77 s, p99 4.2 ms; the median, 0.54 ms, is the locks of its ~20 tables either way). Its plan
#: does not depend on the values (each branch walks its stamp index from the cursor).
_PULL_CONTEXT_SQL = text(f"""
SELECT {_STAMP_BOUNDS},
       ({_WATERMARK_SQL.text.strip()}) AS wm,
       (SELECT value FROM counters WHERE name = '{HORIZON_TX}') AS horizon_tx,
       (SELECT value FROM counters WHERE name = '{HORIZON_SEQ}') AS horizon_seq,
       set_config('plan_cache_mode', 'force_generic_plan', true)
""")


def pull_context(session: Session) -> PullContext:
    """The PostgreSQL pull's four reads in one round trip (it must be the first read of the
    transaction that serves the page, like watermark's own statement: a fresh stats snapshot)."""
    _fresh_stats(session)
    tx_bound, seq_bound, wm, horizon_tx, horizon_seq, _plans = run(session.connection(), _PULL_CONTEXT_SQL).one()
    return PullContext(int(tx_bound), int(seq_bound), int(wm), horizon_of(horizon_tx, horizon_seq))


def _after(
    stmt: Select, t: Any, pos: Position, wm: int | None, upto: Position | None = None, *, ordered: bool = True
) -> Select:
    stmt = stmt.where(tuple_(t.c.change_tx, t.c.change_seq) > tuple_(*pos))
    if upto is not None:
        stmt = stmt.where(tuple_(t.c.change_tx, t.c.change_seq) <= tuple_(*upto))
    if wm is not None:
        stmt = stmt.where(t.c.change_tx < wm)
    return stmt.order_by(t.c.change_tx, t.c.change_seq) if ordered else stmt


def _branches(
    principal: Principal, streams: Iterable[str] | None, *, scoped: bool, sqlite: bool = False
) -> list[tuple[Any, Select]]:
    """(table, select of tx, seq, stream, op, row_id) for every source of feed entries. Unscoped
    branches (a superset of the caller's entries) only bound the window of a page."""
    agent = principal.scope_agent
    wanted = set(p.STREAMS if streams is None else streams)
    out = []
    for stream in p.STREAMS:
        if stream not in wanted:
            continue
        t = table_of(stream)
        stmt = select(
            t.c.change_tx.label("tx"),
            t.c.change_seq.label("seq"),
            literal(stream, String).label("stream"),
            literal(p.UPSERT, String).label("op"),
            t.c.id.label("row_id"),
        )
        if scoped:
            # SQLite: walk the change index (the page window bounds it), not the scope column's index
            clause = scope_clause(
                stream, agent_id=agent, user_id=principal.user_id, sqlite_walk_changes=sqlite
            )
            stmt = stmt.where(clause)
        out.append((t, stmt))
    marks = [(Tombstone.__table__, p.DELETE)]
    if agent is not None:
        marks += [(ScopeRemoval.__table__, p.DELETE), (ScopeGrant.__table__, p.UPSERT)]
    for t, op in marks:
        stmt = select(
            t.c.change_tx.label("tx"),
            t.c.change_seq.label("seq"),
            t.c.stream,
            literal(op, String).label("op"),
            t.c.row_id,
        )
        if streams is not None:
            stmt = stmt.where(t.c.stream.in_(sorted(wanted)))
        if agent is not None:
            mine = t.c.agent_id == agent
            if t is not Tombstone.__table__:
                stmt = stmt.where(mine)
            elif scoped:
                stmt = stmt.where(t.c.agent_id.is_(None) | mine)
        out.append((t, stmt))
    return out


def positions_query(
    principal: Principal,
    pos: Position,
    limit: int,
    wm: int | None,
    *,
    upto: Position | None = None,
    streams: Iterable[str] | None = None,
    sqlite: bool = False,
) -> Select:
    """(tx, seq, stream, op, row_id) of the next limit + 1 changes in (pos, upto], in one UNION ALL
    query whose branches each walk their (change_tx, change_seq) index from the cursor."""
    branches = [
        select(_after(stmt, t, pos, wm, upto).limit(limit + 1).subquery())
        for t, stmt in _branches(principal, streams, scoped=True, sqlite=sqlite)
    ]
    u = union_all(*branches).subquery()
    return select(u).order_by(u.c.tx, u.c.seq).limit(limit + 1)


def window_end_query(
    principal: Principal, pos: Position, budget: int, wm: int | None, *, streams: Iterable[str] | None = None
) -> Select:
    """Position of the (budget + 1)-th entry after pos ignoring scope: (pos, it] holds at most
    budget + 1 of the caller's entries. Index-only walks merged lazily (SQLite co-routines,
    PostgreSQL Merge Append), so its cost follows the page size, not the table sizes."""
    arms = [
        _after(select(t.c.change_tx.label("tx"), t.c.change_seq.label("seq")), t, pos, wm, ordered=False)
        for t, _stmt in _branches(principal, streams, scoped=False)
    ]
    u = union_all(*arms)
    return u.order_by(u.selected_columns.tx, u.selected_columns.seq).limit(1).offset(budget)


@functools.lru_cache(maxsize=64)
def _pg_positions_sql(dialect: Any, is_agent: bool, streams: tuple[str, ...] | None, with_watermark: bool
                      ) -> tuple[str, dict[str, Any]]:
    """positions_query compiled once per shape (agent or not, streams, watermark): its ~20 branches
    cost more to build and compile in Python than PostgreSQL takes to run them (profiled: 30 % of a
    loaded worker). The caller, cursor, watermark and limit are bound parameters; the same SQL text
    each time also lets psycopg prepare it on the server (no re-planning per pull)."""
    template = Principal(_BIND_USER, "", "agent" if is_agent else "office", None, "", None, None, (0, 0))
    pos = (bindparam("pos_tx", 0, type_=BigInteger), bindparam("pos_seq", 0, type_=BigInteger))
    wm = bindparam("wm", 0, type_=BigInteger) if with_watermark else None
    stmt = positions_query(template, pos, bindparam("page_limit", 1, type_=Integer), wm, streams=streams)
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    fixed = {k: v for k, v in compiled.params.items() if k not in _BOUND}
    return compiled.string, fixed


# placeholder values: compiling with render_postcompile needs one for each parameter (replaced per pull)
_BIND_USER = bindparam("caller_id", "", type_=String)
_BOUND = ("caller_id", "pos_tx", "pos_seq", "wm", "page_limit")


@functools.lru_cache(maxsize=64)
def _pg_positions_native(dialect: Any, is_agent: bool, streams: tuple[str, ...] | None, with_watermark: bool
                         ) -> tuple[str, tuple[str, ...]]:
    """_pg_positions_sql in PostgreSQL's own $n placeholders, its constants written in: (SQL, names of
    the $1, $2, ... values). psycopg re-parses a "%(name)s" statement with a regex on every execution
    once it is over 4 KB or 50 values (its cache's bounds; this one is ~16 KB with ~75): profiled at
    8 % of a loaded worker's CPU. A RawCursor sends this text as it is."""
    sql, fixed = _pg_positions_sql(dialect, is_agent, streams, with_watermark)
    names: list[str] = []

    def placeholder(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _BOUND:
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"
        return _pg_literal(fixed[name])

    if "%%" in sql:
        raise RuntimeError("the feed's positions statement holds an escaped %: the native form would change it")
    return re.sub(r"%\((\w+)\)s", placeholder, sql), tuple(names)


def _pg_literal(value: Any) -> str:
    """A constant of the feed's statement (a stream name, an operation, a number) as SQL text."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"no literal form for {value!r} in the feed's statement")
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"  # standard_conforming_strings: a backslash is itself


def _pg_positions(session: Session, principal: Principal, pos: Position, limit: int, wm: int | None,
                  streams: Iterable[str] | None) -> list[Any]:
    import psycopg

    sql, names = _pg_positions_native(session.get_bind().dialect, principal.is_agent,
                                      None if streams is None else tuple(streams), wm is not None)
    values = {"caller_id": principal.user_id, "pos_tx": pos[0], "pos_seq": pos[1], "wm": wm, "page_limit": limit}
    # the session's own connection and transaction (the page's snapshot), through psycopg directly
    with psycopg.RawCursor(session.connection().connection.driver_connection) as cur:
        cur.execute(sql, tuple(values[name] for name in names))
        return cur.fetchall()


def _sqlite_template(is_agent: bool, with_watermark: bool) -> tuple[Principal, Position, Any]:
    template = Principal(_BIND_USER, "", "agent" if is_agent else "office", None, "", None, None, (0, 0))
    pos = (bindparam("pos_tx", 0, type_=BigInteger), bindparam("pos_seq", 0, type_=BigInteger))
    wm = bindparam("wm", 0, type_=BigInteger) if with_watermark else None
    return template, pos, wm


def _qmark(stmt: Any, dialect: Any) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    if compiled.positiontup is None:
        raise RuntimeError(f"the feed's SQLite statements need a positional dialect, not {dialect.paramstyle}")
    return compiled.string, tuple(compiled.positiontup), dict(compiled.params)


@functools.lru_cache(maxsize=64)
def _sqlite_window_sql(dialect: Any, is_agent: bool, streams: tuple[str, ...] | None, with_watermark: bool
                       ) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """window_end_query compiled once per shape, as on PostgreSQL (_pg_positions_sql): building its
    ~20 branches in Python cost more than SQLite takes to run them (profiled: ~2/3 of a pull of 100
    changes). The caller, cursor, watermark and budget are bound parameters."""
    template, pos, wm = _sqlite_template(is_agent, with_watermark)
    return _qmark(window_end_query(template, pos, bindparam("page_limit", 1, type_=Integer), wm,
                                   streams=streams), dialect)


@functools.lru_cache(maxsize=64)
def _sqlite_positions_sql(dialect: Any, is_agent: bool, streams: tuple[str, ...] | None, with_watermark: bool,
                          with_upto: bool) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """positions_query (SQLite's shape, bounded by the window's end when there is one), compiled once."""
    template, pos, wm = _sqlite_template(is_agent, with_watermark)
    upto = (bindparam("upto_tx", 0, type_=BigInteger), bindparam("upto_seq", 0, type_=BigInteger)) \
        if with_upto else None
    return _qmark(positions_query(template, pos, bindparam("page_limit", 1, type_=Integer), wm, upto=upto,
                                  streams=streams, sqlite=True), dialect)


def _run_sqlite(conn: Any, compiled: tuple[str, tuple[str, ...], dict[str, Any]], principal: Principal,
                pos: Position, limit: int, wm: int | None, upto: Position | None) -> list[Any]:
    sql, order, fixed = compiled
    values = {**fixed, "caller_id": principal.user_id, "pos_tx": pos[0], "pos_seq": pos[1], "wm": wm,
              "page_limit": limit, "upto_tx": upto[0] if upto else None, "upto_seq": upto[1] if upto else None}
    return conn.exec_driver_sql(sql, tuple(values[name] for name in order)).all()


_MAX_WINDOWS = 8  # windows examined to fill one page when few entries of a window are the caller's


def _positions(
    session: Session,
    principal: Principal,
    pos: Position,
    limit: int,
    wm: int | None,
    streams: Iterable[str] | None = None,
) -> tuple[list[tuple[int, int, str, str, str]], Position, bool]:
    """The caller's next entries (at most limit), the cursor after them and whether more may follow."""
    if session.get_bind().dialect.name != "sqlite":
        # PostgreSQL merges the branches' index walks itself (Merge Append) and stops at the limit
        rows = _pg_positions(session, principal, pos, limit, wm, streams)  # (tx, seq, stream, op, row_id)
        got = [r for r in rows[:limit] if r[2] in p.STREAMS]
        last = rows[min(len(rows), limit) - 1] if rows else None
        return got, ((last[0], last[1]) if last is not None else pos), len(rows) > limit
    # SQLite sorts every branch's rows: bound the page to a window first (see window_end_query)
    entries: list[tuple[int, int, str, str, str]] = []
    cur = pos
    conn = session.connection()
    dialect = conn.dialect
    only = None if streams is None else tuple(streams)
    for _ in range(_MAX_WINDOWS):
        budget = limit - len(entries)
        end_row = _run_sqlite(conn, _sqlite_window_sql(dialect, principal.is_agent, only, wm is not None),
                              principal, cur, budget, wm, None)[:1]
        end = (end_row[0][0], end_row[0][1]) if end_row else None
        rows = _run_sqlite(conn, _sqlite_positions_sql(dialect, principal.is_agent, only, wm is not None,
                                                       end is not None), principal, cur, budget, wm, end)
        got = [(r.tx, r.seq, r.stream, r.op, r.row_id) for r in rows if r.stream in p.STREAMS]
        if len(rows) > budget:
            entries += got[:budget]
            last = rows[budget - 1]
            return entries, (last.tx, last.seq), True
        entries += got
        if end is None:
            return entries, ((rows[-1].tx, rows[-1].seq) if rows else cur), False
        cur = end  # the whole window (pos, end] was examined
        if len(entries) >= limit // 2:
            break
    return entries, cur, True


def count_after(
    session: Session,
    principal: Principal,
    pos: Position,
    wm: int | None,
    streams: Iterable[str] | None = None,
) -> int:
    """Exact number of the caller's entries after pos (an upper bound of the changes left)."""
    total = 0
    for t, stmt in _branches(principal, streams, scoped=True):
        q = select(func.count()).select_from(_after(stmt, t, pos, wm, ordered=False).subquery())
        total += int(session.execute(q).scalar_one())
    return total


def pull_page(
    session: Session,
    principal: Principal,
    pos: Position,
    limit: int,
    *,
    use_watermark: bool = True,
    streams: Iterable[str] | None = None,
    with_remaining: bool | None = None,
    known_horizon: Position | None = None,
    context: PullContext | None = None,
) -> dict[str, Any]:
    """One page of the feed (wire shape of protocol.PullPage, plus the optional "remaining" estimate:
    computed by default on the first page of a sync from scratch, and 0 on the last page).

    A cursor below the history horizon may have missed pruned deletions: unless it was handed out
    under that same horizon (known_horizon, from cursor_horizon), the page restarts from scratch
    with `reset` = the requested streams (all by default)."""
    if context is not None:
        wm, horizon = context.watermark, context.horizon
    else:
        wm = watermark(session) if use_watermark else None
        horizon = history_horizon(session)
    streams = None if streams is None else list(streams)
    reset: list[str] = []
    if (
        horizon is not None
        and pos != (0, 0)
        and pos < horizon
        and (known_horizon is None or known_horizon < horizon)
    ):
        pos = (0, 0)
        reset = list(p.STREAMS if streams is None else streams)
    page, new_pos, has_more = _positions(session, principal, pos, limit, wm, streams)
    last = {(e[2], e[4]): i for i, e in enumerate(page)}
    wanted: dict[str, list[str]] = {}
    for i, (_tx, _seq, stream, op, row_id) in enumerate(page):
        if op == p.UPSERT and last[(stream, row_id)] == i:
            wanted.setdefault(stream, []).append(row_id)
    rows = _load_rows(session, principal, wanted)
    changes = []
    for i, (_tx, _seq, stream, op, row_id) in enumerate(page):
        if last[(stream, row_id)] != i:
            continue  # a later entry of this page supersedes it
        if op == p.DELETE:
            changes.append({"s": stream, "op": op, "id": row_id})
        else:
            row = rows.get((stream, row_id))
            if row is not None:  # else: a granted row deleted since (its tombstone follows)
                changes.append({"s": stream, "op": op, "id": row_id, "row": row})
    doc: dict[str, Any] = {
        "cursor": format_cursor(new_pos, horizon),
        "has_more": has_more,
        "reset": reset,
        "changes": changes,
    }
    if not has_more:
        doc["remaining"] = 0
    elif with_remaining or (with_remaining is None and pos == (0, 0)):
        doc["remaining"] = count_after(session, principal, new_pos, wm, streams)
    return doc


def _wire_encoder(stream: str) -> Any:
    """Row tuple (protocol field order) -> wire dict, converting only the fields that need it."""
    fields = p.STREAMS[stream].fields
    names = [f.name for f in fields]
    special = [(f.name, f.type) for f in fields if f.type in (p.DECIMAL, p.DATE, p.DATETIME, p.BYTES)]

    def encode(values: Iterable[Any]) -> dict[str, Any]:
        out = dict(zip(names, values, strict=True))
        for name, kind in special:
            v = out[name]
            if v is not None:
                out[name] = p.encode_value(kind, v)
        return out

    return encode


_ENCODERS = {stream: _wire_encoder(stream) for stream in p.STREAMS}


def _load_rows(
    session: Session, principal: Principal, wanted: dict[str, list[str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Wire rows (protocol.encode_row) of the wanted ids, in batches of IN lists SQLite accepts."""
    found: dict[tuple[str, str], dict] = {}
    conn = session.connection()
    for stream, ids in wanted.items():
        stmt = _rows_sql(stream)
        encode = _ENCODERS[stream]
        for start in range(0, len(ids), _IN_BATCH):
            batch = {"ids": ids[start : start + _IN_BATCH]}
            if stream == "users":
                for r in run(conn, stmt, batch).mappings():
                    row = row_for(principal, stream, r)
                    found[(stream, r["id"])] = p.encode_row(stream, row)
                continue
            for values in run(conn, stmt, batch):
                row = encode(values)
                found[(stream, row["id"])] = row
    return found


_IN_BATCH = 900


@functools.cache
def _rows_sql(stream: str) -> Select:
    """A stream's wire columns for a list of ids, built once (every pull with changes runs it)."""
    t = table_of(stream)
    return select(*(t.c[f] for f in p.STREAMS[stream].field_names)).where(
        t.c.id.in_(bindparam("ids", expanding=True)))


#: gzip level of pull pages, in zlib's terms: 3 cost half of 5's time for about 10 % more bytes (zlib,
#: a first sync: 1.7 s vs 3.4 s for 127 MB of JSON, 25.1 vs 22.9 MB on the wire). With ISA-L
#: (protocol.compression) 3 is its best level, at about a third of zlib's time.
PAGE_GZIP_LEVEL = 3
#: gzip level of a first sync's snapshot pages (benchmarks/bench_incremental.py --part snapshot, same
#: run): level 1 takes 14-37 % less time per 5,000-row page than 3 (products 9.8 vs 11.4 ms, prices
#: 5.6 vs 7.7, sales history 8.9 vs 13.9) for 2-9 % more bytes (406 vs 373 KB, 280 vs 273, 452 vs
#: 432): at loopback or gigabit LAN speeds those bytes cost a fraction of a millisecond, and gzip
#: was a sixth of the server's busy time in a first sync. ISA-L's level 1 (protocol.compression) packs
#: the 129 pages of the large demo agent (120 MB of JSON) in 0.28 s against zlib's 1.33 s, into 44.5
#: MB against 47.7 (docs/benchmarks.md, 2026-12-06).
SNAPSHOT_GZIP_LEVEL = 1


def page_response(doc: Mapping[str, Any], accept_encoding: str = "") -> Response:
    """Compact JSON written straight from the page (values are already JSON-safe wire values),
    compressed here when the client accepts gzip (the middleware leaves an encoded body alone)."""
    level = SNAPSHOT_GZIP_LEVEL if doc.get("tables") else PAGE_GZIP_LEVEL
    # the next cursor in a header too: a client may ask for the next page before decoding this one
    headers = {p.NEXT_CURSOR_HEADER: doc["cursor"]} if doc.get("has_more") is True else None
    return json_answer(snapshot.page_body(doc).encode("utf-8"), accept_encoding, level, headers)


@router.get(
    "/pull",
    response_class=Response,
    responses={200: {"model": PullPagePublic, "description": "A page of changes (or of a first sync's snapshot)"},
               **errors(400, 401, 422)},
)
def pull(
    request: Request,
    principal: CurrentUser,
    sessions: Sessions,
    cursor: Annotated[str, Query(max_length=CURSOR_MAX_LENGTH, description="the opaque cursor of the previous page; "
                                 "empty: from scratch", json_schema_extra={"pattern": CURSOR_PATTERN})] = "",
    limit: Annotated[int, Query(ge=1, le=p.MAX_PAGE_SIZE)] = p.DEFAULT_PAGE_SIZE,
    streams: Annotated[
        str, Query(max_length=STREAMS_MAX_LENGTH, description="comma-separated stream names; all if empty",
                   json_schema_extra={"pattern": STREAMS_PATTERN})
    ] = "",
) -> Response:
    """Changes since `cursor` in the caller's scope, oldest first; "d" = delete or left scope.
    With `streams`, only the changes of those streams (the cursor is then only valid for them)."""
    return pull_answer(principal, sessions, cursor, limit, streams, request.headers.get("accept-encoding", ""))


def pull_answer(principal: Principal, sessions: sessionmaker[Session], cursor: str, limit: int, streams: str,
                accept_encoding: str) -> Response:
    """The page a pull asks for, as the answer to send (the route above and sfa_server.sync_path)."""
    only = parse_streams(streams)
    try:
        cursor = untag_cursor(cursor, only) if cursor else cursor
        snapshot_at = snapshot.parse(cursor) if snapshot.is_snapshot_cursor(cursor) else None
        pos = parse_cursor(cursor) if snapshot_at is None else snapshot_at[0]
    except CursorError as exc:
        raise ApiError(400, str(exc), "invalid_cursor") from exc
    with sessions() as session, session.begin():
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:
            # one snapshot for the whole page: positions and row values agree
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        incremental = bool(cursor) and snapshot_at is None
        context = pull_context(session) if incremental and postgres else None
        if pos != (0, 0) and not at_or_before_head(session, pos, context):
            raise ApiError(400, "The sync cursor is ahead of the server's changes (not one it handed out): "
                           "pull from scratch.", "invalid_cursor")
        if not incremental:
            doc = first_sync_page(session, principal, snapshot_at, limit, streams=only)
        else:
            doc = pull_page(session, principal, pos, limit, streams=only, known_horizon=cursor_horizon(cursor),
                            context=context)
    doc["cursor"] = tag_cursor(doc["cursor"], only)
    return page_response(doc, accept_encoding)


def at_or_before_head(session: Session, pos: Position, context: PullContext | None = None) -> bool:
    """Whether `pos` may have been handed out: at or before the last stamp allocated.

    One read of the stamp counters (SQLite) or of the sequence and the snapshot (PostgreSQL, or
    the pull's context that holds them) per pull; only a position past them pays for the exact
    head (one index probe per table)."""
    if context is not None:
        tx_bound, seq_bound = context.tx_bound, context.seq_bound
    elif session.get_bind().dialect.name == "postgresql":
        row = session.execute(text(f"SELECT {_STAMP_BOUNDS}")).one()
        tx_bound, seq_bound = int(row[0]), int(row[1])
    else:
        values = dict(session.execute(select(Counter.name, Counter.value)
                                      .where(Counter.name.in_(("change_tx", "change_seq")))).all())
        tx_bound, seq_bound = int(values.get("change_tx", 0)), int(values.get("change_seq", 0))
    if pos[0] <= tx_bound and pos[1] <= seq_bound:
        return True
    return pos <= snapshot.head(session, None)


def first_sync_page(session: Session, principal: Principal, at: tuple[Position, int, str] | None, limit: int,
                    *, streams: Iterable[str] | None = None) -> dict[str, Any]:
    """A page of a sync from scratch: the snapshot, stream by stream (sfa_server.snapshot)."""
    horizon = history_horizon(session)
    if at is None:
        snap, index, last_id = snapshot.head(session, watermark(session)), 0, ""
    else:
        snap, index, last_id = at
    doc = snapshot.snapshot_page(session, principal, snap=snap, index=index, last_id=last_id, limit=limit,
                                 streams=streams, horizon=horizon)
    if at is None:
        doc["remaining"] = max(0, snapshot.remaining_estimate(session, principal, streams) - snapshot.page_rows(doc))
    return doc


@router.get("/checksums", response_model=dict[str, StreamChecksumPublic], responses=errors(400, 401, 422))
def checksums(
    principal: CurrentUser,
    sessions: Sessions,
    streams: Annotated[str, Query(max_length=STREAMS_MAX_LENGTH, description="comma-separated; all if empty",
                                  json_schema_extra={"pattern": STREAMS_PATTERN})] = "",
) -> dict[str, Any]:
    """Per stream: how many rows the caller's replica should hold and their checksum."""
    wanted = parse_streams(streams) or list(p.STREAMS)
    with sessions() as session, session.begin():
        return scope_checksums(session, principal, wanted)
