"""sfa-server command line: init, create-user, serve, prune, prune-history, import (ERP CSV), demo-data."""

from __future__ import annotations

import argparse
import getpass
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

DELEGATED = {
    "import": ("sfa_server.erp_import", "Import CSV exports of the ERP"),
    "demo-data": ("sfa_server.demo_data", "Load a generated demo wholesaler"),
}


def _url_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL or SQLite file path "
        "(default: $SFA_DATABASE_URL or the SQLite file in the user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sfa-server", description="The sfa-desktop central server.")
    subs = parser.add_subparsers(dest="command", required=True)
    init = subs.add_parser("init", help="Create or migrate the database")
    _url_arg(init)
    cu = subs.add_parser("create-user", help="Create an agent, office or admin user")
    _url_arg(cu)
    cu.add_argument("--username", required=True)
    cu.add_argument("--role", required=True, choices=("agent", "office", "admin"))
    cu.add_argument("--full-name")
    cu.add_argument("--agent-code", help="agents only, e.g. AG07")
    cu.add_argument("--max-line-discount", help="percent, e.g. 15")
    cu.add_argument("--max-avg-discount", help="percent, e.g. 10")
    cu.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    serve = subs.add_parser("serve", help="Run the HTTP server")
    _url_arg(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--threads", type=_positive, default=None,
                       help="requests each worker runs at a time (default 4; more waits in its event loop)")
    prune = subs.add_parser("prune", help="Forget deletions older than N days (old clients then resync)")
    _url_arg(prune)
    prune.add_argument("--older-than-days", type=_days, default=180, help="default 180")
    history = subs.add_parser("prune-history", help="Drop sales history older than N months (agents' replicas follow)")
    _url_arg(history)
    history.add_argument("--keep-months", type=_months, default=24,
                         help="months kept, the current one included (default 24)")
    for name, (module_name, help_text) in DELEGATED.items():
        sub = subs.add_parser(name, help=help_text)
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:  # the module may be absent from a trimmed install
            sub.set_defaults(delegate_error=f"{name} is not available: {exc}")
            continue
        module.add_arguments(sub)
        sub.set_defaults(delegate=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the commands print their own outcome
    args = build_parser().parse_args(argv)
    if getattr(args, "delegate_error", None):
        print(args.delegate_error, file=sys.stderr)
        return 2
    if getattr(args, "delegate", None) is not None:
        return int(args.delegate.run(args) or 0)
    if args.command == "init":
        from sfa_server.db import database_url, init_database

        init_database(args.database_url).dispose()
        print(f"database ready: {_safe_url(database_url(args.database_url))}")
        return 0
    if args.command == "create-user":
        return _create_user(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "prune":
        return _prune(args)
    if args.command == "prune-history":
        return _prune_history(args)
    return 2


def _whole(raw: str, unit: str, low: int, high: int) -> int:
    """A whole number of `unit` between low and high, or argparse's error in those words."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number{' of ' + unit if unit else ''}: {raw!r}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{unit or 'it'} must be between {low} and {high}, not {value}")
    return value


def _days(raw: str) -> int:
    return _whole(raw, "days", 0, 36500)


def _positive(raw: str) -> int:
    return _whole(raw, "", 1, 1000)


def _months(raw: str) -> int:
    return _whole(raw, "months", 1, 600)


def _prune_history(args: argparse.Namespace) -> int:
    from sfa_server.db import make_engine, session_factory
    from sfa_server.sales_history import prune_sales_history

    engine = make_engine(args.database_url)
    try:
        with session_factory(engine).begin() as session:
            done = prune_sales_history(session, keep_months=args.keep_months)
    finally:
        engine.dispose()
    print(f"removed {done['deleted']} sales history line(s) dated before {done['horizon'].isoformat()} "
          f"(keeping {args.keep_months} month(s))")
    return 0


def _prune(args: argparse.Namespace) -> int:
    import datetime as dt

    from sfa_server.db import make_engine, session_factory
    from sfa_server.retention import prune_history

    engine = make_engine(args.database_url)
    try:
        with session_factory(engine).begin() as session:
            done = prune_history(session, older_than=dt.timedelta(days=args.older_than_days))
    finally:
        engine.dispose()
    horizon = done["horizon"]
    print(
        f"removed {done['tombstones']} tombstone(s) and {done['scope_removals']} scope removal(s) "
        f"older than {args.older_than_days} day(s); history horizon: "
        + (f"v1.{horizon[0]}.{horizon[1]}" if horizon else "none (history complete)")
    )
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _create_user(args: argparse.Namespace) -> int:
    from sfa_server.accounts import AccountError, create_user
    from sfa_server.db import make_engine, session_factory

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != password:
            print("the passwords differ", file=sys.stderr)
            return 1
    engine = make_engine(args.database_url)
    try:
        with session_factory(engine).begin() as session:
            uid = create_user(
                session,
                username=args.username,
                password=password,
                role=args.role,
                full_name=args.full_name,
                agent_code=args.agent_code,
                max_line_discount=args.max_line_discount,
                max_avg_discount=args.max_avg_discount,
            )
    except AccountError as exc:
        print(f"cannot create the user: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"created {args.role} {args.username} ({uid})")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sfa_server.db import database_url

    # workers are separate processes: they find the database through the environment
    os.environ["SFA_DATABASE_URL"] = database_url(args.database_url)
    if args.threads:
        from sfa_server.app import THREADS_ENV

        os.environ[THREADS_ENV] = str(args.threads)
    uvicorn.run(
        "sfa_server.cli:served_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=max(1, args.workers),
        proxy_headers=True,
        log_level="info",
        log_config=SERVE_LOGGING,
    )
    return 0


def served_app() -> Any:
    """The app of a `sfa-server serve` worker process. Its log lines name no source file, thread or
    process, so the standard library is told not to look them up for each record (the logging
    HOWTO's "Optimization"): one access line per request cost ~4 % of a loaded worker's CPU, the
    caller's frame lookup and the record's process and thread names a good part of it."""
    from sfa_server.app import create_app

    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    return create_app()


#: `sfa-server serve`'s log: uvicorn's loggers in the format of every other sfa-server log line (a
#: time on each), with the standard library's formatter. uvicorn's own access formatter (colours,
#: a copy of every record) cost ~2.5 % of a loaded worker's CPU for one line per request.
SERVE_LOGGING: dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "default": {"formatter": "plain", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        "access": {"formatter": "plain", "class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
    },
    "loggers": {
        "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "sfa_server": {"handlers": ["default"], "level": "INFO", "propagate": False},
    },
}


if __name__ == "__main__":
    raise SystemExit(main())
