"""A first sync builds search once at the end; an interrupted one still leaves search right."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sfa_desktop.local_db import search
from sfa_desktop.local_db.engine import Replica
from sfa_desktop.sync.engine import SyncEngine
from sfa_desktop.sync.errors import ServerFaultError, SyncCancelledError
from sfa_desktop.sync.events import CancelToken
from sfa_desktop.sync.transport import MemoryTokenStore, Transport

from .conftest import Answer, ScriptedPeer, Seen
from .rows import upsert

TOKENS = {"access_token": "a", "refresh_token": "r", "expires_in": 900}


def first_page(n: int) -> dict:
    return {"cursor": "v1.1.1", "has_more": True,
            "changes": [upsert("products", f"p{i}", name=f"Vite autofilettante {i}") for i in range(n)]}


def engine_for(peer: ScriptedPeer, replica: Replica, second: Answer) -> SyncEngine:
    def script(seen: Seen) -> Answer:
        if "/auth/" in seen.path:
            return Answer(body=TOKENS)
        if "/sync/pull" in seen.path:
            return Answer(body=first_page(5)) if "cursor=" not in seen.path else second
        if "/sync/checksums" in seen.path:
            return Answer(body={"streams": {}})
        return Answer(404, {"detail": "no"})

    peer.script = script
    transport = Transport(peer.url, token_store=MemoryTokenStore("r0"), max_retries=0, timeout=(1, 1))
    return SyncEngine(replica, transport)


def found(replica: Replica, words: str) -> list[str]:
    with replica.session() as s:
        return sorted(h.id for h in search.search_products(s, words))


def suspended(replica: Replica) -> bool:
    with replica.session() as s:
        return search.search_suspended(s.connection())


def test_first_sync_over_several_pages_indexes_every_row(peer: ScriptedPeer, replica: Replica) -> None:
    last = {"cursor": "v1.2.2", "has_more": False,
            "changes": [upsert("products", "q1", name="Tassello nylon")]}
    engine_for(peer, replica, Answer(body=last)).sync(verify=False)
    assert not suspended(replica)
    assert found(replica, "vite") == [f"p{i}" for i in range(5)]
    assert found(replica, "tassello") == ["q1"]
    # the triggers are back: a later change is searchable at once
    with replica.session(write=True) as s:
        s.execute(text("UPDATE products SET name = 'Bullone' WHERE id = 'p0'"))
    assert found(replica, "bullone") == ["p0"] and "p0" not in found(replica, "vite")


def test_interrupted_first_sync_leaves_search_right(peer: ScriptedPeer, replica: Replica) -> None:
    engine = engine_for(peer, replica, Answer(500, {"detail": "boom"}))
    with pytest.raises(ServerFaultError):
        engine.sync(verify=False)
    assert not suspended(replica)
    assert found(replica, "vite") == [f"p{i}" for i in range(5)]


def test_search_left_suspended_by_a_killed_sync_is_rebuilt_by_the_next(peer: ScriptedPeer,
                                                                      replica: Replica) -> None:
    engine = engine_for(peer, replica, Answer(body={"cursor": "v1.2.2", "has_more": False, "changes": []}))
    engine.sync(verify=False)
    # what a process killed between two pages of a first sync leaves behind
    with replica.session(write=True) as s:
        search.suspend_search(s.connection())
        s.execute(text("UPDATE products SET name = 'Rondella' WHERE id = 'p1'"))
    assert suspended(replica) and found(replica, "rondella") == []
    engine.sync(verify=False)
    assert not suspended(replica)
    assert found(replica, "rondella") == ["p1"]
    assert "p1" not in found(replica, "vite")


def test_ensure_search_does_nothing_when_search_is_whole(replica: Replica) -> None:
    with replica.session(write=True) as s:
        assert search.ensure_search(s.connection()) is False
        search.suspend_search(s.connection())
        assert search.search_suspended(s.connection())
        assert search.ensure_search(s.connection()) is True
        assert not search.search_suspended(s.connection())


def test_cancelled_first_sync_leaves_search_right(peer: ScriptedPeer, replica: Replica) -> None:
    engine = engine_for(peer, replica, Answer(body={"cursor": "v1.2.2", "has_more": False, "changes": []}))
    cancel = CancelToken()
    engine.listeners.subscribe(lambda status: cancel.cancel() if status.rows_done >= 5 else None)
    with pytest.raises(SyncCancelledError):
        engine.sync(cancel, verify=False)
    assert not suspended(replica)
    assert found(replica, "vite") == [f"p{i}" for i in range(5)]


def test_opening_the_replica_offline_repairs_search_left_by_a_killed_sync(tmp_path) -> None:
    import os

    from sfa_desktop.local_db import open_replica

    path, key = tmp_path / "agent.db", os.urandom(32)
    with open_replica(path, key) as replica, replica.session(write=True) as s:
        s.execute(text("INSERT INTO products (id, sku, name, unit, vat_rate, active) "
                       "VALUES ('p9', 'RON-9', 'Rondella piana', 'PZ', '22', 1)"))
        search.suspend_search(s.connection())
        s.execute(text("UPDATE products SET name = 'Rondella dentata' WHERE id = 'p9'"))
    with open_replica(path, key) as reopened:
        assert not suspended(reopened)
        assert found(reopened, "dentata") == ["p9"]
