"""Pull: the pages of the change feed, and their validation on arrival."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sfa_desktop.sync.protocol.streams import STREAMS, decode_row, encode_row
from sfa_desktop.sync.protocol.values import ProtocolError

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
    {"s": stream, "op": "u"|"d", "id": str, "row": {...}}]}.
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


def decode_pull_page(doc: Any) -> PullPage:
    if not isinstance(doc, dict):
        raise ProtocolError("pull answer is not an object")
    cursor, has_more = doc.get("cursor"), doc.get("has_more")
    if not isinstance(cursor, str) or not cursor or len(cursor) > 200:
        raise ProtocolError("pull answer has no valid cursor")
    if not isinstance(has_more, bool):
        raise ProtocolError("pull answer has no valid has_more")
    raw_changes = doc.get("changes")
    if not isinstance(raw_changes, list):
        raise ProtocolError("pull answer has no change list")
    reset = doc.get("reset") or []
    if not isinstance(reset, list) or any(r not in STREAMS for r in reset):
        raise ProtocolError("pull answer has an invalid reset list")
    changes = []
    for i, c in enumerate(raw_changes):
        if not isinstance(c, dict):
            raise ProtocolError(f"change {i} is not an object")
        stream, op, row_id = c.get("s"), c.get("op"), c.get("id")
        if stream not in STREAMS:
            raise ProtocolError(f"change {i}: unknown stream {stream!r:.40}")
        if op not in (UPSERT, DELETE):
            raise ProtocolError(f"change {i}: unknown operation {op!r:.10}")
        if not isinstance(row_id, str) or not row_id or len(row_id) > 100:
            raise ProtocolError(f"change {i}: invalid id")
        row = None
        if op == UPSERT:
            row = decode_row(stream, c.get("row"))
            if row["id"] != row_id:
                raise ProtocolError(f"change {i}: row id does not match")
        changes.append(Change(stream, op, row_id, row))
    return PullPage(cursor, has_more, changes, tuple(reset))


