"""`sfa-desktop` entry point: wiring of configuration, logging and the sub-commands."""

from __future__ import annotations

import argparse
import logging
import sys

log = logging.getLogger("sfa_desktop")

APP_NAME = "sfa-desktop"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=APP_NAME, description=(
        "Offline-first sales-force automation for field agents."))
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    parser.add_argument("--demo", action="store_true", help="same as the `demo` command")
    parser.add_argument("--data-dir", default=None, help="folder of the local data and settings "
                        "(default: the per-user data folder)")
    sub = parser.add_subparsers(dest="command")

    from sfa_desktop import demo
    from sfa_desktop.commands import pdf as pdf_command
    from sfa_desktop.commands import smoke_test as smoke_command
    from sfa_desktop.commands import sync as sync_command

    p = sub.add_parser("gui", help="open the desktop app (the default)")
    p.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run_gui)
    p = sub.add_parser("demo", help="embedded server + demo data in the app (--script: narrated in the terminal)")
    demo.add_arguments(p)
    p.set_defaults(func=demo.run)
    p = sub.add_parser("sync", help="synchronise the local replica with the server (headless)")
    sync_command.add_arguments(p)
    p.set_defaults(func=sync_command.run)
    p = sub.add_parser("pdf", help="render a quote or order from the local replica to a PDF file")
    pdf_command.add_arguments(p)
    p.set_defaults(func=pdf_command.run)
    p = sub.add_parser("office", help="the sales office's window (office or admin user), online")
    p.add_argument("--server", required=True, help="server address, e.g. https://sfa.example.it")
    p.add_argument("--user", required=True, help="office or admin user name")
    p.add_argument("--ca-bundle", help="CA certificate file of the company's server")
    p.set_defaults(func=run_office)
    p = sub.add_parser("smoke-test", help="check this installation: demo server, sign-in, sync, PDF, a window")
    smoke_command.add_arguments(p)
    p.set_defaults(func=smoke_command.run)
    return parser


def run_office(args: argparse.Namespace) -> int:
    """Ask the password on the terminal (never on the command line), then open the office window."""
    import getpass

    from PySide6.QtWidgets import QApplication

    from sfa_desktop.ui.office import OfficeLaunch, open_office_window

    password = getpass.getpass(f"Password for {args.user}: ")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = open_office_window(OfficeLaunch(args.server, args.user, password, args.ca_bundle))
    del password
    code = app.exec()
    window.deleteLater()
    return code


def run_gui(args: argparse.Namespace) -> int:
    """`sfa-desktop` alone: the desktop app."""
    from pathlib import Path

    from sfa_desktop.ui.app import run_gui as open_app

    return open_app(Path(args.data_dir) if args.data_dir else None, exit_when_ready=args.exit_when_ready)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.demo and not getattr(args, "func", None):
        args = parser.parse_args(["demo"])
    if not getattr(args, "func", None):
        args.func, args.exit_when_ready = run_gui, False
    from sfa_desktop.domain.messages import UserError
    from sfa_desktop.i18n import error_text
    from sfa_desktop.local_db import ReplicaError
    from sfa_desktop.sync.errors import SyncError

    try:
        return int(args.func(args) or 0)
    except (ReplicaError, SyncError, UserError) as error:  # the user's situation, said in their words
        print(f"error: {error_text(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
