"""`sfa-desktop smoke-test`: is this installation whole? Run by the installer's CI on the built program.

It prints the version, starts the embedded demo server (or reaches `--server`), signs an agent in
on a new encrypted replica, syncs, renders a PDF with the shipped fonts, checks the Italian
catalogue, opens a window offscreen (the main window when the build has one) and saves a
screenshot. Each check prints one `ok`/`FAILED` line; the exit code is 0 only when all passed.
The agent's key goes to a password-wrapped key file, never to this computer's keyring.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEMO_AGENT = ("ag01", "demo-ag01")  # the demo company's agent (sfa_server.demo_data)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server", help="reach this server instead of starting the embedded demo server")
    p.add_argument("--user", default=DEMO_AGENT[0], help=f"agent to sign in (default {DEMO_AGENT[0]})")
    p.add_argument("--password-stdin", action="store_true", help="read the agent's password from stdin "
                   "(default: the demo agent's)")
    p.add_argument("--screenshot", help="PNG file to write (default: sfa-smoke-test.png in the temporary folder)")
    p.add_argument("--workdir", help="keep the run's files (replica, PDF, server database) in a new folder inside "
                   "this one (default: a temporary folder, removed at the end)")
    p.add_argument("--show", action="store_true", help="use the real display instead of Qt's offscreen platform")


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("sfa-desktop")
    except PackageNotFoundError:  # a bundle built without the distribution's metadata
        return "unknown"


class Checks:
    """Runs named checks, prints one line each and remembers the failures."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def __call__(self, name: str, fn: Callable[[], str | None]) -> Any:
        started = time.monotonic()
        try:
            detail = fn()
        except Exception as error:  # a smoke test reports every kind of breakage, then goes on or stops
            self.failed.append(name)
            print(f"FAILED {name}: {type(error).__name__}: {error}", flush=True)
            return False
        print(f"ok     {name} ({time.monotonic() - started:.1f} s){': ' + detail if detail else ''}", flush=True)
        return True


def run(args: argparse.Namespace) -> int:
    if not args.show:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.workdir:  # a new folder inside it for each run: a smoke test never reopens an old replica
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="sfa-smoke-", dir=args.workdir)).resolve()
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else DEMO_AGENT[1]
    found = version()
    print(f"sfa-desktop {found} (Python {sys.version.split()[0]}, {'bundle' if _frozen() else 'source'})")
    check = Checks()
    check("version", lambda: None if found != "unknown" else _raise("no version in the distribution metadata"))
    server = None
    try:
        url = args.server
        if url is None:
            holder: list[Any] = []
            if not check("embedded demo server", lambda: _start_demo_server(workdir, holder)):
                print("smoke test FAILED: embedded demo server (a build without it: use --server URL)")
                return 1
            server = holder[0]
            url = server.url
        _agent_checks(check, url, args.user, password, workdir, args.screenshot)
    finally:
        if server is not None:
            server.stop()
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print("smoke test passed" if not check.failed else f"smoke test FAILED: {', '.join(check.failed)}")
    return 0 if not check.failed else 1


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def _raise(message: str) -> None:
    raise RuntimeError(message)


def _start_demo_server(workdir: Path, holder: list[Any]) -> str:
    if importlib.util.find_spec("sfa_server") is None:  # SFA_BUNDLE_DEMO=0, or no [server] extra
        raise RuntimeError("this installation has no embedded demo server")
    from sfa_desktop.commands.embedded_server import EmbeddedServer, load_server

    database_url = f"sqlite:///{workdir / 'server.sqlite'}"
    load_server(database_url, "small", 7)
    server = EmbeddedServer(database_url)
    server.start()
    holder.append(server)
    return server.url


def _agent_checks(check: Checks, url: str, username: str, password: str, workdir: Path,
                  screenshot: str | None) -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    from sfa_desktop.local_db import keys
    from sfa_desktop.session import AgentSession

    replica = workdir / f"{username}.sfadb"
    session = AgentSession(replica, keystore=keys.KeyStore(backend=NoKeyring()), device_name="sfa-desktop smoke test")
    try:
        if not check("sign in", lambda: _sign_in(session, url, username, password)):
            return
        check("encrypted replica", lambda: _encrypted(replica))
        if not check("sync", lambda: _sync(session)):
            return
        check("PDF with the shipped fonts", lambda: _pdf(workdir))
        check("Italian translation", _italian)
        # the work folder may be removed at the end: the screenshot stays where it can be looked at
        target = Path(screenshot) if screenshot else Path(tempfile.gettempdir()) / "sfa-smoke-test.png"
        check("window screenshot", lambda: _screenshot(session, url, username, target))
    finally:
        session.close()


def _sign_in(session: Any, url: str, username: str, password: str) -> str:
    session.sign_in_first_time(server_url=url, username=username, password=password)
    return f"{username} on {url}"


def _encrypted(path: Path) -> str:
    head = path.read_bytes()[:16]
    if head.startswith(b"SQLite format 3"):
        raise RuntimeError(f"{path.name} is a plain SQLite file")
    import sqlcipher3

    return f"SQLCipher on SQLite {sqlcipher3.sqlite_version}"


def _sync(session: Any) -> str:
    report = session.sync(verify=True)
    if report.mismatched:
        raise RuntimeError(f"tables differ from the server: {report.mismatched}")
    if not report.rows:
        raise RuntimeError("the first sync received no rows")
    return f"{report.rows:,} rows in {report.seconds:.1f} s, {len(report.verified)} tables verified"


def _pdf(workdir: Path) -> str:
    from sfa_desktop.pdf import render_to_file
    from sfa_desktop.pdf.fonts import fonts_dir
    from sfa_desktop.pdf.sample import demo_quote

    out = workdir / "smoke-quote.pdf"
    render_to_file(demo_quote(language="it"), out)
    data = out.read_bytes()
    if not data.startswith(b"%PDF") or b"DejaVu" not in data:
        raise RuntimeError("the PDF does not embed the shipped font")
    return f"{len(data) // 1024} KiB, fonts from {fonts_dir()}"


def _italian() -> str:
    from sfa_desktop import i18n

    before = i18n.language()
    i18n.set_language("it")
    try:
        text = i18n._("SFA Desktop: installation check")
    finally:
        i18n.set_language(before)
    if text == "SFA Desktop: installation check":
        raise RuntimeError("the Italian catalogue (sfa.mo) is missing")
    return text


def _screenshot(session: Any, url: str, username: str, target: Path) -> str:
    from sqlalchemy import func, select

    from sfa_desktop.local_db.models import Customer, Product
    from sfa_desktop.ui.smoke import SmokeFacts, grab_window

    customers, products = session.read(lambda s: (s.scalar(select(func.count()).select_from(Customer)),
                                                  s.scalar(select(func.count()).select_from(Product))))
    facts = SmokeFacts(version=version(), server_url=url, username=username, customers=customers,
                       products=products, synced_at=dt.datetime.now().astimezone())
    return grab_window(facts, session, target)
