"""Pull options: `streams` (repair of some tables), the `remaining` estimate and the compact answer."""

from __future__ import annotations

import gzip

from sfa_desktop.sync import protocol as p
from sfa_server.changes import delete_rows, upsert_rows
from tests.server.conftest import Api, Env


def _pull_streams(
    api: Api, streams: str, cursor: str = "", limit: int = p.DEFAULT_PAGE_SIZE
) -> tuple[str, list]:
    changes: list[dict] = []
    while True:
        r = api.get("/sync/pull", params={"cursor": cursor, "limit": limit, "streams": streams})
        assert r.status_code == 200, r.text
        page = r.json()
        p.decode_pull_page(page)
        changes += p.wire_changes(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            return cursor, changes


def test_streams_restrict_the_page_to_those_tables(env: Env) -> None:
    anna = env.api("anna")
    _c, everything = anna.pull_all()
    cursor, some = _pull_streams(anna, "contacts,price_lists", limit=3)
    assert {c["s"] for c in some} == {"contacts", "price_lists"}
    expected = {(c["s"], c["id"]) for c in everything if c["s"] in ("contacts", "price_lists")}
    assert {(c["s"], c["id"]) for c in some} == expected
    # tombstones and updates of other streams stay out; those of the chosen streams come in
    cust = env.world.customers["anna"][0]
    with env.sessions.begin() as s:
        upsert_rows(s, "products", [{"id": "prod-2", "name": "Altro articolo"}])
        delete_rows(s, "contacts", [f"{cust}-c1"])
    env.settle()
    _c2, later = _pull_streams(anna, "contacts,price_lists", cursor)  # a cursor goes with its selection
    assert [(c["s"], c["op"], c["id"]) for c in later] == [("contacts", "d", f"{cust}-c1")]
    anna.close()


def test_unknown_or_empty_streams(env: Env) -> None:
    anna = env.api("anna")
    r = anna.get("/sync/pull", params={"streams": "customers,nope"})
    assert r.status_code == 400
    assert "nope" in r.json()["detail"] and "customers" not in r.json()["detail"].split("(")[0]
    assert anna.get("/sync/pull", params={"streams": "x" * 1001}).status_code == 422
    # empty = every stream; blanks and spaces are not quietly dropped (the documented pattern)
    full = anna.get("/sync/pull", params={"streams": "", "limit": p.MAX_PAGE_SIZE}).json()
    assert len({c["s"] for c in p.wire_changes(full)}) + len(full.get("tables") or []) > 5
    for sloppy in (" , ", "customers, contacts", "customers,,contacts", "\r"):
        assert anna.get("/sync/pull", params={"streams": sloppy}).status_code == 400, sloppy
    anna.close()


def test_remaining_counts_what_the_next_pages_bring(env: Env) -> None:
    anna = env.api("anna")
    env.settle()
    first = anna.get("/sync/pull", params={"limit": 5}).json()
    assert first["has_more"] is True and isinstance(first["remaining"], int)
    cursor, rest = anna.pull_all(first["cursor"], limit=5)
    assert len(rest) <= first["remaining"] <= len(rest) + 10  # entries superseded within a page
    second = anna.get("/sync/pull", params={"cursor": first["cursor"], "limit": 5}).json()
    assert "remaining" not in second  # counted only on the first page (cheap)
    last = anna.get("/sync/pull", params={"cursor": cursor}).json()
    assert last["remaining"] == 0 and last["has_more"] is False
    anna.close()


def test_answer_is_compact_json_and_gzip_shrinks_it(env: Env) -> None:
    anna = env.api("anna")
    r = anna.get("/sync/pull", params={"limit": p.MAX_PAGE_SIZE}, headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert b'","' in r.content and b'", "' not in r.content  # no blanks between items
    page = p.decode_pull_page(r.json())
    assert page.changes
    assert len(gzip.compress(r.content, 5)) < len(r.content) / 2
    anna.close()
