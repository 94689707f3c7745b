"""Restore drill: back the server's PostgreSQL database up, restore it into a new database, and check
that the agents keep syncing with nothing lost and nothing twice (docs/operator.md, "Restore drill").

    .venv/bin/python installer/server/restore_drill.py [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

1. a new database with the small demo company; `sfa-server serve --workers 2` on it (real processes)
2. agent ag01 signs in on a new encrypted replica, syncs, submits orders (pushed)
3. `pg_dump --format=custom` of the database: the backup
4. the agent submits more orders, pushed to the server after the backup
5. the server stops; `pg_restore` into a NEW database; the server starts on it (same address)
6. the agent's laptop runs `sfa-desktop sync --resend-settled` (operation `resend_settled`): the
   confirmed commands are sent again with their ids; the server answers those the backup holds as
   the first time and applies those it lost. Then more orders, pushed and synced, checksums verified
7. counts: every order of the agent's replica is on the server exactly once, numbers unique, the
   orders pushed after the backup are back, and the replica's tables equal the server's

The databases it creates are dropped at the end (--keep leaves them). Loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get("SFA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
AGENT = ("ag01", "demo-ag01")


@dataclass
class DrillReport:
    orders_before_backup: int
    orders_after_backup: int
    orders_after_restore: int
    missing_after_restore: int  # pushed after the backup: absent from the restored database until resent
    resent_commands: int
    server_orders: int  # the agent's orders on the restored server at the end
    replica_orders: int
    duplicates: int
    missing_at_end: int
    checksums_differ: list[str]
    backup_bytes: int
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        expected = self.orders_before_backup + self.orders_after_backup + self.orders_after_restore
        return (self.duplicates == 0 and self.missing_at_end == 0 and not self.checksums_differ
                and self.replica_orders == self.server_orders and self.server_orders >= expected)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it (postgresql://...)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ServerProcess:
    """`sfa-server serve` with several workers, as systemd runs it (installer/server/sfa-server.service)."""

    def __init__(self, database_url: str, port: int, workers: int, log_path: Path) -> None:
        self.database_url, self.port, self.workers, self.log_path = database_url, port, workers, log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        code = "from sfa_server.cli import main; raise SystemExit(main())"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "--database-url", self.database_url, "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(self.workers)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}); see {self.log_path}")
            try:
                if requests.get(f"{self.url}/health", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer /health in 60 s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: uvicorn's graceful shutdown, as `systemctl stop` does
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None


def _agent(workdir: Path, url: str) -> Any:
    from keyring.backends.fail import Keyring as NoKeyring

    from sfa_desktop.local_db import keys
    from sfa_desktop.session import AgentSession, SessionState

    session = AgentSession(workdir / "ag01.sfadb", server_url=url, keystore=keys.KeyStore(backend=NoKeyring()),
                           device_name="restore drill laptop")
    if session.state is SessionState.NEW:
        session.sign_in_first_time(server_url=url, username=AGENT[0], password=AGENT[1])
    else:
        session.unlock(AGENT[1])
        if not session.transport.signed_in:
            session.sign_in_again(AGENT[1])
    return session


def _submit_orders(session: Any, count: int, tag: str) -> list[str]:
    from sfa_desktop.domain.pricing import suggest_quantity
    from sfa_desktop.local_db.models import Customer, PriceListItem, Product
    from sfa_desktop.operations import submit_order
    from sfa_desktop.operations.catalog import product_terms
    from sfa_desktop.operations.lines import LineRequest

    def pick(s):  # type: ignore[no-untyped-def]
        customers = s.scalars(select(Customer.id).where(Customer.status == "active").order_by(Customer.erp_code)
                              .limit(count)).all()
        product_ids = s.scalars(select(PriceListItem.product_id).distinct().order_by(PriceListItem.product_id)
                                .limit(20)).all()
        products = s.scalars(select(Product).where(Product.id.in_(product_ids), Product.active.is_(True))
                             .order_by(Product.sku).limit(2)).all()
        return customers, [LineRequest(p.id, suggest_quantity(product_terms(p), Decimal(5)), "5") for p in products]

    customers, lines = session.read(pick)
    made = []
    for i in range(count):
        customer = customers[i % len(customers)]
        changes = session.write(lambda s, c=customer, n=i: submit_order(s, customer_id=c, lines=lines,
                                                                        notes=f"restore drill {tag} {n + 1}"))
        made.append(changes.created)
    return made


def run_drill(admin_url: str = ADMIN_URL, *, workdir: Path | None = None, orders: int = 3, workers: int = 2,
              keep: bool = False, say: Any = print) -> DrillReport:
    from sfa_server import demo_data
    from sfa_server.db import init_database

    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not on PATH (Debian: apt-get install postgresql-client)")
    work = Path(workdir or tempfile.mkdtemp(prefix="sfa-restore-drill-"))
    work.mkdir(parents=True, exist_ok=True)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    stamp = uuid.uuid4().hex[:8]
    live, restored = f"sfa_drill_{stamp}", f"sfa_drill_{stamp}_restored"
    url_of = {name: make_url(admin_url).set(database=name).render_as_string(hide_password=False)
              for name in (live, restored)}
    seconds: dict[str, float] = {}
    server: ServerProcess | None = None
    session = None
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{live}"'))
        engine = init_database(url_of[live])
        demo_data.load(engine, demo_data.generate("small", 7))
        engine.dispose()
        port = _free_port()
        server = ServerProcess(url_of[live], port, workers, work / "server.log")
        server.start()
        say(f"server on {live}, {workers} workers, {server.url}")

        session = _agent(work, server.url)
        session.sync()
        before = _submit_orders(session, orders, "before backup")
        session.sync()
        say(f"{len(before)} orders pushed before the backup")

        dump = work / "sfa.dump"
        started = time.monotonic()
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump),
                        _libpq(url_of[live])], check=True)
        seconds["pg_dump"] = round(time.monotonic() - started, 2)
        say(f"pg_dump: {dump.stat().st_size // 1024} KiB in {seconds['pg_dump']} s")

        after = _submit_orders(session, orders, "after backup")
        session.sync()
        say(f"{len(after)} orders pushed after the backup (the backup does not have them)")
        session.close()
        session = None
        server.stop()

        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{restored}"'))
        started = time.monotonic()
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _libpq(url_of[restored]),
                        str(dump)], check=True)
        seconds["pg_restore"] = round(time.monotonic() - started, 2)
        init_database(url_of[restored]).dispose()  # what an operator runs after a restore: `sfa-server init`
        server = ServerProcess(url_of[restored], port, workers, work / "server.log")
        server.start()
        say(f"restored into {restored} in {seconds['pg_restore']} s; server restarted on it, same address")

        server_db = create_engine(url_of[restored])
        missing = _missing(server_db, before + after)
        session = _agent(work, server.url)
        from sfa_desktop.operations.inbox import resend_settled
        from sfa_desktop.sync.outbox import pending_count

        waiting = session.read(pending_count)
        session.write(resend_settled)
        resent = session.read(pending_count) - waiting
        session.sync()
        final = _submit_orders(session, orders, "after restore")
        report_sync = session.sync(verify=True)
        say(f"resent {resent} confirmed command(s); {len(final)} new orders pushed; checksums of "
            f"{len(report_sync.verified)} tables compared")

        ours = before + after + final
        report = DrillReport(
            orders_before_backup=len(before), orders_after_backup=len(after), orders_after_restore=len(final),
            missing_after_restore=len(missing), resent_commands=resent,
            server_orders=_server_orders(server_db, session), replica_orders=_replica_orders(session),
            duplicates=_duplicates(server_db), missing_at_end=len(_missing(server_db, ours)),
            checksums_differ=list(report_sync.mismatched), backup_bytes=dump.stat().st_size, seconds=seconds)
        server_db.dispose()
        return report
    finally:
        if session is not None:
            session.close()
        if server is not None:
            server.stop()
        if not keep:
            with admin.connect() as c:
                for name in (live, restored):
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if workdir is None:
                shutil.rmtree(work, ignore_errors=True)
        admin.dispose()


def _missing(server_db: Any, order_ids: list[str]) -> list[str]:
    from sfa_server.models import Order

    with server_db.connect() as c:
        found = set(c.execute(select(Order.id).where(Order.id.in_(order_ids))).scalars())
    return [o for o in order_ids if o not in found]


def _duplicates(server_db: Any) -> int:
    from sfa_server.models import Order

    with server_db.connect() as c:
        numbers = c.execute(select(Order.number, func.count()).group_by(Order.number)
                            .having(func.count() > 1)).all()
    return len(numbers)


def _server_orders(server_db: Any, session: Any) -> int:
    from sfa_server.models import Order, User

    with server_db.connect() as c:
        agent = c.execute(select(User.id).where(User.username == AGENT[0])).scalar_one()
        return c.execute(select(func.count()).select_from(Order).where(Order.agent_id == agent)).scalar_one()


def _replica_orders(session: Any) -> int:
    from sfa_desktop.local_db.models import Order

    return session.read(lambda s: s.scalar(select(func.count()).select_from(Order)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--admin-url", default=ADMIN_URL, help="PostgreSQL URL of a role that may create databases")
    parser.add_argument("--orders", type=int, default=3, help="orders pushed at each step (default 3)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the databases and files")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    os.environ.setdefault("SFA_FAST_KDF", "1")  # the replica's key derivation is not what is drilled
    report = run_drill(args.admin_url, orders=args.orders, workers=args.workers, keep=args.keep,
                       workdir=Path(tempfile.mkdtemp(prefix="sfa-restore-drill-")) if args.keep else None)
    if args.json:
        print(json.dumps({**asdict(report), "ok": report.ok}, indent=2))
    else:
        for key, value in asdict(report).items():
            print(f"  {key}: {value}")
        print("restore drill passed" if report.ok else "restore drill FAILED")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
