"""Load benchmark: many simulated agents doing pull + push sync cycles against `sfa-server serve` on loopback.

Creates a fresh PostgreSQL database with the small demo catalog plus N agents (~10 customers each), starts
the server with several workers, then each agent signs in, downloads its replica and runs K sync cycles
(pull to the end, push one quote.save, pull again). Prints syncs/s, p50/p95/p99 and checks server-side that
every pushed command was applied exactly once. Drops the database at the end.

    .venv/bin/python benchmarks/bench_load.py [--agents 500] [--cycles 3] [--concurrency 50] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import URL, make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sfa_desktop.domain.numbering import validate_agent_code
from sfa_desktop.sync import protocol as p
from sfa_server import demo_data
from sfa_server.accounts import hash_password
from sfa_server.changes import upsert_rows
from sfa_server.db import init_database, session_factory
from sfa_server.demo_data.customers import make_customers
from sfa_server.erp_import.ids import erp_id
from sfa_server.models import AppliedCommand, Quote

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench-load-pw"  # a throwaway benchmark user


@dataclass
class Agent:
    username: str
    customer_ids: list[str]
    token: str = ""
    cursor: str = ""


@dataclass
class Stats:
    """Latencies in seconds per kind (list.append is atomic under the GIL: threads share one Stats)."""

    latency: dict[str, list[float]] = field(default_factory=lambda: {
        k: [] for k in ("login", "first_page", "bootstrap", "pull", "push", "cycle")})
    errors: list[str] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    rows_pulled: list[int] = field(default_factory=list)
    skipped_cycles: list[int] = field(default_factory=list)


class AgentFailed(RuntimeError):
    pass


def _admin_url() -> URL:
    url = make_url(os.environ.get("SFA_TEST_PG_URL") or DEFAULT_ADMIN_URL)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.set(database="postgres")


def _admin(sql: str) -> None:
    engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def _remap(book: Any, prefix: str, agent_ids: list[str], per_agent: int) -> dict[str, list[dict[str, Any]]]:
    """New ids (and ERP codes) for generated customers so they never meet the demo company's own."""
    cmap = {c["id"]: erp_id(f"{prefix}-customers", c["id"]) for c in book.customers}
    # consecutive customers per agent: the generator's statuses repeat every 20/25 rows, so a round
    # robin over 500 agents would leave some agents with only prospects or only blocked customers
    customers = [{**c, "id": cmap[c["id"]], "erp_code": c["erp_code"] and f"B{n:06d}",
                  "agent_id": agent_ids[n // per_agent]} for n, c in enumerate(book.customers)]
    out = {"customers": customers}
    for stream in ("addresses", "contacts", "open_items"):
        out[stream] = [{**r, "id": erp_id(f"{prefix}-{stream}", r["id"]),
                        "customer_id": cmap[r["customer_id"]]} for r in getattr(book, stream)]
    return out


def seed(url: str, *, agents: int, per_agent: int) -> tuple[list[Agent], dict[str, Decimal]]:
    """init + small demo company + `agents` agent users with their own customers; returns the agents
    (with the ids of their active customers) and the product ids quotes may use with their pack size."""
    dataset = demo_data.generate("small", seed=1)
    engine = init_database(url)
    try:
        with session_factory(engine).begin() as session:
            demo_data.load(session, dataset)
            password_hash, now = hash_password(PASSWORD), dt.datetime.now(dt.UTC)
            users = [{"id": str(uuid.uuid4()), "username": f"bench{n:03d}", "full_name": f"Bench agent {n}",
                      "role": "agent", "agent_code": validate_agent_code(f"A{n:03d}"),
                      "max_line_discount": Decimal(20), "max_avg_discount": Decimal(15),
                      "password_hash": password_hash, "active": True, "created_at": now}
                     for n in range(1, agents + 1)]
            upsert_rows(session, "users", users)
            special = [r["id"] for r in dataset.rows["price_lists"] if not r["is_base"]]
            book = make_customers(random.Random("bench-load"), agents * per_agent, [u["id"] for u in users],
                                  special, dataset.today)
            rows = _remap(book, "bench-load", [u["id"] for u in users], per_agent)
            for stream, stream_rows in rows.items():
                upsert_rows(session, stream, stream_rows)
    finally:
        engine.dispose()
    active: dict[str, list[str]] = {}
    for c in rows["customers"]:
        if c["status"] == "active":
            active.setdefault(c["agent_id"], []).append(c["id"])
    base = next(r["id"] for r in dataset.rows["price_lists"] if r["is_base"])
    priced = {r["product_id"] for r in dataset.rows["price_list_items"] if r["price_list_id"] == base}
    # quantities are whole packs (and at least the minimum, which is one pack or 1)
    products = {r["id"]: Decimal(r["pack_size"] or 1) for r in dataset.rows["products"]
                if r["active"] and r["id"] in priced and (r["min_quantity"] or 1) <= (r["pack_size"] or 1)}
    return [Agent(u["username"], active.get(u["id"], [])) for u in users], products


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, workers: int, log_path: Path, threads: int | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    exe = Path(sys.executable).with_name("sfa-server")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "sfa_server.cli"]
    cmd += ["serve", "--database-url", url, "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers)] + (["--threads", str(threads)] if threads else [])
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}; see {log_path}")
        try:
            if requests.get(f"{base}/health", timeout=2).status_code == 200:
                return proc, base
        except requests.RequestException:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"the server did not answer /health within 60 s; see {log_path}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # its own process group: uvicorn's supervisor and workers
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def _call(http: requests.Session, stats: Stats, kind: str, method: str, url: str, **kw: Any) -> Any:
    t0 = time.perf_counter()
    try:
        resp = http.request(method, url, timeout=120, **kw)
    except requests.RequestException as exc:
        stats.errors.append(f"{kind}: {type(exc).__name__}: {exc}"[:300])
        raise AgentFailed(kind) from exc
    stats.latency[kind].append(time.perf_counter() - t0)
    if not 200 <= resp.status_code < 300:
        stats.errors.append(f"{kind}: HTTP {resp.status_code} {resp.text[:200]}")
        raise AgentFailed(kind)
    return resp.json()


def _pull_all(http: requests.Session, stats: Stats, base: str, agent: Agent, kind: str = "pull") -> None:
    rows = 0
    while True:
        doc = _call(http, stats, kind, "GET", f"{base}{p.API_PREFIX}/sync/pull",
                    params={"cursor": agent.cursor})
        page = p.decode_pull_page(doc)  # the client's own validation, as a real sync would do
        agent.cursor, rows = page.cursor, rows + len(page.changes)
        if not page.has_more:
            stats.rows_pulled.append(rows)
            return


def _session(agent: Agent) -> requests.Session:
    http = requests.Session()
    http.headers[p.PROTOCOL_HEADER] = str(p.PROTOCOL_VERSION)
    if agent.token:
        http.headers["Authorization"] = f"Bearer {agent.token}"
    return http


def bootstrap(agent: Agent, base: str, stats: Stats) -> None:
    """Sign in with a new device id and download the whole replica (the first sync)."""
    with _session(agent) as http:
        body = {"username": agent.username, "password": PASSWORD, "device_id": str(uuid.uuid4()),
                "device_name": "bench-load"}
        try:
            agent.token = _call(http, stats, "login", "POST", f"{base}{p.API_PREFIX}/auth/login", json=body)[
                "access_token"]
            http.headers["Authorization"] = f"Bearer {agent.token}"
            t0 = time.perf_counter()
            _pull_all(http, stats, base, agent, "first_page")
            stats.latency["bootstrap"].append(time.perf_counter() - t0)
        except AgentFailed:
            agent.token = ""


def cycles(agent: Agent, base: str, stats: Stats, *, count: int, products: dict[str, Decimal],
           deadline: float) -> None:
    """`count` sync cycles: pull to the end, push one quote.save, pull again."""
    if not agent.token or not agent.customer_ids:
        stats.skipped_cycles.append(count)
        return
    rng = random.Random(agent.username)
    with _session(agent) as http:
        for done in range(count):
            if time.monotonic() > deadline:
                stats.skipped_cycles.append(count - done)
                return
            t0 = time.perf_counter()
            try:
                _pull_all(http, stats, base, agent)
                cmd = p.Command(str(uuid.uuid4()), "quote.save", {
                    "quote_id": str(uuid.uuid4()), "customer_id": rng.choice(agent.customer_ids),
                    "lines": [{"product_id": pid, "quantity": str(products[pid] * rng.randint(1, 5))}
                              for pid in rng.sample(sorted(products), 3)],
                    "notes": "bench-load"})
                stats.pushed.append(cmd.id)
                doc = _call(http, stats, "push", "POST", f"{base}{p.API_PREFIX}/sync/push",
                            json={"commands": [cmd.to_wire()]})
                result = p.decode_command_result(doc["results"][0])
                stats.statuses[result.status] += 1
                if result.status == p.REJECTED:
                    stats.errors.append(f"push rejected: {result.code} {result.reason}"[:300])
                _pull_all(http, stats, base, agent)
            except (AgentFailed, p.ProtocolError) as exc:
                if isinstance(exc, p.ProtocolError):
                    stats.errors.append(f"protocol: {exc}"[:300])
                stats.skipped_cycles.append(count - done - 1)
                return
            stats.latency["cycle"].append(time.perf_counter() - t0)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        out.append(todo.pop())
        todo += children.get(out[-1], [])
    return out


def cpu_now(server_pid: int, url: str) -> dict[str, float]:
    """CPU seconds so far of the server's processes, of this database's PostgreSQL backends and of
    this client (Linux /proc; PostgreSQL must run on this machine for its share to count)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            backends = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                         "AND pid <> pg_backend_pid()")).scalars().all()
    finally:
        engine.dispose()
    return {"server": sum(map(_cpu_seconds, _descendants(server_pid))),
            "postgres": sum(map(_cpu_seconds, backends)), "client": time.process_time()}


def _ms(values: list[float]) -> str:
    if len(values) < 2:
        return f"n={len(values)}"
    q = statistics.quantiles(values, n=100, method="inclusive")
    return (f"n={len(values):5d}  p50 {q[49] * 1000:7.1f} ms  p95 {q[94] * 1000:7.1f} ms  "
            f"p99 {q[98] * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms")


def verify(url: str, stats: Stats) -> tuple[int, int, int]:
    """(pushed, applied records, quotes created) for the pushed command ids."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            records = conn.execute(select(AppliedCommand.command_id, AppliedCommand.result)).all()
            quotes = conn.execute(select(Quote.id).where(Quote.notes == "bench-load")).scalars().all()
    finally:
        engine.dispose()
    pushed = set(stats.pushed)
    applied = [r for r in records if r.command_id in pushed and r.result.get("status") != p.REJECTED]
    return len(pushed), len(applied), len(set(quotes))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=500)
    ap.add_argument("--customers-per-agent", type=int, default=10)
    ap.add_argument("--cycles", type=int, default=3, help="sync cycles per agent after the first download")
    ap.add_argument("--concurrency", type=int, default=50, help="agents syncing at the same time")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    ap.add_argument("--threads", type=int, default=None, help="requests each worker runs at a time (server default)")
    ap.add_argument("--max-seconds", type=float, default=300, help="no new cycle starts after this long")
    args = ap.parse_args(argv)
    if not 1 <= args.agents <= 999 or args.cycles < 1 or args.concurrency < 1 or args.workers < 1:
        ap.error("agents must be 1-999 (agent codes A001..A999); cycles, concurrency and workers >= 1")
    try:
        _admin("SELECT 1")
    except Exception as exc:  # any connection failure means: skip
        print(f"SKIPPED: PostgreSQL is not reachable at {_admin_url().render_as_string()}: {exc}")
        return 0
    db_name = f"sfa_bench_load_{uuid.uuid4().hex[:8]}"
    url = _admin_url().set(database=db_name).render_as_string(hide_password=False)
    _admin(f'CREATE DATABASE "{db_name}"')
    proc = None
    log_path = Path(tempfile.gettempdir()) / f"{db_name}-server.log"
    try:
        t0 = time.perf_counter()
        agents, products = seed(url, agents=args.agents, per_agent=args.customers_per_agent)
        print(f"seeded {db_name}: {len(agents)} agents, {sum(len(a.customer_ids) for a in agents)} active "
              f"customers of theirs, {len(products)} priced products in {time.perf_counter() - t0:.1f} s")
        proc, base = start_server(url, args.workers, log_path, args.threads)
        stats = Stats()
        with ThreadPoolExecutor(args.concurrency) as pool:
            t0 = time.perf_counter()
            list(pool.map(lambda a: bootstrap(a, base, stats), agents))
            boot_wall = time.perf_counter() - t0
            deadline = time.monotonic() + args.max_seconds
            cpu_before = cpu_now(proc.pid, url)
            t0 = time.perf_counter()
            list(pool.map(lambda a: cycles(a, base, stats, count=args.cycles, products=products,
                                           deadline=deadline), agents))
            cycle_wall = time.perf_counter() - t0
            load_after = os.getloadavg()
            cpu_after = cpu_now(proc.pid, url)
        stop_server(proc)
        proc = None
        lat = stats.latency
        print(f"\n{args.agents} agents, {args.concurrency} concurrent, {args.workers} server workers "
              f"({args.threads or 'default'} threads each), "
              f"{args.cycles} cycles each (PostgreSQL, loopback, {os.cpu_count()} cores)")
        print(f"first sync: {len(lat['bootstrap'])} agents in {boot_wall:.1f} s, "
              f"~{statistics.mean(stats.rows_pulled[:len(lat['bootstrap'])] or [0]):.0f} rows each")
        rate = len(lat["cycle"]) / cycle_wall
        print(f"sync cycles: {len(lat['cycle'])} in {cycle_wall:.1f} s = {rate:.1f} syncs/s; "
              f"skipped {sum(stats.skipped_cycles)}; load average after the cycles "
              f"{' / '.join(f'{x:.2f}' for x in load_after)} (1/5/15 min; this client runs on the same cores)")
        done = max(1, len(lat["cycle"]))
        per = {k: (cpu_after[k] - cpu_before[k]) * 1000 / done for k in cpu_after}
        budget = (os.cpu_count() or 1) * 1000 / 150
        print(f"CPU per cycle: server {per['server']:.1f} ms, PostgreSQL {per['postgres']:.1f} ms, "
              f"this client {per['client']:.1f} ms = {sum(per.values()):.1f} ms "
              f"(150 syncs/s on {os.cpu_count()} cores allow {budget:.1f} ms)")
        for kind in ("login", "first_page", "bootstrap", "cycle", "pull", "push"):
            print(f"  {kind:10s} {_ms(lat[kind])}")
        print(f"push answers: {dict(stats.statuses)}")
        print(f"errors: {len(stats.errors)}")
        for line in Counter(stats.errors).most_common(10):
            print(f"  {line[1]} x {line[0]}")
        pushed, applied, quotes = verify(url, stats)
        once = pushed == applied == quotes
        print(f"server side: {pushed} commands pushed, {applied} applied records, {quotes} quotes created "
              f"-> {'every command exactly once' if once else 'MISMATCH'}")
        return 0 if once and not stats.errors and not sum(stats.skipped_cycles) else 1
    finally:
        if proc is not None:
            stop_server(proc)
        _admin(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        print(f"dropped {db_name} (server log: {log_path})")


if __name__ == "__main__":
    raise SystemExit(main())
