"""`sfa-desktop demo`: the whole product on one machine, in the app (or `--script`: narrated in the terminal).

An embedded sfa-server on loopback with a generated Italian wholesaler; a field agent's encrypted
replica syncs, searches, drafts a quote (PDF), submits an order that needs approval; the sales
office approves it; the agent's next sync carries the decision.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import requests
from sqlalchemy import func, select

from sfa_desktop.commands.embedded_server import EmbeddedServer, load_server
from sfa_desktop.domain.lifecycle import status_label
from sfa_desktop.domain.messages import Message
from sfa_desktop.domain.pricing import suggest_quantity
from sfa_desktop.i18n import N_, money, render
from sfa_desktop.local_db.models import Customer, Order, PriceListItem, Product, Quote
from sfa_desktop.local_db.queries import customer_overview
from sfa_desktop.local_db.search import search_customers, search_products
from sfa_desktop.operations import save_quote, submit_order
from sfa_desktop.operations.catalog import product_terms
from sfa_desktop.operations.lines import LineRequest
from sfa_desktop.operations.printing import print_to_file
from sfa_desktop.session import AgentSession
from sfa_desktop.sync import protocol, state
from sfa_desktop.sync.engine import SyncReport
from sfa_desktop.sync.events import SyncStatus

AGENT, OFFICE = ("ag01", "demo-ag01"), ("ufficio", "demo-ufficio")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workdir", help="folder for the demo's files (default: a new temporary folder)")
    parser.add_argument("--size", choices=("small", "large"), default="small", help="demo company size")
    parser.add_argument("--seed", type=int, default=7, help="demo data seed")
    parser.add_argument("--script", action="store_true",
                        help="no window: the terminal walkthrough (sync, quote, order, approval), a scripted check")
    parser.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)


def _step(text: str) -> None:
    print(f"\n== {text}", flush=True)


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


def _sync(session: AgentSession, what: str) -> SyncReport:
    report = session.sync(verify=True)
    end = "\r" if sys.stdout.isatty() else ""
    print(f"{end}   {what}: {report.rows:,} rows in {report.pages} pages, {report.commands_sent} commands "
          f"sent, {report.seconds:.2f} s; checksums verified for {len(report.verified)} tables".ljust(72))
    return report


def _office_session(base_url: str) -> requests.Session:
    office = requests.Session()
    office.headers[protocol.PROTOCOL_HEADER] = str(protocol.PROTOCOL_VERSION)
    answer = office.post(f"{base_url}{protocol.API_PREFIX}/auth/login", timeout=30, json={
        "username": OFFICE[0], "password": OFFICE[1], "device_id": str(__import__("uuid").uuid4()),
        "device_name": "demo office"})
    answer.raise_for_status()
    office.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return office


DEMO_NOTE = N_("This is a demo: an invented wholesaler on a server on this computer ({url}); nothing leaves it. "
             "You are signed in as the agent ag01. To try the sales office, sign in at the same address as "
             "ufficio, password demo-ufficio.")


def run(args: argparse.Namespace) -> int:
    if not args.script:
        return run_in_app(args)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="sfa-demo-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{workdir / 'server.sqlite'}"
    _step(f"Central server: demo wholesaler ({args.size}) in {workdir / 'server.sqlite'}")
    load_server(database_url, args.size, args.seed)
    server = EmbeddedServer(database_url)
    server.start()
    print(f"   sfa-server listening on {server.url}")
    try:
        return _agent_day(server.url, workdir)
    finally:
        server.stop()


def _agent_day(base_url: str, workdir: Path) -> int:
    replica_path = workdir / "agent-ag01.sfadb"
    _step(f"Agent {AGENT[0]}: new encrypted replica {replica_path.name}")
    session = AgentSession(replica_path, device_name="demo laptop")
    session.sign_in_first_time(server_url=base_url, username=AGENT[0], password=AGENT[1])
    how = "the OS keyring" if not session.needs_password() else "a key file wrapped with the password"
    print(f"   32-byte random key kept in {how}; the replica opens again with the password {AGENT[1]!r}")
    try:
        session.engine.listeners.subscribe(_Progress())
        _step("First sync")
        _sync(session, "initial sync")
        order_id = _work_offline(session, workdir)
        _step("Back online: sync sends the order; the server re-prices it and applies the approval rules")
        _sync(session, "sync")
        _show_order(session, order_id)
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
        report = _sync(session, "sync")
        for decision in report.decisions:
            print(f"   update: {render(state.decision_message(decision))}")
        _show_order(session, order_id)
    finally:
        session.close()
    _step(f"Done. Files are in {workdir}")
    print(f"   reopen the replica with: sfa-desktop pdf --db {replica_path} <number> -o quote.pdf "
          f"(password {AGENT[1]!r})")
    return 0


def _work_offline(session: AgentSession, workdir: Path) -> str:
    today = dt.date.today()

    def look_around(s):  # type: ignore[no-untyped-def]
        counts = {name: s.scalar(select(func.count()).select_from(model))
                  for name, model in (("customers", Customer), ("products", Product),
                                      ("price rows", PriceListItem))}
        print("   replica holds " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
        _step("Offline: search the catalog and the customers")
        for text in ("cavo", "interrut", "LED"):
            hits = search_products(s, text, limit=3)
            print(f"   products {text!r}: " + "; ".join(f"{h.sku} {h.name}" for h in hits))
        customer = s.scalars(select(Customer).where(Customer.status == "active", Customer.credit_limit > 0)
                             .order_by(Customer.name)).first()
        hits = search_customers(s, customer.name.split()[0], limit=3)
        print(f"   customers {customer.name.split()[0]!r}: " + "; ".join(h.name for h in hits))
        view = customer_overview(s, customer_id=customer.id, today=today)
        print(f"   {customer.name}: credit limit {money(customer.credit_limit)}, balance "
              f"{money(customer.balance)}, overdue {money(view.overdue)}, "
              f"available {money(view.credit_available)}")
        product_ids = s.scalars(select(PriceListItem.product_id).distinct().limit(40)).all()
        products = s.scalars(select(Product).where(Product.id.in_(product_ids), Product.active.is_(True))
                             .limit(3)).all()
        lines = [LineRequest(p.id, suggest_quantity(product_terms(p), Decimal(10)), discount)
                 for p, discount in zip(products, ("10+5", "10+5+3", "5"), strict=False)]
        return customer.id, lines

    customer_id, lines = session.read(look_around)
    _step("Offline: draft a quote with cascading discounts and print it")
    changes = session.write(lambda s: save_quote(s, customer_id=customer_id, lines=lines,
                                                 notes="Consegna entro 10 gg."))
    quote = session.read(lambda s: s.get(Quote, changes.created))
    print(f"   quote {quote.number}: taxable {money(quote.taxable_total)}, VAT {money(quote.vat_total)}, "
          f"total {money(quote.grand_total)}")
    pdf = session.read(lambda s: print_to_file(s, reference=quote.number, path=workdir / f"{quote.number}.pdf"))
    print(f"   PDF: {pdf}")
    _step("Offline: an order with a discount above the agent's limit")
    big = [LineRequest(line.product_id, line.quantity, "30+10") for line in lines]
    changes = session.write(lambda s: submit_order(s, customer_id=customer_id, lines=big))
    order = session.read(lambda s: s.get(Order, changes.created))
    print(f"   order {order.number} queued in the outbox: total {money(order.grand_total)}")
    return order.id


def _show_order(session: AgentSession, order_id: str) -> None:
    order = session.read(lambda s: s.get(Order, order_id))
    print(f"   order {order.number}: {render(status_label('order_status', order.status))}, "
          f"total {money(order.grand_total)}")
    for reason in order.approval_reasons or []:
        text = Message.from_wire(reason)
        print(f"     - {render(text) if text else reason.get('message')}")
    if order.decision_note:
        print(f"     decision by {order.decided_by}: {order.decision_note}")


def run_in_app(args: argparse.Namespace) -> int:
    """The demo in the desktop app: the server is prepared and started on the app's network worker
    (the window stays responsive), then the app signs in as the demo agent and syncs."""
    from sfa_desktop.i18n import _
    from sfa_desktop.ui.app import DemoStart, run_gui

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="sfa-demo-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{workdir / 'server.sqlite'}"
    servers: list[EmbeddedServer] = []

    def prepare() -> str:
        if not (workdir / "server.sqlite").exists():
            load_server(database_url, args.size, args.seed)
        server = EmbeddedServer(database_url)
        server.start()
        servers.append(server)
        return server.url

    print(f"Demo files in {workdir}", flush=True)
    try:
        return run_gui(workdir / "app", log_dir=workdir / "logs", exit_when_ready=args.exit_when_ready,
                       demo=DemoStart(prepare, AGENT[0], AGENT[1], note=_(DEMO_NOTE)))
    finally:
        for server in servers:
            server.stop()
