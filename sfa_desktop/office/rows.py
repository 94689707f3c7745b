"""What the office client returns: frozen rows decoded from the server's typed answers.

Money and quantities are Decimal, times timezone-aware; an answer missing a field it must carry is
a ProtocolViolationError (the server and this client disagree), never a half-filled row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sfa_desktop.domain.messages import Message
from sfa_desktop.sync.errors import ProtocolViolationError

T = TypeVar("T")


def dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ProtocolViolationError(f"not a number: {str(value)[:40]!r}") from None


def when(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ProtocolViolationError(f"not a time: {str(value)[:40]!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def day(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ProtocolViolationError(f"not a date: {str(value)[:40]!r}") from None


def decode(doc: Any, build: Callable[[Mapping[str, Any]], T]) -> T:
    if not isinstance(doc, Mapping):
        raise ProtocolViolationError("the office answer is not an object")
    try:
        return build(doc)
    except (KeyError, TypeError) as error:
        raise ProtocolViolationError(f"the office answer lacks {error}") from None


# --------------------------------------------------------------------------- orders


@dataclass(frozen=True, slots=True)
class ApprovalReason:
    rule: str
    message: Message  # rendered in the reader's language (i18n.render)
    figure: Decimal | None
    limit: Decimal | None
    role: str | None
    sku: str | None


def _reason(r: Mapping[str, Any]) -> ApprovalReason:
    code = r.get("code")
    msg = Message(code, dict(r.get("params") or {})) if code else Message("text", {"text": r["message"]})
    return ApprovalReason(r["rule"], msg, dec(r.get("figure")), dec(r.get("limit")), r.get("role"), r.get("sku"))


@dataclass(frozen=True, slots=True)
class OrderForApproval:
    id: str
    number: str
    status: str
    customer_id: str
    customer_name: str | None
    customer_erp_code: str | None
    agent_id: str
    agent_username: str | None
    agent_name: str | None
    taxable_total: Decimal
    grand_total: Decimal
    reasons: tuple[ApprovalReason, ...]
    created_at: dt.datetime

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.reasons)


def _summary_fields(o: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": o["id"], "number": o["number"], "status": o["status"], "customer_id": o["customer_id"],
            "customer_name": o.get("customer_name"), "customer_erp_code": o.get("customer_erp_code"),
            "agent_id": o["agent_id"], "agent_username": o.get("agent_username"), "agent_name": o.get("agent_name"),
            "taxable_total": dec(o["taxable_total"]), "grand_total": dec(o["grand_total"]),
            "reasons": tuple(_reason(r) for r in o.get("approval_reasons") or []),
            "created_at": when(o["created_at"])}


def order_for_approval(o: Mapping[str, Any]) -> OrderForApproval:
    return OrderForApproval(**_summary_fields(o))


@dataclass(frozen=True, slots=True)
class QueuePage:
    orders: tuple[OrderForApproval, ...]
    total: int
    next_cursor: str | None


def queue_page(doc: Mapping[str, Any]) -> QueuePage:
    return QueuePage(tuple(order_for_approval(o) for o in doc["orders"]), int(doc["total"]), doc.get("next_cursor"))


@dataclass(frozen=True, slots=True)
class OrderLine:
    line_no: int
    sku: str
    description: str
    quantity: Decimal
    unit: str
    list_price: Decimal | None
    unit_price: Decimal
    discount: str | None
    net_unit_price: Decimal | None
    net_amount: Decimal
    discount_from_list_pct: Decimal | None
    margin: Decimal | None
    margin_pct: Decimal | None


@dataclass(frozen=True, slots=True)
class OverdueInvoice:
    document_number: str
    due_date: dt.date
    open: Decimal
    days_overdue: int


@dataclass(frozen=True, slots=True)
class OpenOrder:
    id: str
    number: str
    status: str
    grand_total: Decimal


@dataclass(frozen=True, slots=True)
class Credit:
    customer_status: str
    credit_limit: Decimal
    balance: Decimal
    overdue: Decimal
    open_orders_total: Decimal
    exposure: Decimal
    available: Decimal
    overdue_invoices: tuple[OverdueInvoice, ...]
    open_orders: tuple[OpenOrder, ...]


@dataclass(frozen=True, slots=True)
class Stock:
    sku: str
    warehouse: str
    on_hand: Decimal
    available: Decimal


@dataclass(frozen=True, slots=True)
class QuoteOrigin:
    id: str
    number: str
    status: str
    valid_until: dt.date | None
    grand_total: Decimal


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: dt.datetime
    actor: str | None
    action: str
    note: str | None


@dataclass(frozen=True, slots=True)
class OrderDetail:
    order: OrderForApproval
    vat_total: Decimal
    notes: str | None
    decision_note: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    margin: Decimal | None
    margin_pct: Decimal | None
    lines: tuple[OrderLine, ...]
    credit: Credit | None
    stock: tuple[Stock, ...]
    quote: QuoteOrigin | None
    audit: tuple[AuditEntry, ...]


def _credit(c: Mapping[str, Any]) -> Credit:
    return Credit(
        c["customer_status"], dec(c["credit_limit"]), dec(c["balance"]), dec(c["overdue"]),
        dec(c["open_orders_total"]), dec(c["exposure"]), dec(c["available"]),
        tuple(OverdueInvoice(i["document_number"], day(i["due_date"]), dec(i["open"]), int(i["days_overdue"]))
              for i in c.get("overdue_invoices") or []),
        tuple(OpenOrder(o["id"], o["number"], o["status"], dec(o["grand_total"])) for o in c.get("open_orders") or []))


def order_detail(d: Mapping[str, Any]) -> OrderDetail:
    lines = tuple(OrderLine(
        int(ln["line_no"]), ln["sku"], ln["description"], dec(ln["quantity"]), ln["unit"], dec(ln.get("list_price")),
        dec(ln["unit_price"]), ln.get("discount"), dec(ln.get("net_unit_price")), dec(ln["net_amount"]),
        dec(ln.get("discount_from_list_pct")), dec(ln.get("margin")), dec(ln.get("margin_pct")))
        for ln in d["lines"])
    stock = tuple(Stock(s["sku"], s.get("warehouse_name") or s.get("warehouse_code") or s["warehouse_id"],
                        dec(s["on_hand"]), dec(s["available"])) for s in d.get("stock") or [])
    q = d.get("quote")
    quote = QuoteOrigin(q["id"], q["number"], q["status"], day(q.get("valid_until")), dec(q["grand_total"])) \
        if q else None
    audit = tuple(AuditEntry(when(e["at"]), e.get("actor"), e["action"],
                             (e.get("details") or {}).get("note") or (e.get("details") or {}).get("reason"))
                  for e in d.get("audit") or [])
    return OrderDetail(order_for_approval(d), dec(d["vat_total"]), d.get("notes"), d.get("decision_note"),
                       d.get("decided_by"), when(d.get("decided_at")), dec(d.get("margin")), dec(d.get("margin_pct")),
                       lines, _credit(d["credit"]) if d.get("credit") else None, stock, quote, audit)


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    number: str
    status: str
    note: str | None
    decided_by: str
    decided_at: dt.datetime


def decision(d: Mapping[str, Any]) -> Decision:
    return Decision(d["id"], d["number"], d["status"], d.get("note"), d["decided_by"], when(d["decided_at"]))


# --------------------------------------------------------------------------- prospects


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    customer_id: str
    name: str
    erp_code: str | None
    vat_number: str | None
    city: str | None
    agent_username: str | None
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Prospect:
    id: str
    status: str
    name: str
    vat_number: str | None
    tax_code: str | None
    city: str | None
    street: str | None
    phone: str | None
    email: str | None
    agent_id: str
    agent_username: str | None
    created_at: dt.datetime
    candidates: tuple[DuplicateCandidate, ...]


def prospect(p: Mapping[str, Any]) -> Prospect:
    return Prospect(
        p["id"], p["status"], p["name"], p.get("vat_number"), p.get("tax_code"), p.get("city"), p.get("street"),
        p.get("phone"), p.get("email"), p["agent_id"], p.get("agent_username"), when(p["created_at"]),
        tuple(DuplicateCandidate(c["customer_id"], c["name"], c.get("erp_code"), c.get("vat_number"), c.get("city"),
                                 c.get("agent_username"), float(c["score"]), tuple(c.get("reasons") or []))
              for c in p.get("candidates") or []))


@dataclass(frozen=True, slots=True)
class ProspectDecision:
    id: str
    status: str
    customer_id: str
    agent_id: str | None


def prospect_decision(d: Mapping[str, Any]) -> ProspectDecision:
    return ProspectDecision(d["id"], d["status"], d["customer_id"], d.get("agent_id"))


@dataclass(frozen=True, slots=True)
class PriceList:
    id: str
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class CustomerBrief:
    id: str
    name: str
    erp_code: str | None
    city: str | None
    agent_id: str | None
    agent_username: str | None


# --------------------------------------------------------------------------- admin


@dataclass(frozen=True, slots=True)
class User:
    id: str
    username: str
    full_name: str | None
    role: str
    agent_code: str | None
    active: bool


def user(u: Mapping[str, Any]) -> User:
    return User(u["id"], u["username"], u.get("full_name"), u["role"], u.get("agent_code"), bool(u["active"]))


@dataclass(frozen=True, slots=True)
class Device:
    id: str
    user_id: str
    username: str | None
    name: str
    registered_at: dt.datetime
    last_seen_at: dt.datetime | None
    last_push_at: dt.datetime | None
    commands_applied: int
    revoked_at: dt.datetime | None
    pending_commands: tuple[str, ...]


def device(d: Mapping[str, Any]) -> Device:
    return Device(d["id"], d["user_id"], d.get("username"), d["name"], when(d["registered_at"]),
                  when(d.get("last_seen_at")), when(d.get("last_push_at")), int(d.get("commands_applied") or 0),
                  when(d.get("revoked_at")), tuple(d.get("pending_commands") or []))


@dataclass(frozen=True, slots=True)
class SignedIn:
    user_id: str
    username: str
    role: str
    device_id: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
