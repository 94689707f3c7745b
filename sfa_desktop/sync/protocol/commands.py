"""Push: every business command declared once, with its payload, its target and its name.

A `CommandSpec` says what a command carries (fields and their types, decoded with the value codec
of the streams), which replicated row it targets and whether it creates that row, and how the
agent calls it. The server's handlers, the outbox, the conflict inbox and every description read
the spec: adding a command is one spec here, one server handler and one client operation.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sfa_desktop.sync.protocol.values import (
    DATE,
    DATETIME,
    DECIMAL,
    INT,
    ProtocolError,
    decode_text,
    decode_value,
    encode_value,
)


def N_(text: str) -> str:
    return text


class FieldNotEditable(ProtocolError):
    """A FIELDS part names a field the caller may not change (a permission, not a malformed message)."""

    def __init__(self, refused: list[str], allowed: list[str]) -> None:
        self.refused, self.allowed = refused, allowed
        super().__init__(f"an agent cannot change {', '.join(refused)[:80]}; editable: {', '.join(allowed)}")


# Payload field types beyond the value codec's: ids, free text, structured parts of a command.
ID, TEXT, LINES, EXPECTED, FIELDS = "id", "text", "lines", "expected", "fields"
MAX_ID_CHARS = 100


@dataclass(frozen=True, slots=True)
class PayloadField:
    """One field of a command payload. `required` is the envelope's rule (a missing id); business
    rules such as "a lost quote needs a reason" belong to the handlers and the operations."""

    name: str
    type: str
    required: bool = False
    max_len: int | None = None
    #: For LINES and FIELDS: the fields of each element (lines) or the allowed names (fields).
    parts: tuple[PayloadField, ...] = ()
    max_items: int | None = None


def _id(name: str, required: bool = True) -> PayloadField:
    return PayloadField(name, ID, required=required, max_len=MAX_ID_CHARS)


def _text(name: str, max_len: int = 200) -> PayloadField:
    return PayloadField(name, TEXT, max_len=max_len)


#: Largest document the protocol carries (one constant for the client, the server and the domain).
MAX_DOCUMENT_LINES: Final = 500

#: The fields of a document line the agent sends; prices and totals are the server's.
LINE_PARTS: Final = (
    _id("product_id"),
    PayloadField("quantity", DECIMAL, required=True),
    _text("discount", 80),
    _text("description", 1000),
    #: A net unit price the agent agreed with the customer, instead of a discount.
    PayloadField("net_price", DECIMAL),
)
LINE_FIELDS: Final = frozenset(p.name for p in LINE_PARTS)
#: `expected` in quote.save / order.submit: what the agent saw offline (never taken, only compared).
EXPECTED_FIELDS: Final = frozenset({"grand_total", "unit_prices"})
#: Customer fields an agent may change with customer.update (merged field by field).
CUSTOMER_EDITABLE: Final = frozenset({"phone", "email", "segment", "payment_terms", "language"})
_CUSTOMER_FIELD_PARTS: Final = tuple(_text(name, 200) for name in sorted(CUSTOMER_EDITABLE))


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """Everything about one command type, in one place."""

    type: str
    #: The replicated row the command is about: its stream and the payload field with its id.
    stream: str
    key: str
    #: True when the command always creates that row (discarding it removes the local row, which
    #: the server never had); saving commands (quote.save, deal.save) create or change.
    creates: bool
    fields: tuple[PayloadField, ...]
    #: What the agent is doing, in English (translated by the client's catalog): "submitting an order".
    action: str
    #: What the row is called: "order", "quote", "customer"...
    noun: str

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    def target_id(self, payload: Mapping[str, Any]) -> str | None:
        value = payload.get(self.key)
        return value if isinstance(value, str) and value else None

    def decode(self, payload: Any, where: str | None = None) -> dict[str, Any]:
        """Wire payload -> Python values (Decimal, date...), or ProtocolError naming the field.

        Unknown fields are refused: a field the server does not know is never silently dropped.
        Absent optional fields are absent in the result too (a merge must tell "not sent" from
        "sent empty").
        """
        where = where or self.type
        if not isinstance(payload, dict):
            raise ProtocolError(f"{where}: payload must be an object")
        extra = set(payload) - self.field_names
        if extra:
            raise ProtocolError(f"{where}: {self.type} does not accept {', '.join(sorted(extra))[:80]}")
        out: dict[str, Any] = {}
        for f in self.fields:
            if f.name not in payload:
                if f.required:
                    raise ProtocolError(f"{where}: {f.name} is required")
                continue
            value = _decode_field(f, payload[f.name], f"{where}.{f.name}")
            if value is None and f.required:
                raise ProtocolError(f"{where}: {f.name} is required")
            out[f.name] = value
        return out

    def encode(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Python values -> wire payload; refuses fields the spec does not have."""
        extra = set(payload) - self.field_names
        if extra:
            raise ProtocolError(f"{self.type} does not accept {', '.join(sorted(extra))}")
        by_name = {f.name: f for f in self.fields}
        return {name: _encode_field(by_name[name], value) for name, value in payload.items()}


def _decode_field(f: PayloadField, value: Any, where: str) -> Any:
    if value is None:
        return None
    if f.type == ID:
        text = decode_text(value, where, max_len=f.max_len)
        if text is None:
            raise ProtocolError(f"{where}: an id cannot be empty")
        return text
    if f.type == TEXT:
        return decode_text(value, where, max_len=f.max_len)
    if f.type == LINES:
        if not isinstance(value, list):
            raise ProtocolError(f"{where}: expected a list of lines")
        if f.max_items is not None and len(value) > f.max_items:
            raise ProtocolError(f"{where}: at most {f.max_items} lines")
        spec = {p.name: p for p in f.parts}
        lines = []
        for n, line in enumerate(value, start=1):
            at = f"{where}[{n}]"
            if not isinstance(line, dict):
                raise ProtocolError(f"{at}: a line must be an object")
            extra = set(line) - set(spec)
            if extra:
                raise ProtocolError(f"{at}: {', '.join(sorted(extra))[:80]} cannot be set by the client "
                                    "(prices and totals are the server's)")
            decoded = {}
            for name, part in spec.items():
                v = _decode_field(part, line.get(name), f"{at}.{name}")
                if v is None and part.required:
                    raise ProtocolError(f"{at}: {name} is required")
                if name in line:
                    decoded[name] = v
            lines.append(decoded)
        return lines
    if f.type == EXPECTED:
        if not isinstance(value, dict) or set(value) - EXPECTED_FIELDS:
            raise ProtocolError(f"{where}: expected an object with grand_total and unit_prices")
        prices = value.get("unit_prices")
        if prices is not None and (not isinstance(prices, list) or len(prices) > MAX_DOCUMENT_LINES):
            raise ProtocolError(f"{where}.unit_prices: expected a list of prices")
        return {"grand_total": decode_value(DECIMAL, value.get("grand_total"), f"{where}.grand_total"),
                "unit_prices": None if prices is None else [
                    decode_value(DECIMAL, p, f"{where}.unit_prices[{i}]") for i, p in enumerate(prices, 1)]}
    if f.type == FIELDS:
        if not isinstance(value, dict):
            raise ProtocolError(f"{where}: expected an object of field: value")
        allowed = {p.name: p for p in f.parts}
        refused = sorted(ascii(name)[1:-1][:40] for name in value if name not in allowed)
        if refused:
            raise FieldNotEditable(refused, sorted(allowed))
        return {name: _decode_field(allowed[name], v, f"{where}.{name}") for name, v in value.items()}
    if f.type in (DECIMAL, DATE, DATETIME, INT):
        return decode_value(f.type, value, where)
    raise ProtocolError(f"{where}: unknown payload type {f.type}")  # pragma: no cover


def _encode_field(f: PayloadField, value: Any) -> Any:
    if value is None:
        return None
    if f.type == LINES:
        parts = {p.name: p for p in f.parts}
        return [{k: _encode_field(parts[k], v) for k, v in line.items() if k in parts} for line in value]
    if f.type == EXPECTED:
        prices = value.get("unit_prices")
        return {"grand_total": encode_value(DECIMAL, value.get("grand_total")),
                "unit_prices": None if prices is None else [encode_value(DECIMAL, p) for p in prices]}
    if f.type == FIELDS:
        return dict(value)
    if f.type in (DECIMAL, DATE, DATETIME, INT):
        if isinstance(value, float):
            raise ProtocolError(f"{f.name}: amounts and quantities must be Decimal, not float")
        return encode_value(f.type, value)
    return value


def _lines() -> PayloadField:
    return PayloadField("lines", LINES, parts=LINE_PARTS, max_items=MAX_DOCUMENT_LINES)


#: What came of an activity and what comes next (activity.log and activity.complete).
_ACTIVITY_OUTCOME = (PayloadField("duration_minutes", INT), _text("outcome", 4000), _text("next_action", 500),
                     PayloadField("next_action_at", DATETIME))

_DOCUMENT_TEXTS = (_text("document_discount", 80), _text("notes", 4000), _text("customer_reference", 200))

_SPECS: Final = (
    CommandSpec("quote.save", "quotes", "quote_id", False,
                (_id("quote_id"), _id("customer_id"), _text("number", 40), _lines(), *_DOCUMENT_TEXTS,
                 PayloadField("valid_until", DATE), PayloadField("expected", EXPECTED), _id("deal_id", False)),
                N_("saving a quote"), N_("quote")),
    CommandSpec("quote.send", "quotes", "quote_id", False, (_id("quote_id"),),
                N_("sending a quote"), N_("quote")),
    CommandSpec("quote.accept", "quotes", "quote_id", False, (_id("quote_id"), _text("reason", 1000)),
                N_("marking a quote won"), N_("quote")),
    CommandSpec("quote.lose", "quotes", "quote_id", False, (_id("quote_id"), _text("reason", 1000)),
                N_("marking a quote lost"), N_("quote")),
    CommandSpec("quote.revise", "quotes", "new_quote_id", True,
                (_id("quote_id"), _id("new_quote_id"), _text("number", 40)),
                N_("revising a quote"), N_("quote")),
    CommandSpec("order.submit", "orders", "order_id", True,
                (_id("order_id"), _id("customer_id"), _text("number", 40), _lines(), *_DOCUMENT_TEXTS,
                 _id("quote_id", False), PayloadField("expected", EXPECTED),
                 # the customer's signature "per accettazione" (domain.signature: SVG path data)
                 _text("signature", 64 * 1024)),
                N_("submitting an order"), N_("order")),
    CommandSpec("order.cancel", "orders", "order_id", False, (_id("order_id"), _text("reason", 1000)),
                N_("cancelling an order"), N_("order")),
    CommandSpec("customer.update", "customers", "customer_id", False,
                (_id("customer_id"), PayloadField("base", FIELDS, parts=_CUSTOMER_FIELD_PARTS),
                 PayloadField("changes", FIELDS, required=True, parts=_CUSTOMER_FIELD_PARTS)),
                N_("changing a customer"), N_("customer")),
    CommandSpec("prospect.create", "customers", "customer_id", True,
                (_id("customer_id"), _text("name", 500), _text("vat_number", 40), _text("tax_code", 40),
                 _text("phone", 40), _text("email", 200), _text("city", 200), _text("street", 300),
                 _text("postal_code", 20), _text("province", 10), _text("segment", 200)),
                N_("creating a prospect"), N_("prospect")),
    CommandSpec("activity.log", "activities", "activity_id", True,
                (_id("activity_id"), _id("customer_id"), _text("kind", 40), _text("subject", 500),
                 _text("notes", 10000), PayloadField("occurred_at", DATETIME),
                 *_ACTIVITY_OUTCOME),
                N_("logging an activity"), N_("activity")),
    # plans (or moves) an activity in the agenda; a follow-up names the activity it follows
    CommandSpec("activity.plan", "activities", "activity_id", False,
                (_id("activity_id"), _id("customer_id"), _text("kind", 40), _text("subject", 500),
                 _text("notes", 10000), PayloadField("planned_at", DATETIME),
                 PayloadField("duration_minutes", INT), _id("follow_up_of", False)),
                N_("planning an activity"), N_("activity")),
    CommandSpec("activity.complete", "activities", "activity_id", False,
                (_id("activity_id"), PayloadField("done_at", DATETIME), _text("notes", 10000),
                 *_ACTIVITY_OUTCOME),
                N_("logging the outcome of an activity"), N_("activity")),
    CommandSpec("deal.save", "deals", "deal_id", False,
                (_id("deal_id"), _id("customer_id"), _text("title", 500), _text("stage", 40),
                 PayloadField("amount", DECIMAL), PayloadField("expected_close", DATE),
                 _text("close_reason", 1000),
                 # when the agent set this stage (the stage history's time; default: when it is applied)
                 PayloadField("stage_changed_at", DATETIME)),
                N_("saving a deal"), N_("deal")),
    # one stage move (a board's drag): each travels, so the stage history keeps every step
    CommandSpec("deal.move", "deals", "deal_id", False,
                (_id("deal_id"), _text("stage", 40), _text("reason", 1000), PayloadField("moved_at", DATETIME),
                 PayloadField("expected_close", DATE)),
                N_("moving a deal"), N_("deal")),
)

#: Every command a client may send, by type.
COMMANDS: Final[dict[str, CommandSpec]] = {s.type: s for s in _SPECS}


def spec_of(command_type: str) -> CommandSpec:
    try:
        return COMMANDS[command_type]
    except KeyError:
        raise ProtocolError(f"unknown command type {command_type!r:.40}") from None


def line_id(document_id: str, line_no: int) -> str:
    """Id of a quote or order line: the client's draft lines and the server's priced lines share
    it, so the server's version of a line replaces the draft's when it is pulled."""
    return f"{document_id}-{line_no:03d}"


APPLIED, REJECTED, CHANGED = "applied", "rejected", "changed"


@dataclass(frozen=True, slots=True)
class Command:
    """One business command of the outbox. `id` is a client UUID: replays are answered
    with the first answer and change nothing. `depends_on` names earlier commands.

    `payload` is wire data in the outbox and on the wire; the server decodes it with the spec."""

    id: str
    type: str
    payload: dict[str, Any]
    depends_on: tuple[str, ...] = ()

    @property
    def spec(self) -> CommandSpec:
        return COMMANDS[self.type]

    def to_wire(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "payload": self.payload,
                "depends_on": list(self.depends_on)}


@dataclass(frozen=True, slots=True)
class CommandResult:
    """Server answer to one command.

    status: applied | rejected | changed. `code` is a stable machine code the client acts on (e.g.
    "price_changed", "not_found", "forbidden", "invalid", "conflict", "already_decided");
    `message` ({"code", "params"}, see sfa_desktop.domain.messages) says what happened, rendered
    in the agent's language; `reason` is the same in English, for logs and older clients.
    `server` holds the server's values (number, status, totals, approval reasons, merged fields...).
    """

    id: str
    status: str
    reason: str | None = None
    code: str | None = None
    server: dict[str, Any] = field(default_factory=dict)
    message: dict[str, Any] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        out = {"id": self.id, "status": self.status, "reason": self.reason,
               "code": self.code, "server": self.server}
        if self.message:
            out["message"] = self.message
        return out


def is_uuid(v: Any) -> bool:
    if not isinstance(v, str) or len(v) != 36:
        return False
    try:
        uuid.UUID(v)
    except ValueError:
        return False
    return True


def decode_command(doc: Any, where: str = "command") -> Command:
    """Validate the envelope of a command; the payload is decoded per command with its spec
    (a bad value is that command's rejection, not a fault of the whole push)."""
    if not isinstance(doc, dict):
        raise ProtocolError(f"{where} is not an object")
    unknown = set(doc) - {"id", "type", "payload", "depends_on"}
    if unknown:
        raise ProtocolError(f"{where}: unknown field(s) {', '.join(sorted(unknown))[:80]}")
    cid, ctype, payload = doc.get("id"), doc.get("type"), doc.get("payload")
    if not is_uuid(cid):
        raise ProtocolError(f"{where}: id must be a UUID")
    if not isinstance(ctype, str) or ctype not in COMMANDS:  # a list or object is unhashable
        raise ProtocolError(f"{where}: unknown command type {ctype!r:.40}")
    if not isinstance(payload, dict):
        raise ProtocolError(f"{where}: payload must be an object")
    deps = doc.get("depends_on", [])
    if not isinstance(deps, list) or len(deps) > 1000 or not all(is_uuid(d) for d in deps):
        raise ProtocolError(f"{where}: depends_on must be a list of UUIDs")
    return Command(cid, ctype, payload, tuple(deps))


def decode_command_result(doc: Any) -> CommandResult:
    if not isinstance(doc, dict):
        raise ProtocolError("command result is not an object")
    cid, status = doc.get("id"), doc.get("status")
    if not is_uuid(cid):
        raise ProtocolError("command result has no valid id")
    if status not in (APPLIED, REJECTED, CHANGED):
        raise ProtocolError(f"command result has unknown status {status!r:.20}")
    reason, code, server = doc.get("reason"), doc.get("code"), doc.get("server") or {}
    message = doc.get("message") or {}
    if reason is not None and not isinstance(reason, str):
        raise ProtocolError("command result reason is not text")
    if code is not None and not isinstance(code, str):
        raise ProtocolError("command result code is not text")
    if not isinstance(server, dict):
        raise ProtocolError("command result server values are not an object")
    if not isinstance(message, dict):
        raise ProtocolError("command result message is not an object")
    if status == REJECTED and not reason:
        raise ProtocolError("a rejection must carry a reason")
    return CommandResult(cid, status, reason, code, server, message)
