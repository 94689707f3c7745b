"""The sync section: the outbox in the agent's words, the conflict inbox and the updates list.

Every command is described from its spec in the protocol (what it is about: its noun, the document
number from the payload or the replica, the customer's name from the replica), as a message the
screen renders in the agent's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sfa_desktop.domain.messages import N_, Message, register
from sfa_desktop.local_db.models import (
    OUTBOX_STATUSES,
    Activity,
    Conflict,
    Deal,
    Order,
    OutboxCommand,
    Quote,
    SyncCursor,
    Update,
)
from sfa_desktop.operations.read.common import as_set, chunks, customer_names, in_order, unique_ids
from sfa_desktop.sync import conflicts, outbox, protocol

__all__ = [
    "ConflictRow",
    "OutboxRow",
    "SyncSummary",
    "UpdateRow",
    "conflict_ids",
    "conflict_rows",
    "describe_commands",
    "outbox_ids",
    "outbox_rows",
    "sync_summary",
    "update_ids",
    "update_rows",
]

register({
    "outbox.about.quote": N_("Quote {number} for {customer}"),
    "outbox.about.order": N_("Order {number} for {customer}"),
    "outbox.about.customer": N_("Customer {customer}"),
    "outbox.about.prospect": N_("New prospect {customer}"),
    "outbox.about.activity": N_("Activity \u201c{subject}\u201d with {customer}"),
    "outbox.about.deal": N_("Deal \u201c{title}\u201d with {customer}"),
    "outbox.about.other": N_("{action:msgid}"),
    "outbox.about.unknown_customer": N_("a customer no longer on this computer"),
    "outbox.about.no_number": N_("(number not known yet)"),
    "outbox.action": N_("{action:msgid}"),
    "outbox_status.pending": N_("waiting to be sent"),
    "outbox_status.sent": N_("sent, waiting for the answer"),
    "outbox_status.held": N_("on hold"),
    "outbox_status.failed": N_("refused by the server"),
    "outbox_status.done": N_("done"),
})

#: What the outbox shows unless asked otherwise: everything not settled for good.
SHOWN_BY_DEFAULT = tuple(s for s in OUTBOX_STATUSES if s != outbox.DONE)
_ABOUT = {"quote", "order", "customer", "prospect", "activity", "deal"}


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: str
    seq: int
    type: str  # quote.save, order.submit...
    status: str  # pending, sent, held, failed, done: status_label("outbox_status", status)
    created_at: dt.datetime
    attempts: int
    last_error: Message | None  # why it waits or was refused
    next_attempt_at: dt.datetime | None
    about: Message  # "Order O-AG01-2026-20001 for Rossi S.r.l."
    action: Message  # "submitting an order"
    stream: str | None
    target_id: str | None
    depends_on: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConflictRow:
    id: str
    kind: str  # the server's code: price_changed, conflict, not_found...
    title: Message
    message: Message
    local_value: Any  # the agent's values (JSON)
    server_value: Any  # the server's values (JSON)
    choices: tuple[tuple[str, Message], ...]  # (choice code for resolve_conflict, its label)
    command_id: str | None
    command_type: str | None
    about: Message | None  # what the command was about, as in the outbox
    status: str  # open, resolved
    created_at: dt.datetime
    resolved_choice: str | None
    resolved_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class UpdateRow:
    id: str
    at: dt.datetime
    kind: str  # order_approved, order_rejected...
    stream: str | None  # the row it is about, to open it
    row_id: str | None
    message: Message
    seen: bool


@dataclass(frozen=True, slots=True)
class SyncSummary:
    last_success_at: dt.datetime | None
    last_error: Message | None
    by_status: Mapping[str, int]  # outbox commands per status
    waiting: int  # commands the server has not settled (pending, held, refused)
    open_conflicts: int
    unseen_updates: int


# --------------------------------------------------------------------------- describing commands

_DOCUMENT_STREAMS: dict[str, Any] = {
    "quotes": (Quote, Quote.number),
    "orders": (Order, Order.number),
    "activities": (Activity, Activity.subject),
    "deals": (Deal, Deal.title),
}


def _replica_facts(session: Session, targets: dict[str, set[str]]) -> dict[tuple[str, str], tuple[str | None, Any]]:
    """(stream, id) -> (customer id, number / subject / title) of the rows commands are about."""
    facts: dict[tuple[str, str], tuple[str | None, Any]] = {}
    for stream, ids in targets.items():
        if stream == "customers":
            facts.update(((stream, i), (i, None)) for i in ids)
            continue
        known = _DOCUMENT_STREAMS.get(stream)
        if known is None:
            continue
        model, label = known
        for chunk in chunks(sorted(ids)):
            for row_id, customer_id, value in session.execute(
                    select(model.id, model.customer_id, label).where(model.id.in_(chunk))):
                facts[(stream, row_id)] = (customer_id, value)
    return facts


def describe_commands(session: Session, commands: Iterable[tuple[str, Mapping[str, Any]]]) -> list[Message]:
    """What each (type, wire payload) is about, in the agent's words, in the order given."""
    items = list(commands)
    specs = [protocol.COMMANDS.get(ctype) for ctype, _ in items]
    targets: dict[str, set[str]] = {}
    for spec, (_, payload) in zip(specs, items, strict=True):
        target = spec.target_id(payload) if spec else None
        if spec and target:
            targets.setdefault(spec.stream, set()).add(target)
    facts = _replica_facts(session, targets)
    customer_ids = {c for c, _ in facts.values() if c}
    customer_ids |= {p.get("customer_id") for _, p in items if isinstance(p.get("customer_id"), str)}
    names = customer_names(session, customer_ids)
    out = []
    for spec, (ctype, payload) in zip(specs, items, strict=True):
        out.append(_describe(spec, ctype, payload, facts, names))
    return out


def _describe(spec: protocol.CommandSpec | None, ctype: str, payload: Mapping[str, Any],
              facts: Mapping[tuple[str, str], tuple[str | None, Any]], names: Mapping[str, str]) -> Message:
    if spec is None:
        return Message("text", {"text": ctype})
    target = spec.target_id(payload)
    customer_id, value = facts.get((spec.stream, target or ""), (None, None))
    customer_id = payload.get("customer_id") if isinstance(payload.get("customer_id"), str) else customer_id
    if spec.noun == "prospect" and payload.get("name"):
        customer: Any = str(payload["name"])
    elif customer_id and customer_id in names:
        customer = names[customer_id]
    else:
        customer = Message("outbox.about.unknown_customer")
    if spec.noun not in _ABOUT:
        return Message("outbox.about.other", {"action": spec.action})
    params: dict[str, Any] = {"customer": customer}
    if spec.noun in ("quote", "order"):
        number = payload.get("number") or value
        params["number"] = number if isinstance(number, str) and number else Message("outbox.about.no_number")
    elif spec.noun == "activity":
        params["subject"] = payload.get("subject") or value or ""
    elif spec.noun == "deal":
        params["title"] = payload.get("title") or value or ""
    return Message(f"outbox.about.{spec.noun}", params)


def _message(value: Any) -> Message | None:
    return Message.from_wire(value) if value is not None else None


# --------------------------------------------------------------------------- outbox

def outbox_ids(session: Session, *, status: str | Iterable[str] | None = None) -> list[str]:
    """Ids of the queued commands, in the order they are sent; by default all but those done."""
    wanted = as_set(status)
    statuses = sorted(wanted) if wanted is not None else list(SHOWN_BY_DEFAULT)
    return list(session.scalars(select(OutboxCommand.id).where(OutboxCommand.status.in_(statuses))
                                .order_by(OutboxCommand.seq)))


def outbox_rows(session: Session, ids: Iterable[str]) -> list[OutboxRow]:
    """Rows for these commands, in their order; unknown ids are skipped."""
    wanted = unique_ids(ids)
    found: dict[str, Any] = {}
    table = OutboxCommand.__table__
    for chunk in chunks(wanted):
        found.update((r.id, r) for r in session.execute(select(table).where(table.c.id.in_(chunk))))
    records = list(found.values())
    about = describe_commands(session, ((r.type, r.payload or {}) for r in records))
    rows = {}
    for r, what in zip(records, about, strict=True):
        spec = protocol.COMMANDS.get(r.type)
        rows[r.id] = OutboxRow(
            r.id, r.seq, r.type, r.status, r.created_at, r.attempts, _message(r.last_error), r.next_attempt_at,
            what, Message("outbox.action", {"action": spec.action}) if spec else Message("text", {"text": r.type}),
            spec.stream if spec else None, spec.target_id(r.payload or {}) if spec else None,
            tuple(r.depends_on or ()))
    return in_order(wanted, rows)


# --------------------------------------------------------------------------- conflicts

def conflict_ids(session: Session, *, include_resolved: bool = False) -> list[str]:
    """Ids of the conflict inbox entries, oldest first (open ones only unless asked)."""
    stmt = select(Conflict.id).order_by(Conflict.created_at, Conflict.id)
    if not include_resolved:
        stmt = stmt.where(Conflict.status == conflicts.OPEN)
    return list(session.scalars(stmt))


def conflict_rows(session: Session, ids: Iterable[str]) -> list[ConflictRow]:
    """Rows for these conflict entries, in their order; unknown ids are skipped."""
    wanted = unique_ids(ids)
    records: dict[str, Conflict] = {}
    for chunk in chunks(wanted):
        records.update((c.id, c) for c in session.scalars(select(Conflict).where(Conflict.id.in_(chunk))))
    command_ids = [c.command_id for c in records.values() if c.command_id]
    commands: dict[str, tuple[str, Any]] = {}
    for chunk in chunks(command_ids):
        commands.update((cid, (ctype, payload)) for cid, ctype, payload in session.execute(
            select(OutboxCommand.id, OutboxCommand.type, OutboxCommand.payload).where(OutboxCommand.id.in_(chunk))))
    described = dict(zip(commands, describe_commands(session, commands.values()), strict=True))
    rows = {}
    for cid, record in records.items():
        entry = conflicts.entry_of(record)
        origin = commands.get(record.command_id or "")
        rows[cid] = ConflictRow(
            entry.id, entry.kind, entry.title, entry.message, entry.local_value, entry.server_value,
            tuple(entry.choice_labels()), entry.command_id, origin[0] if origin else None,
            described.get(record.command_id or ""), record.status, record.created_at, record.resolved_choice,
            record.resolved_at)
    return in_order(wanted, rows)


# --------------------------------------------------------------------------- updates

def update_ids(session: Session, *, unseen_only: bool = False) -> list[str]:
    """Ids of the updates list (office decisions...): unseen first, then newest first."""
    stmt = select(Update.id).order_by(Update.seen, Update.at.desc(), Update.id)
    if unseen_only:
        stmt = stmt.where(Update.seen.is_(False))
    return list(session.scalars(stmt))


def update_rows(session: Session, ids: Iterable[str]) -> list[UpdateRow]:
    """Rows for these updates, in their order; unknown ids are skipped."""
    wanted = unique_ids(ids)
    found: dict[str, Any] = {}
    table = Update.__table__
    for chunk in chunks(wanted):
        found.update((r.id, r) for r in session.execute(select(table).where(table.c.id.in_(chunk))))
    rows = {r.id: UpdateRow(r.id, r.at, r.kind, r.stream, r.row_id,
                            _message(r.message) or Message("text", {"text": str(r.message or "")}), bool(r.seen))
            for r in found.values()}
    return in_order(wanted, rows)


# --------------------------------------------------------------------------- summary

def sync_summary(session: Session) -> SyncSummary:
    """The figures of the sync section's header: last sync, queue, inbox, updates."""
    cursor = session.get(SyncCursor, 1)
    by_status = outbox.count_by_status(session)
    unseen = session.scalar(select(func.count()).select_from(Update).where(Update.seen.is_(False))) or 0
    return SyncSummary(
        last_success_at=cursor.last_success_at if cursor else None,
        last_error=_message(cursor.last_error) if cursor else None,
        by_status=dict(by_status), waiting=sum(by_status.get(s, 0) for s in outbox.UNSETTLED),
        open_conflicts=conflicts.open_count(session), unseen_updates=unseen)
