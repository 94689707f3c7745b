"""The conflict inbox: what the server refused or changed, in business terms, and the way out.

Each entry names what happened, shows the agent's value and the server's, and offers only
the choices that make sense; `resolve` turns a choice into the right outbox command.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import Conflict, LocalSetting, OutboxCommand
from sfa_desktop.sync import outbox, protocol
from sfa_desktop.sync.apply import table_of

OPEN, RESOLVED = "open", "resolved"
RESYNC_KEY = "sync.resync_streams"

#: Choice -> label shown on its button.
CHOICE_LABELS: dict[str, str] = {
    "keep": "Keep it and send again",
    "requote": "Re-price the quote",
    "cancel": "Cancel it",
    "accept_office": "Keep the office's values",
    "send_mine": "Send my values again",
    "discard": "Discard my change",
    "retry": "Send again",
    "ok": "OK",
}
#: Creation commands: discarding one removes the local row that was never on the server.
_CREATIONS = frozenset({"order.submit", "prospect.create", "activity.log", "quote.revise"})


@dataclass(frozen=True, slots=True)
class ConflictEntry:
    id: str
    kind: str
    title: str
    message: str
    local_value: Any
    server_value: Any
    choices: tuple[str, ...]
    command_id: str | None

    def choice_labels(self) -> list[tuple[str, str]]:
        return [(c, CHOICE_LABELS[c]) for c in self.choices]


def _document(command: protocol.Command) -> str:
    number = command.payload.get("number")
    kind = outbox.TARGETS[command.type].stream
    noun = {"quotes": "quote", "orders": "order", "customers": "customer",
            "activities": "visit", "deals": "deal"}[kind]
    return f"{noun} {number}" if number else f"the {noun}"


def _choices_for(command: protocol.Command, code: str | None) -> tuple[str, ...]:
    if code == "price_changed":
        has_quote = command.type == "quote.save" or bool(command.payload.get("quote_id"))
        return ("keep", "requote", "cancel") if has_quote else ("keep", "cancel")
    if command.type == "customer.update" and code == "conflict":
        return ("accept_office", "send_mine")
    if code in ("already_decided", "not_found", "forbidden"):
        return ("discard",)
    return ("retry", "discard")


def open_for_rejection(session: Session, *, command: protocol.Command,
                       result: protocol.CommandResult) -> Conflict:
    """A rejected command becomes an inbox entry with the agent's and the server's values."""
    what = _document(command)
    code = result.code or "rejected"
    if code == "price_changed":
        title = f"Prices changed since the quote for {what}"
    elif command.type == "customer.update" and code == "conflict":
        title = "The office changed the same customer fields"
    else:
        title = f"The server did not accept {outbox.describe(command.type)} ({what})"
    local = dict(command.payload.get("changes") or command.payload) \
        if command.type == "customer.update" else dict(command.payload)
    entry = Conflict(id=str(uuid.uuid4()), command_id=command.id, kind=code, title=title,
                     message=result.reason or title, local_value=local,
                     server_value=dict(result.server), choices=list(_choices_for(command, code)),
                     status=OPEN)
    session.add(entry)
    return entry


def open_for_change(session: Session, *, command: protocol.Command,
                    result: protocol.CommandResult) -> Conflict:
    """An accepted command the server changed (re-priced, merged, renumbered)."""
    code = result.code or "changed"
    server = dict(result.server)
    local: dict[str, Any] = dict(command.payload)
    choices: tuple[str, ...] = ("ok",)
    title = f"The server changed {_document(command)}"
    if command.type == "customer.update" and code == "conflict":
        # {field: {"yours", "server"}}: the office's value was kept
        local = dict(command.payload.get("changes") or {})
        server = {k: v.get("server") for k, v in server.items() if isinstance(v, dict)}
        title = "The office changed the same customer fields"
        choices = ("accept_office", "send_mine")
    elif code == "price_changed" and command.type == "quote.save":
        title = f"Prices changed on {_document(command)}"
        choices = ("keep", "cancel")
    entry = Conflict(id=str(uuid.uuid4()), command_id=command.id, kind=code, title=title,
                     message=result.reason or "The server adjusted it when it was accepted.",
                     local_value=local, server_value=server, choices=list(choices), status=OPEN)
    session.add(entry)
    return entry


def _entry(row: Conflict) -> ConflictEntry:
    return ConflictEntry(row.id, row.kind, row.title, row.message, row.local_value,
                         row.server_value, tuple(row.choices or ()), row.command_id)


def list_open(session: Session) -> list[ConflictEntry]:
    rows = session.scalars(select(Conflict).where(Conflict.status == OPEN).order_by(Conflict.created_at))
    return [_entry(r) for r in rows]


def open_count(session: Session) -> int:
    return len(session.scalars(select(Conflict.id).where(Conflict.status == OPEN)).all())


def resolve(session: Session, conflict_id: str, choice: str) -> list[protocol.Command]:
    """Settle an entry with one of its choices, in the caller's transaction.

    Returns the commands queued for it (none for choices that only change the replica).
    Raises ValueError for an unknown entry, an entry already settled or a choice not offered.
    """
    row = session.get(Conflict, conflict_id)
    if row is None:
        raise ValueError("This conflict does not exist (any more).")
    if row.status != OPEN:
        raise ValueError("This conflict was already settled.")
    if choice not in (row.choices or ()):
        offered = ", ".join(row.choices or ())
        raise ValueError(f"'{choice}' is not a choice for this conflict (choose one of: {offered}).")
    origin = session.get(OutboxCommand, row.command_id) if row.command_id else None
    queued = _act(session, origin, row, choice) if origin is not None else []
    row.status, row.resolved_choice, row.resolved_at = RESOLVED, choice, utc_now()
    session.flush()
    return queued


def _act(session: Session, origin: OutboxCommand, row: Conflict, choice: str) -> list[protocol.Command]:
    command = outbox.to_command(origin)
    refused = origin.status == outbox.FAILED
    if refused:
        origin.status = outbox.DONE
        origin.last_error = f"settled in the conflict inbox: {choice}"
    if choice == "send_mine":
        mine = dict(row.local_value or {})
        base = {k: (row.server_value or {}).get(k) for k in mine}
        payload = {"customer_id": command.payload.get("customer_id"), "base": base, "changes": mine}
        _mark_dirty(session, command)
        return [_resend(session, command, payload) if refused else
                outbox.enqueue(session, type="customer.update", payload=payload)]
    if not refused:
        # The server accepted it (with changes): only an explicit cancel issues a command.
        if choice == "cancel" and command.type == "quote.save":
            _mark_dirty(session, command)
            return [outbox.enqueue(session, type="quote.lose", payload={
                "quote_id": command.payload["quote_id"], "reason": "cancelled after a price change"})]
        return []
    if choice in ("keep", "retry"):
        return [_resend(session, command, dict(command.payload))]
    if choice == "requote":
        return _requote(session, command)
    # cancel, discard, accept_office: the agent's change goes; the server's version comes back.
    _release_dependents(session, command.id, None)
    _drop_local(session, command)
    return []


def _resend(session: Session, old: protocol.Command, payload: dict[str, Any]) -> protocol.Command:
    new = outbox.enqueue(session, type=old.type, payload=payload, depends_on=[
        d for d in old.depends_on if _unsettled(session, d)])
    _release_dependents(session, old.id, new.id)
    _mark_dirty(session, old)
    return new


def _requote(session: Session, command: protocol.Command) -> list[protocol.Command]:
    quote_id = command.payload.get("quote_id")
    queued = []
    if command.type == "quote.save":
        queued.append(_resend(session, command, dict(command.payload)))
    else:
        # The order waits as a draft; the quote is saved again so the server re-prices it.
        _release_dependents(session, command.id, None)
        _drop_local(session, command)
        quote = session.execute(select(table_of("quotes")).where(
            table_of("quotes").c.id == quote_id)).mappings().first()
        if quote is not None:
            payload = {"quote_id": quote_id, "customer_id": quote["customer_id"],
                       "lines": [_line_payload(line) for line in command.payload.get("lines") or []]}
            queued.append(outbox.enqueue(session, type="quote.save", payload=payload))
            session.execute(update(table_of("quotes")).where(table_of("quotes").c.id == quote_id)
                            .values(dirty=True))
    return queued


def _line_payload(line: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in line.items() if k in protocol.LINE_FIELDS}


def _unsettled(session: Session, command_id: str) -> bool:
    row = session.get(OutboxCommand, command_id)
    return row is not None and row.status in outbox.UNSETTLED


def _release_dependents(session: Session, old_id: str, new_id: str | None) -> None:
    """Commands that waited for `old_id` now wait for its replacement, or for nothing.

    A held command may carry a server answer "dependency rejected" recorded under its id, so
    it is queued again under a fresh id (it was never applied, so nothing can be doubled).
    """
    for dependent in list(session.scalars(select(OutboxCommand).where(
            OutboxCommand.status.in_((outbox.PENDING, outbox.HELD))))):
        deps = list(dependent.depends_on or ())
        if old_id not in deps:
            continue
        deps = [new_id if d == old_id else d for d in deps if new_id or d != old_id]
        if dependent.status == outbox.PENDING:
            dependent.depends_on = deps
            continue
        dependent.status = outbox.DONE
        dependent.last_error = "queued again after the change it waited for was settled"
        session.flush()
        again = outbox.enqueue(session, type=dependent.type, payload=dict(dependent.payload),
                               depends_on=deps)
        _release_dependents(session, dependent.id, again.id)


def _mark_dirty(session: Session, command: protocol.Command) -> None:
    table = table_of(outbox.TARGETS[command.type].stream)
    entity = outbox.target_id(command.type, command.payload)
    if entity and "dirty" in table.c:
        session.execute(update(table).where(table.c.id == entity).values(dirty=True))


def _drop_local(session: Session, command: protocol.Command) -> None:
    """Undo the agent's version: creations vanish; the stream is pulled again to restore the rest."""
    stream = outbox.TARGETS[command.type].stream
    table = table_of(stream)
    entity = outbox.target_id(command.type, command.payload)
    if entity and command.type in _CREATIONS:
        session.execute(delete(table).where(table.c.id == entity))
    elif entity and "dirty" in table.c:
        session.execute(update(table).where(table.c.id == entity).values(dirty=False))
    request_resync(session, outbox.streams_touched(command.type))


def request_resync(session: Session, streams: tuple[str, ...] | list[str]) -> None:
    """Ask the next sync to pull these streams again from scratch (the outbox is kept)."""
    setting = session.get(LocalSetting, RESYNC_KEY)
    current = set(setting.value or []) if setting else set()
    wanted = sorted(current | set(streams))
    if setting is None:
        session.add(LocalSetting(key=RESYNC_KEY, value=wanted))
    else:
        setting.value = wanted
