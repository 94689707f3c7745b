"""The change feed: scope per agent, paging, tombstones, scope removals on reassignment, checksums."""

from __future__ import annotations

import hashlib

from sfa_desktop.sync import protocol as p
from sfa_server import snapshot
from sfa_server.changes import delete_rows, upsert_rows
from sfa_server.cursors import parse_cursor
from tests.server.conftest import Env, apply_changes


def _order(cursor: str) -> tuple:
    """A sync from scratch reads the snapshot stream by stream, then follows the feed: cursors only
    move forward in that order."""
    if snapshot.is_snapshot_cursor(cursor):
        _snap, index, last_id = snapshot.parse(cursor)
        return (0, index, last_id, (0, 0))
    if not cursor:
        return (0, -1, "", (0, 0))
    return (1, 0, "", parse_cursor(cursor))


def _ids(changes: list[dict], stream: str, op: str = "u") -> set[str]:
    return {c["id"] for c in changes if c["s"] == stream and c["op"] == op}


def test_agent_receives_only_its_scope(env: Env) -> None:
    anna, bruno = env.api("anna"), env.api("bruno")
    _c, a = anna.pull_all()
    _c, b = bruno.pull_all()
    w = env.world
    assert _ids(a, "customers") == set(w.customers["anna"])
    assert _ids(b, "customers") == set(w.customers["bruno"])
    assert _ids(a, "contacts") == {f"{c}-c1" for c in w.customers["anna"]}
    assert _ids(a, "price_lists") == {"pl-base", "pl-a"}
    assert _ids(b, "price_lists") == {"pl-base", "pl-b"}
    assert not any(c["id"].startswith("pli-b-") for c in a if c["s"] == "price_list_items")
    assert _ids(a, "products") == set(w.products) == _ids(b, "products")
    assert _ids(a, "users") == {w.users["anna"]}
    for page in (a, b):
        p.decode_pull_page({"cursor": "v1.0.0", "has_more": False, "changes": page})  # valid wire rows
    anna.close()
    bruno.close()


def test_pages_are_ordered_without_duplicates_and_resume(env: Env) -> None:
    anna = env.api("anna")
    _cursor, all_at_once = anna.pull_all(limit=p.MAX_PAGE_SIZE)
    cursor, seen, pages = "", [], 0
    while True:
        page = anna.get("/sync/pull", params={"cursor": cursor, "limit": 3}).json()
        keys = [(c["s"], c["id"]) for c in p.wire_changes(page)]
        assert len(keys) == len(set(keys)), "a row twice in one page"
        seen += p.wire_changes(page)
        pages += 1
        assert _order(page["cursor"]) > _order(cursor) or (p.wire_changes(page) == [] and not page["has_more"])
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert pages > 3
    assert {(c["s"], c["id"]) for c in seen} == {(c["s"], c["id"]) for c in all_at_once}
    # nothing new: an empty page, same cursor
    again = anna.get("/sync/pull", params={"cursor": cursor}).json()
    assert p.wire_changes(again) == [] and again["cursor"] == cursor and again["has_more"] is False
    anna.close()


def test_incremental_pull_carries_updates_and_tombstones(env: Env) -> None:
    anna, bruno = env.api("anna"), env.api("bruno")
    ca, _ = anna.pull_all()
    cb, _ = bruno.pull_all()
    cust = env.world.customers["anna"][0]
    with env.sessions.begin() as s:
        upsert_rows(s, "contacts", [{"id": "new-contact", "customer_id": cust, "name": "Lucia Bianchi"}])
        upsert_rows(s, "products", [{"id": "prod-1", "name": "Articolo rinominato"}])
    with env.sessions.begin() as s:
        delete_rows(s, "contacts", [f"{cust}-c1"])
    ca2, a = anna.pull_all(ca)
    _cb2, b = bruno.pull_all(cb)
    assert _ids(a, "contacts") == {"new-contact"}
    assert _ids(a, "contacts", "d") == {f"{cust}-c1"}
    assert _ids(a, "products") == {"prod-1"}
    assert _ids(b, "products") == {"prod-1"} and not _ids(b, "contacts") and not _ids(b, "contacts", "d")
    assert anna.pull_all(ca2)[1] == []
    anna.close()
    bruno.close()


def test_reassigned_customer_leaves_one_replica_and_enters_the_other(env: Env) -> None:
    anna, bruno, olga = env.api("anna"), env.api("bruno"), env.api("olga")
    replica_a: dict = {}
    replica_b: dict = {}
    ca, a = anna.pull_all()
    cb, b = bruno.pull_all()
    apply_changes(replica_a, a)
    apply_changes(replica_b, b)
    moved = env.world.customers["anna"][2]
    r = olga.post(f"/office/customers/{moved}/reassign", json={"agent_id": env.world.users["bruno"]})
    assert r.status_code == 200, r.text
    ca, a = anna.pull_all(ca)
    cb, b = bruno.pull_all(cb)
    apply_changes(replica_a, a)
    apply_changes(replica_b, b)
    assert moved not in replica_a["customers"] and f"{moved}-c1" not in replica_a["contacts"]
    assert moved in replica_b["customers"] and f"{moved}-c1" in replica_b["contacts"]
    # bruno now has a customer on list GDO: he receives that list and its items
    assert "pl-a" in replica_b["price_lists"] and "pli-a-1" in replica_b["price_list_items"]
    assert "pl-a" in replica_a["price_lists"]  # anna still has other GDO customers
    # the replicas match the server's checksums
    for api, replica in ((anna, replica_a), (bruno, replica_b)):
        sums = api.get("/sync/checksums").json()
        for stream in ("customers", "contacts", "addresses", "price_lists", "price_list_items", "products"):
            texts = sorted(
                (rid, p.row_checksum_text(stream, row)) for rid, row in replica.get(stream, {}).items()
            )
            h = hashlib.sha256()
            for _id, t in texts:
                h.update(t.encode() + b"\n")
            assert sums[stream] == {"count": len(texts), "checksum": h.hexdigest()}, stream
    for api in (anna, bruno, olga):
        api.close()


def test_bad_cursor_and_limit_are_rejected(env: Env) -> None:
    anna = env.api("anna")
    for cursor in ("garbage", "v2.1.1", "v1.-1.0", "v1.1", "' OR 1=1 --"):
        r = anna.get("/sync/pull", params={"cursor": cursor})
        assert r.status_code == 400 and "cursor" in r.json()["detail"]
    for limit in (0, -5, p.MAX_PAGE_SIZE + 1, "many"):
        assert anna.get("/sync/pull", params={"limit": limit}).status_code == 422
    assert anna.get("/sync/checksums", params={"streams": "customers,nope"}).status_code == 400
    anna.close()


def test_pull_is_gzip_compressed(env: Env) -> None:
    anna = env.api("anna")
    r = anna.get("/sync/pull", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers.get("content-encoding") == "gzip"
    anna.close()
