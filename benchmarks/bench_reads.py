"""Read functions for screens: the large demo agent in a real SQLCipher replica, with 24 months of
history, and the reads a screen makes timed one session each, as the UI does.

The replica holds the `sfa-server demo-data --size large` company (5,000 customers, 50,000 products,
250,000 price rows, 50,000 stock rows, 2,000 documents) plus generated history for its one agent
(24 months of orders with lines, quotes, visits and calls, deals), loaded through the sync engine's
own page apply (apply.apply_page, search index suspended and rebuilt as a first sync does).

    .venv/bin/python benchmarks/bench_reads.py [--orders 40000] [--runs 40] [--seed 7] [--workdir DIR]

Prints median / p95 / max milliseconds per read and the machine's load average around each part.
Targets: keystroke to results < 50 ms p95 (catalog search), customer 360 < 150 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from sfa_desktop.domain.numbering import format_document_number  # noqa: E402
from sfa_desktop.local_db import open_replica, search  # noqa: E402
from sfa_desktop.operations.read import catalog, customer360, customers, documents  # noqa: E402
from sfa_desktop.sync import apply, protocol  # noqa: E402

CENT = Decimal("0.01")
PAGE = protocol.MAX_PAGE_SIZE
#: Indexes these reads would use (recommended for the replica's models; timed here in a second pass).
RECOMMENDED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_activities_customer_kind_occurred ON activities (customer_id, kind, occurred_at)",
    "CREATE INDEX IF NOT EXISTS ix_orders_customer_status_created ON orders (customer_id, status, created_at)",
    "CREATE INDEX IF NOT EXISTS ix_quotes_previous_revision ON quotes (previous_revision_id)",
    "CREATE INDEX IF NOT EXISTS ix_products_brand ON products (brand)",
    "CREATE INDEX IF NOT EXISTS ix_products_name_nocase ON products (name COLLATE NOCASE)",
)
PAGE_CACHE_MB = 64
TYPED = ["cavo 2,5 mm²", "magnetotermico 1p+n 16a", "lampadina led e27", "presa schuko", "tubo corrugato 25",
         "prysmian", "faretto gu10 4000k", "differenziale 2p 25a"]


# --------------------------------------------------------------------------- data

def history(rng: random.Random, rows: dict[str, list[dict[str, Any]]], *, orders: int, today: dt.date
            ) -> dict[str, list[dict[str, Any]]]:
    """24 months of one agent's work: orders with lines, quotes, visits and calls, deals."""
    agent = next(u for u in rows["users"] if u["role"] == "agent")
    buyers = [c for c in rows["customers"] if c["status"] != "prospect"]
    rng.shuffle(buyers)
    # A few customers buy a lot, most a little (a long tail, as in a wholesaler's book).
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(buyers))]
    base_list = next(pl["id"] for pl in rows["price_lists"] if pl["is_base"])
    base = {item["product_id"]: item["price"] for item in rows["price_list_items"]
            if item["price_list_id"] == base_list and item["min_quantity"] <= 1}
    products = [p for p in rows["products"] if p["active"] and p["id"] in base]
    # What each customer usually buys: the big ones hundreds of articles, the small ones a few dozen.
    usual: dict[str, list[dict[str, Any]]] = {
        c["id"]: rng.sample(products, rng.randint(200, 500) if rank < 50 else rng.randint(60, 150) if rank < 500
                            else rng.randint(15, 60)) for rank, c in enumerate(buyers)}
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in ("quotes", "quote_lines", "orders", "order_lines",
                                                             "activities", "deals")}
    start = today - dt.timedelta(days=730)
    seq = {"O": 200_000, "Q": 200_000}

    def moment(day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, rng.randint(7, 17), rng.randint(0, 59), tzinfo=dt.UTC)

    def lines(doc_field: str, doc_id: str, customer_id: str, count: int) -> tuple[list[dict], Decimal]:
        mine = usual[customer_id]
        made, taxable = [], Decimal(0)
        for n, p in enumerate(rng.sample(mine, min(count, len(mine))), start=1):
            qty = Decimal(rng.choice((1, 2, 5, 10, 20, 50, 100, 200)))
            price = base[p["id"]]
            discount = rng.choice((None, None, "5", "10", "10+5", "20+10"))
            factor = Decimal(1)
            for step in (discount or "").split("+"):
                if step:
                    factor *= 1 - Decimal(step) / 100
            net = (qty * price * factor).quantize(CENT, ROUND_HALF_UP)
            taxable += net
            made.append({"id": protocol.line_id(doc_id, n), doc_field: doc_id, "line_no": n, "product_id": p["id"],
                         "sku": p["sku"], "description": p["name"], "quantity": qty, "unit": p["unit"],
                         "unit_price": price, "discount": discount, "vat_rate": p["vat_rate"], "net_amount": net,
                         "price_list_id": None, "price_list_version": None})
        return made, taxable

    def number(kind: str, day: dt.date) -> str:
        seq[kind] += 1
        return format_document_number(kind, agent["agent_code"], day.year, seq[kind])

    for n in range(orders):
        customer = rng.choices(buyers, weights)[0]
        day = start + dt.timedelta(days=rng.randint(0, 730))
        age = (today - day).days
        oid = f"bench-order-{n}"
        made, taxable = lines("order_id", oid, customer["id"], rng.randint(1, 9))
        vat = (taxable * Decimal("0.22")).quantize(CENT, ROUND_HALF_UP)
        roll = rng.random()
        status = ("fulfilled" if age > 20 else "approved") if roll < 0.9 else \
            ("rejected" if roll < 0.95 else "cancelled") if age > 10 else "pending_approval"
        created = moment(day)
        out["orders"].append({
            "id": oid, "number": number("O", day), "customer_id": customer["id"], "agent_id": agent["id"],
            "quote_id": None, "status": status, "currency": "EUR", "document_discount": None, "notes": None,
            "customer_reference": None, "taxable_total": taxable, "vat_total": vat, "grand_total": taxable + vat,
            "approval_reasons": None, "decision_note": "Verificare fido" if status == "rejected" else None,
            "decided_by": "ufficio" if status == "rejected" else None,
            "decided_at": created + dt.timedelta(hours=3) if status == "rejected" else None,
            "created_at": created, "updated_at": created})
        out["order_lines"].extend(made)
    for n in range(orders // 5):
        customer = rng.choices(buyers, weights)[0]
        day = start + dt.timedelta(days=rng.randint(0, 730))
        qid = f"bench-quote-{n}"
        made, taxable = lines("quote_id", qid, customer["id"], rng.randint(1, 6))
        vat = (taxable * Decimal("0.22")).quantize(CENT, ROUND_HALF_UP)
        age = (today - day).days
        status = rng.choice(("sent", "draft", "sent") if age < 30 else ("accepted", "accepted", "lost", "expired"))
        out["quotes"].append({
            "id": qid, "number": number("Q", day), "customer_id": customer["id"], "agent_id": agent["id"],
            "status": status, "revision": 1, "previous_revision_id": None,
            "valid_until": day + dt.timedelta(days=30), "currency": "EUR", "document_discount": None, "notes": None,
            "customer_reference": None, "lost_reason": "prezzo" if status == "lost" else None, "won_reason": None,
            "deal_id": None, "taxable_total": taxable, "vat_total": vat, "grand_total": taxable + vat,
            "created_at": moment(day), "updated_at": moment(day)})
        out["quote_lines"].extend(made)
    for n in range(orders // 2):
        customer = rng.choices(buyers, weights)[0]
        kind = "visit" if rng.random() < 0.6 else rng.choice(("call", "email"))
        out["activities"].append({
            "id": f"bench-activity-{n}", "customer_id": customer["id"], "agent_id": agent["id"], "kind": kind,
            "subject": "Visita in cantiere" if kind == "visit" else "Telefonata per offerta", "notes": None,
            "occurred_at": moment(start + dt.timedelta(days=rng.randint(0, 730)))})
    for n in range(orders // 25):
        customer = rng.choices(buyers, weights)[0]
        out["deals"].append({
            "id": f"bench-deal-{n}", "customer_id": customer["id"], "agent_id": agent["id"],
            "title": f"Impianto {customer['city']} {n}",
            "stage": rng.choice(("contatto", "offerta", "rilancio", "sollecito", "chiuso_vinto", "chiuso_perso")),
            "amount": Decimal(rng.randint(1, 200) * 500),
            "expected_close": today + dt.timedelta(days=rng.randint(-60, 120)),
            "close_reason": None, "updated_at": moment(start + dt.timedelta(days=rng.randint(0, 730)))})
    return out


def load(replica: Any, rows: dict[str, list[dict[str, Any]]]) -> int:
    """Every row through the sync engine's page apply, in pages, search rebuilt once at the end."""
    total = 0
    with replica.session(write=True) as s:
        search.suspend_search(s.connection())
    for stream in protocol.STREAM_ORDER:
        names = protocol.STREAMS[stream].field_names
        batch = [{name: r.get(name) for name in names} for r in rows.get(stream, ())]
        for at in range(0, len(batch), PAGE):
            page = protocol.PullPage(cursor="bench", has_more=True, changes=[
                protocol.Change(stream, protocol.UPSERT, r["id"], r) for r in batch[at:at + PAGE]])
            with replica.session(write=True) as s:
                apply.apply_page(s.connection(), page)
            total += len(batch[at:at + PAGE])
    with replica.session(write=True) as s:
        search.resume_search(s.connection())
    return total


# --------------------------------------------------------------------------- timing

def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f})"


def measure(replica: Any, calls: Iterable[Callable[[Any], Any]], warm: int = 3) -> list[float]:
    calls = list(calls)
    for call in calls[:warm]:
        with replica.session() as s:
            call(s)
    out = []
    for call in calls:
        started = time.perf_counter()
        with replica.session() as s:
            call(s)
        out.append((time.perf_counter() - started) * 1000)
    return out


def line(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"| {name} | {statistics.median(ms):.1f} ms | {p95:.1f} ms | {ms[-1]:.1f} ms | {len(ms)} |"


def keystrokes(phrase: str) -> list[str]:
    return [phrase[:n] for n in range(1, len(phrase) + 1) if phrase[:n].strip()]


def run_reads(replica: Any, args: argparse.Namespace, rng: random.Random, product_rows: list[dict[str, Any]],
              today: dt.date, everyone: list[str], counts: dict[str, int], heaviest: str, buyers: list[str],
              some: list[str]) -> None:
    print(f"\n{load_average()} before the reads; heaviest customer has {counts[heaviest]} orders")
    print("| read | median | p95 | max | runs |\n|---|---|---|---|---|")

    def ids_call(**kw: Any) -> Callable[[Any], Any]:
        return lambda s: customers.customer_ids(s, today=today, **kw)

    for name, kw in [
        ("customer ids: all, by name", {}),
        ("customer ids: active with overdue, by overdue desc", {"status": "active", "overdue_only": True,
                                                               "sort": "overdue", "descending": True}),
        ("customer ids: not visited for 30 days, by last visit", {"not_visited_days": 30, "sort": "last_visit"}),
        ("customer ids: by available credit", {"sort": "available"}),
        ("customer ids: province MI, by last order desc", {"province": "MI", "sort": "last_order",
                                                          "descending": True}),
        ("customer ids: text 'ross', by relevance", {"text": "ross"}),
    ]:
        print(line(name, measure(replica, [ids_call(**kw)] * args.runs)))
    pages = [everyone[i:i + 50] for i in (rng.randrange(0, len(everyone) - 50) for _ in range(args.runs))]
    print(line("customer rows for 50 ids", measure(replica, [
        partial(lambda s, page: customers.customer_rows(s, page, today=today), page=p) for p in pages])))
    print(line("customer 360 (random customers with orders)", measure(replica, [
        partial(lambda s, cid: customer360.customer_360(s, cid, today=today), cid=c) for c in some])))
    print(line(f"customer 360 (heaviest: {counts[heaviest]} orders)", measure(replica, [
        lambda s: customer360.customer_360(s, heaviest, today=today)] * args.runs)))
    print(f"\n{load_average()} before the catalog")

    priced_for = some[0]
    typed = [*TYPED, rng.choice(product_rows)["sku"], rng.choice(product_rows)["barcode"]]

    def keystroke(prefix: str, limit: int | None) -> Callable[[Any], Any]:
        def run(s: Any) -> Any:
            found = catalog.product_ids(s, text=prefix, limit=limit)
            return catalog.product_rows(s, found[:50], customer_id=priced_for, on=today)
        return run

    strokes = [k for phrase in typed for k in keystrokes(phrase)]
    print(line("keystroke: first 50 ids + 50 rows with price (picker)", measure(replica, [
        keystroke(k, 50) for k in strokes])))
    print(line("keystroke: first 500 ids + 50 rows with price (list)", measure(replica, [
        keystroke(k, 500) for k in strokes])))
    print(line("keystroke: all matching ids + 50 rows with price", measure(replica, [
        keystroke(k, None) for k in strokes])))
    print(line("product ids: whole catalog by name (screen opens)", measure(replica, [
        lambda s: catalog.product_ids(s)] * 10)))
    print(line("product ids: category + in stock, by name", measure(replica, [
        lambda s: catalog.product_ids(s, category="Cavi", in_stock=True)] * args.runs)))
    print(line("product detail with the customer's price", measure(replica, [
        partial(lambda s, pid, cid: catalog.product_detail(s, pid, customer_id=cid, on=today),
                pid=rng.choice(product_rows)["id"], cid=rng.choice(buyers)) for _ in range(args.runs)])))
    print(line("orders of a customer + 50 rows", measure(replica, [
        partial(lambda s, cid: documents.order_rows(s, documents.order_ids(s, customer_id=cid)[:50]), cid=c)
        for c in some])))
    print(line("quotes: sent, text 'C0', by total", measure(replica, [
        lambda s: documents.quote_ids(s, status="sent", text="C0", sort="total", today=today)] * args.runs)))
    print(f"\n{load_average()} after the reads")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    from sfa_server import demo_data

    today = dt.date.today()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    dataset = demo_data.generate("large", 1, today=today)
    rows = dict(dataset.rows)
    agent = next(u for u in rows["users"] if u["role"] == "agent")
    rows["users"] = [agent]  # the users stream carries only the caller
    for stream, extra in history(rng, rows, orders=args.orders, today=today).items():
        rows[stream] = [*rows.get(stream, []), *extra]
    print(f"generated in {time.perf_counter() - started:.0f}s: " +
          ", ".join(f"{s} {len(r):,}" for s, r in rows.items() if r))

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-reads-"))
    path = workdir / "reads.sfadb"
    for leftover in workdir.glob("reads.sfadb*"):
        leftover.unlink()
    replica = open_replica(path, os.urandom(32))
    started = time.perf_counter()
    total = load(replica, rows)
    print(f"loaded {total:,} rows in {time.perf_counter() - started:.0f}s; replica {path.stat().st_size / 1e6:.0f} MB")

    with replica.session() as s:
        everyone = customers.customer_ids(s, today=today)
    counts: dict[str, int] = {}
    for order in rows["orders"]:
        counts[order["customer_id"]] = counts.get(order["customer_id"], 0) + 1
    catalog_codes = [{"id": p["id"], "sku": p["sku"], "barcode": p["barcode"]} for p in rows["products"]]
    # The generated dataset (700,000 dicts) would make every garbage collection walk it during the
    # timings: an application holds nothing like it, so it goes before the reads.
    del rows, dataset
    gc.collect()
    heaviest = max(counts, key=counts.__getitem__)
    buyers = [c for c in everyone if c in counts]
    some = [rng.choice(buyers) for _ in range(args.runs)]
    run_reads(replica, args, rng, catalog_codes, today, everyone, counts, heaviest, buyers, some)
    print("\n## with the recommended indexes\n")
    with replica.session(write=True) as s:
        for statement in RECOMMENDED_INDEXES:
            s.connection().exec_driver_sql(statement)
    run_reads(replica, args, random.Random(args.seed), catalog_codes, today, everyone, counts, heaviest, buyers, some)
    print(f"\n## and a {PAGE_CACHE_MB} MB page cache per connection (the replica's default is 8 MB)\n")

    @event.listens_for(replica.engine, "connect")
    def _bigger_cache(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA cache_size = -{PAGE_CACHE_MB * 1024}")

    replica.engine.dispose()  # connections made from now on get the bigger cache
    run_reads(replica, args, random.Random(args.seed), catalog_codes, today, everyone, counts, heaviest, buyers, some)
    replica.close()
    if args.workdir is None:  # the file is of no use without its key, which was never kept
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
