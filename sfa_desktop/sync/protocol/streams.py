"""The streams a server replicates to clients: their fields, the row codec and the checksum recipe."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from sfa_desktop.sync.protocol.values import (
    BOOL,
    DECIMAL,
    INT,
    MAX_EXPONENT,
    MAX_INT,
    STR,
    Field,
    ProtocolError,
    decode_value,
    encode_value,
)
from sfa_desktop.sync.protocol.values import parse_fields as _f


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
            "cost:decimal active:bool! vat_nature:str"), "global"),
        Stream("product_documents", _f(
            "id:str! product_id:str! kind:str! title:str! filename:str! media_type:str! "
            "size:int! sha256:str! content:bytes"), "global", ("products",)),
        Stream("stock_levels", _f(
            "id:str! product_id:str! warehouse_id:str! on_hand:decimal! reserved:decimal! "
            "available:decimal! incoming:decimal incoming_date:date as_of:datetime!"),
            "global", ("products", "warehouses")),
        Stream("price_lists", _f(
            "id:str! code:str! name:str! currency:str! version:int! valid_from:date "
            "valid_to:date is_base:bool! customer_group:str"), "agent"),
        Stream("price_list_items", _f(
            "id:str! price_list_id:str! product_id:str! min_quantity:decimal! price:decimal!"),
            "agent", ("price_lists", "products")),
        Stream("customers", _f(
            "id:str! erp_code:str name:str! vat_number:str tax_code:str segment:str "
            "status:str! payment_terms:str price_list_id:str default_discount:str "
            "credit_limit:decimal! balance:decimal! overdue_amount:decimal! language:str! "
            "agent_id:str phone:str email:str city:str row_version:int price_group:str vat_exemption:str "
            "vat_exemption_ref:str"), "customer"),
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
            "notes:str customer_reference:str lost_reason:str won_reason:str deal_id:str taxable_total:decimal! "
            "vat_total:decimal! grand_total:decimal! created_at:datetime! updated_at:datetime!"),
            "agent", ("customers",)),
        Stream("quote_lines", _f(
            "id:str! quote_id:str! line_no:int! product_id:str! sku:str! description:str! "
            "quantity:decimal! unit:str! unit_price:decimal! discount:str vat_rate:decimal! "
            "net_amount:decimal! price_list_id:str price_list_version:int net_price:decimal "
            "net_unit_price:decimal vat_nature:str"),
            "agent", ("quotes",)),
        Stream("orders", _f(
            "id:str! number:str! customer_id:str! agent_id:str! quote_id:str status:str! "
            "currency:str! document_discount:str notes:str customer_reference:str "
            "taxable_total:decimal! vat_total:decimal! grand_total:decimal! "
            "approval_reasons:json decision_note:str decided_by:str decided_at:datetime "
            "created_at:datetime! updated_at:datetime! signature:str"), "agent", ("customers",)),
        Stream("order_lines", _f(
            "id:str! order_id:str! line_no:int! product_id:str! sku:str! description:str! "
            "quantity:decimal! unit:str! unit_price:decimal! discount:str vat_rate:decimal! "
            "net_amount:decimal! price_list_id:str price_list_version:int net_price:decimal "
            "net_unit_price:decimal vat_nature:str"),
            "agent", ("orders",)),
        Stream("activities", _f(
            "id:str! customer_id:str! agent_id:str! kind:str! subject:str! notes:str "
            "occurred_at:datetime! "
            # the agenda (docs/crm.md): occurred_at is the done time, or the planned one until done
            "planned_at:datetime duration_minutes:int done_at:datetime outcome:str next_action:str "
            "next_action_at:datetime follow_up_of:str"), "agent", ("customers",)),
        Stream("deals", _f(
            "id:str! customer_id:str! agent_id:str! title:str! stage:str! amount:decimal "
            "expected_close:date close_reason:str updated_at:datetime! "
            # [{"stage", "from", "at", "reason"}...], oldest first (lifecycle.deal_stage_entry)
            "stage_history:json"), "agent", ("customers",)),
        # invoiced lines of the ERP, per customer, product and day (docs/crm.md)
        Stream("sales_history", _f(
            "id:str! customer_id:str! product_id:str! document_number:str! document_date:date! "
            "line_no:int quantity:decimal! unit:str net_amount:decimal! category:str"),
            "customer", ("customers", "products")),
        # the agent's own targets per month (its first day), in total or per product category
        Stream("targets", _f("id:str! agent_id:str! month:date! category:str amount:decimal!"), "agent"),
        # the office's review of the prospects the agent brought in (never the duplicates it found)
        Stream("prospect_reviews", _f(
            "id:str! agent_id:str! customer_id:str name:str! status:str! note:str "
            "created_at:datetime! decided_at:datetime"), "agent"),
    )
}

STREAM_ORDER: Final[tuple[str, ...]] = tuple(STREAMS)



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


def _server_decimal(value: Any, where: str) -> Decimal:
    """A decimal of a pulled row: the server wrote it with the same codec; bounds still hold."""
    if value.__class__ is not str:
        raise ProtocolError(f"{where}: expected decimal, got {value!r:.60}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ProtocolError(f"{where}: expected decimal, got {value!r:.60}") from None
    if not number.is_finite():
        raise ProtocolError(f"{where}: expected decimal, got {value!r:.60}")
    if number and not -MAX_EXPONENT <= number.adjusted() <= MAX_EXPONENT:
        raise ProtocolError(f"{where}: {value!r:.60} is out of range")
    return number


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
        elif kind == DECIMAL:
            v = _server_decimal(v, where)
        elif kind == INT:
            if v.__class__ is not int or not -MAX_INT <= v <= MAX_INT:
                v = decode_value(kind, v, where)
        elif kind == BOOL:
            if v.__class__ is not bool:
                v = decode_value(kind, v, where)
        else:
            v = decode_value(kind, v, where)
        out[name] = v
    return out


# --------------------------------------------------------------------------- checksums

def row_checksum_text(stream: str, row: Mapping[str, Any]) -> str:
    """Canonical text of a row, hashed by both sides to compare a replica with the server."""
    return json.dumps(encode_row(stream, row), sort_keys=True, separators=(",", ":"))


def stream_checksum(stream: str, rows: Iterable[Mapping[str, Any]]) -> tuple[int, str]:
    """(count, sha256 hex) of a stream's rows: the one recipe both sides use.

    SHA-256 over the rows sorted by id (code point order), each as row_checksum_text + "\\n".
    """
    texts = sorted((str(r["id"]), row_checksum_text(stream, r)) for r in rows)
    digest = hashlib.sha256()
    for _id, text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\n")
    return len(texts), digest.hexdigest()
