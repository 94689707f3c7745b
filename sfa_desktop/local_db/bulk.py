"""Bulk loading the replica (a first sync): secondary indexes dropped while rows pour in, built once
at the end. Like search (search.suspend_search), the missing indexes are themselves the record that
a load is running or was interrupted: `ensure_indexes` builds them again when the replica opens.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, Index

from sfa_desktop.local_db.models import STREAM_TABLES


def secondary_indexes() -> list[Index]:
    """The non-unique indexes of the replicated tables (the primary keys stay: upserts need them)."""
    out = []
    for model in STREAM_TABLES.values():
        out.extend(index for index in model.__table__.indexes if not index.unique)  # type: ignore[attr-defined]
    return sorted(out, key=lambda i: str(i.name))


def _present(conn: Connection) -> set[str]:
    return {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}


def suspend_indexes(conn: Connection) -> None:
    for index in secondary_indexes():
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index.name}")


def indexes_suspended(conn: Connection) -> bool:
    present = _present(conn)
    return any(str(index.name) not in present for index in secondary_indexes())


def missing_indexes(conn: Connection, tables: Collection[str] | None = None) -> list[Index]:
    """The secondary indexes not in the file (of these tables only, when given)."""
    present = _present(conn)
    return [index for index in secondary_indexes()
            if str(index.name) not in present and (tables is None or index.table.name in tables)]


def restore_indexes(conn: Connection) -> None:
    """Build the missing indexes (each in one pass over its table: far cheaper than row by row)."""
    for index in missing_indexes(conn):
        index.create(conn)


def ensure_indexes(conn: Connection) -> bool:
    """Repair after an interrupted bulk load; True when it had to. Cheap when all is well."""
    if not indexes_suspended(conn):
        return False
    restore_indexes(conn)
    return True
