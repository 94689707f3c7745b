"""The engine against a server that answers badly: a clear error and the replica as it was."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, select

from sfa_desktop.local_db.engine import Replica
from sfa_desktop.local_db.models import Product
from sfa_desktop.sync import state
from sfa_desktop.sync.engine import SyncEngine
from sfa_desktop.sync.errors import ProtocolViolationError, SyncError
from sfa_desktop.sync.events import CancelToken
from sfa_desktop.sync.transport import MemoryTokenStore, Transport

from .conftest import Answer, ScriptedPeer, Seen
from .rows import upsert

TOKENS = {"access_token": "a", "refresh_token": "r", "expires_in": 900}
GOOD = {"cursor": "v1.1.1", "has_more": True, "changes": [upsert("products", f"p{i}") for i in range(10)]}


def engine_for(peer: ScriptedPeer, replica: Replica, second_page: Answer) -> SyncEngine:
    def script(seen: Seen) -> Answer:
        if "/auth/" in seen.path:
            return Answer(body=TOKENS)
        if "/sync/pull" in seen.path:
            return Answer(body=GOOD) if "cursor=" not in seen.path else second_page
        return Answer(404, {"detail": "no"})

    peer.script = script
    transport = Transport(peer.url, token_store=MemoryTokenStore("r0"), max_retries=0, timeout=(1, 1))
    return SyncEngine(replica, transport)


def product_count(replica: Replica) -> int:
    with replica.session() as s:
        return s.scalar(select(func.count()).select_from(Product))


BAD_PAGES = {
    "truncated": Answer(raw=json.dumps(GOOD).encode()[:-40]),
    "malformed": Answer(raw=b"<html>proxy error</html>"),
    "wrong type": Answer(body={**GOOD, "cursor": "v1.2.2", "changes": [
        {"s": "products", "op": "u", "id": "px", "row": {**GOOD["changes"][0]["row"], "id": "px",
                                                          "vat_rate": 22.0}}]}),
    "unknown stream": Answer(body={**GOOD, "cursor": "v1.2.2",
                                   "changes": [{"s": "secrets", "op": "d", "id": "x"}]}),
    "huge": Answer(body={**GOOD, "cursor": "v1.2.2", "pad": "x" * 200_000}),
}


@pytest.mark.parametrize("bad", list(BAD_PAGES))
def test_bad_page_stops_the_sync_and_leaves_the_replica_as_it_was(peer: ScriptedPeer, replica: Replica,
                                                                   bad: str) -> None:
    engine = engine_for(peer, replica, BAD_PAGES[bad])
    engine.transport.max_response_bytes = 100_000
    with pytest.raises(ProtocolViolationError) as info:
        engine.sync()
    assert "cannot read" in info.value.user_message
    assert product_count(replica) == 10  # the good first page, with its cursor, and nothing else
    with replica.session() as s:
        row = state.read_cursor(s)
        assert row.cursor == "v1.1.1" and row.last_error == info.value.message.to_wire()
    assert engine.listeners.status.last_error == info.value.message
    # the page fetched ahead ran in a worker thread: it is gone once the sync has failed
    assert not [t for t in threading.enumerate() if t.name.startswith("sfa-pull")]


def test_cancel_between_pages_keeps_what_was_applied(peer: ScriptedPeer, replica: Replica) -> None:
    engine = engine_for(peer, replica, Answer(body={**GOOD, "cursor": "v1.2.2", "has_more": False}))
    cancel = CancelToken()
    engine.listeners.subscribe(lambda status: cancel.cancel() if status.rows_done >= 10 else None)
    with pytest.raises(SyncError, match="cancelled"):
        engine.sync(cancel)
    with replica.session() as s:
        assert state.read_cursor(s).cursor == "v1.1.1"
    assert product_count(replica) == 10
    assert not [t for t in threading.enumerate() if t.name.startswith("sfa-pull")]
