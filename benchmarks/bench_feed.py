"""Benchmark: incremental pull of 100 changes for a large agent on PostgreSQL.

Builds a fresh database (an agent with ~5,000 customers, 50,000 products, 250,000 price rows,
50,000 stock rows; --scale multiplies everything), then repeatedly commits 100 changes in the
agent's scope and times the pull that fetches them. Prints the median and the query plans.

    .venv/bin/python benchmarks/bench_feed.py [--scale 10] [--rounds 30] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
import uuid
from decimal import Decimal

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from sfa_server.accounts import create_user
from sfa_server.changes import upsert_rows
from sfa_server.db import init_database, session_factory
from sfa_server.deps import Principal
from sfa_server.feed import positions_query, pull_page, watermark
from sfa_server.scope import table_of

PG_URL = os.environ.get("SFA_TEST_PG_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def load(sessions, scale: int) -> tuple[str, list[str], list[str]]:
    n_customers, n_products, n_lists = 5000 * scale, 50000 * scale, 5
    t0 = time.perf_counter()
    with sessions.begin() as s:
        agent = create_user(s, username="big", password="benchmark pw", role="agent", agent_code="AG99")
        other = create_user(s, username="other", password="benchmark pw", role="agent", agent_code="AG98")
        upsert_rows(s, "warehouses", [{"id": "wh1", "code": "MI", "name": "Milano"}])
    with sessions.begin() as s:
        upsert_rows(
            s,
            "products",
            (
                {
                    "id": f"p{i}",
                    "sku": f"SKU{i:07d}",
                    "name": f"Articolo {i}",
                    "unit": "pz",
                    "vat_rate": Decimal(22),
                    "active": True,
                    "cost": Decimal("3.10"),
                }
                for i in range(n_products)
            ),
        )
        upsert_rows(
            s,
            "stock_levels",
            (
                {
                    "id": f"s{i}",
                    "product_id": f"p{i}",
                    "warehouse_id": "wh1",
                    "on_hand": Decimal(10),
                    "reserved": Decimal(0),
                    "available": Decimal(10),
                    "as_of": dt.datetime.now(dt.UTC),
                }
                for i in range(n_products)
            ),
        )
    lists = [f"pl{k}" for k in range(n_lists)]
    with sessions.begin() as s:
        upsert_rows(
            s,
            "price_lists",
            [
                {"id": pl, "code": pl.upper(), "name": pl, "currency": "EUR", "version": 1, "is_base": k == 0}
                for k, pl in enumerate(lists)
            ],
        )
    for pl in lists:  # 5 lists x 50,000 products = 250,000 price rows
        with sessions.begin() as s:
            upsert_rows(
                s,
                "price_list_items",
                (
                    {
                        "id": f"{pl}-{i}",
                        "price_list_id": pl,
                        "product_id": f"p{i}",
                        "min_quantity": Decimal(1),
                        "price": Decimal("5.00"),
                    }
                    for i in range(n_products)
                ),
            )
    customers = []
    with sessions.begin() as s:
        for owner, prefix in ((agent, "c"), (other, "x")):
            ids = [f"{prefix}{i}" for i in range(n_customers)]
            upsert_rows(
                s,
                "customers",
                (
                    {
                        "id": cid,
                        "name": f"Cliente {cid}",
                        "status": "active",
                        "price_list_id": lists[1 + i % 2 if owner == agent else 3],
                        "agent_id": owner,
                        "language": "it",
                        "credit_limit": Decimal(0),
                        "balance": Decimal(0),
                        "overdue_amount": Decimal(0),
                    }
                    for i, cid in enumerate(ids)
                ),
            )
            upsert_rows(
                s, "contacts", ({"id": f"{cid}-k", "customer_id": cid, "name": "Mario"} for cid in ids)
            )
            upsert_rows(
                s,
                "addresses",
                (
                    {
                        "id": f"{cid}-a",
                        "customer_id": cid,
                        "kind": "billing",
                        "street": "Via Roma 1",
                        "city": "Milano",
                        "country": "IT",
                    }
                    for cid in ids
                ),
            )
            if owner == agent:
                customers = ids
    with sessions() as s:
        s.execute(text("ANALYZE"))
        s.commit()
    print(f"loaded scale {scale} in {time.perf_counter() - t0:.1f}s")
    return agent, customers, lists


def head_cursor(session) -> tuple[int, int]:
    best = (0, 0)
    for name in ("customers", "contacts", "price_list_items", "stock_levels", "products", "users"):
        t = table_of(name)
        row = session.execute(
            select(t.c.change_tx, t.c.change_seq)
            .order_by(t.c.change_tx.desc(), t.c.change_seq.desc())
            .limit(1)
        ).first()
        if row:
            best = max(best, (row[0], row[1]))
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--pg-url", default=PG_URL)
    ap.add_argument("--keep", action="store_true", help="keep the database")
    args = ap.parse_args()
    admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    name = f"sfa_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
    engine = init_database(url)
    try:
        sessions = session_factory(engine)
        agent, customers, lists = load(sessions, args.scale)
        me = Principal(agent, "big", "agent", "AG99", "dev", None, None, (10000, 19999))
        rng = random.Random(7)
        times = []
        for _round in range(args.rounds):
            with sessions() as s:
                pos = head_cursor(s)
            with sessions.begin() as s:  # 100 changes in the agent's scope
                upsert_rows(
                    s,
                    "customers",
                    [
                        {"id": c, "phone": f"02 {rng.randint(100000, 999999)}"}
                        for c in rng.sample(customers, 40)
                    ],
                )
                upsert_rows(
                    s,
                    "price_list_items",
                    [
                        {
                            "id": f"{lists[1]}-{rng.randrange(50000 * args.scale)}",
                            "price": Decimal(rng.randint(100, 999)) / 100,
                        }
                        for _ in range(40)
                    ],
                )
                upsert_rows(
                    s,
                    "stock_levels",
                    [
                        {
                            "id": f"s{rng.randrange(50000 * args.scale)}",
                            "available": Decimal(rng.randint(0, 50)),
                        }
                        for _ in range(20)
                    ],
                )
                mark = s.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one()
            while True:  # autovacuum may hold a transaction open in this database for a moment
                with sessions() as s, s.begin():
                    if watermark(s) > mark:
                        break
                time.sleep(0.01)
            t0 = time.perf_counter()
            with sessions() as s, s.begin():
                page = pull_page(s, me, pos, 2000)
            times.append((time.perf_counter() - t0) * 1000)
            assert 95 <= len(page["changes"]) <= 100, len(page["changes"])  # duplicates in a sample collapse
        times.sort()
        print(
            f"incremental pull of 100 changes, scale {args.scale}: median {statistics.median(times):.1f} ms, "
            f"p90 {times[int(len(times) * 0.9) - 1]:.1f} ms, min {times[0]:.1f} ms ({args.rounds} rounds)"
        )
        with sessions() as s:
            pos = head_cursor(s)
            wm = watermark(s)
            stmt = positions_query(me, (pos[0], pos[1] - 200), 2000, wm)
            sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
            plan = s.execute(text("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql)).scalars()
            print(
                "\n--- plan of the feed query (the last 200 changes of the agent's scope)\n" + "\n".join(plan)
            )
    finally:
        engine.dispose()
        if not args.keep:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
