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

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import Text, case, cast, func, literal, null, select
from sqlalchemy.orm import Session

from sfa_desktop.sync import protocol as p
from sfa_server.cursors import CursorError, Position, format_cursor
from sfa_server.deps import Principal
from sfa_server.models import ScopeGrant, ScopeRemoval, Tombstone
from sfa_server.scope import row_for, scope_clause, table_of
from sfa_server.sqlite_functions import DECIMAL_PRINTF_BELOW

PREFIX = "s1."
_CURSOR = re.compile(r"^s1\.(\d{1,19})\.(\d{1,19})\.(\d{1,2})\.([0-9a-f]{0,400})$")


def is_snapshot_cursor(cursor: str | None) -> bool:
    return bool(cursor) and cursor.startswith(PREFIX)  # type: ignore[union-attr]


def parse(cursor: str) -> tuple[Position, int, str]:
    m = _CURSOR.match(cursor)
    if m is None or max(int(m.group(1)), int(m.group(2))) > p.MAX_INT:
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


def _wire_sql(kind: str, col: Any, dialect: str) -> Any:
    """A column as its wire value, written by the database itself (one JSON array per row).

    The same values as the feed's Python encoders (feed._wire_encoder), so a row is the same
    whether it comes in the snapshot or in the feed (a test compares them on every stream)."""
    if dialect == "sqlite":
        if kind == p.DECIMAL:
            return case((func.abs(col) >= DECIMAL_PRINTF_BELOW, func.sfa_decimal4(col)),
                        (func.typeof(col).in_(("real", "integer")), func.printf("%.4f", col)), else_=col)
        if kind == p.DATETIME:  # stored as naive UTC text "YYYY-MM-DD HH:MM:SS.ffffff"
            return func.replace(col, " ", "T").concat("+00:00")
        if kind == p.BOOL:
            return case((col.is_(None), null()), (col != 0, func.json("true")), else_=func.json("false"))
        if kind == p.JSON:
            return func.json(col)
        if kind == p.BYTES:
            return func.sfa_base64(col)
        return col  # text, integers and dates (ISO text) are what the wire carries
    if kind == p.DECIMAL:
        return cast(col, Text)  # numeric's exact text
    if kind == p.DATETIME:
        return func.to_char(func.timezone("UTC", col), 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
    if kind == p.DATE:
        return func.to_char(col, "YYYY-MM-DD")
    if kind == p.BYTES:
        return func.translate(func.encode(col, "base64"), "\n", "")
    return col  # to_json writes text, integers, booleans and JSON as they are


def _row_json(stream: str, dialect: str) -> Any:
    t = table_of(stream)
    values = [_wire_sql(f.type, t.c[f.name], dialect) for f in p.STREAMS[stream].fields]
    if dialect == "sqlite":
        return func.json_array(*values)
    # PostgreSQL's json_build_array puts a blank after each comma: the array written compactly
    parts: list[Any] = [literal("[", Text)]
    for i, value in enumerate(values):
        if i:
            parts.append(literal(",", Text))
        parts.append(func.coalesce(cast(func.to_json(value), Text), literal("null", Text)))
    parts.append(literal("]", Text))
    return reduce(lambda a, b: a.concat(b), parts)


@dataclass(frozen=True, slots=True)
class Table:
    """A block of a snapshot page: rows of one stream as JSON arrays in `fields` order, already
    encoded (the database wrote them: the page's JSON is spliced, not built value by value)."""

    stream: str
    fields: tuple[str, ...]
    rows: list[str]

    def json(self) -> str:
        return (f'{{"s":{json.dumps(self.stream)},"fields":{json.dumps(list(self.fields), separators=(",", ":"))},'
                f'"rows":[{",".join(self.rows)}]}}')


def page_body(doc: Mapping[str, Any]) -> str:
    """The page's JSON text: its `tables` spliced in as the database wrote them."""
    tables = doc.get("tables")
    head = json.dumps({k: v for k, v in doc.items() if k != "tables"}, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False)
    if not tables:
        return head
    return f'{head[:-1]},"tables":[{",".join(t.json() for t in tables)}]}}'


def _streams(only: Iterable[str] | None) -> list[str]:
    wanted = set(p.STREAM_ORDER if only is None else only)
    return [s for s in p.STREAM_ORDER if s in wanted]


def _users_rows(principal: Principal, rows: list[str]) -> list[str]:
    """The users rows as this device receives them (its own number block, scope.row_for)."""
    fields = p.STREAMS["users"].field_names
    out = []
    for text in rows:
        row = row_for(principal, "users", dict(zip(fields, json.loads(text), strict=True)))
        out.append(json.dumps([row[name] for name in fields], separators=(",", ":"), ensure_ascii=False))
    return out


def snapshot_page(session: Session, principal: Principal, *, snap: Position, index: int, last_id: str,
                  limit: int, streams: Iterable[str] | None, horizon: Position | None) -> dict[str, Any]:
    """The next `limit` rows of the snapshot from stream `index` after `last_id`, in one page.

    The rows come in `tables` (one block per stream, rows as arrays), not as `changes`: a
    snapshot only adds rows, and its page is the bulk of a first sync."""
    order = _streams(streams)
    dialect = session.get_bind().dialect.name
    tables: list[Table] = []
    budget = limit
    while index < len(p.STREAM_ORDER) and budget > 0:
        stream = p.STREAM_ORDER[index]
        if stream not in order:
            index, last_id = index + 1, ""
            continue
        t = table_of(stream)
        # walk the id index (the page's order) and filter by scope; SQLite would otherwise collect
        # every row of the scope through the scope column's index and sort them, for each page
        stmt = (select(t.c.id, _row_json(stream, dialect))
                .where(scope_clause(stream, agent_id=principal.scope_agent, user_id=principal.user_id,
                                    sqlite_walk_changes=dialect == "sqlite"))
                .where(t.c.id > last_id).order_by(t.c.id).limit(budget + 1))
        rows = session.execute(stmt).all()
        page_rows = [text for _id, text in rows[:budget]]
        if page_rows:
            if stream == "users":
                page_rows = _users_rows(principal, page_rows)
            tables.append(Table(stream, p.STREAMS[stream].field_names, page_rows))
        if len(rows) > budget:
            last_id = rows[budget - 1][0]
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
        "changes": [],
        "tables": tables,
    }
    if done:
        # what the replica must hold once the snapshot is applied: the client compares its counts
        # (a cheap check that nothing is missing) instead of checksumming every row after a first sync
        doc["snapshot"] = {"counts": scope_counts(session, principal, streams)}
    if snap == (0, 0) and done:
        doc["has_more"] = False  # an empty server: nothing can have changed since
    return doc


def page_rows(doc: Mapping[str, Any]) -> int:
    """How many rows a snapshot page carries."""
    return sum(len(t.rows) for t in doc.get("tables") or ())


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


__all__ = ["Table", "format_snapshot", "head", "is_snapshot_cursor", "page_body", "page_rows", "parse",
           "remaining_estimate", "snapshot_page"]
