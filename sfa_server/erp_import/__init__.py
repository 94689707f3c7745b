"""ERP CSV import: `sfa-server import --kind KIND FILE` or a folder of files named after their kind.

Validated row by row, idempotent (ids derive from ERP codes), one transaction for the whole import.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import Engine

from sfa_server.erp_import.columns import COLUMNS, KIND_ORDER, kind_from_filename
from sfa_server.erp_import.importer import check_file, files_in_folder, import_files
from sfa_server.erp_import.report import FileReport, ImportReport, RejectedRow

__all__ = ["COLUMNS", "KIND_ORDER", "FileReport", "ImportReport", "RejectedRow", "add_arguments",
           "check_file", "import_files", "import_path", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="a CSV file, or a folder of CSV files named after their kind "
                                     "(customers.csv, products.csv, ...)")
    parser.add_argument("--kind", choices=KIND_ORDER, type=_kind,
                        help="what the file holds, in English or Italian (clienti, documenti, ...; "
                             "default: from the file name)")
    parser.add_argument("--skip-bad-rows", action="store_true",
                        help="import the good rows even when some rows are rejected")
    parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    parser.add_argument("--database-url", default=None,
                        help="database URL (default: env SFA_DATABASE_URL, else the SQLite file)")


def _kind(text: str) -> str:
    """--kind in English or Italian: 'documenti' and 'schede' are product_documents."""
    return kind_from_filename(text.strip()) or text


def import_path(engine: Engine, path: str | Path, *, kind: str | None = None, skip_bad_rows: bool = False,
                dry_run: bool = False) -> ImportReport:
    """Import a file or folder in one transaction, committed only when the report says so."""
    from sfa_server.db import refresh_statistics, session_factory

    target = Path(path)
    if target.is_dir():
        if kind:
            raise ValueError("--kind applies to a single file; a folder's files are named after their kind")
        files, unknown = files_in_folder(target)
        if unknown:
            raise ValueError(f"cannot tell the kind of {', '.join(unknown)}: name files after a kind "
                             f"({', '.join(KIND_ORDER)})")
        if not files:
            raise ValueError(f"no CSV files in {target}")
    elif target.is_file():
        kind = kind or kind_from_filename(target.name)
        if kind is None:
            raise ValueError(f"cannot tell what {target.name} holds: give --kind")
        files = [(kind, target)]
    else:
        raise ValueError(f"{target} does not exist")
    session = session_factory(engine)()
    try:
        with session.begin():
            report = import_files(session, files, skip_bad_rows=skip_bad_rows, dry_run=dry_run)
            if not report.committed:
                session.rollback()
    finally:
        session.close()
    if report.committed and not dry_run:
        refresh_statistics(engine)
    return report


def run(args: argparse.Namespace) -> int:
    from sfa_server.db import init_database

    try:
        engine = init_database(args.database_url)
    except Exception as exc:  # the operator needs the cause, not a traceback
        print(f"cannot open the database: {exc}", file=sys.stderr)
        return 2
    try:
        report = import_path(engine, args.path, kind=args.kind, skip_bad_rows=args.skip_bad_rows,
                             dry_run=args.dry_run)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(report.render())
    return report.exit_code
