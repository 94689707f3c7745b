"""Versioned schema of the replica (PRAGMA user_version): create new files, upgrade old ones.

A new file gets the current schema directly. An older file runs each step after its version,
all in one transaction with the new version number, so an interrupted upgrade leaves the old
version intact. A file newer than this app is refused before anything is written to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, exc

from sfa_desktop.local_db import search
from sfa_desktop.local_db.engine import classify_open_error, connect_raw
from sfa_desktop.local_db.errors import ReplicaCorruptError, ReplicaTooNewError
from sfa_desktop.local_db.models import V4_INDEXES, Base

log = logging.getLogger(__name__)

#: Marks a file as a replica of this application (PRAGMA application_id, "SFAD").
APPLICATION_ID = 0x53464144


def _v2_search(conn: Connection) -> None:
    """v2: FTS5 search over products and customers, indexing the rows already present."""
    search.create_search_schema(conn)


#: Columns each step adds to replicated streams: the next sync pulls those streams again.
_V3_COLUMNS = {"quotes": ("won_reason VARCHAR", "deal_id VARCHAR"), "deals": ("close_reason VARCHAR",)}


def _as_message(conn: Connection, table: str, column: str) -> None:
    """Plain text of an older version becomes a message {"code": "text", "params": {"text": ...}}."""
    conn.exec_driver_sql(
        f"UPDATE {table} SET {column} = json_object('code', 'text', 'params', json_object('text', {column})) "
        f"WHERE {column} IS NOT NULL AND NOT json_valid({column})")


def _v3_messages(conn: Connection) -> None:
    """v3: messages as codes (outbox, conflicts, sync state), the updates list, reasons and deal links,
    search triggers that skip unchanged words."""
    for table, columns in _V3_COLUMNS.items():
        for column in columns:
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column}")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_quotes_deal_id ON quotes (deal_id)")
    for table, column in (("outbox", "last_error"), ("conflicts", "title"), ("conflicts", "message"),
                          ("sync_cursor", "last_error")):
        _as_message(conn, table, column)
    Base.metadata.tables["updates"].create(conn, checkfirst=True)
    if not search.search_suspended(conn):  # else the repair after the interrupted load creates them
        search.replace_triggers(conn)  # the search index is updated only when its words change
    _request_resync(conn, sorted(_V3_COLUMNS))


def _request_resync(conn: Connection, streams: list[str]) -> None:
    """Ask the next sync to pull `streams` again (their new columns), keeping the outbox."""
    import json

    row = conn.exec_driver_sql("SELECT value FROM local_settings WHERE key = 'sync.resync_streams'").first()
    wanted = sorted(set(json.loads(row[0]) if row and row[0] else []) | set(streams))
    conn.exec_driver_sql("INSERT INTO local_settings (key, value) VALUES ('sync.resync_streams', ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (json.dumps(wanted),))


#: v4 columns: customer price groups and VAT exemptions, group price lists, exemption natures of
#: products and lines, agreed net prices and the net unit price as shown.
_V4_COLUMNS = {
    "products": ("vat_nature VARCHAR",),
    "price_lists": ("customer_group VARCHAR",),
    "customers": ("price_group VARCHAR", "vat_exemption VARCHAR", "vat_exemption_ref VARCHAR"),
    "quote_lines": ("net_price VARCHAR", "net_unit_price VARCHAR", "vat_nature VARCHAR"),
    "order_lines": ("net_price VARCHAR", "net_unit_price VARCHAR", "vat_nature VARCHAR"),
}


def _v4_pricing(conn: Connection) -> None:
    """v4: the fields of one pricing of a document (groups, exemptions, net prices); the next sync
    pulls those streams again to fill them."""
    for table, columns in _V4_COLUMNS.items():
        for column in columns:
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column}")
    for table in Base.metadata.tables.values():  # the indexes the screens need
        for index in table.indexes:
            if index.name in V4_INDEXES:
                index.create(conn, checkfirst=True)
    _request_resync(conn, sorted(_V4_COLUMNS))


#: v5 columns of the agenda and of the deals' stage history.
_V5_COLUMNS = {
    "activities": ("planned_at VARCHAR", "duration_minutes INTEGER", "done_at VARCHAR", "outcome VARCHAR",
                   "next_action VARCHAR", "next_action_at VARCHAR", "follow_up_of VARCHAR"),
    "deals": ("stage_history TEXT",),
}
_V5_TABLES = ("sales_history", "targets", "prospect_reviews", "customer_ranks")
#: v1 indexes no screen needs: every row of an agent's replica has the same agent, and a composite
#: index starting with the same column serves the others' reads (docs/replica.md, "Indexes")
_V5_UNNEEDED_INDEXES = ("ix_price_list_items_product_id", "ix_customers_agent_id", "ix_quotes_agent_id",
                        "ix_orders_agent_id", "ix_orders_customer_id", "ix_activities_customer_id")


def _v5_crm(conn: Connection) -> None:
    """v5: the CRM (sales history, targets, prospect reviews, the pyramid's ranks; the agenda's and the
    stage history's columns). Activities and deals are pulled again for their new columns."""
    for table, columns in _V5_COLUMNS.items():
        for column in columns:
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column}")
    for name in _V5_TABLES:
        Base.metadata.tables[name].create(conn, checkfirst=True)
    for index in _V5_UNNEEDED_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")
    _request_resync(conn, sorted(_V5_COLUMNS))


def _v6_signature(conn: Connection) -> None:
    """v6: the customer's signature on an order; orders are pulled again to fill it."""
    conn.exec_driver_sql("ALTER TABLE orders ADD COLUMN signature VARCHAR")
    _request_resync(conn, ["orders"])


#: indexes no read of a screen uses (docs/benchmarks.md, issue 16: the replica's indexes, each with
#: the screen that needs it): the warehouse's stock is read by product, a customer's price list by its
#: id, the prospect reviews all at once; each cost a pass at the end of a first sync and disk space
_V7_UNNEEDED_INDEXES = ("ix_stock_levels_warehouse_id", "ix_customers_price_list_id",
                        "ix_prospect_reviews_customer_id")


def _v7_unneeded_indexes(conn: Connection) -> None:
    """v7: three indexes no screen reads through, dropped (nothing to pull again)."""
    for index in _V7_UNNEEDED_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")


def _v8_search_merges_when_idle(conn: Connection) -> None:
    """v8: the search indexes merge their segments in idle steps, not in every sync's commit."""
    search.merge_when_idle(conn)


#: Step that brings a file from version n-1 to version n. v1 is the first released schema.
STEPS: dict[int, Callable[[Connection], None]] = {
    2: _v2_search,
    3: _v3_messages,
    4: _v4_pricing,
    5: _v5_crm,
    # MERGE: renumber after the steps of other branches (it only adds orders.signature)
    6: _v6_signature,
    7: _v7_unneeded_indexes,
    8: _v8_search_merges_when_idle,
}
LATEST_VERSION = max(STEPS)


def too_new_message(path: Path, version: int) -> str:
    return (f"The local database {path} was written by a newer version of SFA Desktop (schema "
            f"{version}, this version knows up to {LATEST_VERSION}). Update the application; "
            f"the file was left as it is.")


def read_version(path: Path, key: bytes) -> int:
    """Schema version of an existing file, read without writing anything to it.

    Raises ReplicaLockedError / ReplicaCorruptError / ReplicaTooNewError.
    """
    try:
        conn = connect_raw(path, key, configure=False)
    except Exception as error:
        raise classify_open_error(path, error) from error
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except Exception as error:
        raise classify_open_error(path, error) from error
    finally:
        conn.close()
    if app_id not in (0, APPLICATION_ID) or (version == 0 and tables):
        raise ReplicaCorruptError(
            f"The file {path} is not a local database of SFA Desktop. Choose another location "
            f"or sync again to create one; the file was left as it is.", path=path)
    if version > LATEST_VERSION:
        raise ReplicaTooNewError(too_new_message(path, version), path=path)
    return version


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)
    search.create_search_schema(conn)
    conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def upgrade(engine: Engine, *, path: Path, from_version: int,
            on_upgrade: Callable[[int, int], None] | None = None) -> int:
    """Bring the file to LATEST_VERSION in one transaction; returns the version it had."""
    if from_version > LATEST_VERSION:
        raise ReplicaTooNewError(too_new_message(path, from_version), path=path)
    if from_version == LATEST_VERSION:
        return from_version
    with engine.connect().execution_options(sfa_write=True) as conn, conn.begin():
        current = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
        if current != from_version:  # another process upgraded it meanwhile
            if current > LATEST_VERSION:
                raise ReplicaTooNewError(too_new_message(path, current), path=path)
            from_version = current
        if from_version == 0:
            _create(conn)
        else:
            for version in range(from_version + 1, LATEST_VERSION + 1):
                log.info("upgrading replica %s to schema %s", path.name, version)
                try:
                    STEPS[version](conn)
                except exc.IntegrityError as error:
                    raise ReplicaCorruptError(
                        f"The local database {path} could not be upgraded ({error.orig}). Sync "
                        f"again to rebuild it; the file was left as it is.", path=path) from error
        conn.exec_driver_sql(f"PRAGMA user_version = {LATEST_VERSION}")
    if on_upgrade is not None and from_version:
        on_upgrade(from_version, LATEST_VERSION)
    return from_version
