"""SQLAlchemy 2 models of the replica: one table per sync stream, plus local-only tables.

Replicated tables carry exactly the columns of their stream in sfa_desktop/sync/protocol.py
(checked by a test), so the sync engine can upsert decoded rows with SQLAlchemy Core. Some have
a local `dirty` flag: the agent changed the row and the change is still in the outbox.

Referential rules: the server owns integrity. Only lines are bound to their document by a
(deferred) foreign key with ON DELETE CASCADE; other references (customer_id, product_id...) are
indexed but not enforced, since a row may refer to one outside the agent's scope.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    false,
    text,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sfa_desktop.local_db.coltypes import DecimalText, JSONString, JSONText, UTCDateTime, utc_now


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it as a class attribute
        Decimal: DecimalText(),
        dt.datetime: UTCDateTime(),
        dt.date: Date(),
        str: String(),
        int: Integer(),
        bool: Boolean(),
        bytes: LargeBinary(),
        Any: JSONText(),
    }


def _dirty() -> Mapped[bool]:
    return mapped_column(default=False, server_default=false())


def _line_parent(table: str) -> Any:
    return ForeignKey(f"{table}.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED")


# --------------------------------------------------------------------------- replicated streams

class Setting(Base):
    __tablename__ = "settings"
    id: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[Any | None]


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(primary_key=True)
    username: Mapped[str]
    full_name: Mapped[str | None]
    role: Mapped[str]
    agent_code: Mapped[str | None]
    max_line_discount: Mapped[Decimal | None]
    max_avg_discount: Mapped[Decimal | None]
    number_block_start: Mapped[int | None]
    number_block_end: Mapped[int | None]


class Warehouse(Base):
    __tablename__ = "warehouses"
    id: Mapped[str] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(index=True)
    name: Mapped[str]


class Product(Base):
    __tablename__ = "products"
    id: Mapped[str] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(index=True)
    name: Mapped[str]
    description: Mapped[str | None]
    unit: Mapped[str]
    vat_rate: Mapped[Decimal]
    category: Mapped[str | None] = mapped_column(index=True)
    brand: Mapped[str | None]
    barcode: Mapped[str | None] = mapped_column(index=True)
    pack_size: Mapped[Decimal | None]
    min_quantity: Mapped[Decimal | None]
    cost: Mapped[Decimal | None]
    active: Mapped[bool]
    vat_nature: Mapped[str | None]  # schema v4


class ProductDocument(Base):
    __tablename__ = "product_documents"
    id: Mapped[str] = mapped_column(primary_key=True)
    product_id: Mapped[str] = mapped_column(index=True)
    kind: Mapped[str]
    title: Mapped[str]
    filename: Mapped[str]
    media_type: Mapped[str]
    size: Mapped[int]
    sha256: Mapped[str]
    content: Mapped[bytes | None]


class StockLevel(Base):
    __tablename__ = "stock_levels"
    __table_args__ = (Index("ix_stock_levels_product_warehouse", "product_id", "warehouse_id"),)
    id: Mapped[str] = mapped_column(primary_key=True)
    product_id: Mapped[str]
    warehouse_id: Mapped[str]
    on_hand: Mapped[Decimal]
    reserved: Mapped[Decimal]
    available: Mapped[Decimal]
    incoming: Mapped[Decimal | None]
    incoming_date: Mapped[dt.date | None]
    as_of: Mapped[dt.datetime]


class PriceList(Base):
    __tablename__ = "price_lists"
    id: Mapped[str] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(index=True)
    name: Mapped[str]
    currency: Mapped[str]
    version: Mapped[int]
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    is_base: Mapped[bool]
    customer_group: Mapped[str | None]  # schema v4


class PriceListItem(Base):
    __tablename__ = "price_list_items"
    __table_args__ = (Index("ix_price_list_items_list_product", "price_list_id", "product_id"),)
    id: Mapped[str] = mapped_column(primary_key=True)
    price_list_id: Mapped[str]
    product_id: Mapped[str]
    min_quantity: Mapped[Decimal]
    price: Mapped[Decimal]


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(primary_key=True)
    erp_code: Mapped[str | None] = mapped_column(index=True)
    name: Mapped[str]
    vat_number: Mapped[str | None] = mapped_column(index=True)
    tax_code: Mapped[str | None]
    segment: Mapped[str | None]
    status: Mapped[str]
    payment_terms: Mapped[str | None]
    price_list_id: Mapped[str | None]
    default_discount: Mapped[str | None]
    credit_limit: Mapped[Decimal]
    balance: Mapped[Decimal]
    overdue_amount: Mapped[Decimal]
    language: Mapped[str]
    agent_id: Mapped[str | None]
    phone: Mapped[str | None]
    email: Mapped[str | None]
    city: Mapped[str | None]
    row_version: Mapped[int | None]
    dirty: Mapped[bool] = _dirty()
    # schema v4 (added at the end, as the upgrade of an older file adds them)
    price_group: Mapped[str | None]
    vat_exemption: Mapped[str | None]
    vat_exemption_ref: Mapped[str | None]


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(index=True)
    kind: Mapped[str]
    street: Mapped[str]
    city: Mapped[str]
    postal_code: Mapped[str | None]
    province: Mapped[str | None]
    country: Mapped[str]


class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(index=True)
    name: Mapped[str]
    role: Mapped[str | None]
    phone: Mapped[str | None]
    email: Mapped[str | None]


class OpenItem(Base):
    __tablename__ = "open_items"
    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(index=True)
    document_number: Mapped[str]
    document_date: Mapped[dt.date]
    due_date: Mapped[dt.date]
    amount: Mapped[Decimal]
    paid: Mapped[Decimal]


class _DocumentLine:
    """The columns quote lines and order lines share (the protocol gives both the same fields)."""

    line_no: Mapped[int]
    product_id: Mapped[str] = mapped_column(index=True)
    sku: Mapped[str]
    description: Mapped[str]
    quantity: Mapped[Decimal]
    unit: Mapped[str]
    unit_price: Mapped[Decimal]
    discount: Mapped[str | None]
    vat_rate: Mapped[Decimal]
    net_amount: Mapped[Decimal]
    price_list_id: Mapped[str | None]
    price_list_version: Mapped[int | None]
    # schema v4
    net_price: Mapped[Decimal | None]
    net_unit_price: Mapped[Decimal | None]
    vat_nature: Mapped[str | None]


class Quote(Base):
    __tablename__ = "quotes"
    id: Mapped[str] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(index=True)
    customer_id: Mapped[str] = mapped_column(index=True)
    agent_id: Mapped[str]
    status: Mapped[str] = mapped_column(index=True)
    revision: Mapped[int]
    previous_revision_id: Mapped[str | None]
    valid_until: Mapped[dt.date | None]
    currency: Mapped[str]
    document_discount: Mapped[str | None]
    notes: Mapped[str | None]
    customer_reference: Mapped[str | None]
    lost_reason: Mapped[str | None]
    taxable_total: Mapped[Decimal]
    vat_total: Mapped[Decimal]
    grand_total: Mapped[Decimal]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    dirty: Mapped[bool] = _dirty()
    # schema v3 (added at the end, as the upgrade of an older file adds them)
    won_reason: Mapped[str | None]
    deal_id: Mapped[str | None] = mapped_column(index=True)


class QuoteLine(_DocumentLine, Base):
    __tablename__ = "quote_lines"
    id: Mapped[str] = mapped_column(primary_key=True, sort_order=-2)
    quote_id: Mapped[str] = mapped_column(_line_parent("quotes"), index=True, sort_order=-1)


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[str] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(index=True)
    customer_id: Mapped[str]
    agent_id: Mapped[str]
    quote_id: Mapped[str | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(index=True)
    currency: Mapped[str]
    document_discount: Mapped[str | None]
    notes: Mapped[str | None]
    customer_reference: Mapped[str | None]
    taxable_total: Mapped[Decimal]
    vat_total: Mapped[Decimal]
    grand_total: Mapped[Decimal]
    approval_reasons: Mapped[Any | None]
    decision_note: Mapped[str | None]
    decided_by: Mapped[str | None]
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    dirty: Mapped[bool] = _dirty()
    #: The customer's signature "per accettazione" (domain.signature path data), None when unsigned.
    #: Last, where replica step 6 adds it to an existing file (both schemas stay the same).
    signature: Mapped[str | None]


class OrderLine(_DocumentLine, Base):
    __tablename__ = "order_lines"
    id: Mapped[str] = mapped_column(primary_key=True, sort_order=-2)
    order_id: Mapped[str] = mapped_column(_line_parent("orders"), index=True, sort_order=-1)


class Activity(Base):
    __tablename__ = "activities"
    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str]
    agent_id: Mapped[str]
    kind: Mapped[str]
    subject: Mapped[str]
    notes: Mapped[str | None]
    occurred_at: Mapped[dt.datetime] = mapped_column(index=True)
    dirty: Mapped[bool] = _dirty()
    # schema v5: the agenda (occurred_at is the done time, or the planned one until done)
    planned_at: Mapped[dt.datetime | None]
    duration_minutes: Mapped[int | None]
    done_at: Mapped[dt.datetime | None]
    outcome: Mapped[str | None]
    next_action: Mapped[str | None]
    next_action_at: Mapped[dt.datetime | None]
    follow_up_of: Mapped[str | None]


class Deal(Base):
    __tablename__ = "deals"
    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(index=True)
    agent_id: Mapped[str]
    title: Mapped[str]
    stage: Mapped[str]
    amount: Mapped[Decimal | None]
    expected_close: Mapped[dt.date | None]
    updated_at: Mapped[dt.datetime]
    dirty: Mapped[bool] = _dirty()
    close_reason: Mapped[str | None]  # schema v3
    stage_history: Mapped[Any | None]  # schema v5: [{"stage", "from", "at", "reason"}], oldest first


def _units_sql(column: str) -> str:
    """SQL giving a decimal column's exact text as a whole number of ten-thousandths (-12.5 -> -125000).

    The text is the wire's fixed-point decimal (the server stores Numeric(18, 4)); anything else (an
    exponent, more than four decimals) gives NULL, which the readers count and sum from the text.

    The server's own form, exactly four decimals and at most 14 digits before them ("-12.5000"), is
    read by dropping the point: 8 calls per value instead of 14, half the time (0.20 -> 0.105 s per
    column over a first sync's 244k lines, docs/benchmarks.md). Any other text takes the general way
    (units_sql_general); the two give the same number for every text
    (tests/unit/local_db/test_sales_units.py), so a replica created before reads the same.
    """
    return (f"CASE WHEN {column} GLOB '*.[0-9][0-9][0-9][0-9]' AND instr({column}, '.') = length({column}) - 4 "
            f"AND length({column}) <= 19 AND NOT ({column} GLOB '*[^0-9.-]*' OR {column} GLOB '?*-*') "
            f"THEN CAST(replace({column}, '.', '') AS INTEGER) ELSE {units_sql_general(column)} END")


def units_sql_general(column: str) -> str:
    """_units_sql for any text (the expression of replicas created before its fast way)."""
    fraction = f"rtrim(substr({column}, instr({column}, '.') + 1), '0')"
    return (f"CASE WHEN {column} GLOB '*[^0-9.-]*' OR {column} GLOB '?*-*' THEN NULL "
            f"WHEN instr({column}, '.') = 0 THEN CAST({column} AS INTEGER) * 10000 "
            f"WHEN length({fraction}) > 4 THEN NULL "
            f"ELSE CAST(substr({column}, 1, instr({column}, '.') - 1) AS INTEGER) * 10000 "
            f"+ (CASE WHEN substr({column}, 1, 1) = '-' THEN -1 ELSE 1 END) "
            f"* CAST(substr({fraction} || '0000', 1, 4) AS INTEGER) END")


#: One ten-thousandth: the unit of the *_units columns.
NET_UNIT = Decimal("0.0001")


class SalesHistory(Base):
    """An invoiced line of the ERP.

    The hundreds of thousands of lines are summed in SQL, exactly: `net_units` and `quantity_units`
    (local, computed by SQLite from the exact text) are whole numbers of ten-thousandths, and the
    covering indexes below hold them, so the sums read an index and no row. They are stored, not
    virtual: computed once as a row arrives instead of once per index built over it (a first sync
    builds four, measured 2.8 s against 1.6 s for 251k lines).
    """

    __tablename__ = "sales_history"
    __table_args__ = (
        # a customer's purchases by day (the pyramid, top customers)
        Index("ix_sales_history_customer_day", "customer_id", "document_date", "net_units"),
        # a product's sales (top products, with the quantity sold)
        Index("ix_sales_history_product_day", "product_id", "document_date", "net_units", "quantity_units"),
        # a period's sales, by month and by category (sales against target)
        Index("ix_sales_history_day", "document_date", "category", "net_units"),
        # the lines the integer columns cannot read (none, unless a server sent odd text): found at once
        Index("ix_sales_history_unreadable", "id", sqlite_where=text("net_units IS NULL OR quantity_units IS NULL")),
    )
    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str]
    product_id: Mapped[str]
    document_number: Mapped[str]
    document_date: Mapped[dt.date]
    line_no: Mapped[int | None]
    quantity: Mapped[Decimal]
    unit: Mapped[str | None]
    net_amount: Mapped[Decimal]
    category: Mapped[str | None]
    net_units: Mapped[int | None] = mapped_column(Computed(_units_sql("net_amount"), persisted=True))
    quantity_units: Mapped[int | None] = mapped_column(Computed(_units_sql("quantity"), persisted=True))


class Target(Base):
    __tablename__ = "targets"
    id: Mapped[str] = mapped_column(primary_key=True)
    agent_id: Mapped[str]
    month: Mapped[dt.date] = mapped_column(index=True)
    category: Mapped[str | None]
    amount: Mapped[Decimal]


class ProspectReview(Base):
    """What the office decided about a prospect the agent brought in."""

    __tablename__ = "prospect_reviews"
    id: Mapped[str] = mapped_column(primary_key=True)
    agent_id: Mapped[str]
    customer_id: Mapped[str | None]
    name: Mapped[str]
    status: Mapped[str]
    note: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    decided_at: Mapped[dt.datetime | None]


# Indexes the screens need (measured in benchmarks/bench_reads.py): the last visit and the
# not-visited filter, last order / open orders / history per customer, the latest revision of a
# quote, the brand filter and the catalog sorted by name.
Index("ix_activities_customer_kind_occurred", Activity.customer_id, Activity.kind, Activity.occurred_at)
Index("ix_orders_customer_status_created", Order.customer_id, Order.status, Order.created_at)
Index("ix_quotes_previous_revision", Quote.previous_revision_id)
Index("ix_products_brand", Product.brand)
Index("ix_products_name_nocase", Product.__table__.c.name.collate("NOCASE"))
#: Indexes added by schema v4 (created by its upgrade step too).
V4_INDEXES = ("ix_activities_customer_kind_occurred", "ix_orders_customer_status_created",
              "ix_quotes_previous_revision", "ix_products_brand", "ix_products_name_nocase")

#: Replicated table per stream name, in the order of the protocol's STREAMS.
STREAM_TABLES: dict[str, type[Base]] = {
    m.__tablename__: m for m in (
        Setting, User, Warehouse, Product, ProductDocument, StockLevel, PriceList, PriceListItem,
        Customer, Address, Contact, OpenItem, Quote, QuoteLine, Order, OrderLine, Activity, Deal,
        SalesHistory, Target, ProspectReview)
}
#: Columns that exist only in the replica (not sent by the server).
LOCAL_COLUMNS: frozenset[str] = frozenset({"dirty", "net_units", "quantity_units"})
#: Lines belong to a document: stream -> (document stream, key of the document in the line).
LINE_PARENTS: dict[str, tuple[str, str]] = {
    "quote_lines": ("quotes", "quote_id"),
    "order_lines": ("orders", "order_id"),
}


def table_of(stream: str) -> Table:
    """The replica's table of a stream."""
    return STREAM_TABLES[stream].__table__  # type: ignore[attr-defined,no-any-return]


def has_dirty(stream: str) -> bool:
    """True when rows of the stream can carry the agent's unsent change (a `dirty` flag)."""
    return "dirty" in table_of(stream).c


def line_streams_of(stream: str) -> tuple[str, ...]:
    """The line streams whose rows belong to documents of `stream` (quotes -> quote_lines)."""
    return tuple(s for s, (parent, _) in LINE_PARENTS.items() if parent == stream)


# --------------------------------------------------------------------------- local only

OUTBOX_STATUSES = ("pending", "sent", "held", "failed", "done")
CONFLICT_STATUSES = ("open", "resolved")


def _next_outbox_seq(context: DefaultExecutionContext) -> int:
    # One query per statement, then counting up: an executemany of N commands gets N
    # consecutive numbers (a SQL subquery default would give them all the same one).
    last = getattr(context, "_sfa_outbox_seq", None)
    if last is None:
        last = context.connection.scalar(text("SELECT coalesce(max(seq), 0) FROM outbox"))
    context._sfa_outbox_seq = last + 1  # type: ignore[attr-defined]
    return last + 1


class SyncCursor(Base):
    """The single row holding where the last successful pull stopped."""

    __tablename__ = "sync_cursor"
    __table_args__ = (CheckConstraint("id = 1", name="ck_sync_cursor_single_row"),)
    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    cursor: Mapped[str | None]
    last_success_at: Mapped[dt.datetime | None]
    #: The last failure as a message ({"code", "params"}).
    last_error: Mapped[Any | None] = mapped_column(JSONString())


class OutboxCommand(Base):
    """A business command waiting to be pushed (protocol.Command), in `seq` order."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTBOX_STATUSES!r}", name="ck_outbox_status"),
        Index("ix_outbox_status_seq", "status", "seq"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True, default=_next_outbox_seq)
    type: Mapped[str]
    payload: Mapped[Any]
    depends_on: Mapped[Any] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    #: Why it waits or failed, as a message ({"code", "params"}) rendered in the agent's language.
    last_error: Mapped[Any | None] = mapped_column(JSONString())
    next_attempt_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class Conflict(Base):
    """An entry of the conflict inbox: a rejection or a server change the agent must see."""

    __tablename__ = "conflicts"
    __table_args__ = (
        CheckConstraint(f"status IN {CONFLICT_STATUSES!r}", name="ck_conflicts_status"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    command_id: Mapped[str | None] = mapped_column(index=True)
    kind: Mapped[str]
    #: What happened and why, as messages ({"code", "params"}).
    title: Mapped[Any] = mapped_column(JSONString())
    message: Mapped[Any] = mapped_column(JSONString())
    local_value: Mapped[Any | None]
    server_value: Mapped[Any | None]
    choices: Mapped[Any] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(default="open", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    resolved_choice: Mapped[str | None]
    resolved_at: Mapped[dt.datetime | None]


class Update(Base):
    """Something the agent should see since they last looked (an order approved or rejected...)."""

    __tablename__ = "updates"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    kind: Mapped[str]
    stream: Mapped[str | None]
    row_id: Mapped[str | None]
    #: What happened, as a message ({"code", "params"}).
    message: Mapped[Any]
    seen: Mapped[bool] = mapped_column(default=False, server_default=false(), index=True)


class LocalSetting(Base):
    """Device preferences and state that never leave the machine (not the key, never secrets)."""

    __tablename__ = "local_settings"
    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[Any | None]


class NumberSequence(Base):
    """Last document number used locally, per kind (quote, order) and year."""

    __tablename__ = "number_sequence"
    __table_args__ = (CheckConstraint("last_used >= 0", name="ck_number_sequence_non_negative"),)
    kind: Mapped[str] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_used: Mapped[int] = mapped_column(default=0)


class CustomerRank(Base):
    """Each customer's place in the pyramid and its temperature (domain.pyramid), computed from the
    replica after a sync (operations.pyramid.refresh_pyramid); a filter of the customer lists. The
    figures are kept, not the sentences: domain.pyramid.explain words them where they are shown."""

    __tablename__ = "customer_ranks"
    customer_id: Mapped[str] = mapped_column(primary_key=True)
    pyramid_class: Mapped[str] = mapped_column(index=True)
    temperature: Mapped[str] = mapped_column(index=True)
    last_purchase: Mapped[dt.date | None]
    usual_interval_days: Mapped[int | None]
    active_months: Mapped[int]
    year_value: Mapped[Decimal]
    recent_value: Mapped[Decimal]
    previous_value: Mapped[Decimal]
    #: The last contact (activity done, quote, deal) that made a customer without purchases a prospect.
    last_contact: Mapped[dt.date | None]
    #: The day the rank was computed for (the read functions explain it as of their own today).
    computed_on: Mapped[dt.date]
