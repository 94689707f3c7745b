"""Incremental sync of 100 changes, phase by phase, and the server's snapshot page production.

    .venv/bin/python benchmarks/bench_incremental.py --database-url sqlite:///<copy of server-large.db>

Never point it at a shared database: the incremental part writes changes into it.

Part 1 (incremental): a first sync of the agent (not timed), then for each kind of change
("figures": 50 stock levels + 50 list prices; "text": 100 product descriptions, re-indexed for
search) `--runs` rounds of: the server write (not timed), the whole sync end to end, and then the
same page again, phase by phase: the HTTP request alone (server + loopback + gunzip), decode,
apply (with and without the search triggers' share), cursor, commit (with the replica's
synchronous setting for pull pages and with FULL).

Part 2 (snapshot pages): the server's snapshot statements in process, page by page over the
largest streams, and the gzip of each page body at levels 1 and 3 (ms and bytes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import zlib
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_sync import ServerProcess, new_client  # noqa: E402

from sfa_desktop.sync import apply, protocol, state  # noqa: E402
from sfa_server.db import make_engine, session_factory  # noqa: E402


def med(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 2)


def write_changes(sessions, kind: str, ids: dict[str, list[str]], run: int) -> None:
    from sfa_server.changes import upsert_rows

    with sessions.begin() as s:
        if kind == "text":
            upsert_rows(s, "products", [{"id": i, "description": f"benchmark change {run} lorem ipsum {i}"}
                                        for i in ids["products"]])
        else:
            upsert_rows(s, "stock_levels", [{"id": i, "available": Decimal(run + 1)} for i in ids["stock_levels"]])
            upsert_rows(s, "price_list_items", [{"id": i, "price": Decimal(f"{run + 10}.5")}
                                                for i in ids["price_list_items"]])


def phases(replica, transport, cursor: str, *, fts: bool) -> dict[str, float]:
    """The pull after `cursor` again, phase by phase; the page is applied and rolled back, then
    applied and committed (so the replica ends as the engine would leave it)."""
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    resp = transport.session.get(f"{transport.base_url}{protocol.API_PREFIX}/sync/pull",
                                 params={"cursor": cursor, "limit": protocol.MAX_PAGE_SIZE},
                                 headers=transport._headers(True), timeout=60)
    resp.raise_for_status()
    body = resp.content
    t1 = time.perf_counter()
    page = protocol.decode_pull_page(json.loads(body))
    t2 = time.perf_counter()
    out["http_request"], out["decode"] = t1 - t0, t2 - t1
    _alter(page, "a")  # the replica already holds the page's values: new ones, so the work is real
    if fts:  # the search triggers' share: the same apply with the products' update trigger gone
        with replica.session(write=True) as s:
            conn = s.connection()
            conn.exec_driver_sql("DROP TRIGGER products_fts_au")
            a = time.perf_counter()
            apply.apply_page(conn, page)
            out["apply_without_search_trigger"] = time.perf_counter() - a
            s.rollback()
    _alter(page, "b")
    with replica.pull_session() as s:
        conn = s.connection()
        a = time.perf_counter()
        apply.apply_page(conn, page)
        b = time.perf_counter()
        state.write_cursor(conn, page.cursor)
        c = time.perf_counter()
        out["apply"], out["cursor"] = b - a, c - b
        committing = time.perf_counter()
    out["commit"] = time.perf_counter() - committing
    return out


def _alter(page, tag: str) -> None:
    for change in page.changes:
        row = change.row
        if row is None:
            continue
        if "description" in row:
            row["description"] = f"{row['description']} {tag}"
        elif "available" in row:
            row["available"] += Decimal("0.5")
        elif "price" in row:
            row["price"] += Decimal("0.5")


def tidy_until_done(replica, most: int = 200) -> list[float]:
    """The idle merge steps the app runs after a sync changed words (`ui.search_upkeep`), each timed."""
    from sfa_desktop.local_db.search import tidy_search

    steps: list[float] = []
    while len(steps) < most:
        started = time.perf_counter()
        with replica.pull_session() as s:  # as AgentSession.tidy_search commits it
            more = tidy_search(s.connection())
        steps.append(time.perf_counter() - started)
        if not more:
            break
    return steps


def commit_cost(replica, *, runs: int) -> dict[str, float]:
    """A one-row write committed with FULL (outbox, agent's edits) and with the pull pages' setting."""
    full, pull = [], []
    with replica.session(write=True) as s:
        s.connection().exec_driver_sql("CREATE TABLE IF NOT EXISTS bench_commit (n INTEGER)")
    for n in range(runs):
        with replica.session(write=True) as s:
            s.connection().exec_driver_sql(f"INSERT INTO bench_commit VALUES ({n})")
            t = time.perf_counter()
        full.append(time.perf_counter() - t)
        with replica.pull_session() as s:
            s.connection().exec_driver_sql(f"INSERT INTO bench_commit VALUES ({n})")
            t = time.perf_counter()
        pull.append(time.perf_counter() - t)
    return {"commit_full_ms": med(full), "commit_pull_session_ms": med(pull)}


def incremental(database_url: str, runs: int, workdir: Path, user: str, *, no_fsync_first: bool = False
                ) -> dict[str, object]:
    from sqlalchemy import select

    from sfa_server.feed import pull_page
    from sfa_server.scope import table_of

    server = ServerProcess(database_url)
    server_engine = make_engine(database_url)
    sessions = session_factory(server_engine)
    results: dict[str, object] = {}
    try:
        replica, transport, engine = new_client(workdir, "incremental", server.url, user)
        started = time.perf_counter()
        first = engine.sync(verify=False)
        results["first_sync_s (not the subject)"] = round(time.perf_counter() - started, 1)
        results["replica_rows"] = first.rows_upserted
        with sessions.begin() as s:
            ids = {
                "products": list(s.execute(select(table_of("products").c.id).order_by(table_of("products").c.id)
                                           .limit(100)).scalars()),
                "stock_levels": list(s.execute(select(table_of("stock_levels").c.id).limit(50)).scalars()),
                "price_list_items": list(s.execute(select(table_of("price_list_items").c.id).limit(50)).scalars()),
            }
        principal = _principal(sessions, user, transport)
        from sfa_desktop.local_db.engine import Replica

        pull_session = Replica.pull_session
        cases = [("fsync", "figures"), ("fsync", "text"), ("no-fsync", "figures"), ("no-fsync", "text")]
        for mode, kind in (cases[2:] + cases[:2] if no_fsync_first else cases):
            # "fsync": pull pages committed with synchronous FULL, as before (the reference)
            Replica.pull_session = pull_session if mode == "no-fsync" else (  # type: ignore[method-assign]
                lambda self: self.session(write=True))
            e2e, waits, parts, server_cpu, tidy_steps, tidy_counts, tidy_totals = [], [], {}, [], [], [], []
            for run in range(runs):
                write_changes(sessions, kind, ids, run)
                with replica.session() as s:
                    cursor = state.read_cursor(s).cursor
                started = time.perf_counter()
                report = engine.sync(verify=False)
                e2e.append(time.perf_counter() - started)
                waits.append(report.seconds_waiting)
                assert report.rows_upserted == 100, report
                # the same page again, phase by phase (the replica already holds it: same work)
                for name, seconds in phases(replica, transport, cursor, fts=kind == "text").items():
                    parts.setdefault(name, []).append(seconds)
                from sfa_server.cursors import cursor_horizon, parse_cursor
                with sessions() as s, s.begin():
                    t = time.perf_counter()
                    doc = pull_page(s, principal, parse_cursor(cursor), protocol.MAX_PAGE_SIZE,
                                    known_horizon=cursor_horizon(cursor))
                    server_cpu.append(time.perf_counter() - t)
                    assert len(doc["changes"]) == 100
                if kind == "text":  # what the app does when idle after such a sync (not in the sync)
                    steps = tidy_until_done(replica)
                    tidy_steps.extend(steps)
                    tidy_counts.append(len(steps))
                    tidy_totals.append(sum(steps))
            results[f"{kind} ({mode})"] = {"e2e_ms": med(e2e), "e2e_min_ms": round(min(e2e) * 1000, 2),
                             "waiting_for_server_ms": med(waits),
                             "server_pull_page_in_process_ms": med(server_cpu),
                             **{f"{k}_ms": med(v) for k, v in parts.items()}}
            if tidy_steps:
                results[f"{kind} ({mode})"].update({
                    "idle_merge_steps_per_round_median": statistics.median(tidy_counts),
                    "idle_merge_step_median_ms": med(tidy_steps),
                    "idle_merge_step_max_ms": round(max(tidy_steps) * 1000, 2),
                    "idle_merge_total_per_round_median_ms": med(tidy_totals)})
        Replica.pull_session = pull_session  # type: ignore[method-assign]
        results["commits"] = commit_cost(replica, runs=runs)
        started = time.perf_counter()
        engine.sync(verify=False)
        results["empty_sync_ms"] = round((time.perf_counter() - started) * 1000, 1)
        replica.close()
    finally:
        server.stop()
        server_engine.dispose()
    return results


def _principal(sessions, user: str, transport):
    from decimal import Decimal as D

    from sqlalchemy import select

    from sfa_server.deps import Principal
    from sfa_server.models import User

    with sessions() as s:
        u = s.execute(select(User).where(User.username == user)).scalar_one()
        return Principal(u.id, u.username, u.role, getattr(u, "agent_code", None), "bench-device",
                         D("100"), D("100"), (1, 1000))


def snapshot_pages(database_url: str, user: str) -> dict[str, object]:
    """The whole snapshot of `user`, page by page in process as the pull endpoint makes it: the
    snapshot statements (SQL), the JSON splice, and gzip at levels 1 and 3 of the same bodies."""
    from sfa_server import snapshot
    from sfa_server.feed import first_sync_page

    engine = make_engine(database_url)
    sessions = session_factory(engine)
    principal = _principal(sessions, user, None)
    per: dict[str, dict[str, list[float]]] = {}
    at = None
    while True:
        with sessions() as s, s.begin():
            t = time.perf_counter()
            doc = first_sync_page(s, principal, at, protocol.MAX_PAGE_SIZE)
            sql = time.perf_counter() - t
        t = time.perf_counter()
        body = snapshot.page_body(doc).encode()
        splice = time.perf_counter() - t
        key = "+".join(tb.stream for tb in doc.get("tables") or ()) or "(empty)"
        key = key if len(doc.get("tables") or ()) == 1 else "mixed"
        d = per.setdefault(key, {})
        for name, value in (("sql_s", sql), ("splice_s", splice), ("json_mb", len(body) / 1e6)):
            d.setdefault(name, []).append(value)
        for level in (1, 3):
            t = time.perf_counter()
            packer = zlib.compressobj(level, zlib.DEFLATED, 31)
            size = len(packer.compress(body) + packer.flush())
            d.setdefault(f"gzip{level}_s", []).append(time.perf_counter() - t)
            d.setdefault(f"gzip{level}_mb", []).append(size / 1e6)
        if not snapshot.is_snapshot_cursor(doc["cursor"]):
            break
        at = snapshot.parse(doc["cursor"])
    engine.dispose()
    out: dict[str, object] = {}
    totals: dict[str, float] = {}
    for key, d in per.items():
        out[key] = {"pages": len(d["sql_s"]), **{k: round(sum(v), 3) for k, v in d.items()}}
        for k, v in d.items():
            totals[k] = totals.get(k, 0.0) + sum(v)
    out["total"] = {"pages": sum(len(d["sql_s"]) for d in per.values()),
                    **{k: round(v, 3) for k, v in totals.items()}}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a COPY of a loaded server database")
    parser.add_argument("--user", default="ag01")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-fsync-first", action="store_true", help="run the no-fsync cases first (order check)")
    parser.add_argument("--part", choices=("incremental", "snapshot", "both"), default="both")
    args = parser.parse_args()
    results: dict[str, object] = {"load_before": os.getloadavg()}
    workdir = Path(tempfile.mkdtemp(prefix="sfa-bench-inc-"))
    try:
        if args.part in ("snapshot", "both"):
            results["snapshot_pages"] = snapshot_pages(args.database_url, args.user)
        if args.part in ("incremental", "both"):
            results["incremental"] = incremental(args.database_url, args.runs, workdir, args.user,
                                                 no_fsync_first=args.no_fsync_first)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # the replica: ~260 MB
    results["load_after"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
