"""The change feed: pull pages of changes since a cursor for the caller's scope, and checksums.

Cursor "v1.<tx>.<seq>": the last (change_tx, change_seq) served. On PostgreSQL only changes of
transactions below the current snapshot's xmin are served, so a transaction that commits late can
never land behind a cursor a client already holds (see sfa_server.changes).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import Select, String, literal, select, text, tuple_, union_all
from sqlalchemy.orm import Session

from sfa_desktop.sync import protocol as p
from sfa_server.deps import ApiError, CurrentUser, Principal, Sessions
from sfa_server.models import ScopeGrant, ScopeRemoval, Tombstone
from sfa_server.scope import scope_clause, table_of

router = APIRouter(prefix="/sync", tags=["sync"])
_CURSOR = re.compile(r"^v1\.(\d{1,19})\.(\d{1,19})$")
Position = tuple[int, int]


class CursorError(ValueError):
    pass


def parse_cursor(cursor: str | None) -> Position:
    if not cursor:
        return (0, 0)
    m = _CURSOR.match(cursor)
    if m is None:
        raise CursorError(
            "The sync cursor is not valid (expected the opaque value of a previous pull, "
            "or nothing to start from scratch)."
        )
    return int(m.group(1)), int(m.group(2))


def format_cursor(pos: Position) -> str:
    return f"v1.{pos[0]}.{pos[1]}"


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
    # pg_stat_activity is cached per transaction: drop any copy read earlier in this one
    session.execute(text("SELECT pg_stat_clear_snapshot()"))
    return int(session.execute(_WATERMARK_SQL).scalar_one())


def _after(stmt: Select, t: Any, pos: Position, wm: int | None) -> Select:
    stmt = stmt.where(tuple_(t.c.change_tx, t.c.change_seq) > tuple_(*pos))
    if wm is not None:
        stmt = stmt.where(t.c.change_tx < wm)
    return stmt.order_by(t.c.change_tx, t.c.change_seq)


def _row_for(principal: Principal, stream: str, row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    if stream == "users" and out.get("id") == principal.user_id:
        # each device numbers documents from its own block
        out["number_block_start"], out["number_block_end"] = principal.number_block
    return out


def positions_query(principal: Principal, pos: Position, limit: int, wm: int | None) -> Select:
    """(tx, seq, stream, op, row_id) of the next limit + 1 changes, in one UNION ALL query whose
    branches each walk their (change_tx, change_seq) index from the cursor."""
    agent = principal.scope_agent
    branches = []
    for stream in p.STREAMS:
        t = table_of(stream)
        stmt = select(
            t.c.change_tx.label("tx"),
            t.c.change_seq.label("seq"),
            literal(stream, String).label("stream"),
            literal(p.UPSERT, String).label("op"),
            t.c.id.label("row_id"),
        ).where(scope_clause(stream, agent_id=agent, user_id=principal.user_id))
        branches.append(select(_after(stmt, t, pos, wm).limit(limit + 1).subquery()))
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
        if agent is not None:
            mine = t.c.agent_id == agent
            stmt = stmt.where(mine if t is not Tombstone.__table__ else (t.c.agent_id.is_(None) | mine))
        branches.append(select(_after(stmt, t, pos, wm).limit(limit + 1).subquery()))
    u = union_all(*branches).subquery()
    return select(u).order_by(u.c.tx, u.c.seq).limit(limit + 1)


def _positions(
    session: Session, principal: Principal, pos: Position, limit: int, wm: int | None
) -> list[tuple[int, int, str, str, str]]:
    rows = session.execute(positions_query(principal, pos, limit, wm)).all()
    return [(r.tx, r.seq, r.stream, r.op, r.row_id) for r in rows if r.stream in p.STREAMS]


def pull_page(
    session: Session, principal: Principal, pos: Position, limit: int, *, use_watermark: bool = True
) -> dict[str, Any]:
    """One page of the feed (wire shape of protocol.PullPage)."""
    wm = watermark(session) if use_watermark else None
    entries = _positions(session, principal, pos, limit, wm)
    has_more = len(entries) > limit
    page = entries[:limit]
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
            changes.append(p.encode_change(stream, op, row_id, None))
        elif (stream, row_id) in rows:  # else: a granted row deleted since (its tombstone follows)
            changes.append(p.encode_change(stream, op, row_id, rows[(stream, row_id)]))
    new_pos = (page[-1][0], page[-1][1]) if page else pos
    return {"cursor": format_cursor(new_pos), "has_more": has_more, "reset": [], "changes": changes}


def _load_rows(
    session: Session, principal: Principal, wanted: dict[str, list[str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict] = {}
    for stream, ids in wanted.items():
        t = table_of(stream)
        cols = [t.c[f] for f in p.STREAMS[stream].field_names]
        for start in range(0, len(ids), 1000):
            stmt = select(*cols).where(t.c.id.in_(ids[start : start + 1000]))
            for r in session.execute(stmt).mappings():
                found[(stream, r["id"])] = _row_for(principal, stream, r)
    return found


@router.get("/pull", responses={400: {"description": "Invalid cursor"}})
def pull(
    principal: CurrentUser,
    sessions: Sessions,
    cursor: Annotated[str, Query(max_length=60)] = "",
    limit: Annotated[int, Query(ge=1, le=p.MAX_PAGE_SIZE)] = p.DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    """Changes since `cursor` in the caller's scope, oldest first; "d" = delete or left scope."""
    try:
        pos = parse_cursor(cursor)
    except CursorError as exc:
        raise ApiError(400, str(exc), "invalid_cursor") from exc
    with sessions() as session, session.begin():
        if session.get_bind().dialect.name == "postgresql":
            # one snapshot for the whole page: positions and row values agree
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return pull_page(session, principal, pos, limit)


# --------------------------------------------------------------------------- checksums


def stream_checksum(stream: str, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """{"count", "checksum"}: sha256 over the rows sorted by id, each as
    protocol.row_checksum_text(stream, row) followed by a newline. Clients compute the same."""
    texts = sorted((str(r["id"]), p.row_checksum_text(stream, r)) for r in rows)
    h = hashlib.sha256()
    for _id, t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\n")
    return {"count": len(texts), "checksum": h.hexdigest()}


def scope_checksums(session: Session, principal: Principal, streams: Iterable[str]) -> dict[str, Any]:
    out = {}
    for stream in streams:
        t = table_of(stream)
        cols = [t.c[f] for f in p.STREAMS[stream].field_names]
        rows = session.execute(
            select(*cols).where(
                scope_clause(stream, agent_id=principal.scope_agent, user_id=principal.user_id)
            )
        ).mappings()
        out[stream] = stream_checksum(stream, (_row_for(principal, stream, r) for r in rows))
    return out


@router.get("/checksums", responses={400: {"description": "Unknown stream"}})
def checksums(
    principal: CurrentUser,
    sessions: Sessions,
    streams: Annotated[str, Query(max_length=1000, description="comma-separated; all if empty")] = "",
) -> dict[str, Any]:
    """Per stream: how many rows the caller's replica should hold and their checksum."""
    wanted = [s.strip() for s in streams.split(",") if s.strip()] or list(p.STREAMS)
    unknown = [s for s in wanted if s not in p.STREAMS]
    if unknown:
        raise ApiError(400, f"Unknown stream(s): {', '.join(sorted(unknown))[:200]}", "invalid")
    with sessions() as session, session.begin():
        return scope_checksums(session, principal, wanted)
