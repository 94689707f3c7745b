"""Pull: the pages of the change feed, and their validation on arrival."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sfa_desktop.sync.protocol.streams import STREAMS, decode_row, encode_row
from sfa_desktop.sync.protocol.values import ProtocolError

#: The longest cursor a client accepts from the server (an opaque value it stores and sends back).
MAX_CURSOR_LENGTH = 200

UPSERT, DELETE = "u", "d"


@dataclass(frozen=True, slots=True)
class Change:
    stream: str
    op: str  # UPSERT or DELETE (tombstone or scope removal)
    id: str
    row: dict[str, Any] | None = None  # decoded, for UPSERT


@dataclass(frozen=True, slots=True)
class PullPage:
    """GET {API_PREFIX}/sync/pull?cursor=..&limit=.. answer.

    Wire: {"cursor": str, "has_more": bool, "reset": [stream...], "changes": [
    {"s": stream, "op": "u"|"d", "id": str, "row": {...}}], "tables": [WireTable...]}; `tables`
    (optional) carries a snapshot's rows, applied before `changes`.
    `reset` lists streams the client must empty before applying (full resync of a
    stream, e.g. when the cursor is older than the server keeps history).
    """

    cursor: str
    has_more: bool
    changes: list[Change]
    reset: tuple[str, ...] = ()


def encode_change(stream: str, op: str, row_id: str, row: Mapping[str, Any] | None) -> dict:
    out: dict[str, Any] = {"s": stream, "op": op, "id": row_id}
    if op == UPSERT:
        out["row"] = encode_row(stream, row or {})
    return out


@dataclass(frozen=True, slots=True)
class WireChange:
    """A change as the wire brought it: checked in shape, its row not yet decoded."""

    stream: str
    op: str
    id: str
    row: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class WireTable:
    """A block of a snapshot page: rows of one stream as arrays of wire values in `fields` order.

    Wire: {"s": stream, "fields": [name...], "rows": [[value...]...]}. The rows are upserts; the
    snapshot of a first sync comes this way (no field names repeated per row, and the client
    checks and binds a column at a time)."""

    stream: str
    fields: tuple[str, ...]
    rows: list[Any]


MAX_TABLE_FIELDS = 200


def read_changes(doc: Mapping[str, Any]) -> list[WireChange]:
    raw_changes = doc.get("changes")
    if not isinstance(raw_changes, list):
        raise ProtocolError("pull answer has no change list")
    out = []
    for i, c in enumerate(raw_changes):
        if c.__class__ is not dict:
            raise ProtocolError(f"change {i} is not an object")
        stream, op, row_id = c.get("s"), c.get("op"), c.get("id")
        if stream not in STREAMS:
            raise ProtocolError(f"change {i}: unknown stream {stream!r:.40}")
        if op != UPSERT and op != DELETE:
            raise ProtocolError(f"change {i}: unknown operation {op!r:.10}")
        if row_id.__class__ is not str or not row_id or len(row_id) > 100:
            raise ProtocolError(f"change {i}: invalid id")
        row = None
        if op == UPSERT:
            row = c.get("row")
            if row.__class__ is not dict:
                raise ProtocolError(f"{stream}: row is not an object")
            if row.get("id") != row_id:
                raise ProtocolError(f"change {i}: row id does not match")
        out.append(WireChange(stream, op, row_id, row))
    return out


def read_tables(doc: Mapping[str, Any]) -> list[WireTable]:
    """The page's snapshot blocks, checked in shape (their values are checked where they are used)."""
    raw = doc.get("tables", [])
    if not isinstance(raw, list):
        raise ProtocolError("pull answer has an invalid table list")
    out = []
    for i, block in enumerate(raw):
        if block.__class__ is not dict:
            raise ProtocolError(f"table {i} is not an object")
        stream, fields, rows = block.get("s"), block.get("fields"), block.get("rows")
        if stream not in STREAMS:
            raise ProtocolError(f"table {i}: unknown stream {stream!r:.40}")
        if (not isinstance(fields, list) or not 0 < len(fields) <= MAX_TABLE_FIELDS
                or any(f.__class__ is not str for f in fields) or len(set(fields)) != len(fields)
                or "id" not in fields):
            raise ProtocolError(f"table {i}: invalid field list")
        if not isinstance(rows, list):
            raise ProtocolError(f"table {i}: rows are not a list")
        out.append(WireTable(stream, tuple(fields), rows))
    return out


def table_rows(table: WireTable) -> list[dict[str, Any]]:
    """A block's rows as wire row objects (not yet decoded)."""
    width = len(table.fields)
    out = []
    for j, values in enumerate(table.rows):
        if values.__class__ is not list or len(values) != width:
            raise ProtocolError(f"{table.stream}: row {j} is not an array of {width} values")
        out.append(dict(zip(table.fields, values, strict=True)))
    return out


def wire_changes(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every change of a raw page as wire change objects, its snapshot blocks included (for tools
    and tests that read pages as JSON)."""
    out = [{"s": t.stream, "op": UPSERT, "id": row["id"], "row": row}
           for t in read_tables(doc) for row in table_rows(t)]
    return out + list(doc.get("changes") or [])


def decode_pull_page(doc: Any) -> PullPage:
    if not isinstance(doc, dict):
        raise ProtocolError("pull answer is not an object")
    cursor, has_more = doc.get("cursor"), doc.get("has_more")
    if not isinstance(cursor, str) or not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise ProtocolError("pull answer has no valid cursor")
    if not isinstance(has_more, bool):
        raise ProtocolError("pull answer has no valid has_more")
    reset = doc.get("reset") or []
    if not isinstance(reset, list) or any(r not in STREAMS for r in reset):
        raise ProtocolError("pull answer has an invalid reset list")
    changes = []
    for table in read_tables(doc):  # the snapshot's rows come before the feed's changes
        for row in table_rows(table):
            decoded = decode_row(table.stream, row)
            if not isinstance(decoded["id"], str) or not decoded["id"] or len(decoded["id"]) > 100:
                raise ProtocolError(f"{table.stream}: invalid id")
            changes.append(Change(table.stream, UPSERT, decoded["id"], decoded))
    for c in read_changes(doc):
        changes.append(Change(c.stream, c.op, c.id, decode_row(c.stream, c.row) if c.op == UPSERT else None))
    return PullPage(cursor, has_more, changes, tuple(reset))
