"""The import itself: check every record of each file, then upsert the accepted rows by ERP code.

Functions take a session and never commit: the caller holds the one transaction of the import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_server.changes import upsert_rows
from sfa_server.erp_import.attachments import AttachmentChanged
from sfa_server.erp_import.columns import COLUMNS, KIND_ORDER, KIND_STREAM, NUMERIC, map_header
from sfa_server.erp_import.csv_file import CsvFile, CsvFileError, read_csv
from sfa_server.erp_import.report import FileReport, ImportReport, RejectedRow
from sfa_server.erp_import.rows import References, RowError, build_row, natural_key, parse_record, register
from sfa_server.models import STREAM_MODELS, User

#: Columns whose row field has another name.
_FIELD_OF_COLUMN = {"price_list_code": "price_list_id", "agent_code": "agent_id"}
_ID_CHUNK = 900  # stays under SQLite's bound-parameter limit
#: rows checked, compared with the database and written at a time
_WRITE_CHUNK = 5000
#: rows whose database copy is loaded and compared at a time (a copy is larger than the checked row)
_COMPARE_CHUNK = 1000
#: document contents held in memory at once while they are written
_CONTENT_BATCH_BYTES = 64 * 1024 * 1024


def check_file(kind: str, csv_file: CsvFile, refs: References, *, now: dt.datetime,
               report: FileReport) -> list[dict[str, Any]]:
    """Accepted rows of the file (in file order); rejections go to `report`. No database I/O; product
    documents hash the files they name (in the CSV's folder). The import streams `check_chunks`."""
    return [row for chunk in check_chunks(kind, csv_file, refs, now=now, report=report) for row in chunk]


def check_chunks(kind: str, csv_file: CsvFile, refs: References, *, now: dt.datetime,
                 report: FileReport, size: int | None = None) -> Iterator[list[dict[str, Any]]]:
    """The accepted rows by chunks of `size`, checked while the file is streamed.

    One pass reads the header, counts the records and decides the decimal separator; the second
    checks and yields. What is held across chunks is a small per-row cost: the key and line of every
    record accepted so far (duplicates are found across the whole file) and the codes later records
    may refer to (References), never the records or rows themselves.
    """
    size = size or _WRITE_CHUNK
    report.encoding, report.delimiter = csv_file.encoding, csv_file.delimiter
    mapping, missing, ignored = map_header(kind, csv_file.header)
    report.ignored_columns = ignored
    if missing:
        report.error = f"required column(s) missing: {', '.join(missing)}"
        return
    numeric = [mapping[c.name] for c in COLUMNS[kind] if c.type in NUMERIC and c.name in mapping]
    report.rows_read, separator = csv_file.survey(numeric)
    report.decimal_separator = separator
    if not report.rows_read:
        report.error = "the file has a header but no rows"
        return
    seen: dict[str, int] = {}
    accepted: list[dict[str, Any]] = []
    folder = Path(csv_file.path).parent
    for record in csv_file.iter_records():
        try:
            values = parse_record(kind, record.cells, mapping, separator)
            key = natural_key(kind, values)
            if key in seen:
                raise RowError([f"same {_key_words(kind)} as line {seen[key]}"])
            row = build_row(kind, values, refs, now=now, folder=folder)
        except RowError as exc:
            report.rejected.append(RejectedRow(record.line, tuple(exc.reasons)))
            continue
        seen[key] = record.line
        register(kind, row, refs)
        accepted.append(row)
        if len(accepted) >= size:
            yield accepted
            accepted = []
    if accepted:
        yield accepted


def _key_words(kind: str) -> str:
    return {"warehouses": "code", "products": "product code", "price_lists": "code and version",
            "price_list_items": "list, product and quantity", "customers": "customer code",
            "addresses": "customer and address", "contacts": "customer and contact",
            "open_items": "customer, document and due date", "stock": "product and warehouse",
            "product_documents": "product, kind and file name",
            "sales_history": "customer, document, date and line", "targets": "agent, month and category"}[kind]


def load_references(session: Session) -> References:
    """Every code the import may refer to, from the database."""
    def pairs(stream: str, code_col: str) -> dict[str, str]:
        t = STREAM_MODELS[stream].__table__  # type: ignore[attr-defined]
        return {code: i for code, i in session.execute(select(t.c[code_col], t.c.id))
                if code is not None}

    pl = STREAM_MODELS["price_lists"].__table__  # type: ignore[attr-defined]
    u = User.__table__
    return References(
        customers=pairs("customers", "erp_code"),
        products=pairs("products", "sku"),
        warehouses=pairs("warehouses", "code"),
        price_lists={(code, version): i for code, version, i in
                     session.execute(select(pl.c.code, pl.c.version, pl.c.id))},
        agents={code: i for code, i in session.execute(
            select(u.c.agent_code, u.c.id).where(u.c.role == "agent", u.c.agent_code.is_not(None)))},
    )


def existing_rows(session: Session, stream: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The rows with these ids; a document's content is not loaded (its sha256 stands for it), only
    whether it is missing (`content_missing`)."""
    table = STREAM_MODELS[stream].__table__  # type: ignore[attr-defined]
    columns: list[Any] = [c for c in table.c if c.name != "content"]
    if "content" in table.c:
        columns.append(table.c.content.is_(None).label("content_missing"))
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start:start + _ID_CHUNK]
        for row in session.execute(select(*columns).where(table.c.id.in_(chunk))).mappings():
            out[row["id"]] = dict(row)
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        def utc(x: dt.datetime) -> dt.datetime:
            return x.replace(tzinfo=dt.UTC) if x.tzinfo is None else x.astimezone(dt.UTC)
        return utc(a) == utc(b)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)
    return a == b


def write_rows(session: Session, kind: str, rows: list[dict[str, Any]], present_columns: Iterable[str],
               report: FileReport, *, write: bool = True) -> None:
    """Upsert the rows that are new or differ from the database; count new/updated/unchanged.

    On a row that exists already, an optional column absent from the file is left as it is.
    write=False: only count (an import that will not be kept), with the same comparison.
    Rows go by chunks of _COMPARE_CHUNK: the server's copy of one of them is held at a time, never
    the whole file's (docs/benchmarks.md, "Import re-run").
    """
    for start in range(0, len(rows), _COMPARE_CHUNK):
        _write_chunk(session, kind, rows[start:start + _COMPARE_CHUNK], present_columns, report, write=write)



def _write_chunk(session: Session, kind: str, rows: list[dict[str, Any]], present_columns: Iterable[str],
                 report: FileReport, *, write: bool) -> None:
    stream = KIND_STREAM[kind]
    present = set(present_columns)
    absent_fields = {_FIELD_OF_COLUMN.get(c.name, c.name) for c in COLUMNS[kind]
                     if not c.required and c.name not in present}
    absent_fields -= {"id", "available", "as_of"}  # derived or stamped on every import
    before = existing_rows(session, stream, [r["id"] for r in rows])
    changed: list[dict[str, Any]] = []
    for row in rows:
        old = before.get(row["id"])
        if old is None:
            report.inserted += 1
            changed.append({**row, "row_version": 1} if stream == "customers" else row)
            continue
        row = {k: v for k, v in row.items() if k not in absent_fields}
        if kind == "stock":  # a new reading of the same figures is not a change worth syncing
            differs = any(not _same(v, old.get(k)) for k, v in row.items() if k != "as_of")
        elif kind == "product_documents":  # the same sha256 is the same content
            differs = bool(old.get("content_missing")) or any(
                not _same(v, old.get(k)) for k, v in row.items() if k != "content")
        else:
            differs = any(not _same(v, old.get(k)) for k, v in row.items())
        if not differs:
            report.unchanged += 1
            continue
        report.updated += 1
        if stream == "customers":
            row["row_version"] = (old.get("row_version") or 0) + 1
        changed.append(row)
    if not changed or not write:
        return
    if kind == "product_documents":
        for batch in _with_contents(changed):
            upsert_rows(session, stream, batch)
    else:
        upsert_rows(session, stream, changed)


def _with_contents(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Document rows with their files read, in batches of bounded size (AttachmentChanged if a file
    is no longer what its check hashed)."""
    batch: list[dict[str, Any]] = []
    held = 0
    for row in rows:
        batch.append({**row, "content": row["content"].read()})
        held += row["size"]
        if held >= _CONTENT_BATCH_BYTES:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def import_files(session: Session, files: Sequence[tuple[str, str | Path]], *, skip_bad_rows: bool = False,
                 dry_run: bool = False, now: dt.datetime | None = None) -> ImportReport:
    """Check and write the files in dependency order inside the caller's transaction.

    Returns the report; `report.committed` tells the caller whether to commit (it stays False for a
    dry run, or when a row was rejected without skip_bad_rows: the caller must then roll back).
    """
    now = now or dt.datetime.now(dt.UTC)
    report = ImportReport(dry_run=dry_run, skip_bad_rows=skip_bad_rows)
    refs = load_references(session)
    ordered = sorted(files, key=lambda kf: KIND_ORDER.index(kf[0]))
    for kind, path in ordered:
        file_report = FileReport(str(path), kind)
        report.files.append(file_report)
        try:
            csv_file = read_csv(path)
            mapping, _, _ = map_header(kind, csv_file.header)
            history_cut = _history_cut(session, now) if kind == "sales_history" else None
            for rows in check_chunks(kind, csv_file, refs, now=now, report=file_report):
                if history_cut is not None:
                    rows = _within_history(rows, history_cut, file_report)
                # Chunks go to the database while the file is read, inside the one transaction: a bad
                # row found later makes `committed` False and the caller rolls all of it back. Once a
                # row is rejected (without skip_bad_rows) the rest is only counted, the same way.
                write = skip_bad_rows or not report.has_errors
                write_rows(session, kind, rows, mapping, file_report, write=write)
        except CsvFileError as exc:  # unreadable, or a line the csv module cannot read
            file_report.error = str(exc)
        except AttachmentChanged as exc:  # the caller rolls back: committed stays False
            file_report.error = str(exc)
    report.committed = not dry_run and not any(f.error for f in report.files) and (
        skip_bad_rows or not report.has_errors)
    return report


def _history_cut(session: Session, now: dt.datetime) -> dt.date:
    from sfa_server.sales_history import import_horizon

    return import_horizon(session, now.date())


def _within_history(rows: list[dict[str, Any]], cut: dt.date, report: FileReport) -> list[dict[str, Any]]:
    """Sales lines older than the history kept (sfa_server.sales_history) are skipped, not refused:
    an ERP export of "the last 24 months" may reach a few days further back than the calendar months."""
    kept = [r for r in rows if r["document_date"] >= cut]
    report.skipped += len(rows) - len(kept)
    if len(kept) < len(rows):
        report.skipped_reason = f"dated before {cut.isoformat()}, older than the sales history kept"
    return kept


def files_in_folder(folder: str | Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """(kind, path) of every CSV named after a kind, and the names of CSV files that are not."""
    from sfa_server.erp_import.columns import kind_from_filename

    found, unknown = [], []
    for path in sorted(Path(folder).iterdir()):
        if path.is_file() and path.suffix.lower() in (".csv", ".txt"):
            kind = kind_from_filename(path.name)
            if kind is None:
                unknown.append(path.name)
            else:
                found.append((kind, path))
    return found, unknown

