"""A first sync builds a finished table's indexes and search while it waits for the next page."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import func, select

from sfa_desktop.local_db import bulk, search
from sfa_desktop.local_db.engine import Replica
from sfa_desktop.local_db.models import table_of
from sfa_desktop.sync import state
from sfa_desktop.sync.bulk_builds import TableBuilds
from sfa_desktop.sync.engine import SyncEngine
from sfa_desktop.sync.errors import ProtocolViolationError
from sfa_desktop.sync.protocol import NEXT_CURSOR_HEADER
from sfa_desktop.sync.transport import MemoryTokenStore, Transport

from .conftest import Answer, ScriptedPeer, Seen
from .rows import wire_row

TOKENS = {"access_token": "a", "refresh_token": "r", "expires_in": 900}


def table(stream: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    names = sorted(rows[0])
    return {"s": stream, "fields": names, "rows": [[r[n] for n in names] for r in rows]}


def snapshot(cursor: str, *tables: dict[str, Any], more: bool = True) -> dict[str, Any]:
    return {"cursor": cursor, "has_more": more, "reset": [], "changes": [], "tables": list(tables)}


PRODUCTS = [wire_row("products", f"p{i}", name=f"Vite autofilettante {i}") for i in range(5)]
CUSTOMERS = [wire_row("customers", f"c{i}", name=f"Ferramenta Rossi {i}") for i in range(3)]


def state_of(replica: Replica) -> dict[str, Any]:
    with replica.session() as s:
        conn = s.connection()
        return {"products indexes missing": [i.name for i in bulk.missing_indexes(conn, {"products"})],
                "customers indexes missing": bool(bulk.missing_indexes(conn, {"customers"})),
                "search suspended": search.suspended_tables(conn)}


def test_a_finished_table_is_indexed_while_the_load_waits_for_the_server(peer: ScriptedPeer,
                                                                       replica: Replica) -> None:
    seen_while_waiting: list[dict[str, Any]] = []

    def script(seen: Seen) -> Answer:
        if "/auth/" in seen.path:
            return Answer(body=TOKENS)
        if "cursor=s2" in seen.path:
            # the third page is slow to come: the products (finished by the second page, which
            # brought customers) are indexed and searchable meanwhile; customers are not finished
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and state_of(replica)["products indexes missing"]:
                time.sleep(0.02)
            time.sleep(0.2)
            seen_while_waiting.append(state_of(replica))
            return Answer(body=snapshot("s3", more=False))
        if "cursor=s1" in seen.path:
            return Answer(body=snapshot("s2", table("customers", CUSTOMERS)))
        if "/sync/pull" in seen.path:
            return Answer(body=snapshot("s1", table("products", PRODUCTS)))
        return Answer(404, {"detail": "no"})

    peer.script = script
    transport = Transport(peer.url, token_store=MemoryTokenStore("r0"), max_retries=0, timeout=(1, 15))
    SyncEngine(replica, transport).sync(verify=False)

    assert seen_while_waiting == [{"products indexes missing": [], "customers indexes missing": True,
                                   "search suspended": ["customers"]}]
    assert state_of(replica) == {"products indexes missing": [], "customers indexes missing": False,
                                 "search suspended": []}
    with replica.session() as s:
        assert sorted(h.id for h in search.search_products(s, "vite")) == [f"p{i}" for i in range(5)]
        assert sorted(h.id for h in search.search_customers(s, "rossi")) == ["c0", "c1", "c2"]


def test_builds_are_due_only_for_the_streams_before_the_one_reached(replica: Replica) -> None:
    with replica.session(write=True) as s:
        search.suspend_search(s.connection())
        bulk.suspend_indexes(s.connection())
    builds = TableBuilds(replica)
    builds.reached(["products"])
    builds.reached(["warehouses"])  # a page of an earlier stream does not finish later ones
    while builds.build_one():
        pass
    after_products = state_of(replica)
    assert after_products["products indexes missing"] and after_products["search suspended"] == ["products",
                                                                                                 "customers"]
    builds.reached(["price_lists", "customers"])  # the page ends price lists and begins customers
    while builds.build_one():
        pass
    assert state_of(replica) == {"products indexes missing": [], "customers indexes missing": True,
                                 "search suspended": ["customers"]}
    assert builds.build_one() is False


def test_resuming_one_search_index_leaves_the_other_suspended(replica: Replica) -> None:
    with replica.session(write=True) as s:
        conn = s.connection()
        search.suspend_search(conn)
        search.resume_search(conn, {"products"})
        assert search.suspended_tables(conn) == ["customers"]
        assert search.search_suspended(conn)
        search.resume_search(conn)
        assert not search.search_suspended(conn)


@pytest.mark.parametrize("header", ["s9", "s1x"])
def test_a_next_cursor_header_other_than_the_page_s_own_is_refused(peer: ScriptedPeer, replica: Replica,
                                                                   header: str) -> None:
    def script(seen: Seen) -> Answer:
        if "/auth/" in seen.path:
            return Answer(body=TOKENS)
        if "/sync/pull" in seen.path and "cursor=" not in seen.path:
            return Answer(body=snapshot("s1", table("products", PRODUCTS)), headers={NEXT_CURSOR_HEADER: header})
        if "/sync/pull" in seen.path:
            return Answer(body=snapshot("s2", table("customers", CUSTOMERS), more=False))
        return Answer(404, {"detail": "no"})

    peer.script = script
    transport = Transport(peer.url, token_store=MemoryTokenStore("r0"), max_retries=0, timeout=(1, 5))
    with pytest.raises(ProtocolViolationError, match="next-cursor header"):
        SyncEngine(replica, transport).sync(verify=False)
    with replica.session() as s:
        assert s.scalar(select(func.count()).select_from(table_of("products"))) == 0
        assert getattr(state.read_cursor(s), "cursor", None) is None
        assert not search.search_suspended(s.connection())  # repaired: the replica is usable as it is
