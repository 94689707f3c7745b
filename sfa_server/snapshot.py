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
        stmt = (select(*cols)
                .where(scope_clause(stream, agent_id=principal.scope_agent, user_id=principal.user_id))
                .where(t.c.id > last_id).order_by(t.c.id).limit(budget + 1))
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
    if snap == (0, 0) and done:
        doc["has_more"] = False  # an empty server: nothing can have changed since
    return doc


def remaining_estimate(session: Session, principal: Principal, streams: Iterable[str] | None) -> int:
    """Rows of the caller's scope (the snapshot's size), for the first page's progress bar."""
    total = 0
    for stream in _streams(streams):
        t = table_of(stream)
        clause = scope_clause(stream, agent_id=principal.scope_agent, user_id=principal.user_id)
        total += int(session.execute(select(func.count()).select_from(t).where(clause)).scalar_one())
    return total


__all__ = ["format_snapshot", "head", "is_snapshot_cursor", "parse", "remaining_estimate", "snapshot_page"]
