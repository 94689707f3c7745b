"""A first sync's pages written in bulk: validated a column at a time and bound straight from the JSON.

The snapshot brings its rows as `tables` (protocol.pull): per stream a field list and rows as
arrays. Each column is checked and converted in one pass of C-level maps (`type`, the pattern's
`fullmatch`, `date.fromisoformat`), and the rows are bound as the tuples `zip` makes of the
converted columns: no Python Decimal or datetime object is built only to be written back as text,
and no per-value Python call is made for the plain types. The checks are those of
protocol.decode_value; a bad value names its stream, field and row.

The engine's bulk mode (local_db.bulk, search) has dropped the secondary indexes and the search
triggers; foreign keys are checked once at the end (engine._drop_orphans).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection, delete

from sfa_desktop.local_db.coltypes import json_dumps
from sfa_desktop.local_db.models import LINE_PARENTS, table_of
from sfa_desktop.sync import protocol
from sfa_desktop.sync.apply import IN_CHUNK, PageOutcome, chunks, clear_stream, existing_ids

_WIRE_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,2})?")
#: a datetime already in the replica's own form (UTC, microseconds): stored as it came
_CANONICAL_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00")
_CANONICAL_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Column = Sequence[Any]


class _Bad(Exception):
    """A value of a column that fails its check (converted to a ProtocolError naming it)."""


def _first_bad(column: Column, good: Callable[[Any], bool]) -> Any:
    for value in column:
        if value is not None and not good(value):
            return value
    return None  # pragma: no cover - called only when a bad value exists


def _column_converter(kind: str, where: str) -> Callable[[Column], Column]:
    """A whole column of wire values (no None: the caller strips them) -> the values to bind."""

    def bad(value: Any) -> protocol.ProtocolError:
        return protocol.ProtocolError(f"{where}: expected {kind}, got {value!r:.60}")

    def only(column: Column, allowed: type) -> None:
        if set(map(type, column)) - {allowed}:
            raise bad(_first_bad(column, lambda v: v.__class__ is allowed))

    if kind == protocol.STR:
        def text(column: Column) -> Column:
            only(column, str)
            return column
        return text
    if kind == protocol.INT:
        limit = protocol.values.MAX_INT

        def integer(column: Column) -> Column:
            only(column, int)
            if column and (max(column) > limit or min(column) < -limit):
                raise bad(_first_bad(column, lambda v: abs(v) <= limit))
            return column
        return integer
    if kind == protocol.BOOL:
        def boolean(column: Column) -> Column:
            only(column, bool)
            return column  # SQLite binds True as 1, as the replica's Boolean stores it
        return boolean
    if kind == protocol.DECIMAL:
        match = _WIRE_DECIMAL.fullmatch

        def decimal(column: Column) -> Column:
            only(column, str)
            if column and (max(map(len, column)) > protocol.values.MAX_DECIMAL_CHARS or not all(map(match, column))):
                raise bad(_first_bad(column, lambda v: len(v) <= protocol.values.MAX_DECIMAL_CHARS and match(v)))
            return column  # DecimalText keeps the exact text
        return decimal
    if kind == protocol.DATE:
        canonical_day = _CANONICAL_DAY.fullmatch

        def day(column: Column) -> Column:
            only(column, str)
            if not all(map(canonical_day, column)):
                raise bad(_first_bad(column, lambda v: canonical_day(v) and _is_date(v)))
            try:
                for _ in map(dt.date.fromisoformat, column):  # real days (no 30 February)
                    pass
            except ValueError:
                raise bad(_first_bad(column, _is_date)) from None
            return column
        return day
    if kind == protocol.DATETIME:
        canonical = _CANONICAL_MOMENT.fullmatch

        def moment(column: Column) -> Column:
            only(column, str)
            if all(map(canonical, column)):
                try:  # the form is the replica's: the values must still be real moments
                    for _ in map(dt.datetime.fromisoformat, column):
                        pass
                except ValueError:
                    raise bad(_first_bad(column, _is_moment)) from None
                return column
            try:
                return [_utc_text(v) for v in column]
            except (_Bad, ValueError):
                raise bad(_first_bad(column, _is_moment)) from None
        return moment
    if kind == protocol.JSON:
        return lambda column: list(map(json_dumps, column))
    if kind == protocol.BYTES:
        def blobs(column: Column) -> Column:
            try:
                return [base64.b64decode(v, validate=True) for v in column]
            except (TypeError, ValueError, binascii.Error):
                raise bad(_first_bad(column, _is_base64)) from None
        return blobs
    raise protocol.ProtocolError(f"{where}: unknown field type {kind}")


def _is_date(value: Any) -> bool:
    try:
        return len(value) == 10 and bool(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return False


def _utc_text(value: str) -> str:
    if len(value) > 40:
        raise _Bad
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise _Bad
    return parsed.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _is_moment(value: Any) -> bool:
    try:
        _utc_text(value)
        return True
    except (_Bad, TypeError, ValueError):
        return False


def _is_base64(value: Any) -> bool:
    try:
        base64.b64decode(value, validate=True)
        return True
    except (TypeError, ValueError, binascii.Error):
        return False


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    #: positions of the block's fields this replica knows, in the SQL's order
    keep: tuple[int, ...]
    id_at: int
    #: per kept field: (where, nullable, convert)
    columns: tuple[tuple[str, bool, Callable[[Column], Column]], ...]


@cache
def _plan(stream: str, fields: tuple[str, ...]) -> _Plan:
    """The upsert of a block with these fields, and each field's column converter."""
    spec = {f.name: f for f in protocol.STREAMS[stream].fields}
    if len(set(fields)) != len(fields) or "id" not in fields:
        raise protocol.ProtocolError(f"{stream}: invalid field list {list(fields)!r:.120}")
    keep = tuple(i for i, name in enumerate(fields) if name in spec)  # a newer server's fields: ignored
    known = [fields[i] for i in keep]
    missing = [f for f in spec.values() if f.name not in fields]
    required = [f.name for f in missing if not f.nullable]
    if required:
        raise protocol.ProtocolError(f"{stream}.{required[0]}: missing")
    table = table_of(stream)
    names, values = list(known), ["?"] * len(known)
    for f in missing:  # an older server's rows: the fields it does not know are empty
        names.append(f.name)
        values.append("NULL")
    for column in table.columns:  # local columns (`dirty`): their default on insert
        if column.name not in spec and column.computed is None:
            constant = column.default.arg if column.default is not None and column.default.is_scalar else None
            if constant is not None and not isinstance(constant, bool | int | str):
                raise RuntimeError(f"{stream}.{column.name} has no plain default")
            names.append(column.name)
            values.append("NULL" if constant is None else str(int(constant)) if isinstance(constant, bool | int)
                          else "'" + constant.replace("'", "''") + "'")
    updates = ", ".join(f"{n} = excluded.{n}" for n in spec if n != "id")
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(values)}) "
           f"ON CONFLICT (id) DO UPDATE SET {updates}")
    columns = tuple((f"{stream}.{name}", spec[name].nullable,
                     _column_converter(spec[name].type, f"{stream}.{name}")) for name in known)
    return _Plan(sql, keep, known.index("id"), columns)


def _bind_rows(stream: str, fields: tuple[str, ...], rows: list[Any]) -> list[tuple[Any, ...]]:
    """Rows as arrays -> validated bind tuples, a column at a time. When every value is already
    what the replica stores (the common case), the tuples are the rows as they came."""
    plan = _plan(stream, fields)
    width = len(fields)
    if set(map(type, rows)) != {list} or set(map(len, rows)) != {width}:
        bad = next(i for i, r in enumerate(rows) if r.__class__ is not list or len(r) != width)
        raise protocol.ProtocolError(f"{stream}: row {bad} is not an array of {width} values")
    changed = len(plan.keep) != width  # a newer server's fields are left out
    out: list[Column] = []
    all_columns = list(zip(*rows, strict=True))
    for (where, nullable, convert), at in zip(plan.columns, plan.keep, strict=True):
        column: Column = all_columns[at]
        if None in column:
            if not nullable:
                raise protocol.ProtocolError(f"{where}: missing")
            present = [v for v in column if v is not None]
            converted = convert(present)
            if converted is not present:  # put the converted values back between the empty ones
                values = iter(converted)
                column = [None if v is None else next(values) for v in column]
        else:
            column = convert(column)
        changed = changed or column is not all_columns[at]
        out.append(column)
    ids = out[plan.id_at]
    if min(map(len, ids)) < 1 or max(map(len, ids)) > 100:
        raise protocol.ProtocolError(f"{stream}: invalid id")
    return list(zip(*out, strict=True)) if changed else list(map(tuple, rows))


def _write_block(conn: Connection, stream: str, fields: tuple[str, ...], bound: list[tuple[Any, ...]],
                 outcome: PageOutcome) -> int:
    plan = _plan(stream, fields)
    if stream in LINE_PARENTS:
        parent, key = LINE_PARENTS[stream]
        at = [fields[i] for i in plan.keep].index(key)
        wanted = {r[at] for r in bound}
        present = existing_ids(conn, table_of(parent), wanted)
        if len(present) < len(wanted):
            bound = [r for r in bound if r[at] in present]
            outcome.orphaned_streams.add(stream)
    if bound:
        conn.exec_driver_sql(plan.sql, bound)
    return len(bound)


@dataclass(slots=True)
class BulkPage:
    cursor: str
    has_more: bool
    rows: int
    streams: set[str]


@dataclass(slots=True)
class _Step:
    """What one stream of a page writes, in order: its snapshot blocks, its deletes, its feed rows."""

    stream: str
    snapshot: list[tuple[tuple[str, ...], list[tuple[Any, ...]]]]
    deletes: list[str]
    feed: list[tuple[tuple[str, ...], list[tuple[Any, ...]]]]


@dataclass(slots=True)
class PreparedPage:
    """A raw page validated and bound, ready to be written (built without the database, so the
    engine prepares page n+1 on its fetching thread while page n is written)."""

    page: BulkPage
    reset: list[str]
    steps: list[_Step]

    @property
    def snapshot_streams(self) -> list[str]:
        """The streams this page brings snapshot rows of."""
        return [step.stream for step in self.steps if step.snapshot]


def prepare_bulk_page(doc: Any) -> PreparedPage:
    """Validate a raw first-sync page and bind its values (no database work; raises ProtocolError).

    Its `tables` (the snapshot) and its `changes` (the feed after it) go the same way: per stream
    in parents-first order, the last version of an id winning.
    """
    if not isinstance(doc, dict):
        raise protocol.ProtocolError("pull answer is not an object")
    cursor, has_more = doc.get("cursor"), doc.get("has_more")
    if not isinstance(cursor, str) or not cursor or len(cursor) > protocol.MAX_CURSOR_LENGTH:
        raise protocol.ProtocolError("pull answer has no valid cursor")
    if not isinstance(has_more, bool):
        raise protocol.ProtocolError("pull answer has no valid has_more")
    reset = doc.get("reset") or []
    if not isinstance(reset, list) or any(r not in protocol.STREAMS for r in reset):
        raise protocol.ProtocolError("pull answer has an invalid reset list")
    tables: dict[str, list[tuple[tuple[str, ...], list[Any]]]] = {}
    rows = 0
    for table in protocol.read_tables(doc):
        tables.setdefault(table.stream, []).append((table.fields, table.rows))
        rows += len(table.rows)
    latest: dict[str, dict[str, protocol.WireChange]] = {}
    for change in protocol.read_changes(doc):  # the feed's changes: the last one of an id wins
        latest.setdefault(change.stream, {})[change.id] = change
        rows += 1
    steps: list[_Step] = []
    for stream in protocol.STREAM_ORDER:
        step = _Step(stream, [(fields, _bind_rows(stream, fields, block)) for fields, block in tables.get(stream, ())],
                     [], [])
        changes = latest.get(stream)
        if changes:
            # the feed comes after the snapshot: its deletes and rows after the snapshot's rows
            step.deletes = [c.id for c in changes.values() if c.op == protocol.DELETE]
            by_fields: dict[tuple[str, ...], list[Any]] = {}
            for c in changes.values():
                if c.op == protocol.UPSERT:
                    fields = tuple(c.row)
                    by_fields.setdefault(fields, []).append([c.row[f] for f in fields])
            step.feed = [(fields, _bind_rows(stream, fields, block)) for fields, block in by_fields.items()]
        if step.snapshot or step.deletes or step.feed:
            steps.append(step)
    page = BulkPage(cursor, has_more, rows, set(tables) | set(latest) | set(reset))
    return PreparedPage(page, list(reset), steps)


def write_bulk_page(conn: Connection, prepared: PreparedPage) -> tuple[BulkPage, PageOutcome]:
    """Write a prepared page (no dirty rows exist yet in a first sync); lines whose document is
    missing are skipped and their stream marked for a fresh pull, as in apply.apply_page."""
    outcome = PageOutcome()
    for stream in prepared.reset:
        clear_stream(conn, stream)
    for step in prepared.steps:
        for fields, bound in step.snapshot:
            outcome.upserted += _write_block(conn, step.stream, fields, bound, outcome)
        table = table_of(step.stream)
        for chunk in chunks(step.deletes, IN_CHUNK):
            outcome.deleted += conn.execute(delete(table).where(table.c.id.in_(chunk))).rowcount or 0
        for fields, bound in step.feed:
            outcome.upserted += _write_block(conn, step.stream, fields, bound, outcome)
    return prepared.page, outcome


def apply_bulk_page(conn: Connection, doc: Any) -> tuple[BulkPage, PageOutcome]:
    """Validate, bind and write a raw first-sync page in one call."""
    return write_bulk_page(conn, prepare_bulk_page(doc))


__all__ = ["BulkPage", "PreparedPage", "apply_bulk_page", "prepare_bulk_page", "write_bulk_page"]
