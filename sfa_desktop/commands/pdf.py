"""`sfa-desktop pdf REF -o file.pdf`: print a quote or an order from the encrypted replica."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from sfa_desktop.commands.sync import default_db_path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("reference", help="document number (Q-AG01-2026-0001) or id")
    p.add_argument("-o", "--output", required=True, help="PDF file to write")
    p.add_argument("--db", default=None, help="local replica file (default: the per-user data folder)")
    p.add_argument("--lang", choices=("it", "en"), help="language (default: the customer's)")
    p.add_argument("--with-documents", action="store_true", help="append the products' tech sheets")
    p.add_argument("--password-stdin", action="store_true", help="read the agent's password from stdin")


def run(args: argparse.Namespace) -> int:
    from sfa_desktop.i18n import error_text
    from sfa_desktop.local_db import ReplicaError
    from sfa_desktop.operations.printing import PrintError, print_to_file
    from sfa_desktop.session import AgentSession, SessionState

    session = AgentSession(Path(args.db) if args.db else default_db_path())
    if session.state is SessionState.NEW:
        print(f"error: There is no local database at {session.replica_path}: run `sfa-desktop sync` first.",
              file=sys.stderr)
        return 1
    password = None
    if session.needs_password():
        password = (sys.stdin.readline().rstrip("\r\n") if args.password_stdin
                    else getpass.getpass("Password: "))
    try:
        session.unlock(password)
        session.ensure_sound()  # never print from a damaged replica
        out = session.read(lambda s: print_to_file(s, reference=args.reference, path=Path(args.output),
                                                    language=args.lang, with_documents=args.with_documents))
    except (PrintError, ReplicaError) as error:
        print(f"error: {error_text(error)}", file=sys.stderr)
        return 1
    finally:
        session.close()
    print(f"Written {out}")
    return 0
