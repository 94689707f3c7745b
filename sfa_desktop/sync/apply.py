"""Applying pulled pages to the replica in bulk, and the replica's side of the checksums.

A page is applied with SQLAlchemy Core executemany (upserts, deletes) inside the caller's
transaction, which also stores the new cursor. Rows the agent changed locally (`dirty`, still
in the outbox) are never overwritten by a pull: the push answer settles them first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Dialect, Table, delete, false, select, true, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sfa_desktop.local_db.coltypes import DecimalText
from sfa_desktop.local_db.models import LINE_PARENTS, table_of
from sfa_desktop.sync import protocol
from sfa_desktop.sync.events import Decision

log = logging.getLogger(__name__)

#: SQLite's limit on bound variables is 32766; stay well below it in IN (...) lists.
IN_CHUNK = 900


@dataclass(slots=True)
class PageOutcome:
    upserted: int = 0
    deleted: int = 0
    #: Changes not applied because the agent's own version waits in the outbox.
    kept_local: int = 0
    #: Streams whose rows were touched while a local change protected some: verify later.
    kept_streams: set[str] = field(default_factory=set)
    #: Line streams with lines whose document is not in the replica: skipped, pull again.
    orphaned_streams: set[str] = field(default_factory=set)
    #: Orders whose status the office decided (approved or rejected) in this page.
    decisions: list[Decision] = field(default_factory=list)


_Binder = Callable[[Mapping[str, Any]], tuple[Any, ...]]


class _Statements:
    """Compiled-once upsert statements per stream and dialect (the executemany path).

    The SQL is SQLAlchemy's own rendering of the upsert; the rows are bound as plain tuples
    through each column's bind processor, exactly the conversion the Core executemany does,
    without its per-row parameter bookkeeping.
    """

    def __init__(self) -> None:
        self._upserts: dict[str, Any] = {}
        self._raw: dict[tuple[str, str], tuple[str, _Binder]] = {}

    def upsert(self, stream: str) -> Any:
        stmt = self._upserts.get(stream)
        if stmt is None:
            table = table_of(stream)
            names = protocol.STREAMS[stream].field_names
            ins = sqlite_insert(table)
            stmt = ins.on_conflict_do_update(
                index_elements=[table.c.id],
                set_={n: ins.excluded[n] for n in names if n != "id"},
                # The agent's unsent change wins locally until the server has answered it.
                where=(table.c.dirty == false()) if "dirty" in table.c else None,
            )
            self._upserts[stream] = stmt
        return stmt

    def raw_upsert(self, stream: str, dialect: Dialect) -> tuple[str, _Binder]:
        """(SQL with positional parameters, row -> parameter tuple) for `stream`'s upsert."""
        key = (stream, dialect.name)
        found = self._raw.get(key)
        if found is None:
            found = self._raw[key] = _compile_raw(stream, self.upsert(stream), dialect)
        return found


def _compile_raw(stream: str, stmt: Any, dialect: Dialect) -> tuple[str, _Binder]:
    table = table_of(stream)
    names = protocol.STREAMS[stream].field_names
    compiled = stmt.compile(dialect=dialect, column_keys=list(names))
    order = compiled.positiontup
    if dialect.paramstyle != "qmark" or order is None:
        raise RuntimeError(f"the {stream} upsert needs a qmark dialect, not {dialect.paramstyle}")
    getters: list[tuple[str | None, Any, Any]] = []  # (row key or None, constant, bind processor)
    for name in order:
        column = table.c[name]
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if name in names:
            getters.append((name, None, _fast_bind(column.type, process)))
        elif column.default is not None and column.default.is_scalar:
            # A local column (`dirty`) the wire does not carry: its default on insert.
            constant = column.default.arg
            getters.append((None, process(constant) if process else constant, None))
        else:
            raise RuntimeError(f"{stream}.{name} is neither on the wire nor has a plain default")

    def bind(row: Mapping[str, Any]) -> tuple[Any, ...]:
        out = []
        for name, constant, process in getters:
            if name is None:
                out.append(constant)
            else:
                value = row[name]
                out.append(value if process is None or value is None else process(value))
        return tuple(out)

    return str(compiled), bind


_STATEMENTS = _Statements()


def _fast_bind(kind: Any, process: Any) -> Any:
    """The column's bind processor, short-cut for the decoded page's own value types.

    A decoded Decimal is finite and is stored as its text, as DecimalText does; any other
    value goes through the column's processor and its checks.
    """
    if process is None or not isinstance(kind, DecimalText):
        return process

    def money(value: Any) -> Any:
        if value.__class__ is Decimal and value.is_finite():
            return str(value)
        return process(value)

    return money


def clear_stream(conn: Connection, stream: str) -> int:
    """Empty a stream before it is pulled again, keeping the agent's unsent rows."""
    table = table_of(stream)
    stmt = delete(table)
    if "dirty" in table.c:
        stmt = stmt.where(table.c.dirty == false())
    elif stream in LINE_PARENTS:
        parent, key = LINE_PARENTS[stream]
        ptable = table_of(parent)
        stmt = stmt.where(table.c[key].not_in(select(ptable.c.id).where(ptable.c.dirty == true())))
    return conn.execute(stmt).rowcount or 0


def _dirty_ids(conn: Connection, stream: str) -> set[str]:
    table = table_of(stream)
    return set(conn.execute(select(table.c.id).where(table.c.dirty == true())).scalars())


def apply_page(conn: Connection, page: protocol.PullPage) -> PageOutcome:
    """Apply one validated page: resets first, then per stream (parents first) deletes, upserts."""
    outcome = PageOutcome()
    for stream in page.reset:
        clear_stream(conn, stream)
    # Last change of an id within the page wins, whatever the op.
    latest: dict[str, dict[str, protocol.Change]] = {}
    for change in page.changes:
        latest.setdefault(change.stream, {})[change.id] = change
    dirty_cache: dict[str, set[str]] = {}

    def dirty(stream: str) -> set[str]:
        if stream not in dirty_cache:
            dirty_cache[stream] = _dirty_ids(conn, stream)
        return dirty_cache[stream]

    for stream in protocol.STREAM_ORDER:
        changes = latest.get(stream)
        if not changes:
            continue
        table = table_of(stream)
        upserts = [c.row for c in changes.values() if c.op == protocol.UPSERT]
        deletes = [c.id for c in changes.values() if c.op == protocol.DELETE]
        if stream in LINE_PARENTS:
            parent, key = LINE_PARENTS[stream]
            # A line whose document is not here (yet) would break the foreign key at commit and
            # block every later sync: skip it and let the stream be pulled again from scratch.
            present = existing_ids(conn, table_of(parent), {r[key] for r in upserts})
            if len(present) < len({r[key] for r in upserts}):
                upserts = [r for r in upserts if r[key] in present]
                outcome.orphaned_streams.add(stream)
            protected = dirty(parent)
            if protected:
                before = len(upserts) + len(deletes)
                upserts = [r for r in upserts if r[key] not in protected]
                deletes = _lines_not_of(conn, table, key, deletes, protected)
                kept = before - len(upserts) - len(deletes)
                if kept:
                    outcome.kept_local += kept
                    outcome.kept_streams.add(stream)
        elif "dirty" in table.c:
            protected = dirty(stream)
            if protected and (protected & changes.keys()):
                outcome.kept_local += len(protected & changes.keys())
                outcome.kept_streams.add(stream)
                deletes = [d for d in deletes if d not in protected]
        if stream == "orders" and upserts:
            outcome.decisions.extend(_decisions(conn, table, upserts))
        for chunk in chunks(deletes, IN_CHUNK):
            outcome.deleted += conn.execute(delete(table).where(table.c.id.in_(chunk))).rowcount or 0
        if upserts:
            sql_text, bind = _STATEMENTS.raw_upsert(stream, conn.dialect)
            conn.exec_driver_sql(sql_text, [bind(r) for r in upserts])
            outcome.upserted += len(upserts)
    return outcome


#: The statuses an office decision leaves an order in.
DECIDED = ("approved", "rejected")


def _decisions(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> list[Decision]:
    """Orders already here whose status the server now says the office decided."""
    wanted = {r["id"]: r for r in rows if r.get("status") in DECIDED}
    if not wanted:
        return []
    before: dict[str, tuple[str, bool]] = {}
    for chunk in chunks(list(wanted), IN_CHUNK):
        for order_id, status, dirty in conn.execute(
                select(table.c.id, table.c.status, table.c.dirty).where(table.c.id.in_(chunk))):
            before[order_id] = (status, dirty)
    return [Decision(r["id"], r["number"], r["customer_id"], r["status"], r.get("decision_note"),
                     r.get("decided_by"))
            for order_id, r in wanted.items()
            if order_id in before and not before[order_id][1] and before[order_id][0] != r["status"]]


def existing_ids(conn: Connection, table: Table, ids: set[str]) -> set[str]:
    found: set[str] = set()
    wanted = list(ids)
    for chunk in chunks(wanted, IN_CHUNK):
        found.update(conn.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
    return found


def _lines_not_of(conn: Connection, table: Table, key: str, ids: list[str],
                  protected: set[str]) -> list[str]:
    if not ids:
        return ids
    keep: set[str] = set()
    for chunk in chunks(ids, IN_CHUNK):
        rows = conn.execute(select(table.c.id, table.c[key]).where(table.c.id.in_(chunk)))
        keep.update(i for i, parent in rows if parent in protected)
    return [i for i in ids if i not in keep]


def chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --------------------------------------------------------------------------- checksums

def stream_checksum(conn: Connection, stream: str) -> tuple[int, str]:
    """(count, sha256 hex) of the replica's rows of `stream`: the protocol's one recipe."""
    table = table_of(stream)
    names = protocol.STREAMS[stream].field_names
    rows = conn.execute(select(*(table.c[n] for n in names)).order_by(table.c.id))
    return protocol.stream_checksum(stream, (dict(zip(names, row, strict=True)) for row in rows))


def reprice_lines(conn: Connection, stream: str, document_id: str, lines: list[Any]) -> int:
    """Put the server's prices on a document's lines (matched by line number) from a push answer.

    The answer carries the priced fields only; the next pull brings the complete rows.
    """
    parent_key = LINE_PARENTS[stream][1]
    fields = {f.name: f for f in protocol.STREAMS[stream].fields}
    table = table_of(stream)
    done = 0
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            raise protocol.ProtocolError(f"{stream} {i} in the answer is not an object")
        line_no = protocol.decode_value(protocol.INT, line.get("line_no"), f"{stream} {i}.line_no")
        if line_no is None:
            raise protocol.ProtocolError(f"{stream} {i} in the answer has no line number")
        values = {}
        for name, value in line.items():
            f = fields.get(name)
            if f is None or name in ("id", "line_no", parent_key):
                continue
            decoded = protocol.decode_value(f.type, value, f"{stream} {i}.{name}")
            if decoded is None and not f.nullable:
                raise protocol.ProtocolError(f"{stream} {i}.{name}: missing")
            values[name] = decoded
        if values:
            stmt = update(table).where(table.c[parent_key] == document_id, table.c.line_no == line_no)
            done += conn.execute(stmt.values(**values)).rowcount or 0
    return done
