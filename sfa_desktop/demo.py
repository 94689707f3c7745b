"""`sfa-desktop demo`: the whole product on one machine, narrated in the terminal.

An embedded sfa-server on loopback with a generated Italian wholesaler; a field agent's encrypted
replica syncs, searches, drafts a quote (PDF), submits an order that needs approval; the sales
office approves it; the agent's next sync carries the decision.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import socket
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import requests
from sqlalchemy import func, select

from sfa_desktop.domain.money import format_amount
from sfa_desktop.local_db import keys, open_replica
from sfa_desktop.local_db.models import Customer, Order, PriceListItem, Product
from sfa_desktop.local_db.queries import customer_overview
from sfa_desktop.local_db.search import search_customers, search_products
from sfa_desktop.operations.documents import LineRequest, save_quote_draft, submit_order
from sfa_desktop.operations.printing import print_to_file
from sfa_desktop.sync import protocol, state
from sfa_desktop.sync.engine import SyncEngine
from sfa_desktop.sync.events import SyncStatus
from sfa_desktop.sync.transport import Transport

AGENT, OFFICE = ("ag01", "demo-ag01"), ("ufficio", "demo-ufficio")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workdir", help="folder for the demo's files (default: a new temporary folder)")
    parser.add_argument("--size", choices=("small", "large"), default="small", help="demo company size")
    parser.add_argument("--seed", type=int, default=7, help="demo data seed")


def _step(text: str) -> None:
    print(f"\n== {text}", flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmbeddedServer:
    """sfa-server in a background thread on 127.0.0.1, stopped by `stop()`."""

    def __init__(self, database_url: str) -> None:
        import uvicorn

        from sfa_server.app import create_app

        self.port = _free_port()
        config = uvicorn.Config(create_app(database_url), host="127.0.0.1", port=self.port,
                                log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="sfa-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the embedded server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


class _Progress:
    """One terminal line updated in place (a line per phase when output is not a terminal)."""

    def __init__(self) -> None:
        self.tty = sys.stdout.isatty()
        self.phase = None

    def __call__(self, status: SyncStatus) -> None:
        total = f"/{status.rows_total:,}" if status.rows_total else ""
        kib = status.bytes_received // 1024
        text = f"   {status.phase.value:<10} {status.rows_done:,}{total} rows, {kib} KiB"
        if self.tty:
            sys.stdout.write("\r" + text.ljust(72))
            sys.stdout.flush()
        elif status.phase != self.phase:
            print(text, flush=True)
        self.phase = status.phase


def _sync(engine: SyncEngine, what: str) -> None:
    report = engine.sync(verify=True)
    end = "\r" if sys.stdout.isatty() else ""
    print(f"{end}   {what}: {report.rows:,} rows in {report.pages} pages, {report.commands_sent} commands "
          f"sent, {report.seconds:.2f} s; checksums verified for {len(report.verified)} tables".ljust(72))


def _office_session(base_url: str) -> requests.Session:
    office = requests.Session()
    office.headers[protocol.PROTOCOL_HEADER] = str(protocol.PROTOCOL_VERSION)
    answer = office.post(f"{base_url}{protocol.API_PREFIX}/auth/login", timeout=30, json={
        "username": OFFICE[0], "password": OFFICE[1], "device_id": str(__import__("uuid").uuid4()),
        "device_name": "demo office"})
    answer.raise_for_status()
    office.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return office


def _load_server(database_url: str, size: str, seed: int) -> None:
    from sfa_server.db import init_database
    from sfa_server.demo_data import generate, load

    engine = init_database(database_url)
    started = time.monotonic()
    counts = load(engine, generate(size, seed))
    engine.dispose()
    print(f"   {sum(counts.values()):,} rows loaded in {time.monotonic() - started:.1f} s "
          f"({counts.get('customers', 0)} customers, {counts.get('products', 0)} products)")


def run(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="sfa-demo-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{workdir / 'server.sqlite'}"
    _step(f"Central server: demo wholesaler ({args.size}) in {workdir / 'server.sqlite'}")
    _load_server(database_url, args.size, args.seed)
    server = EmbeddedServer(database_url)
    server.start()
    print(f"   sfa-server listening on {server.url}")
    try:
        return _agent_day(server.url, workdir)
    finally:
        server.stop()


def _agent_day(base_url: str, workdir: Path) -> int:
    replica_path = workdir / "agent-ag01.sfadb"
    # Demo only: a random password for the key file, shown once; a real agent chooses theirs.
    password = secrets.token_urlsafe(12)
    _step(f"Agent {AGENT[0]}: new encrypted replica {replica_path.name}")
    key = keys.create_key(replica_path, password)
    how = "OS keyring" if not keys.needs_password(replica_path) else "password-wrapped key file"
    print(f"   32-byte random key kept in the {how}")
    replica = open_replica(replica_path, key)
    try:
        transport = Transport(base_url, device_id=state.device_id(replica),
                              token_store=state.ReplicaTokenStore(replica))
        transport.login(username=AGENT[0], password=AGENT[1], device_id=state.device_id(replica),
                        device_name="demo laptop")
        engine = SyncEngine(replica, transport, listener=_Progress())
        _step("First sync")
        _sync(engine, "initial sync")
        order_id = _work_offline(replica, workdir)
        _step("Back online: sync sends the order; the server re-prices it and applies the approval rules")
        _sync(engine, "sync")
        _show_order(replica, order_id)
        _step("Sales office: approval queue")
        office = _office_session(base_url)
        queue = office.get(f"{base_url}{protocol.API_PREFIX}/office/approvals", timeout=30)
        queue.raise_for_status()
        items = queue.json()
        items = items.get("orders", items) if isinstance(items, dict) else items
        print(f"   {len(items)} order(s) waiting")
        decision = office.post(f"{base_url}{protocol.API_PREFIX}/office/orders/{order_id}/approve",
                               json={"note": "Approvato: cliente storico, sconto concordato."}, timeout=30)
        print(f"   approve -> HTTP {decision.status_code}")
        _step("Agent syncs again and sees the decision")
        _sync(engine, "sync")
        _show_order(replica, order_id)
    finally:
        replica.close()
    _step(f"Done. Files are in {workdir}")
    return 0


def _work_offline(replica, workdir: Path) -> str:
    today = dt.date.today()
    with replica.session() as session:
        counts = {name: session.scalar(select(func.count()).select_from(model))
                  for name, model in (("customers", Customer), ("products", Product),
                                      ("price rows", PriceListItem))}
        print("   replica holds " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
        _step("Offline: search the catalog and the customers")
        for text in ("cavo", "interrut", "LED"):
            hits = search_products(session, text, limit=3)
            print(f"   products {text!r}: " + "; ".join(f"{h.sku} {h.name}" for h in hits))
        customer = session.scalars(select(Customer).where(Customer.status == "active",
                                                          Customer.credit_limit > 0)
                                   .order_by(Customer.name)).first()
        hits = search_customers(session, customer.name.split()[0], limit=3)
        print(f"   customers {customer.name.split()[0]!r}: " + "; ".join(h.name for h in hits))
        view = customer_overview(session, customer_id=customer.id, today=today)
        print(f"   {customer.name}: credit limit {format_amount(customer.credit_limit)}, balance "
              f"{format_amount(customer.balance)}, overdue {format_amount(view.overdue)}, "
              f"available {format_amount(view.credit_available)}")
        product_ids = session.scalars(select(PriceListItem.product_id).distinct().limit(40)).all()
        products = session.scalars(select(Product).where(Product.id.in_(product_ids),
                                                          Product.active.is_(True)).limit(3)).all()
    lines = [LineRequest(p.id, max(p.min_quantity or Decimal(1), p.pack_size or Decimal(1)) * 10,
                         discount) for p, discount in zip(products, ("10+5", "10+5+3", "5"), strict=False)]
    _step("Offline: draft a quote with cascading discounts and print it")
    with replica.session(write=True) as session:
        quote = save_quote_draft(session, customer_id=customer.id, lines=lines, notes="Consegna entro 10 gg.")
        print(f"   quote {quote.number}: taxable {format_amount(quote.taxable_total)}, "
              f"VAT {format_amount(quote.vat_total)}, total {format_amount(quote.grand_total)}")
    with replica.session() as session:
        pdf = print_to_file(session, reference=quote.number, path=workdir / f"{quote.number}.pdf")
    print(f"   PDF: {pdf}")
    _step("Offline: an order with a discount above the agent's limit")
    big = [LineRequest(line.product_id, line.quantity, "30+10") for line in lines]
    with replica.session(write=True) as session:
        order = submit_order(session, customer_id=customer.id, lines=big)
        print(f"   order {order.number} queued in the outbox: total {format_amount(order.grand_total)}")
        return order.id


def _show_order(replica, order_id: str) -> None:
    with replica.session() as session:
        order = session.get(Order, order_id)
        print(f"   order {order.number}: status {order.status}, total {format_amount(order.grand_total)}")
        verb = "needs" if order.status == "pending_approval" else "needed"
        for reason in order.approval_reasons or []:
            print(f"     - {verb} {reason.get('role')}: {reason.get('message')}")
        if order.decision_note:
            print(f"     decision by {order.decided_by}: {order.decision_note}")
