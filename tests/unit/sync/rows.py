"""Wire rows for tests: valid rows of each stream, built from protocol field types."""

from __future__ import annotations

from typing import Any

from sfa_desktop.sync import protocol

_SAMPLE = {"str": "x", "int": 1, "decimal": "1.50", "date": "2026-01-15",
           "datetime": "2026-01-15T10:00:00+00:00", "bool": True, "json": {"k": 1},
           "bytes": "aGVsbG8="}


def wire_row(stream: str, row_id: str, **values: Any) -> dict[str, Any]:
    row = {f.name: _SAMPLE[f.type] for f in protocol.STREAMS[stream].fields if not f.nullable}
    row["id"] = row_id
    row.update(values)
    return row


def upsert(stream: str, row_id: str, **values: Any) -> dict[str, Any]:
    return {"s": stream, "op": "u", "id": row_id, "row": wire_row(stream, row_id, **values)}


def delete(stream: str, row_id: str) -> dict[str, Any]:
    return {"s": stream, "op": "d", "id": row_id}


def page(*changes: dict[str, Any], cursor: str = "v1.1.1", has_more: bool = False,
         reset: list[str] | None = None) -> protocol.PullPage:
    return protocol.decode_pull_page({"cursor": cursor, "has_more": has_more,
                                      "changes": list(changes), "reset": reset or []})
