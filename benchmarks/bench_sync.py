"""Sync benchmarks: initial sync of the large demo agent over loopback against the physical floor,
incremental sync of 100 changes against replica size, and the client's peak memory.

    .venv/bin/python benchmarks/bench_sync.py [--size large] [--workdir DIR] [--keep]

The server runs in its own process (uvicorn, SQLite file or --database-url), so the client's
figures are not distorted by the server sharing its interpreter. The physical floor is what no
sync can beat on this machine, measured in the same run on the same pages: the decompressed page
bodies json.loads-ed, their rows turned into tuples and inserted with executemany into a fresh
SQLCipher database (raw key, WAL, one table per stream with `id TEXT PRIMARY KEY` and the stream's
columns, no other index, one transaction). It writes the same bytes, encrypted. The engine's first
sync is timed end to end, server included, until the agent can work (its own checks included).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from sfa_desktop.local_db import open_replica  # noqa: E402
from sfa_desktop.sync import apply, bulk_load, protocol, state  # noqa: E402
from sfa_desktop.sync.engine import SyncEngine  # noqa: E402
from sfa_desktop.sync.transport import Transport  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_server_db(url: str, size: str) -> None:
    from sfa_server import demo_data
    from sfa_server.db import init_database

    started = time.perf_counter()
    engine = init_database(url)
    counts = demo_data.load(engine, demo_data.generate(size, 1))
    engine.dispose()
    if url.startswith("sqlite:///"):
        # fold the write-ahead log into the file: callers move the file alone to its final name
        import sqlite3

        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode = DELETE")
    took = time.perf_counter() - started
    print(f"server data ({size}): {sum(counts.values()):,} rows loaded in {took:.0f}s")


class ServerProcess:
    def __init__(self, database_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "SFA_DATABASE_URL": database_url}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "sfa_server.app:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning", "--no-access-log"], env=env, cwd=ROOT)
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("the benchmark server did not start") from None
                time.sleep(0.1)

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system, from /proc; 0 elsewhere)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def new_client(workdir: Path, name: str, url: str, user: str) -> tuple[object, Transport, SyncEngine]:
    path = workdir / f"{name}.db"
    for leftover in workdir.glob(f"{name}.db*"):
        leftover.unlink()
    replica = open_replica(path, os.urandom(32))
    transport = Transport(url, device_id=state.device_id(replica),
                          token_store=state.ReplicaTokenStore(replica), timeout=(5, 120))
    transport.login(username=user, password=f"demo-{user}", device_id=transport.device_id or "",
                    device_name="benchmark")
    return replica, transport, SyncEngine(replica, transport, page_size=protocol.MAX_PAGE_SIZE)


def download_pages(transport: Transport) -> list[bytes]:
    """The raw pages of a first sync, as the wire brought them (decompressed JSON)."""
    pages, cursor = [], ""
    while True:
        resp = transport.session.get(f"{transport.base_url}{protocol.API_PREFIX}/sync/pull",
                                     params={"cursor": cursor, "limit": protocol.MAX_PAGE_SIZE},
                                     headers=transport._headers(True), timeout=120)  # decompressed by requests
        resp.raise_for_status()
        pages.append(resp.content)
        doc = json.loads(resp.content)
        cursor = doc["cursor"]
        if not doc["has_more"]:
            return pages


def physical_floor(workdir: Path, pages: list[bytes]) -> tuple[float, int]:
    """Seconds to load the pages into bare SQLCipher tables, the way nothing could load them faster."""
    import sqlcipher3.dbapi2 as sqlcipher

    for leftover in workdir.glob("floor.db*"):
        leftover.unlink()
    conn = sqlcipher.connect(str(workdir / "floor.db"), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\"")
    conn.execute("PRAGMA journal_mode = WAL")
    names = {s: protocol.STREAMS[s].field_names for s in protocol.STREAMS}
    for stream, cols in names.items():
        conn.execute(f"CREATE TABLE {stream} (id TEXT PRIMARY KEY, {', '.join(c for c in cols if c != 'id')})")
    sql = {s: f"INSERT OR REPLACE INTO {s} VALUES ({', '.join('?' * len(c))})" for s, c in names.items()}
    rows = 0
    started = time.perf_counter()
    conn.execute("BEGIN")
    for raw in pages:
        doc = json.loads(raw)
        batches: dict[str, list[tuple]] = {}
        for table in doc.get("tables", ()):  # the snapshot's rows: arrays in the stream's field order
            stream = table["s"]
            assert table["fields"] == list(names[stream])
            json_at = [i for i, f in enumerate(protocol.STREAMS[stream].fields) if f.type == protocol.JSON]
            if json_at:
                for values in table["rows"]:
                    for i in json_at:
                        values[i] = json.dumps(values[i])
            batches.setdefault(stream, []).extend(map(tuple, table["rows"]))
        for change in doc["changes"]:
            row, stream = change.get("row"), change["s"]
            if row is not None:
                batches.setdefault(stream, []).append(tuple(
                    json.dumps(v) if isinstance(v, dict | list) else v for v in (row[c] for c in names[stream])))
        for stream, batch in batches.items():
            conn.executemany(sql[stream], batch)
            rows += len(batch)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds, rows


#: Replica sizes (rows) at which the client's side of an incremental sync is measured.
CHECKPOINTS = (15_000, 100_000)
FLOOR_RUNS = 3


def sizes_for_incremental(workdir: Path, pages: list[bytes]) -> dict[int, float]:
    """The client's side of an incremental sync of 100 changes (decode + apply + cursor, one
    transaction) against replicas of growing size, filled with the same pages."""
    for leftover in workdir.glob("sizes.db*"):
        leftover.unlink()
    replica = open_replica(workdir / "sizes.db", os.urandom(32))
    rows = 0
    by_size: dict[int, float] = {}
    todo = list(CHECKPOINTS)
    for raw in pages:
        with replica.session(write=True) as s:
            page, _ = bulk_load.apply_bulk_page(s.connection(), json.loads(raw))
            rows += page.rows
        if todo and rows >= todo[0]:
            todo.pop(0)
            by_size[rows] = client_incremental(replica)
    by_size[rows] = client_incremental(replica)
    replica.close()
    return by_size


def client_incremental(replica: object, changes: int = 100, runs: int = 7) -> float:
    """Median seconds to decode and apply a page of `changes` changed rows with its cursor."""
    from sqlalchemy import func, select

    with replica.session() as s:  # type: ignore[attr-defined]
        stream = max(protocol.STREAM_ORDER, key=lambda name: (
            name == "products", s.scalar(select(func.count()).select_from(apply.table_of(name))) or 0))
        table = apply.table_of(stream)
        names = protocol.STREAMS[stream].field_names
        current = [dict(zip(names, r, strict=True))
                   for r in s.execute(select(*(table.c[n] for n in names)).limit(changes))]
    wire = [protocol.encode_change(stream, protocol.UPSERT, r["id"], r) for r in current]
    timings = []
    for run in range(runs):
        doc = json.dumps({"cursor": f"v1.bench.{run}", "has_more": False, "changes": wire}).encode()
        started = time.perf_counter()
        page = protocol.decode_pull_page(json.loads(doc))
        with replica.session(write=True) as s:  # type: ignore[attr-defined]
            apply.apply_page(s.connection(), page)
            state.write_cursor(s.connection(), page.cursor)
        timings.append(time.perf_counter() - started)
    return sorted(timings)[len(timings) // 2]


def incremental(url: str, database_url: str, engine: SyncEngine, kind: str, changes: int = 100,
                runs: int = 9) -> tuple[float, float]:
    """Median seconds for a sync bringing `changes` changed rows (the server write is not timed), and
    the median of those seconds spent waiting for the server's answer.

    kind "text": product descriptions (their words are re-indexed for search, the costly case);
    kind "figures": stock levels and list prices, what most syncs of a working day bring.
    """
    from decimal import Decimal

    from sqlalchemy import select

    from sfa_server.changes import upsert_rows
    from sfa_server.db import make_engine, session_factory
    from sfa_server.scope import table_of

    server_engine = make_engine(database_url)
    sessions = session_factory(server_engine)
    half = changes // 2
    with sessions.begin() as s:
        products = list(s.execute(select(table_of("products").c.id).order_by(table_of("products").c.id)
                                  .limit(changes)).scalars())
        stock = list(s.execute(select(table_of("stock_levels").c.id).limit(half)).scalars())
        prices = list(s.execute(select(table_of("price_list_items").c.id).limit(changes - half)).scalars())
    timings, waits = [], []
    for run in range(runs):
        with sessions.begin() as s:
            if kind == "text":
                upsert_rows(s, "products", [{"id": i, "description": f"benchmark change {run}"} for i in products])
            else:
                upsert_rows(s, "stock_levels", [{"id": i, "available": Decimal(run + 1)} for i in stock])
                upsert_rows(s, "price_list_items", [{"id": i, "price": Decimal(f"{run + 10}.5")} for i in prices])
        started = time.perf_counter()
        report = engine.sync(verify=False)
        timings.append(time.perf_counter() - started)
        waits.append(report.seconds_waiting)
        assert report.rows_upserted == changes, report
    server_engine.dispose()
    return sorted(timings)[len(timings) // 2], sorted(waits)[len(waits) // 2]


def replica_rows(replica: object) -> int:
    from sqlalchemy import func, select

    total = 0
    with replica.session() as s:  # type: ignore[attr-defined]
        for stream in protocol.STREAM_ORDER:
            total += s.scalar(select(func.count()).select_from(apply.table_of(stream))) or 0
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=("small", "large"))
    parser.add_argument("--workdir", default=None, help="keeps the generated server database between runs")
    parser.add_argument("--database-url", default=None, help="use this (already loaded) server database")
    parser.add_argument("--user", default="ag01")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure peak Python allocations")
    parser.add_argument("--prepare", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare_server_db(args.prepare, args.size)
        return 0
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="sfa-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url
    if database_url is None:
        server_db = workdir / f"server-{args.size}.db"
        if not server_db.exists():
            # in a child process, so this process's peak memory is the client's alone
            subprocess.run([sys.executable, __file__, "--prepare", f"sqlite:///{server_db}.tmp", "--size",
                            args.size], check=True, cwd=ROOT)
            shutil.move(f"{server_db}.tmp", server_db)
        database_url = f"sqlite:///{server_db}"
    server = ServerProcess(database_url)
    try:
        results: dict[str, object] = {"size": args.size}
        replica, transport, engine = new_client(workdir, "client", server.url, args.user)
        gc.collect()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu_client, cpu_server = own_cpu_seconds(), server.cpu_seconds()
        started = time.perf_counter()
        report = engine.sync()  # as the app runs it: its own checks included
        e2e = time.perf_counter() - started
        # what the two cores spent on it: the wall time cannot be below (client + server) / cores
        results.update(first_sync_cpu_client_s=round(own_cpu_seconds() - cpu_client, 2),
                       first_sync_cpu_server_s=round(server.cpu_seconds() - cpu_server, 2))
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rows = report.rows_upserted
        results.update(rows=rows, pages=report.pages, e2e_s=round(e2e, 2), e2e_rows_per_s=round(rows / e2e),
                       first_sync_checked=("counts" if report.counted else "checksums" if report.verified
                                           else "none"),
                       waiting_for_server_s=round(report.seconds_waiting, 2),
                       applying_locally_s=round(report.seconds_applying, 2),
                       after_last_page_s=round(report.seconds_finishing, 2),
                       wire_mb=round(report.bytes_received / 1e6, 1), peak_rss_mb=round(rss_after / 1024, 1),
                       rss_growth_mb=round((rss_after - rss_before) / 1024, 1))
        started = time.perf_counter()
        verify = engine.sync(verify=True)
        results["daily_checksum_verify_s"] = round(time.perf_counter() - started, 2)
        results["verified_ok"] = not verify.mismatched
        started = time.perf_counter()
        pages = download_pages(transport)
        results["server_pages_only_s"] = round(time.perf_counter() - started, 2)
        floor_cpu = own_cpu_seconds()
        # three times, the median read: one run of the floor drifts as much as the engine's figures
        floors = [physical_floor(workdir, pages) for _ in range(FLOOR_RUNS)]
        floor_rows = floors[0][1]
        floor_s = statistics.median(s for s, _ in floors)
        results["physical_floor_cpu_s"] = round((own_cpu_seconds() - floor_cpu) / FLOOR_RUNS, 2)
        results.update(physical_floor_s=round(floor_s, 2), physical_floor_runs_s=[round(s, 2) for s, _ in floors],
                       floor_rows_per_s=round(floor_rows / floor_s),
                       ratio_to_physical_floor=round(e2e / floor_s, 2),
                       client_incremental_100_ms_by_replica_rows={
                           f"{n:,}": round(t * 1000, 1) for n, t in sizes_for_incremental(workdir, pages).items()})
        results["replica_mb"] = round(sum(f.stat().st_size for f in workdir.glob("client.db*")) / 1e6, 1)
        results["floor_db_mb"] = round(sum(f.stat().st_size for f in workdir.glob("floor.db*")) / 1e6, 1)
        for kind in ("figures", "text"):
            inc, inc_wait = incremental(server.url, database_url, engine, kind)
            results[f"incremental_100_{kind}_ms"] = round(inc * 1000, 1)
            results[f"incremental_100_{kind}_waiting_for_server_ms"] = round(inc_wait * 1000, 1)
        started = time.perf_counter()
        engine.sync(verify=False)
        results["empty_sync_ms"] = round((time.perf_counter() - started) * 1000, 1)
        results["replica_rows"] = replica_rows(replica)
        if args.tracemalloc:
            r2, _t2, e2 = new_client(workdir, "client-tm", server.url, args.user)
            tracemalloc.start()
            e2.sync(verify=False)
            results["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
            tracemalloc.stop()
            r2.close()  # type: ignore[attr-defined]
        replica.close()  # type: ignore[attr-defined]
        print(json.dumps(results, indent=2))
    finally:
        server.stop()
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
