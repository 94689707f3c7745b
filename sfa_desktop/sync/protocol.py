"""The wire protocol between the desktop client and the server: pure data, no I/O.

Both sides import this module (the server may import only this and the domain from
sfa_desktop), so the names of streams, their fields, the commands and the answer shapes
live here once. See docs/protocol.md for the prose version.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Final

PROTOCOL_VERSION: Final = 1
#: Oldest client protocol version the server still accepts.
MIN_PROTOCOL_VERSION: Final = 1
PROTOCOL_HEADER: Final = "X-SFA-Protocol"
DEVICE_HEADER: Final = "X-SFA-Device"
API_PREFIX: Final = "/api/v1"

#: Largest page the server sends and the client asks for.
MAX_PAGE_SIZE: Final = 5000
DEFAULT_PAGE_SIZE: Final = 2000
#: Largest push batch (commands) and request body (bytes, after decompression).
MAX_PUSH_COMMANDS: Final = 200
MAX_BODY_BYTES: Final = 4 * 1024 * 1024


class ProtocolError(ValueError):
    """A message that does not follow the protocol (wrong shape, type or value)."""


# --------------------------------------------------------------------------- field types

STR, INT, DECIMAL, DATE, DATETIME, BOOL, JSON, BYTES = (
    "str", "int", "decimal", "date", "datetime", "bool", "json", "bytes",
)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    nullable: bool = True


def _f(spec: str) -> tuple[Field, ...]:
    """Parse 'name:type name:type!' ('!' = not null) into fields."""
    out = []
    for token in spec.split():
        name, _, kind = token.partition(":")
        required = kind.endswith("!")
        out.append(Field(name, kind.rstrip("!"), nullable=not required))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Stream:
    """A table the server replicates to clients. `id` is always a string primary key."""

    name: str
    fields: tuple[Field, ...]
    #: Scope rule, for the reader: global | customer | agent | self
    scope: str
    #: Streams whose rows this stream refers to: applied first within a page.
    after: tuple[str, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


# The order of STREAMS is the order a client applies them (parents before children).
STREAMS: Final[dict[str, Stream]] = {
    s.name: s
    for s in (
        Stream("settings", _f("id:str! value:json"), "global"),
        Stream("users", _f(
            "id:str! username:str! full_name:str role:str! agent_code:str "
            "max_line_discount:decimal max_avg_discount:decimal "
            "number_block_start:int number_block_end:int"), "self"),
        Stream("warehouses", _f("id:str! code:str! name:str!"), "global"),
        Stream("products", _f(
            "id:str! sku:str! name:str! description:str unit:str! vat_rate:decimal! "
            "category:str brand:str barcode:str pack_size:decimal min_quantity:decimal "
            "cost:decimal active:bool!"), "global"),
        Stream("product_documents", _f(
            "id:str! product_id:str! kind:str! title:str! filename:str! media_type:str! "
            "size:int! sha256:str! content:bytes"), "global", ("products",)),
        Stream("stock_levels", _f(
            "id:str! product_id:str! warehouse_id:str! on_hand:decimal! reserved:decimal! "
            "available:decimal! incoming:decimal incoming_date:date as_of:datetime!"),
            "global", ("products", "warehouses")),
        Stream("price_lists", _f(
            "id:str! code:str! name:str! currency:str! version:int! valid_from:date "
            "valid_to:date is_base:bool!"), "agent"),
        Stream("price_list_items", _f(
            "id:str! price_list_id:str! product_id:str! min_quantity:decimal! price:decimal!"),
            "agent", ("price_lists", "products")),
        Stream("customers", _f(
            "id:str! erp_code:str name:str! vat_number:str tax_code:str segment:str "
            "status:str! payment_terms:str price_list_id:str default_discount:str "
            "credit_limit:decimal! balance:decimal! overdue_amount:decimal! language:str! "
            "agent_id:str phone:str email:str city:str row_version:int"), "customer"),
        Stream("addresses", _f(
            "id:str! customer_id:str! kind:str! street:str! city:str! postal_code:str "
            "province:str country:str!"), "customer", ("customers",)),
        Stream("contacts", _f(
            "id:str! customer_id:str! name:str! role:str phone:str email:str"),
            "customer", ("customers",)),
        Stream("open_items", _f(
            "id:str! customer_id:str! document_number:str! document_date:date! due_date:date! "
            "amount:decimal! paid:decimal!"), "customer", ("customers",)),
        Stream("quotes", _f(
            "id:str! number:str! customer_id:str! agent_id:str! status:str! revision:int! "
            "previous_revision_id:str valid_until:date currency:str! document_discount:str "
            "notes:str customer_reference:str lost_reason:str taxable_total:decimal! "
            "vat_total:decimal! grand_total:decimal! created_at:datetime! updated_at:datetime!"),
            "agent", ("customers",)),
        Stream("quote_lines", _f(
            "id:str! quote_id:str! line_no:int! product_id:str! sku:str! description:str! "
            "quantity:decimal! unit:str! unit_price:decimal! discount:str vat_rate:decimal! "
            "net_amount:decimal! price_list_id:str price_list_version:int"),
            "agent", ("quotes",)),
        Stream("orders", _f(
            "id:str! number:str! customer_id:str! agent_id:str! quote_id:str status:str! "
            "currency:str! document_discount:str notes:str customer_reference:str "
            "taxable_total:decimal! vat_total:decimal! grand_total:decimal! "
            "approval_reasons:json decision_note:str decided_by:str decided_at:datetime "
            "created_at:datetime! updated_at:datetime!"), "agent", ("customers",)),
        Stream("order_lines", _f(
            "id:str! order_id:str! line_no:int! product_id:str! sku:str! description:str! "
            "quantity:decimal! unit:str! unit_price:decimal! discount:str vat_rate:decimal! "
            "net_amount:decimal! price_list_id:str price_list_version:int"),
            "agent", ("orders",)),
        Stream("activities", _f(
            "id:str! customer_id:str! agent_id:str! kind:str! subject:str! notes:str "
            "occurred_at:datetime!"), "agent", ("customers",)),
        Stream("deals", _f(
            "id:str! customer_id:str! agent_id:str! title:str! stage:str! amount:decimal "
            "expected_close:date updated_at:datetime!"), "agent", ("customers",)),
    )
}

STREAM_ORDER: Final[tuple[str, ...]] = tuple(STREAMS)


# --------------------------------------------------------------------------- values

def encode_value(kind: str, value: Any) -> Any:
    """Python value -> JSON-safe wire value (Decimal as string, dates ISO, bytes base64)."""
    if value is None:
        return None
    if kind == DECIMAL:
        return str(value)
    if kind == DATETIME:
        if value.tzinfo is None:  # storage is UTC; naive values are UTC by convention
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if kind == DATE:
        return value.isoformat()
    if kind == BYTES:
        return base64.b64encode(value).decode("ascii")
    return value


def decode_value(kind: str, value: Any, where: str) -> Any:
    """Wire value -> Python value, raising ProtocolError naming `where` on a bad value."""
    if value is None:
        return None
    try:
        if kind == STR:
            if not isinstance(value, str):
                raise TypeError
            return value
        if kind == INT:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            return value
        if kind == BOOL:
            if not isinstance(value, bool):
                raise TypeError
            return value
        if kind == DECIMAL:
            if not isinstance(value, str):
                raise TypeError
            d = Decimal(value)
            if not d.is_finite():
                raise ValueError
            return d
        if kind == DATE:
            return dt.date.fromisoformat(value)
        if kind == DATETIME:
            v = dt.datetime.fromisoformat(value)
            if v.tzinfo is None:
                raise ValueError
            return v.astimezone(dt.UTC)
        if kind == BYTES:
            return base64.b64decode(value, validate=True)
        if kind == JSON:
            return value
    except (TypeError, ValueError, InvalidOperation, AttributeError) as exc:
        raise ProtocolError(f"{where}: expected {kind}, got {value!r:.60}") from exc
    raise ProtocolError(f"{where}: unknown field type {kind}")


def encode_row(stream: str, row: Mapping[str, Any]) -> dict[str, Any]:
    s = STREAMS[stream]
    return {f.name: encode_value(f.type, row.get(f.name)) for f in s.fields}


def _row_plan(stream: str) -> tuple[tuple[str, str, bool, str], ...]:
    """(name, type, nullable, where) of each field of `stream`, built once per stream."""
    plan = _ROW_PLANS.get(stream)
    if plan is None:
        plan = _ROW_PLANS[stream] = tuple(
            (f.name, f.type, f.nullable, f"{stream}.{f.name}") for f in STREAMS[stream].fields)
    return plan


_ROW_PLANS: dict[str, tuple[tuple[str, str, bool, str], ...]] = {}


def decode_row(stream: str, row: Any) -> dict[str, Any]:
    """Validate and decode one row of `stream`; unknown fields are ignored (forward compat)."""
    if stream not in STREAMS:
        raise ProtocolError(f"unknown stream {stream!r:.40}")
    if not isinstance(row, dict):
        raise ProtocolError(f"{stream}: row is not an object")
    out = {}
    get = row.get
    # Fast paths for the common plain types (same checks as decode_value); the rest go through it.
    for name, kind, nullable, where in _ROW_PLANS.get(stream) or _row_plan(stream):
        v = get(name)
        if v is None:
            if not nullable:
                raise ProtocolError(f"{where}: missing")
        elif kind == STR:
            if v.__class__ is not str and not isinstance(v, str):
                raise ProtocolError(f"{where}: expected {kind}, got {v!r:.60}")
        elif kind == INT:
            if v.__class__ is not int:
                v = decode_value(kind, v, where)
        elif kind == BOOL:
            if v.__class__ is not bool:
                v = decode_value(kind, v, where)
        else:
            v = decode_value(kind, v, where)
        out[name] = v
    return out


# --------------------------------------------------------------------------- pull

UPSERT, DELETE = "u", "d"


@dataclass(frozen=True, slots=True)
class Change:
    stream: str
    op: str  # UPSERT or DELETE (tombstone or scope removal)
    id: str
    row: dict[str, Any] | None = None  # decoded, for UPSERT


@dataclass(frozen=True, slots=True)
class PullPage:
    """GET {API_PREFIX}/sync/pull?cursor=..&limit=.. answer.

    Wire: {"cursor": str, "has_more": bool, "reset": [stream...], "changes": [
    {"s": stream, "op": "u"|"d", "id": str, "row": {...}}]}.
    `reset` lists streams the client must empty before applying (full resync of a
    stream, e.g. when the cursor is older than the server keeps history).
    """

    cursor: str
    has_more: bool
    changes: list[Change]
    reset: tuple[str, ...] = ()


def encode_change(stream: str, op: str, row_id: str, row: Mapping[str, Any] | None) -> dict:
    out: dict[str, Any] = {"s": stream, "op": op, "id": row_id}
    if op == UPSERT:
        out["row"] = encode_row(stream, row or {})
    return out


def decode_pull_page(doc: Any) -> PullPage:
    if not isinstance(doc, dict):
        raise ProtocolError("pull answer is not an object")
    cursor, has_more = doc.get("cursor"), doc.get("has_more")
    if not isinstance(cursor, str) or not cursor or len(cursor) > 200:
        raise ProtocolError("pull answer has no valid cursor")
    if not isinstance(has_more, bool):
        raise ProtocolError("pull answer has no valid has_more")
    raw_changes = doc.get("changes")
    if not isinstance(raw_changes, list):
        raise ProtocolError("pull answer has no change list")
    reset = doc.get("reset") or []
    if not isinstance(reset, list) or any(r not in STREAMS for r in reset):
        raise ProtocolError("pull answer has an invalid reset list")
    changes = []
    for i, c in enumerate(raw_changes):
        if not isinstance(c, dict):
            raise ProtocolError(f"change {i} is not an object")
        stream, op, row_id = c.get("s"), c.get("op"), c.get("id")
        if stream not in STREAMS:
            raise ProtocolError(f"change {i}: unknown stream {stream!r:.40}")
        if op not in (UPSERT, DELETE):
            raise ProtocolError(f"change {i}: unknown operation {op!r:.10}")
        if not isinstance(row_id, str) or not row_id or len(row_id) > 100:
            raise ProtocolError(f"change {i}: invalid id")
        row = None
        if op == UPSERT:
            row = decode_row(stream, c.get("row"))
            if row["id"] != row_id:
                raise ProtocolError(f"change {i}: row id does not match")
        changes.append(Change(stream, op, row_id, row))
    return PullPage(cursor, has_more, changes, tuple(reset))


# --------------------------------------------------------------------------- checksums

def row_checksum_text(stream: str, row: Mapping[str, Any]) -> str:
    """Canonical text of a row, hashed by both sides to compare a replica with the server.

    A stream's checksum is SHA-256 over its rows sorted by id (code point order), each as this
    text followed by a newline.
    """
    return json.dumps(encode_row(stream, row), sort_keys=True, separators=(",", ":"))


# --------------------------------------------------------------------------- push

#: Command types a client may send, with the payload fields each accepts.
COMMANDS: Final[dict[str, frozenset[str]]] = {
    "quote.save": frozenset({
        "quote_id", "customer_id", "lines", "document_discount", "notes",
        "customer_reference", "valid_until", "number", "expected"}),
    "quote.send": frozenset({"quote_id"}),
    "quote.accept": frozenset({"quote_id"}),
    "quote.lose": frozenset({"quote_id", "reason"}),
    "quote.revise": frozenset({"quote_id", "new_quote_id", "number"}),
    "order.submit": frozenset({
        "order_id", "customer_id", "lines", "document_discount", "notes",
        "customer_reference", "quote_id", "number", "expected"}),
    "order.cancel": frozenset({"order_id", "reason"}),
    "customer.update": frozenset({"customer_id", "base", "changes"}),
    "prospect.create": frozenset({
        "customer_id", "name", "vat_number", "tax_code", "phone", "email", "city",
        "street", "postal_code", "province", "segment"}),
    "activity.log": frozenset({"activity_id", "customer_id", "kind", "subject", "notes",
                               "occurred_at"}),
    "deal.save": frozenset({"deal_id", "customer_id", "title", "stage", "amount",
                            "expected_close"}),
}
def line_id(document_id: str, line_no: int) -> str:
    """Id of a quote or order line: the client's draft lines and the server's priced lines share
    it, so the server's version of a line replaces the draft's when it is pulled."""
    return f"{document_id}-{line_no:03d}"


#: `expected` in quote.save / order.submit: what the agent saw offline, {"grand_total": "123.45",
#: "unit_prices": ["1.20", ...] (one per line, in line order)}. The server never takes these
#: figures; it prices the lines itself and answers "changed" (code price_changed) when they differ.
EXPECTED_FIELDS: Final = frozenset({"grand_total", "unit_prices"})
#: Line fields in quote.save / order.submit. Prices and totals are the server's.
LINE_FIELDS: Final = frozenset({"product_id", "quantity", "discount", "description"})
#: Customer fields an agent may change with customer.update.
CUSTOMER_EDITABLE: Final = frozenset({"phone", "email", "segment", "payment_terms", "language"})

APPLIED, REJECTED, CHANGED = "applied", "rejected", "changed"


@dataclass(frozen=True, slots=True)
class Command:
    """One business command of the outbox. `id` is a client UUID: replays are answered
    with the first answer and change nothing. `depends_on` names earlier commands."""

    id: str
    type: str
    payload: dict[str, Any]
    depends_on: tuple[str, ...] = ()

    def to_wire(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "payload": self.payload,
                "depends_on": list(self.depends_on)}


@dataclass(frozen=True, slots=True)
class CommandResult:
    """Server answer to one command.

    status: applied | rejected | changed. `reason` is in the user's words (rejected or
    changed); `code` is a stable machine code (e.g. "price_changed", "not_found",
    "forbidden", "invalid", "conflict", "already_decided"); `server` holds the server's
    values (number, status, totals, approval reasons, merged fields...).
    """

    id: str
    status: str
    reason: str | None = None
    code: str | None = None
    server: dict[str, Any] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "reason": self.reason,
                "code": self.code, "server": self.server}


def _is_uuid(v: Any) -> bool:
    if not isinstance(v, str) or len(v) != 36:
        return False
    try:
        uuid.UUID(v)
    except ValueError:
        return False
    return True


def decode_command(doc: Any, where: str = "command") -> Command:
    """Validate the envelope of a command (the server validates payload values)."""
    if not isinstance(doc, dict):
        raise ProtocolError(f"{where} is not an object")
    unknown = set(doc) - {"id", "type", "payload", "depends_on"}
    if unknown:
        raise ProtocolError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    cid, ctype, payload = doc.get("id"), doc.get("type"), doc.get("payload")
    if not _is_uuid(cid):
        raise ProtocolError(f"{where}: id must be a UUID")
    if ctype not in COMMANDS:
        raise ProtocolError(f"{where}: unknown command type {ctype!r:.40}")
    if not isinstance(payload, dict):
        raise ProtocolError(f"{where}: payload must be an object")
    extra = set(payload) - COMMANDS[ctype]
    if extra:
        raise ProtocolError(f"{where}: {ctype} does not accept {', '.join(sorted(extra))}")
    deps = doc.get("depends_on") or []
    if not isinstance(deps, list) or not all(_is_uuid(d) for d in deps):
        raise ProtocolError(f"{where}: depends_on must be a list of UUIDs")
    return Command(cid, ctype, payload, tuple(deps))


def decode_command_result(doc: Any) -> CommandResult:
    if not isinstance(doc, dict):
        raise ProtocolError("command result is not an object")
    cid, status = doc.get("id"), doc.get("status")
    if not _is_uuid(cid):
        raise ProtocolError("command result has no valid id")
    if status not in (APPLIED, REJECTED, CHANGED):
        raise ProtocolError(f"command result has unknown status {status!r:.20}")
    reason, code, server = doc.get("reason"), doc.get("code"), doc.get("server") or {}
    if reason is not None and not isinstance(reason, str):
        raise ProtocolError("command result reason is not text")
    if code is not None and not isinstance(code, str):
        raise ProtocolError("command result code is not text")
    if not isinstance(server, dict):
        raise ProtocolError("command result server values are not an object")
    if status == REJECTED and not reason:
        raise ProtocolError("a rejection must carry a reason")
    return CommandResult(cid, status, reason, code, server)
