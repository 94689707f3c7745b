"""Office workspace on PostgreSQL: the approval queue with 10,000 pending orders (first page, each next
page, filtered by agent and by reason, sorted by total) and one order's detail.

    .venv/bin/python benchmarks/bench_office.py [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                               [--orders 10000] [--pages 100]

It creates its own database (sfa_bench_office_<random>, dropped at the end), 20 agents with 50
customers each, 10,000 pending orders of 3 lines (plus 20,000 decided ones, so the index has to pick
the pending rows out), and times two things per call: the server's own work (the route's read
function on a session, what the handler spends) and the whole HTTP request through a live uvicorn
on loopback (JSON, auth, network stack). The reference in the same run: `SELECT 1` on the same
connection, and an HTTP /health round trip (the floor no route can beat).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import socket
import statistics
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from sfa_desktop.sync import protocol  # noqa: E402
from sfa_server.models import Customer, OpenItem, Order, OrderLine, Product, StockLevel, Warehouse  # noqa: E402

REASONS = [
    [{"rule": "line_discount", "message": "Line 1: discount 30% above the limit 20%", "code": "approval.line_discount",
      "params": {"figure": "30", "limit": "20"}, "figure": "30", "limit": "20", "role": "office", "sku": "SKU001"}],
    [{"rule": "credit_limit", "message": "Over the credit limit", "code": "approval.credit_limit", "params": {},
      "figure": "12000", "limit": "10000", "role": "office", "sku": None}],
    [{"rule": "overdue_invoices", "message": "Overdue invoices", "code": "approval.overdue_invoices", "params": {},
      "figure": "800", "limit": "0", "role": "office", "sku": None},
     {"rule": "margin", "message": "Margin below 10%", "code": "approval.margin", "params": {}, "figure": "8",
      "limit": "10", "role": "office", "sku": None}],
]


def seed(url: str, orders: int) -> dict:
    from argon2 import PasswordHasher

    import sfa_server.accounts as accounts
    from sfa_server.accounts import create_user
    from sfa_server.db import init_database, refresh_statistics, session_factory

    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    engine = init_database(url)
    sessions = session_factory(engine)
    rnd = random.Random(13)
    with sessions.begin() as s:
        office = create_user(s, username="ufficio", password="bench-password", role="office")
        agents = [create_user(s, username=f"ag{n:02d}", password="bench-password", role="agent",
                              agent_code=f"AG{n:02d}", full_name=f"Agente {n}", max_line_discount="20",
                              max_avg_discount="12") for n in range(1, 21)]
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as c:
        c.execute(insert(Warehouse.__table__), [{"id": f"wh{i}", "code": f"W{i}", "name": f"Magazzino {i}"}
                                               for i in range(3)])
        c.execute(insert(Product.__table__), [{"id": f"p{i}", "sku": f"SKU{i:05d}", "name": f"Articolo {i}",
                                               "unit": "pz", "vat_rate": Decimal(22), "active": True,
                                               "cost": Decimal("6.00")} for i in range(500)])
        c.execute(insert(StockLevel.__table__), [{"id": f"st{i}-{w}", "product_id": f"p{i}", "warehouse_id": f"wh{w}",
                                                  "on_hand": Decimal(50), "reserved": Decimal(0),
                                                  "available": Decimal(50), "as_of": now}
                                                 for i in range(500) for w in range(3)])
        customers = [{"id": f"c{a}-{k}", "name": f"Cliente {a}-{k} S.r.l.", "status": "active", "agent_id": agent,
                      "credit_limit": Decimal(10000), "balance": Decimal(4000), "overdue_amount": Decimal(0),
                      "language": "it", "row_version": 1, "erp_code": f"E{a:02d}{k:03d}"}
                     for a, agent in enumerate(agents) for k in range(50)]
        c.execute(insert(Customer.__table__), customers)
        c.execute(insert(OpenItem.__table__), [{"id": f"oi-{cu['id']}-{j}", "customer_id": cu["id"],
                                                "document_number": f"FT {j}", "document_date": dt.date(2026, 1, 10),
                                                "due_date": dt.date(2026, 2, 10), "amount": Decimal(400),
                                                "paid": Decimal(0)} for cu in customers for j in range(3)])
        rows, lines = [], []
        total = orders * 3  # a third pending, the rest decided long ago
        for n in range(total):
            cu = customers[rnd.randrange(len(customers))]
            oid = str(uuid.uuid4())
            pending = n % 3 == 0
            created = now - dt.timedelta(minutes=total - n)
            rows.append({"id": oid, "number": f"O-{n:07d}", "customer_id": cu["id"], "agent_id": cu["agent_id"],
                         "status": "pending_approval" if pending else rnd.choice(["approved", "rejected", "fulfilled"]),
                         "currency": "EUR", "taxable_total": Decimal(rnd.randrange(100, 20000)),
                         "vat_total": Decimal(0), "grand_total": Decimal(rnd.randrange(100, 25000)),
                         "approval_reasons": REASONS[n % 3] if pending else None, "created_at": created,
                         "updated_at": created, "created_by": cu["agent_id"]})
            for ln in range(3):
                p = rnd.randrange(500)
                lines.append({"id": f"{oid}-{ln}", "order_id": oid, "line_no": ln + 1, "product_id": f"p{p}",
                              "sku": f"SKU{p:05d}", "description": f"Articolo {p}", "quantity": Decimal(4),
                              "unit": "pz", "unit_price": Decimal(10), "discount": "30", "vat_rate": Decimal(22),
                              "net_amount": Decimal(28), "list_price": Decimal(10), "unit_cost": Decimal(6),
                              "net_unit_price": Decimal(7)})
        for i in range(0, len(rows), 5000):
            c.execute(insert(Order.__table__), rows[i:i + 5000])
        for i in range(0, len(lines), 10000):
            c.execute(insert(OrderLine.__table__), lines[i:i + 10000])
    refresh_statistics(engine)
    pending_ids = [r["id"] for r in rows if r["status"] == "pending_approval"]
    return {"engine": engine, "sessions": sessions, "office": office, "agents": agents, "pending": pending_ids}


def timed(fn, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"median {statistics.median(ms):6.2f} ms  p95 {p95:6.2f} ms  max {ms[-1]:6.2f} ms  (n={len(ms)})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--orders", type=int, default=10_000, help="pending orders")
    ap.add_argument("--pages", type=int, default=100, help="pages of 100 walked after the first")
    args = ap.parse_args()

    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
    name = f"sfa_bench_office_{uuid.uuid4().hex[:6]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
    try:
        t0 = time.perf_counter()
        world = seed(url, args.orders)
        print(f"seeded {args.orders} pending orders (+{2 * args.orders} decided) in {time.perf_counter() - t0:.1f} s")
        report(url, world, args.pages)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


def report(url: str, world: dict, pages: int) -> None:
    from sfa_server.app import create_app
    from sfa_server.office_reads import approval_queue, order_detail

    sessions, agent = world["sessions"], world["agents"][3]
    print("\n-- the server's own work (read function on a session), PostgreSQL --")
    with sessions() as s:
        floor = timed(lambda: s.execute(text("SELECT 1")).scalar(), 200)
        print(f"reference SELECT 1           {summary(floor)}")

        def queue(**kw):
            base = {"agent_id": None, "reason": None, "sort": "created_at", "descending": False, "cursor": None,
                    "limit": 100}
            return approval_queue(s, **{**base, **kw})

        queue()  # warm the plan cache once
        print(f"first page (100 of {queue().total})  {summary(timed(queue, 50))}")
        nexts, cursor = [], queue().next_cursor
        for _ in range(pages):
            start = time.perf_counter()
            page = queue(cursor=cursor)
            nexts.append((time.perf_counter() - start) * 1000)
            cursor = page.next_cursor
            if cursor is None:
                break
        print(f"each next page ({len(nexts)} pages)  {summary(nexts)}")
        print(f"first page, one agent        {summary(timed(lambda: queue(agent_id=agent), 50))}")
        print(f"first page, reason filter    {summary(timed(lambda: queue(reason='credit_limit'), 50))}")
        print(f"first page, by total desc    {summary(timed(lambda: queue(sort='grand_total', descending=True), 50))}")
        ids = world["pending"]
        detail = [timed(lambda i=i: order_detail(s, i))[0] for i in random.Random(5).sample(ids, 100)]
        print(f"order detail (100 orders)    {summary(detail)}")
        plan = s.execute(text(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT id FROM orders WHERE status = 'pending_approval' "
            "ORDER BY created_at, id LIMIT 101")).scalar()
        node = plan[0]["Plan"]
        while node.get("Plans") and "Index" not in node["Node Type"]:
            node = node["Plans"][0]
        print(f"plan of the first page: {node['Node Type']} on {node.get('Index Name')}, "
              f"{plan[0]['Execution Time']:.2f} ms")

    print("\n-- the whole request over HTTP (uvicorn on loopback, JSON, auth) --")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    http = httpx.Client(base_url=base, headers={protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)}, timeout=30)
    r = http.post("/api/v1/auth/login", json={"username": "ufficio", "password": "bench-password",
                                               "device_id": str(uuid.uuid4()), "device_name": "bench"})
    http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    print(f"reference GET /health        {summary(timed(lambda: http.get('/health'), 100))}")
    first = lambda: http.get("/api/v1/office/approvals", params={"limit": 100}).json()  # noqa: E731
    first()
    print(f"first page                   {summary(timed(first, 50))}")
    cursor, nexts, size = first()["next_cursor"], [], 0
    for _ in range(pages):
        start = time.perf_counter()
        r = http.get("/api/v1/office/approvals", params={"limit": 100, "cursor": cursor})
        nexts.append((time.perf_counter() - start) * 1000)
        size = max(size, len(r.content))
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    print(f"each next page ({len(nexts)} pages)  {summary(nexts)}  ({size / 1024:.0f} KiB a page)")
    ids = random.Random(6).sample(world["pending"], 100)
    details = [timed(lambda i=i: http.get(f"/api/v1/office/orders/{i}"))[0] for i in ids]
    print(f"order detail                 {summary(details)}")
    http.close()
    server.should_exit = True
    time.sleep(0.5)
    world["engine"].dispose()
    print(json.dumps({"note": "busy shared machine (2 cores, ~7 helpers): figures are noisy"}))


if __name__ == "__main__":
    sys.exit(main())
