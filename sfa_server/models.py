"""SQLAlchemy 2 models of the server: one table per replicated stream plus internal tables.

Every replicated table carries (change_tx, change_seq), set only through sfa_server.changes,
which is what the change feed orders and pages by.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

ID = String(100)
MONEY = Numeric(18, 4)
TS = DateTime(timezone=True)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012
        str: String(255),
        Decimal: MONEY,
        dt.datetime: TS,
        dt.date: Date,
        int: Integer,
        bool: Boolean,
        dict[str, Any]: JSON,
        Any: JSON,
        bytes: LargeBinary,
    }


class Synced:
    """Mixin of every replicated table: the change stamp the feed follows."""

    __stream__: str

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    change_tx: Mapped[int] = mapped_column(BigInteger, default=0)
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (Index(f"ix_{cls.__tablename__}_change", "change_tx", "change_seq"),)


# --------------------------------------------------------------------------- global streams


class Setting(Synced, Base):
    __tablename__ = "settings"
    __stream__ = "settings"
    value: Mapped[Any | None] = mapped_column(JSON)


class User(Synced, Base):
    __tablename__ = "users"
    __stream__ = "users"
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str | None]
    role: Mapped[str] = mapped_column(String(20))  # agent | office | admin
    agent_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    max_line_discount: Mapped[Decimal | None]
    max_avg_discount: Mapped[Decimal | None]
    number_block_start: Mapped[int | None] = mapped_column(BigInteger)
    number_block_end: Mapped[int | None] = mapped_column(BigInteger)
    # internal, never on the wire
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Warehouse(Synced, Base):
    __tablename__ = "warehouses"
    __stream__ = "warehouses"
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str]


class Product(Synced, Base):
    __tablename__ = "products"
    __stream__ = "products"
    sku: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(20))
    vat_rate: Mapped[Decimal]
    category: Mapped[str | None]
    brand: Mapped[str | None]
    barcode: Mapped[str | None] = mapped_column(String(50))
    pack_size: Mapped[Decimal | None]
    min_quantity: Mapped[Decimal | None]
    cost: Mapped[Decimal | None]
    active: Mapped[bool] = mapped_column(default=True)
    # the FatturaPA exemption nature of a product sold at 0 % (domain.vat)
    vat_nature: Mapped[str | None] = mapped_column(String(10))


class ProductDocument(Synced, Base):
    __tablename__ = "product_documents"
    __stream__ = "product_documents"
    product_id: Mapped[str] = mapped_column(ID, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str]
    filename: Mapped[str]
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)


class StockLevel(Synced, Base):
    __tablename__ = "stock_levels"
    __stream__ = "stock_levels"
    product_id: Mapped[str] = mapped_column(ID, index=True)
    warehouse_id: Mapped[str] = mapped_column(ID)
    on_hand: Mapped[Decimal]
    reserved: Mapped[Decimal]
    available: Mapped[Decimal]
    incoming: Mapped[Decimal | None]
    incoming_date: Mapped[dt.date | None]
    as_of: Mapped[dt.datetime]


# --------------------------------------------------------------------------- agent-scoped streams


class PriceList(Synced, Base):
    __tablename__ = "price_lists"
    __stream__ = "price_lists"
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str]
    currency: Mapped[str] = mapped_column(String(3))
    version: Mapped[int]
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    is_base: Mapped[bool] = mapped_column(default=False, index=True)
    # the customers' price group this list is for (None: not a group list)
    customer_group: Mapped[str | None] = mapped_column(String(80), index=True)


class PriceListItem(Synced, Base):
    __tablename__ = "price_list_items"
    __stream__ = "price_list_items"
    price_list_id: Mapped[str] = mapped_column(ID)
    product_id: Mapped[str] = mapped_column(ID)
    min_quantity: Mapped[Decimal]
    price: Mapped[Decimal]

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            Index("ix_price_list_items_change", "change_tx", "change_seq"),
            Index("ix_price_list_items_list_product", "price_list_id", "product_id"),
        )


class Customer(Synced, Base):
    __tablename__ = "customers"
    __stream__ = "customers"
    erp_code: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    vat_number: Mapped[str | None] = mapped_column(String(40))
    tax_code: Mapped[str | None] = mapped_column(String(40))
    segment: Mapped[str | None]
    status: Mapped[str] = mapped_column(String(20), default="active")  # active|blocked|prospect
    payment_terms: Mapped[str | None]
    price_list_id: Mapped[str | None] = mapped_column(ID, index=True)
    default_discount: Mapped[str | None] = mapped_column(String(100))
    credit_limit: Mapped[Decimal] = mapped_column(default=Decimal(0))
    balance: Mapped[Decimal] = mapped_column(default=Decimal(0))
    overdue_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    language: Mapped[str] = mapped_column(String(10), default="it")
    agent_id: Mapped[str | None] = mapped_column(ID, index=True)
    phone: Mapped[str | None]
    email: Mapped[str | None]
    city: Mapped[str | None]
    row_version: Mapped[int | None] = mapped_column(default=1)
    price_group: Mapped[str | None] = mapped_column(String(80))
    # a VAT exemption on every taxable line (e.g. N3.5, dichiarazione d'intento) and its reference
    vat_exemption: Mapped[str | None] = mapped_column(String(10))
    vat_exemption_ref: Mapped[str | None] = mapped_column(String(200))

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            Index("ix_customers_change", "change_tx", "change_seq"),
            # the price lists in an agent's scope (own lists, group lists), read by index only
            Index("ix_customers_agent_price_list", "agent_id", "price_list_id"),
            Index("ix_customers_agent_price_group", "agent_id", "price_group"),
        )


class Address(Synced, Base):
    __tablename__ = "addresses"
    __stream__ = "addresses"
    customer_id: Mapped[str] = mapped_column(ID, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    street: Mapped[str]
    city: Mapped[str]
    postal_code: Mapped[str | None] = mapped_column(String(20))
    province: Mapped[str | None] = mapped_column(String(10))
    country: Mapped[str] = mapped_column(String(2), default="IT")


class Contact(Synced, Base):
    __tablename__ = "contacts"
    __stream__ = "contacts"
    customer_id: Mapped[str] = mapped_column(ID, index=True)
    name: Mapped[str]
    role: Mapped[str | None]
    phone: Mapped[str | None]
    email: Mapped[str | None]


class OpenItem(Synced, Base):
    __tablename__ = "open_items"
    __stream__ = "open_items"
    customer_id: Mapped[str] = mapped_column(ID, index=True)
    document_number: Mapped[str] = mapped_column(String(80))
    document_date: Mapped[dt.date]
    due_date: Mapped[dt.date]
    amount: Mapped[Decimal]
    paid: Mapped[Decimal] = mapped_column(default=Decimal(0))


class DocumentLine:
    """The columns quote lines and order lines share (the protocol gives both the same fields)."""

    line_no: Mapped[int]
    product_id: Mapped[str] = mapped_column(ID)
    sku: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(1000))
    quantity: Mapped[Decimal]
    unit: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal]
    discount: Mapped[str | None] = mapped_column(String(100))
    vat_rate: Mapped[Decimal]
    net_amount: Mapped[Decimal]
    price_list_id: Mapped[str | None] = mapped_column(ID)
    price_list_version: Mapped[int | None]
    # a net unit price the agent agreed instead of a discount; the net unit price as shown
    net_price: Mapped[Decimal | None]
    net_unit_price: Mapped[Decimal | None]
    vat_nature: Mapped[str | None] = mapped_column(String(10))


class Quote(Synced, Base):
    __tablename__ = "quotes"
    __stream__ = "quotes"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[str] = mapped_column(ID, index=True)
    agent_id: Mapped[str] = mapped_column(ID, index=True)
    status: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(default=1)
    previous_revision_id: Mapped[str | None] = mapped_column(ID)
    valid_until: Mapped[dt.date | None]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    document_discount: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    customer_reference: Mapped[str | None]
    lost_reason: Mapped[str | None] = mapped_column(Text)
    won_reason: Mapped[str | None] = mapped_column(Text)
    deal_id: Mapped[str | None] = mapped_column(ID, index=True)
    taxable_total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    vat_total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    grand_total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # internal: the day the quote was priced (honoured while the quote is valid)
    priced_on: Mapped[dt.date | None]


class QuoteLine(DocumentLine, Synced, Base):
    __tablename__ = "quote_lines"
    __stream__ = "quote_lines"
    quote_id: Mapped[str] = mapped_column(ID, index=True)


class Order(Synced, Base):
    __tablename__ = "orders"
    __stream__ = "orders"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[str] = mapped_column(ID, index=True)
    agent_id: Mapped[str] = mapped_column(ID, index=True)
    quote_id: Mapped[str | None] = mapped_column(ID)
    status: Mapped[str] = mapped_column(String(20), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    document_discount: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    customer_reference: Mapped[str | None]
    taxable_total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    vat_total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    grand_total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    approval_reasons: Mapped[Any | None] = mapped_column(JSON)
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The customer's signature "per accettazione" (sfa_desktop.domain.signature path data).
    signature: Mapped[str | None] = mapped_column(Text)
    # internal: who submitted it (nobody approves their own order)
    created_by: Mapped[str | None] = mapped_column(ID)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            Index("ix_orders_change", "change_tx", "change_seq"),
            # the office's approval queue in page order (oldest first), of everybody or of one agent
            Index("ix_orders_queue", "status", "created_at", "id"),
            Index("ix_orders_queue_agent", "status", "agent_id", "created_at", "id"),
        )


class OrderLine(DocumentLine, Synced, Base):
    __tablename__ = "order_lines"
    __stream__ = "order_lines"
    order_id: Mapped[str] = mapped_column(ID, index=True)
    # internal: list price and cost at submission, for approval figures
    list_price: Mapped[Decimal | None]
    unit_cost: Mapped[Decimal | None]


class Activity(Synced, Base):
    __tablename__ = "activities"
    __stream__ = "activities"
    customer_id: Mapped[str] = mapped_column(ID, index=True)
    agent_id: Mapped[str] = mapped_column(ID, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[dt.datetime]
    # the agenda (0006): occurred_at is done_at once done, planned_at until then
    planned_at: Mapped[dt.datetime | None]
    duration_minutes: Mapped[int | None]
    done_at: Mapped[dt.datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)
    next_action: Mapped[str | None] = mapped_column(String(500))
    next_action_at: Mapped[dt.datetime | None]
    follow_up_of: Mapped[str | None] = mapped_column(ID)


class Deal(Synced, Base):
    __tablename__ = "deals"
    __stream__ = "deals"
    customer_id: Mapped[str] = mapped_column(ID, index=True)
    agent_id: Mapped[str] = mapped_column(ID, index=True)
    title: Mapped[str] = mapped_column(String(500))
    stage: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal | None]
    expected_close: Mapped[dt.date | None]
    close_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    stage_history: Mapped[Any | None] = mapped_column(JSON)  # 0006: lifecycle.deal_stage_entry, oldest first


class SalesHistory(Synced, Base):
    """An invoiced line of the ERP (imported; pruned by age: sfa_server.sales_history)."""

    __tablename__ = "sales_history"
    __stream__ = "sales_history"
    customer_id: Mapped[str] = mapped_column(ID, index=True)
    product_id: Mapped[str] = mapped_column(ID)
    document_number: Mapped[str] = mapped_column(String(80))
    document_date: Mapped[dt.date] = mapped_column(index=True)
    line_no: Mapped[int | None]
    quantity: Mapped[Decimal]
    unit: Mapped[str | None] = mapped_column(String(20))
    net_amount: Mapped[Decimal]
    category: Mapped[str | None]


class Target(Synced, Base):
    """An agent's sales target for a month (its first day), in total or for one product category."""

    __tablename__ = "targets"
    __stream__ = "targets"
    agent_id: Mapped[str] = mapped_column(ID, index=True)
    month: Mapped[dt.date]
    category: Mapped[str | None]
    amount: Mapped[Decimal]


class ProspectReview(Synced, Base):
    """The office's review of a prospect an agent created (sfa_server.prospects).

    On the wire the agent sees its outcome only; the probable duplicates (other agents' customers
    among them) and who decided stay here."""

    __tablename__ = "prospect_reviews"
    __stream__ = "prospect_reviews"
    agent_id: Mapped[str] = mapped_column(ID, index=True)
    #: the prospect's customer id while pending or once accepted; after a merge the customer it went
    #: into, when that one is the same agent's (else None: the agent does not learn others' customers)
    customer_id: Mapped[str | None] = mapped_column(ID)
    name: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending | accepted | merged
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]
    # internal, never on the wire
    candidates: Mapped[Any | None] = mapped_column(JSON)  # [{"customer_id", "score", "reasons"}]
    decided_by: Mapped[str | None] = mapped_column(String(100))
    merged_into: Mapped[str | None] = mapped_column(ID)
    erp_code: Mapped[str | None] = mapped_column(String(80))


#: stream name -> model class
STREAM_MODELS: dict[str, type[Synced]] = {
    cls.__stream__: cls
    for cls in (
        Setting,
        User,
        Warehouse,
        Product,
        ProductDocument,
        StockLevel,
        PriceList,
        PriceListItem,
        Customer,
        Address,
        Contact,
        OpenItem,
        Quote,
        QuoteLine,
        Order,
        OrderLine,
        Activity,
        Deal,
        SalesHistory,
        Target,
        ProspectReview,
    )
}


# --------------------------------------------------------------------------- internal tables


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    #: Access tokens issued before this are refused at once (refresh token reuse, logout).
    tokens_revoked_at: Mapped[dt.datetime | None]
    number_block_start: Mapped[int] = mapped_column(BigInteger)
    number_block_end: Mapped[int] = mapped_column(BigInteger)


class NumberBlock(Base):
    """Every block of document sequences a device was given (its numbers stay valid after renewal)."""

    __tablename__ = "number_blocks"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    start: Mapped[int] = mapped_column(BigInteger)
    end: Mapped[int] = mapped_column(BigInteger)
    allocated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ID, index=True)
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    rotated_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class AppliedCommand(Base):
    """Exactly-once record: written in the same transaction as the command's effects."""

    __tablename__ = "applied_commands"
    command_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, index=True)
    device_id: Mapped[str | None] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(40))
    result: Mapped[Any] = mapped_column(JSON)
    applied_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[str | None] = mapped_column(ID)
    actor: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(ID)
    details: Mapped[Any | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)


class Tombstone(Base):
    """A deleted row. agent_id NULL = every client; else only that agent's clients."""

    __tablename__ = "tombstones"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    stream: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(ID)
    agent_id: Mapped[str | None] = mapped_column(ID)
    change_tx: Mapped[int] = mapped_column(BigInteger)
    change_seq: Mapped[int] = mapped_column(BigInteger)
    # when the delete happened (history retention, sfa_server.retention); NULL = before 0002
    recorded_at: Mapped[dt.datetime | None] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_tombstones_change", "change_tx", "change_seq"),)


class ScopeRemoval(Base):
    """A row that left an agent's scope (customer reassigned): sent to that agent as a delete."""

    __tablename__ = "scope_removals"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    agent_id: Mapped[str] = mapped_column(ID)
    stream: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(ID)
    change_tx: Mapped[int] = mapped_column(BigInteger)
    change_seq: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[dt.datetime | None] = mapped_column(default=utcnow)  # see Tombstone

    __table_args__ = (Index("ix_scope_removals_agent_change", "agent_id", "change_tx", "change_seq"),)


class ScopeGrant(Base):
    """A row that entered an agent's scope without changing itself (e.g. a price list now used by
    one of the agent's customers): the feed sends that agent the row's current values."""

    __tablename__ = "scope_grants"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    agent_id: Mapped[str] = mapped_column(ID)
    stream: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(ID)
    change_tx: Mapped[int] = mapped_column(BigInteger)
    change_seq: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_scope_grants_agent_change", "agent_id", "change_tx", "change_seq"),)


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    success: Mapped[bool]
    #: The device the attempt named when it is registered to that username (a known device).
    device_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
        Index("ix_login_attempts_device_at", "device_id", "at"),
    )


class Counter(Base):
    """Named counters: the SQLite change transaction, number blocks, server-side numbering."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class ServerSecret(Base):
    """Server-only configuration (token signing key). Never replicated, unlike `settings`."""

    __tablename__ = "server_secrets"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
