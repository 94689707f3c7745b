"""The sync routes' statements, built once, sent straight through PostgreSQL's driver.

Connection.execute spends as much of the server's CPU on a small statement built at import as
psycopg does sending it: the statement's cache key, the compiled-cache lookup, the parameters
processed into a new dict, the result set up from the cursor's description (profiled under load:
~22 % of a worker, docs/benchmarks.md, 2026-12-08). For a statement that never changes that work
is the same on every call. `run` does it once per statement (and per set of keys of an insert)
and then sends the compiled text through a psycopg RawCursor in the connection's own transaction,
with SQLAlchemy's own type processors for the binds and the result columns, so the values are
those Connection.execute would give. Driver errors come out as SQLAlchemy's (IntegrityError,
OperationalError, ...), and a lost connection is invalidated, as Connection.execute does.

On any other database (the embedded SQLite) `run` is Connection.execute. Statements the direct
form cannot reproduce exactly (an insert's Python-side default other than a constant or a function
of no arguments, bind names SQLAlchemy escapes, values rendered into the text at run time other than
IN lists, result keys that are not attribute names) go through Connection.execute too.
"""

from __future__ import annotations

import keyword
import re
import threading
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, exc
from sqlalchemy.sql import Insert, Select, Update
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import CompoundSelect

Params = Mapping[str, Any]

# "%(name)s" placeholders, an expanding IN's "(__[POSTCOMPILE_name])", and the "%%" of a literal %
_PLACEHOLDER = re.compile(r"(NOT )?IN \(__\[POSTCOMPILE_(\w+)\]\)|%\((\w+)\)s|%%")


class Rows:
    """The answer of a direct statement: the subset of SQLAlchemy's Result the callers use."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows, self.rowcount = rows, rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def all(self) -> list[Any]:
        return self._rows

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one(self) -> Any:
        if len(self._rows) != 1:
            raise exc.NoResultFound("No row was found when one was required") if not self._rows else \
                exc.MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self._rows[0]

    def mappings(self) -> list[dict[str, Any]]:
        return [row._asdict() for row in self._rows]

    def one_or_none(self) -> Any:
        if len(self._rows) > 1:
            raise exc.MultipleResultsFound("Multiple rows were found when one or none was required")
        return self.first()

    def scalar_one_or_none(self) -> Any:
        row = self.one_or_none()
        return None if row is None else row[0]

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalars(self) -> list[Any]:
        return [row[0] for row in self._rows]


class _Native:
    """One statement (for one set of insert keys) in PostgreSQL's own $n form."""

    __slots__ = ("binds", "defaults", "expanding", "many_sql", "names", "processors", "row_type", "rows_of",
                 "sql", "types", "values")

    def __init__(self, sql: str, names: tuple[str, ...], values: dict[str, Any],
                 defaults: dict[str, Callable[[], Any]], binds: dict[str, Callable[[Any], Any]],
                 expanding: frozenset[str], keys: tuple[str, ...] | None, types: tuple[Any, ...]) -> None:
        self.sql, self.names, self.values, self.binds, self.expanding = sql, names, values, binds, expanding
        #: an insert's columns left out of the keys whose default Python computes (per row)
        self.defaults = defaults
        self.row_type = _row_type(keys)
        self.types = types
        #: an insert of one row "... VALUES ($1, ..., $k)": (the text before the row, the row), so
        #: that an executemany is one statement of n rows (psycopg's pipelined executemany of a
        #: quote's few lines cost more than the statement it sends)
        self.rows_of: tuple[str, str] | None = None
        head, sep, row = sql.rpartition(" VALUES ")
        if (sep and row.startswith("(") and row.endswith(")") and row.count("(") == row.count(")")
                and not expanding and "'" not in row
                and [int(n) for n in re.findall(r"\$(\d+)", row)] == list(range(1, len(names) + 1))):
            self.rows_of = (head + sep, row)
        self.many_sql: dict[int, str] = {}
        #: per result column, SQLAlchemy's result processor, () if no column has one (known after
        #: the first run: it may depend on the type the driver reports)
        self.processors: tuple[Callable[[Any], Any] | None, ...] | None = None

    def sql_of_rows(self, n: int) -> str:
        """The insert of n rows at once, its placeholders numbered on (one text per n, kept)."""
        found = self.many_sql.get(n)
        if found is None:
            head, row = self.rows_of  # type: ignore[misc]
            k = len(self.names)
            found = head + ", ".join(re.sub(r"\$(\d+)", lambda m, base=r * k: f"${int(m.group(1)) + base}", row)
                                     for r in range(n))
            if len(self.many_sql) < 256:
                self.many_sql[n] = found
        return found

    def arguments(self, params: Params) -> tuple[Any, ...]:
        out = []
        for name in self.names:
            if name in params:
                value = params[name]
            elif name in self.defaults:
                value = self.defaults[name]()
            else:
                value = self.values[name]
            process = self.binds.get(name)
            if name in self.expanding:
                value = list(value) if process is None else [process(v) for v in value]
            elif process is not None and value is not None:
                value = process(value)
            out.append(value)
        return tuple(out)


_UNSUITED = object()  # a statement that goes through Connection.execute
_cache: dict[tuple[int, Any, tuple[str, ...] | None], tuple[Executable, Any]] = {}
_cache_lock = threading.Lock()
#: rows per multi-row insert, and PostgreSQL's limit of parameters per statement
_ROWS_PER_INSERT, _MAX_PARAMETERS = 200, 65535
_CACHE_LIMIT = 1024


def run(conn: Connection, stmt: Executable, params: Params | Sequence[Params] | None = None) -> Any:
    """`conn.execute(stmt, params)`, sent directly on PostgreSQL. A list of parameter sets is an
    executemany (no rows come back). Returns a Rows there, SQLAlchemy's Result elsewhere."""
    dialect = conn.dialect
    if dialect.name != "postgresql":
        return conn.execute(stmt, params)
    many = isinstance(params, Sequence)
    sets: Sequence[Params] = params if many else [params or {}]  # type: ignore[assignment,list-item]
    if not sets:
        return conn.execute(stmt, params)
    keys = tuple(sorted(sets[0])) if isinstance(stmt, Insert | Update) else None
    native = _native(stmt, dialect, keys)
    if native is _UNSUITED or (many and keys is not None and any(tuple(sorted(s)) != keys for s in sets)):
        return conn.execute(stmt, params)
    return _send(conn, native, sets, many)


def _native(stmt: Executable, dialect: Any, keys: tuple[str, ...] | None) -> Any:
    key = (id(stmt), dialect, keys)
    found = _cache.get(key)
    if found is not None and found[0] is stmt:
        return found[1]
    native = _compile(stmt, dialect, keys)
    with _cache_lock:
        if len(_cache) >= _CACHE_LIMIT:  # statements built per call would fill it: start again
            _cache.clear()
        _cache[key] = (stmt, native)  # the statement is kept: its id is never reused while here
    return native


def _compile(stmt: Executable, dialect: Any, keys: tuple[str, ...] | None) -> Any:
    if not isinstance(stmt, Select | CompoundSelect | Insert | Update | TextClause):
        return _UNSUITED
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
    defaults = {}
    for column in compiled.insert_prefetch:
        default = column.default
        if default is not None and default.is_scalar:
            defaults[column.key] = (lambda v: lambda: v)(default.arg)
        elif default is not None and default.is_callable and hasattr(default.arg, "__wrapped__"):
            defaults[column.key] = default.arg.__wrapped__  # a function of no arguments (utcnow)
        else:
            return _UNSUITED  # a default that needs SQLAlchemy's execution context
    if compiled.update_prefetch or compiled.postfetch_lastrowid:
        return _UNSUITED
    if compiled.escaped_bind_names:
        return _UNSUITED  # bind names SQLAlchemy had to escape: it maps them back itself
    names: list[str] = []
    expanding: set[str] = set()

    def placeholder(m: re.Match[str]) -> str:
        if m.group(0) == "%%":
            return "%"
        name = m.group(2) or m.group(3)
        if m.group(2):
            expanding.add(name)
        if name not in names:
            names.append(name)
        ref = f"${names.index(name) + 1}"
        if m.group(2):
            return f"<> ALL({ref})" if m.group(1) else f"= ANY({ref})"
        return ref

    sql = _PLACEHOLDER.sub(placeholder, compiled.string)
    if "__[POSTCOMPILE_" in sql:
        return _UNSUITED  # a value rendered into the text at run time other than an IN list
    values = {}
    for name in names:
        bind = compiled.binds[name]
        if bind.required and bind.callable is None and bind.value is None:
            continue  # the caller gives it
        values[name] = bind.effective_value
    result = getattr(compiled, "_result_columns", None) or []
    row_keys = tuple(c.keyname for c in result) or None
    if row_keys and _row_type(row_keys) is None:
        return _UNSUITED
    return _Native(sql, tuple(names), values, defaults, dict(compiled._bind_processors), frozenset(expanding),
                   row_keys, tuple(c.type for c in result))


def _row_type(keys: Sequence[str] | None) -> Any:
    """A named tuple of these result keys (None if they cannot all be attribute names)."""
    if not keys or len(set(keys)) != len(keys) or not all(
            k.isidentifier() and not keyword.iskeyword(k) and not k.startswith("_") for k in keys):
        return None
    return namedtuple("Row", keys)  # type: ignore[misc]


def read_alone(engine: Engine, stmt: Executable, params: Params) -> Any:
    """One read outside any transaction, on a connection of the engine's pool: on PostgreSQL in
    autocommit (no BEGIN, COMMIT or ROLLBACK round trips), on the pool's raw connection (no
    SQLAlchemy Connection, no isolation level set and reset: half of the caller's check's CPU
    was that, profiled under load). Returns the rows (a Rows, or SQLAlchemy's on SQLite)."""
    if engine.dialect.name != "postgresql":
        with engine.connect() as conn:
            return Rows(conn.execute(stmt, params).all(), -1)
    native = _native(stmt, engine.dialect, None)
    if not isinstance(native, _Native):
        raise TypeError("read_alone needs a statement the direct form can send")
    fairy = engine.raw_connection()
    try:
        driver = fairy.driver_connection
        driver.autocommit = True  # the pool's connections are idle between checkouts: allowed
        try:
            return _on_driver(native, engine.dialect, driver, _arguments(native, [params]), False,
                              fairy.invalidate)
        finally:
            if not driver.closed:
                driver.autocommit = False
    finally:
        fairy.close()


def _arguments(native: _Native, sets: Sequence[Params]) -> list[tuple[Any, ...]]:
    try:
        return [native.arguments(s) for s in sets]
    except KeyError as missing:
        raise exc.StatementError("direct statement", native.sql, None, exc.InvalidRequestError(
            f"A value is required for bind parameter {missing}")) from None


def _send(conn: Connection, native: _Native, sets: Sequence[Params], many: bool) -> Rows:
    arguments = _arguments(native, sets)
    if not conn.in_transaction():
        conn.begin()  # as Connection.execute autobegins: its commit() then commits this statement
    return _on_driver(native, conn.dialect, conn.connection.driver_connection, arguments, many, conn.invalidate)


def _on_driver(native: _Native, dialect: Any, driver: Any, arguments: list[tuple[Any, ...]], many: bool,
               invalidate: Callable[[BaseException], None]) -> Rows:
    import psycopg

    try:
        with psycopg.RawCursor(driver) as cur:
            if many and native.rows_of is not None:
                per = max(1, min(_ROWS_PER_INSERT, _MAX_PARAMETERS // max(1, len(native.names))))
                done = 0
                for start in range(0, len(arguments), per):
                    chunk = arguments[start:start + per]
                    cur.execute(native.sql_of_rows(len(chunk)), [v for row in chunk for v in row])
                    done += cur.rowcount
                return Rows([], done)
            if many:
                cur.executemany(native.sql, arguments)
                return Rows([], cur.rowcount)
            cur.execute(native.sql, arguments[0])
            result = cur.pgresult
            if result is None or not result.nfields:  # no rows come back (cur.description costs a list)
                return Rows([], cur.rowcount)
            found = cur.fetchall()
            if not native.types:  # a text() statement: its columns as the driver names them
                if native.row_type is None:
                    native.row_type = _row_type([d.name for d in cur.description or ()]) or tuple
                return Rows(found if native.row_type is tuple else list(map(native.row_type._make, found)),
                            cur.rowcount)
            return Rows(_rows(native, dialect, cur, found), cur.rowcount)
    except psycopg.Error as error:
        invalidated = dialect.is_disconnect(error, driver, None)
        wrapped = exc.DBAPIError.instance(native.sql, None, error, psycopg.Error,
                                          connection_invalidated=invalidated, dialect=dialect)
        if invalidated:
            invalidate(error)
        raise wrapped from error


def _rows(native: _Native, dialect: Any, cur: Any, found: list[tuple[Any, ...]]) -> list[Any]:
    processors = native.processors
    if processors is None:  # the first run: the types the driver reports choose the processors
        chosen = tuple(t._cached_result_processor(dialect, d.type_code)
                       for t, d in zip(native.types, cur.description, strict=True))
        processors = native.processors = chosen if any(chosen) else ()
    make = native.row_type._make  # type: ignore[union-attr]
    if not processors:
        return [make(r) for r in found]
    return [make(v if f is None or v is None else f(v) for f, v in zip(processors, r, strict=True)) for r in found]
