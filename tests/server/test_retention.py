"""History retention: pruning old tombstones and scope removals, and the feed's resync of cursors
older than what the server still keeps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from sfa_desktop.sync import protocol as p
from sfa_server.changes import delete_rows, reassign_customer, upsert_rows
from sfa_server.cli import main
from sfa_server.cursors import cursor_horizon, parse_cursor
from sfa_server.db import init_database
from sfa_server.models import ScopeRemoval, Tombstone
from sfa_server.retention import history_horizon, prune_history
from tests.server.conftest import Env

DAY = dt.timedelta(days=1)


def _ids(changes: list[dict], stream: str, op: str = "u") -> set[str]:
    return {c["id"] for c in changes if c["s"] == stream and c["op"] == op}


def _age(env: Env, model: type, row_ids: list[str], days: int) -> None:
    """Make marks look `days` old (the clock cannot be wound back on a live server)."""
    with env.sessions.begin() as s:
        s.execute(
            update(model)
            .where(model.row_id.in_(row_ids))
            .values(recorded_at=dt.datetime.now(dt.UTC) - days * DAY)
        )


def _count(env: Env, model: type, row_ids: list[str]) -> int:
    with env.sessions() as s:
        return int(s.execute(select(func.count()).where(model.row_id.in_(row_ids))).scalar_one())


def test_prune_removes_old_marks_and_keeps_young_ones(env: Env) -> None:
    with env.sessions.begin() as s:
        upsert_rows(
            s, "warehouses", [{"id": f"rw{i}", "code": f"R{i}", "name": f"Ret {i}"} for i in range(4)]
        )
    with env.sessions.begin() as s:
        delete_rows(s, "warehouses", ["rw0", "rw1"])
    with env.sessions.begin() as s:
        delete_rows(s, "warehouses", ["rw2", "rw3"])
    _age(env, Tombstone, ["rw0", "rw1"], 200)
    _age(env, Tombstone, ["rw2"], 10)
    with env.sessions() as s:
        old_top = s.execute(
            select(func.max(Tombstone.change_seq)).where(Tombstone.row_id.in_(["rw0", "rw1"]))
        ).scalar_one()
    with env.sessions.begin() as s:
        done = prune_history(s, older_than=180 * DAY)
    assert done["tombstones"] >= 2
    assert _count(env, Tombstone, ["rw0", "rw1"]) == 0
    assert _count(env, Tombstone, ["rw2", "rw3"]) == 2
    with env.sessions() as s:
        horizon = history_horizon(s)
    assert horizon is not None and horizon[1] >= old_top
    assert done["horizon"] == horizon
    # nothing older left: a second run removes nothing and keeps the horizon
    with env.sessions.begin() as s:
        again = prune_history(s, older_than=180 * DAY)
    assert again == {"tombstones": 0, "scope_removals": 0, "horizon": horizon}


def test_prune_rejects_bad_spans(env: Env) -> None:
    with env.sessions.begin() as s:
        with pytest.raises(ValueError, match="non-negative"):
            prune_history(s, older_than=-DAY)
        with pytest.raises(ValueError, match="time zone"):
            prune_history(s, older_than=DAY, now=dt.datetime(2026, 1, 1))


def test_cursor_below_the_horizon_resyncs_and_above_it_goes_on(env: Env) -> None:
    anna = env.api("anna")
    cust_a, cust_b = env.world.customers["anna"][:2]
    old_cursor, full = anna.pull_all()
    with env.sessions.begin() as s:
        delete_rows(s, "contacts", [f"{cust_a}-c1"])
        reassign_customer(s, cust_b, env.world.users["bruno"])
    # a client that saw the deletions: its cursor ends up above the horizon
    seen_cursor, seen = anna.pull_all(old_cursor)
    assert f"{cust_a}-c1" in _ids(seen, "contacts", "d") and cust_b in _ids(seen, "customers", "d")
    _age(env, Tombstone, [f"{cust_a}-c1"], 365)
    _age(env, ScopeRemoval, [cust_b], 365)
    with env.sessions.begin() as s:
        done = prune_history(s, older_than=180 * DAY)
    assert done["tombstones"] >= 1 and done["scope_removals"] >= 1
    assert _count(env, Tombstone, [f"{cust_a}-c1"]) == 0 and _count(env, ScopeRemoval, [cust_b]) == 0
    horizon = done["horizon"]
    assert parse_cursor(old_cursor) < horizon <= parse_cursor(seen_cursor)

    # below the horizon: the first page resets every stream and starts from scratch
    first = anna.get("/sync/pull", params={"cursor": old_cursor, "limit": 5}).json()
    assert first["reset"] == list(p.STREAMS)
    assert first["has_more"] is True and "remaining" in first
    cursor, changes = first["cursor"], p.wire_changes(first)
    assert cursor_horizon(cursor) == horizon  # walking below the horizon: marked as a resync
    while True:  # the following pages go on without resetting again
        page = anna.get("/sync/pull", params={"cursor": cursor, "limit": 5}).json()
        assert page["reset"] == []
        changes += p.wire_changes(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert parse_cursor(cursor) >= horizon and cursor_horizon(cursor) is None
    expected = set(env.world.customers["anna"]) - {cust_b}
    assert _ids(changes, "customers") == expected
    assert f"{cust_a}-c1" not in _ids(changes, "contacts")
    assert _ids(changes, "products") == _ids(full, "products")

    # at/above the horizon: a normal incremental page
    with env.sessions.begin() as s:
        upsert_rows(s, "products", [{"id": "prod-2", "name": "Articolo dopo la potatura"}])
    for start in (seen_cursor, cursor):
        _c, inc = anna.pull_all(start)
        assert _ids(inc, "products") == {"prod-2"}
        page = anna.get("/sync/pull", params={"cursor": start}).json()
        assert page["reset"] == [] and {c["id"] for c in p.wire_changes(page)} == {"prod-2"}

    # a resync cursor handed out under an older horizon resyncs again once history moves on
    stale = first["cursor"]
    with env.sessions.begin() as s:
        upsert_rows(s, "warehouses", [{"id": "rw-late", "code": "RL", "name": "Late"}])
    with env.sessions.begin() as s:
        delete_rows(s, "warehouses", ["rw-late"])
    _age(env, Tombstone, ["rw-late"], 365)
    with env.sessions.begin() as s:
        assert prune_history(s, older_than=180 * DAY)["horizon"] > horizon
    again = anna.get("/sync/pull", params={"cursor": stale, "limit": 5}).json()
    assert again["reset"] == list(p.STREAMS)
    # a from-scratch pull restricted to some streams resets only those
    stream_reset = anna.get("/sync/pull", params={"cursor": stale, "streams": "products"}).json()
    assert stream_reset["reset"] == ["products"]
    assert _ids(p.wire_changes(stream_reset), "products") == set(env.world.products)
    anna.close()


def test_forged_cursors_are_rejected(env: Env) -> None:
    anna = env.api("anna")
    for bad in ("v1.1.2.h", "v1.1.2.h3", "v1.1.2.x3.4", "v1.1.2.h3.4.5", "v1.1.2.h" + "9" * 20 + ".1"):
        r = anna.get("/sync/pull", params={"cursor": bad})
        assert r.status_code == 400 and r.json()["code"] == "invalid_cursor", bad
    anna.close()


def test_cli_prune(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "server.db"
    engine = init_database(f"sqlite:///{db}")
    from sfa_server.db import session_factory

    sessions = session_factory(engine)
    with sessions.begin() as s:
        upsert_rows(
            s, "warehouses", [{"id": "w1", "code": "A", "name": "A"}, {"id": "w2", "code": "B", "name": "B"}]
        )
    with sessions.begin() as s:
        delete_rows(s, "warehouses", ["w1", "w2"])
        s.execute(
            update(Tombstone)
            .where(Tombstone.row_id == "w1")
            .values(recorded_at=dt.datetime.now(dt.UTC) - 40 * DAY)
        )
    engine.dispose()
    assert main(["prune", "--database-url", str(db), "--older-than-days", "30"]) == 0
    out = capsys.readouterr().out
    assert (
        "removed 1 tombstone(s) and 0 scope removal(s) older than 30 day(s)" in out and "horizon: v1." in out
    )
    assert main(["prune", "--database-url", str(db)]) == 0
    assert "removed 0 tombstone(s)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["prune", "--database-url", str(db), "--older-than-days", "-3"])
    assert "between 0 and 36500" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["prune", "--database-url", str(db), "--older-than-days", "many"])
    assert "whole number" in capsys.readouterr().err
