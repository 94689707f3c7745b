"""A first sync as a snapshot: each stream read in id order (keyset pages), then the feed from the
snapshot's position.

The change feed merges every stream by change stamp, which a first sync does not need: the agent's
replica is empty, so the rows can come stream by stream (parents first), each page one index walk
of one table. The snapshot position `snap` is the feed's head when the first page was asked for
(on PostgreSQL: below the watermark, so every change at or before it is committed); a row changed
after it may come twice (in the snapshot with its new values, then in the feed), never zero times,
because the feed goes on from `snap` once the last stream is read.

Cursor "s1.<snap tx>.<snap seq>.<stream index>.<last id as hex>": opaque to clients like the feed's.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sfa_desktop.sync import protocol as p
from sfa_server.cursors import CursorError, Position, format_cursor
from sfa_server.deps import Principal
from sfa_server.models import ScopeGrant, ScopeRemoval, Tombstone
from sfa_server.scope import row_for, scope_clause, table_of

PREFIX = "s1."
_CURSOR = re.compile(r"^s1\.(\d{1,19})\.(\d{1,19})\.(\d{1,2})\.([0-9a-f]{0,400})$")


def is_snapshot_cursor(cursor: str | None) -> bool:
    return bool(cursor) and cursor.startswith(PREFIX)  # type: ignore[union-attr]


def parse(cursor: str) -> tuple[Position, int, str]:
    m = _CURSOR.match(cursor)
    if m is None:
        raise CursorError("The sync cursor is not valid (expected the opaque value of a previous pull).")
    index = int(m.group(3))
    if index > len(p.STREAM_ORDER):
        raise CursorError("The sync cursor is not valid (unknown stream position).")
    try:
        last_id = bytes.fromhex(m.group(4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise CursorError("The sync cursor is not valid (damaged position).") from exc
    return (int(m.group(1)), int(m.group(2))), index, last_id


def format_snapshot(snap: Position, index: int, last_id: str) -> str:
    return f"{PREFIX}{snap[0]}.{snap[1]}.{index}.{last_id.encode('utf-8').hex()}"


def head(session: Session, wm: int | None) -> Position:
    """The newest change position the feed may serve now (below the watermark on PostgreSQL)."""
    best: Position = (0, 0)
    tables = [table_of(s) for s in p.STREAMS] + [Tombstone.__table__, ScopeRemoval.__table__,
                                                 ScopeGrant.__table__]
    for t in tables:
        stmt = select(t.c.change_tx, t.c.change_seq)
        if wm is not None:
            stmt = stmt.where(t.c.change_tx < wm)
        row = session.execute(stmt.order_by(t.c.change_tx.desc(), t.c.change_seq.desc()).limit(1)).first()
        if row is not None and (row[0], row[1]) > best:
            best = (row[0], row[1])
    return best


def _sqlite_value(kind: str, nullable_json: bool = False) -> Any:
    """SQLite's own value of a column -> its wire value, without SQLAlchemy's result processing
    (which builds Decimal and datetime objects only for them to be written back as text)."""
    if kind == p.DECIMAL:
        # Numeric(18, 4) on SQLite is a REAL or an INTEGER: SQLAlchemy reads it as "%.4f"
        return lambda v: v if v.__class__ is str else f"{v:.4f}"
    if kind == p.DATETIME:
        # stored as naive UTC text "YYYY-MM-DD HH:MM:SS.ffffff"
        return lambda v: dt.datetime.fromisoformat(v).replace(tzinfo=dt.UTC).isoformat()
    if kind == p.BOOL:
        return bool
    if kind == p.JSON:
        return lambda v: json.loads(v) if v.__class__ is str else v
    if kind == p.BYTES:
        return lambda v: base64.b64encode(v).decode("ascii")
    return None  # text, dates (ISO text) and integers are already what the wire carries


def _sqlite_encoder(stream: str) -> Any:
    fields = p.STREAMS[stream].fields
    names = [f.name for f in fields]
    converters = [(i, conv) for i, f in enumerate(fields) if (conv := _sqlite_value(f.type)) is not None]

    def encode(values: Any) -> dict[str, Any]:
        values = list(values)
        for i, conv in converters:
            v = values[i]
            if v is not None:
                values[i] = conv(v)
        return dict(zip(names, values, strict=True))

    return encode


_SQLITE_ENCODERS = {stream: _sqlite_encoder(stream) for stream in p.STREAMS}


def _streams(only: Iterable[str] | None) -> list[str]:
    wanted = set(p.STREAM_ORDER if only is None else only)
    return [s for s in p.STREAM_ORDER if s in wanted]


def snapshot_page(session: Session, principal: Principal, *, snap: Position, index: int, last_id: str,
                  limit: int, streams: Iterable[str] | None, encoders: dict[str, Any],
                  horizon: Position | None) -> dict[str, Any]:
    """The next `limit` rows of the snapshot from stream `index` after `last_id`, in one page."""
    order = _streams(streams)
    changes: list[dict[str, Any]] = []
    budget = limit
    while index < len(p.STREAM_ORDER) and budget > 0:
        stream = p.STREAM_ORDER[index]
        if stream not in order:
            index, last_id = index + 1, ""
            continue
        t = table_of(stream)
        cols = [t.c[name] for name in p.STREAMS[stream].field_names]
        # walk the id index (the page's order) and filter by scope; SQLite would otherwise collect
        # every row of the scope through the scope column's index and sort them, for each page
        sqlite = session.get_bind().dialect.name == "sqlite"
        stmt = (select(*cols)
                .where(scope_clause(stream, agent_id=principal.scope_agent, user_id=principal.user_id,
                                    sqlite_walk_changes=sqlite))
                .where(t.c.id > last_id).order_by(t.c.id).limit(budget + 1))
        if sqlite:  # read SQLite's own values and write the wire text from them
            compiled = stmt.compile(session.get_bind())
            rows = session.connection().exec_driver_sql(str(compiled), (compiled.positiontup and tuple(
                compiled.params[k] for k in compiled.positiontup)) or ()).fetchall()
            encode = _SQLITE_ENCODERS[stream]
        else:
            rows = session.execute(stmt).all()
            encode = encoders[stream]
        for values in rows[:budget]:
            row = encode(values)
            if stream == "users":
                row = row_for(principal, stream, row)  # this device's own number block
            changes.append({"s": stream, "op": p.UPSERT, "id": row["id"], "row": row})
        if len(rows) > budget:
            last_id = changes[-1]["id"]
            budget = 0
        else:
            budget -= len(rows)
            index, last_id = index + 1, ""
    done = index >= len(p.STREAM_ORDER)
    doc: dict[str, Any] = {
        # the snapshot read, the feed goes on from its position (it may bring a row twice: fine)
        "cursor": format_cursor(snap, horizon) if done else format_snapshot(snap, index, last_id),
        "has_more": True,
        "reset": [],
        "changes": changes,
    }
    if done:
        # what the replica must hold once the snapshot is applied: the client compares its counts
        # (a cheap check that nothing is missing) instead of checksumming every row after a first sync
        doc["snapshot"] = {"counts": scope_counts(session, principal, streams)}
    if snap == (0, 0) and done:
        doc["has_more"] = False  # an empty server: nothing can have changed since
    return doc


def scope_counts(session: Session, principal: Principal, streams: Iterable[str] | None) -> dict[str, int]:
    counts = {}
    for stream in _streams(streams):
        t = table_of(stream)
        clause = scope_clause(stream, agent_id=principal.scope_agent, user_id=principal.user_id)
        counts[stream] = int(session.execute(select(func.count()).select_from(t).where(clause)).scalar_one())
    return counts


def remaining_estimate(session: Session, principal: Principal, streams: Iterable[str] | None) -> int:
    """Rows of the caller's scope (the snapshot's size), for the first page's progress bar."""
    return sum(scope_counts(session, principal, streams).values())


__all__ = ["format_snapshot", "head", "is_snapshot_cursor", "parse", "remaining_estimate", "snapshot_page"]
