"""`sfa-desktop` entry point: wiring of configuration, logging and the sub-commands."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

log = logging.getLogger("sfa_desktop")

APP_NAME = "sfa-desktop"


def default_replica_path() -> Path:
    return Path(os.environ.get("SFA_REPLICA") or Path(user_data_dir(APP_NAME)) / "replica.sfadb")


def read_password(args: argparse.Namespace, prompt: str = "Password: ") -> str:
    """The agent's password from stdin (scripts) or an interactive prompt; never an argument."""
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(prompt)


def open_replica_for(args: argparse.Namespace):
    """Open the replica named by --db, unlocking its key from the keyring or with the password."""
    from sfa_desktop.local_db import keys, open_replica

    path = Path(args.db)
    if not path.exists():
        raise SystemExit(f"There is no local database at {path}: run `sfa-desktop sync` first.")
    password = read_password(args) if keys.needs_password(path) else None
    return open_replica(path, keys.load_key(path, password), create=False)


def _cmd_pdf(args: argparse.Namespace) -> int:
    from sfa_desktop.operations.printing import PrintError, print_to_file

    replica = open_replica_for(args)
    try:
        with replica.session() as session:
            out = print_to_file(session, reference=args.reference, path=Path(args.output),
                                language=args.lang, with_documents=args.with_documents)
    except PrintError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        replica.close()
    print(f"Written {out}")
    return 0


def _add_pdf(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pdf", help="render a quote or order from the local replica to a PDF file")
    p.add_argument("reference", help="document number (Q-AG01-2026-0001) or id")
    p.add_argument("-o", "--output", required=True, help="PDF file to write")
    p.add_argument("--db", default=str(default_replica_path()), help="local replica file")
    p.add_argument("--lang", choices=("it", "en"), help="language (default: the customer's)")
    p.add_argument("--with-documents", action="store_true", help="append the products' tech sheets")
    p.add_argument("--password-stdin", action="store_true", help="read the agent's password from stdin")
    p.set_defaults(func=_cmd_pdf)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=APP_NAME, description=(
        "Offline-first sales-force automation for field agents."))
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    parser.add_argument("--demo", action="store_true", help="same as the `demo` command")
    sub = parser.add_subparsers(dest="command")

    from sfa_desktop import demo
    from sfa_desktop.sync import cli as sync_cli

    p = sub.add_parser("demo", help="embedded server + demo data: sync, quote, order, approval")
    demo.add_arguments(p)
    p.set_defaults(func=demo.run)
    p = sub.add_parser("sync", help="synchronise the local replica with the server (headless)")
    sync_cli.add_arguments(p)
    p.set_defaults(func=sync_cli.run)
    _add_pdf(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.demo and not getattr(args, "func", None):
        args = parser.parse_args(["demo"])
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from sfa_desktop.local_db import ReplicaError
    from sfa_desktop.sync.errors import SyncError

    try:
        return int(args.func(args) or 0)
    except (ReplicaError, SyncError) as error:  # the user's situation, said in their words
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
