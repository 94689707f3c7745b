"""`sfa-desktop sync`: a headless sync with a progress bar on the terminal, for scripts and benchmarks.

Exit codes: 0 synced; 1 the sync stopped (network, server; run it again); 2 wrong input or
sign-in; 3 the application must be updated or this computer was revoked (its data wiped); 4 the
local data is damaged or its key is lost (run again with --rebuild).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import platform
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from sfa_desktop.sync import protocol
from sfa_desktop.sync.errors import (
    DeviceRevokedError,
    LoginFailedError,
    SyncError,
    UpdateRequiredError,
)
from sfa_desktop.sync.events import CancelToken, SyncStatus

log = logging.getLogger(__name__)

EXIT_OK, EXIT_SYNC_FAILED, EXIT_BAD_INPUT, EXIT_BLOCKED, EXIT_DAMAGED = 0, 1, 2, 3, 4
REBUILD_HINT = ("To set the local data aside (kept for support) and build it again from the server, keeping "
                "what was not sent yet, run the same command with --rebuild.")


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("SFA_REPLICA") or Path(user_data_dir("sfa-desktop")) / "replica.sfadb")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", required=True, help="server address, e.g. https://sfa.example.com")
    parser.add_argument("--user", required=True, help="your user name")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of stdin (for scripts)")
    parser.add_argument("--db", default=None, help="local replica file (default: the per-user data folder)")
    parser.add_argument("--ca-bundle", default=None, help="PEM file of the certificate authority to trust")
    parser.add_argument("--page-size", type=int, default=protocol.DEFAULT_PAGE_SIZE,
                        help=f"rows per pulled page (1..{protocol.MAX_PAGE_SIZE})")
    parser.add_argument("--verify", action="store_true", help="compare checksums of every table afterwards")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--rebuild", action="store_true",
                        help="set a damaged or unopenable replica aside and build it again from the server "
                             "(what was not sent yet is kept)")
    parser.add_argument("--resend-settled", action="store_true",
                        help="after the server was restored from a backup: send again the changes it had "
                        "already confirmed (it answers those it has as before and applies the ones it lost)")


class ProgressBar:
    """One line on a terminal, redrawn at most ten times a second."""

    def __init__(self, out: TextIO, *, width: int = 30) -> None:
        self.out = out
        self.width = width
        self._last = 0.0
        self._tty = out.isatty()

    def __call__(self, status: SyncStatus) -> None:
        now = time.monotonic()
        final = status.phase == "idle"
        if not final and now - self._last < 0.1:
            return
        self._last = now
        fraction = status.fraction
        if fraction is None:
            bar = "." * self.width
        else:
            filled = int(fraction * self.width)
            bar = "#" * filled + "." * (self.width - filled)
        line = (f"[{bar}] {status.phase:<10} {status.rows_done:>10,} rows "
                f"{status.bytes_received / 1e6:8.1f} MB  {status.pending_commands} to send")
        if self._tty:
            self.out.write("\r" + line + ("\n" if final else ""))
        elif final:
            self.out.write(line + "\n")
        self.out.flush()


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(f"Password for {args.user}: ")


def _replica_failed(error: Exception) -> int:
    """The agent's message, and the remedy when it is a rebuild (no traceback: a known error)."""
    from sfa_desktop.i18n import error_text
    from sfa_desktop.local_db.errors import (
        KeyringUnavailableError,
        PasswordRequiredError,
        ReplicaCorruptError,
        ReplicaLockedError,
        WrongPasswordError,
    )

    print(f"error: {error_text(error)}", file=sys.stderr)
    log.info("replica not usable: %s", error)
    from sfa_desktop.local_db.errors import KeyStoreError

    rebuild = isinstance(error, ReplicaCorruptError | ReplicaLockedError) or (
        isinstance(error, KeyStoreError)
        and not isinstance(error, WrongPasswordError | PasswordRequiredError | KeyringUnavailableError))
    if rebuild:
        print(REBUILD_HINT, file=sys.stderr)
        return EXIT_DAMAGED
    return EXIT_BAD_INPUT


def run(args: argparse.Namespace) -> int:
    from sfa_desktop.local_db.errors import ReplicaError
    from sfa_desktop.session import AgentSession, SessionState
    from sfa_desktop.sync.transport import Transport

    if not 1 <= args.page_size <= protocol.MAX_PAGE_SIZE:
        print(f"error: --page-size must be 1..{protocol.MAX_PAGE_SIZE}", file=sys.stderr)
        return EXIT_BAD_INPUT
    db = Path(args.db) if args.db else default_db_path()
    password = _password(args)
    if not password:
        print("error: a password is required", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        Transport(args.server).close()  # the address is checked before anything is written
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from sfa_desktop.operations.pyramid import refresh_if_stale

    session = AgentSession(db, server_url=args.server, username=args.user, ca_bundle=args.ca_bundle,
                           device_name=f"{platform.node() or 'computer'} (sfa-desktop sync)")
    session.after_sync.append(lambda s, changes: refresh_if_stale(s, changes=changes))
    cancel = CancelToken()
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.cancel()) if in_main else None
    try:
        try:
            if session.state is SessionState.NEW:
                session.sign_in_first_time(server_url=args.server, username=args.user, password=password)
            elif args.rebuild:
                session.rebuild(password)
            else:
                session.unlock(password)
        except ReplicaError as error:
            return _replica_failed(error)
        except OSError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        assert session.engine is not None
        session.engine.page_size = args.page_size
        if args.resend_settled:
            from sfa_desktop.operations.inbox import resend_settled
            from sfa_desktop.sync.outbox import pending_count

            before = session.read(pending_count)
            session.write(resend_settled)
            print(f"{session.read(pending_count) - before} confirmed change(s) queued again for the restored server.")
        if not args.quiet:
            session.engine.listeners.subscribe(ProgressBar(sys.stderr))
        report = session.sync(cancel, verify=True if args.verify else None)
    except LoginFailedError as error:
        print(f"error: {error.user_message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (UpdateRequiredError, DeviceRevokedError) as error:
        print(f"error: {error.user_message}", file=sys.stderr)
        return EXIT_BLOCKED
    except SyncError as error:
        print(f"error: {error.user_message}", file=sys.stderr)
        log.info("sync failed: %s", error)
        return EXIT_SYNC_FAILED
    except ReplicaError as error:  # found damaged before a push or a verification
        return _replica_failed(error)
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
        session.close()
    print(f"Synced in {report.seconds:.1f}s: {report.commands_sent} change(s) sent "
          f"({report.commands_rejected} refused), {report.rows:,} row(s) received in {report.pages} page(s)"
          + (f"; checked {len(report.verified)} table(s)" if report.verified else "")
          + (f"; {len(report.mismatched)} table(s) still differ" if report.mismatched else "") + ".")
    return EXIT_OK
