"""A bulk first sync makes the replica the row-by-row path makes, through the real server."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sfa_desktop.local_db import bulk, search
from sfa_desktop.sync import apply, protocol, state

from .conftest import Agent, LiveServer, make_agent
from .helpers import local_rows

#: per device, not per replica path: each device numbers its documents from its own block
_PER_DEVICE = {"users": ("number_block_start", "number_block_end")}


def _digest(replica: Any, stream: str) -> tuple[int, str]:
    """Row count and an order-independent checksum of a stream's rows as the wire writes them."""
    rows = sorted(json.dumps({k: v for k, v in r.items() if k not in _PER_DEVICE.get(stream, ())},
                             sort_keys=True, default=str) for r in local_rows(replica, stream))
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()


def _schema(replica: Any) -> set[tuple[str, str]]:
    with replica.session() as s:
        return {(r[0], r[1]) for r in s.connection().exec_driver_sql(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}


def _search_sound(replica: Any) -> dict[str, int]:
    """Each FTS5 index checked against its table (raises if they differ) and its size."""
    out = {}
    with replica.session(write=True) as s:
        conn = s.connection()
        for index in search.INDEXES:
            conn.exec_driver_sql(f"INSERT INTO {index.fts}({index.fts}) VALUES ('integrity-check')")
            out[index.fts] = conn.exec_driver_sql(f"SELECT count(*) FROM {index.fts}").scalar_one()
    return out


def test_bulk_first_sync_gives_the_replica_of_the_row_by_row_path(server: LiveServer, tmp_path: Path,
                                                                   agents: list[Agent]) -> None:
    fast = make_agent(tmp_path / "bulk", server.url, "ag01")
    agents.append(fast)
    report = fast.sync()
    assert report.rows_upserted > 1000 and set(report.counted) == set(protocol.STREAMS)

    slow = make_agent(tmp_path / "rows", server.url, "ag01")
    agents.append(slow)
    cursor: str | None = None
    pages = 0
    while True:  # the incremental path's apply, page by page, search triggers and indexes live
        page, _extra = slow.transport.pull(cursor=cursor, limit=500)
        with slow.replica.session(write=True) as s:
            apply.apply_page(s.connection(), page)
            state.write_cursor(s.connection(), page.cursor)
        pages += 1
        cursor = page.cursor
        if not page.has_more:
            break
    assert pages > 2

    for stream in protocol.STREAM_ORDER:
        bulk_count, bulk_sum = _digest(fast.replica, stream)
        assert (bulk_count, bulk_sum) == _digest(slow.replica, stream), stream
        if stream in ("customers", "products", "price_list_items", "orders", "order_lines"):
            assert bulk_count > 0, stream
    [mine], [theirs] = local_rows(fast.replica, "users"), local_rows(slow.replica, "users")
    assert mine["number_block_start"] != theirs["number_block_start"]  # two devices, two blocks
    # the same indexes, tables and triggers (nothing left suspended), and a sound search index
    assert _schema(fast.replica) == _schema(slow.replica)
    with fast.replica.session() as s:
        assert not bulk.indexes_suspended(s.connection()) and not search.search_suspended(s.connection())
    sizes = _search_sound(fast.replica)
    assert sizes == _search_sound(slow.replica) and min(sizes.values()) > 0
