"""The conflict inbox: what the server refused or changed, in business terms, and the way out.

Each entry names what happened (a message in the agent's language), shows the agent's value and
the server's, and offers only the choices that make sense; `resolve` turns a choice into the
right outbox command. Nouns and actions come from the commands' specs.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from sfa_desktop.domain.messages import N_, Message, register
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import Conflict, LocalSetting, OutboxCommand, has_dirty, table_of
from sfa_desktop.sync import outbox, protocol

OPEN, RESOLVED = "open", "resolved"
RESYNC_KEY = "sync.resync_streams"

#: The choices an entry can offer, in the order they are shown.
CHOICES = ("keep", "requote", "cancel", "accept_office", "send_mine", "discard", "retry", "ok")
register({
    "choice.keep": N_("Keep it and send again"),
    "choice.requote": N_("Re-price the quote"),
    "choice.cancel": N_("Cancel it"),
    "choice.accept_office": N_("Keep the office's values"),
    "choice.send_mine": N_("Send my values again"),
    "choice.discard": N_("Discard my change"),
    "choice.retry": N_("Send again"),
    "choice.ok": N_("OK"),
    "conflict.document": N_("{noun:msgid} {number}"),
    "conflict.document_unnumbered": N_("{noun:msgid}"),
    "conflict.prices_changed_since_quote": N_("Prices changed since the quote for {document}"),
    "conflict.office_changed_customer": N_("The office changed the same customer fields"),
    "conflict.not_accepted": N_("The server did not accept {action:msgid} ({document})"),
    "conflict.server_changed": N_("The server changed {document}"),
    "conflict.prices_changed_on": N_("Prices changed on {document}"),
    "conflict.adjusted": N_("The server adjusted it when it was accepted."),
    "conflict.unknown": N_("This conflict does not exist (any more)."),
    "conflict.settled": N_("This conflict was already settled."),
    "conflict.not_a_choice": N_("'{choice}' is not a choice for this conflict."),
    "conflict.cancelled_after_price_change": N_("cancelled after a price change"),
    "conflict.server_failed": N_("The server failed on this change {tries} times. The office has been "
                                 "told; send it again later, or discard it."),
})


class ConflictError(ValueError):
    """A resolution that cannot be done; `message` says why."""

    def __init__(self, code: str, **params: Any) -> None:
        self.message = Message(code, params)
        super().__init__(str(self.message))


@dataclass(frozen=True, slots=True)
class ConflictEntry:
    id: str
    kind: str
    title: Message
    message: Message
    local_value: Any
    server_value: Any
    choices: tuple[str, ...]
    command_id: str | None

    def choice_labels(self) -> list[tuple[str, Message]]:
        return [(c, Message(f"choice.{c}")) for c in self.choices]


def document_of(command: protocol.Command) -> Message:
    """"order O-AG01-2026-0042", "quote" (the spec's noun and the document's number)."""
    number = command.payload.get("number")
    noun = command.spec.noun
    if number:
        return Message("conflict.document", {"noun": noun, "number": number})
    return Message("conflict.document_unnumbered", {"noun": noun})


def _choices_for(command: protocol.Command, code: str | None) -> tuple[str, ...]:
    if code == "price_changed":
        has_quote = command.type == "quote.save" or bool(command.payload.get("quote_id"))
        return ("keep", "requote", "cancel") if has_quote else ("keep", "cancel")
    if command.type == "customer.update" and code == "conflict":
        return ("accept_office", "send_mine")
    if code in ("already_decided", "not_found", "forbidden"):
        return ("discard",)
    return ("retry", "discard")


def _reason(result: protocol.CommandResult, default: Message) -> Message:
    """The server's message (a code and parameters), or its English reason from an older server."""
    if result.code == "server_error":
        return Message("conflict.server_failed", {"tries": 3})
    message = Message.from_wire(result.message)
    if message is not None:
        return message
    return Message("text", {"text": result.reason}) if result.reason else default


def open_for_rejection(session: Session, *, command: protocol.Command,
                       result: protocol.CommandResult) -> Conflict:
    """A rejected command becomes an inbox entry with the agent's and the server's values."""
    what = document_of(command)
    code = result.code or "rejected"
    if code == "price_changed":
        title = Message("conflict.prices_changed_since_quote", {"document": what})
    elif command.type == "customer.update" and code == "conflict":
        title = Message("conflict.office_changed_customer")
    else:
        title = Message("conflict.not_accepted", {"action": command.spec.action, "document": what})
    local = dict(command.payload.get("changes") or command.payload) \
        if command.type == "customer.update" else dict(command.payload)
    entry = Conflict(id=str(uuid.uuid4()), command_id=command.id, kind=code, title=title.to_wire(),
                     message=_reason(result, title).to_wire(), local_value=local,
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
    title = Message("conflict.server_changed", {"document": document_of(command)})
    if command.type == "customer.update" and code == "conflict":
        # {field: {"yours", "server"}}: the office's value was kept
        local = dict(command.payload.get("changes") or {})
        server = {k: v.get("server") for k, v in server.items() if isinstance(v, dict)}
        title = Message("conflict.office_changed_customer")
        choices = ("accept_office", "send_mine")
    elif code == "price_changed" and command.type == "quote.save":
        title = Message("conflict.prices_changed_on", {"document": document_of(command)})
        choices = ("keep", "cancel")
    entry = Conflict(id=str(uuid.uuid4()), command_id=command.id, kind=code, title=title.to_wire(),
                     message=_reason(result, Message("conflict.adjusted")).to_wire(), local_value=local,
                     server_value=server, choices=list(choices), status=OPEN)
    session.add(entry)
    return entry


def _message(value: Any) -> Message:
    return Message.from_wire(value) or Message("text", {"text": str(value or "")})


def entry_of(row: Conflict) -> ConflictEntry:
    return ConflictEntry(row.id, row.kind, _message(row.title), _message(row.message), row.local_value,
                         row.server_value, tuple(row.choices or ()), row.command_id)


def list_open(session: Session) -> list[ConflictEntry]:
    rows = session.scalars(select(Conflict).where(Conflict.status == OPEN).order_by(Conflict.created_at))
    return [entry_of(r) for r in rows]


def open_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Conflict).where(Conflict.status == OPEN)) or 0


def resolve(session: Session, conflict_id: str, choice: str) -> list[protocol.Command]:
    """Settle an entry with one of its choices, in the caller's transaction.

    Returns the commands queued for it (none for choices that only change the replica).
    Raises ConflictError for an unknown entry, an entry already settled or a choice not offered.
    """
    row = session.get(Conflict, conflict_id)
    if row is None:
        raise ConflictError("conflict.unknown")
    if row.status != OPEN:
        raise ConflictError("conflict.settled")
    if choice not in (row.choices or ()):
        raise ConflictError("conflict.not_a_choice", choice=str(choice)[:40])
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
        origin.last_error = Message("outbox.settled", {"choice": Message(f"choice.{choice}")}).to_wire()
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
        return [_resend(session, command, _as_python(command))]
    if choice == "requote":
        return _requote(session, command)
    # cancel, discard, accept_office: the agent's change goes; the server's version comes back.
    _release_dependents(session, command.id, None, dropped=_created(command))
    _drop_local(session, command)
    return []


def _created(command: protocol.Command) -> tuple[str, str] | None:
    """(stream, id) of the row a creating command made; later changes of that row go with it."""
    entity = command.spec.target_id(command.payload)
    return (command.spec.stream, entity) if command.spec.creates and entity else None


def _as_python(command: protocol.Command, payload: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A stored wire payload back in Python values, ready for enqueue."""
    return command.spec.decode(dict(payload if payload is not None else command.payload))


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
        queued.append(_resend(session, command, _as_python(command)))
    else:
        # The order waits as a draft; the quote is saved again so the server re-prices it.
        _release_dependents(session, command.id, None)
        _drop_local(session, command)
        quotes = table_of("quotes")
        quote = session.execute(select(quotes).where(quotes.c.id == quote_id)).mappings().first()
        if quote is not None:
            lines = _as_python(command)["lines"] or []
            payload = {"quote_id": quote_id, "customer_id": quote["customer_id"],
                       "lines": [{k: v for k, v in line.items() if v is not None} for line in lines]}
            queued.append(outbox.enqueue(session, type="quote.save", payload=payload))
            session.execute(update(quotes).where(quotes.c.id == quote_id).values(dirty=True))
    return queued


def _unsettled(session: Session, command_id: str) -> bool:
    row = session.get(OutboxCommand, command_id)
    return row is not None and row.status in outbox.UNSETTLED


def _release_dependents(session: Session, old_id: str, new_id: str | None,
                        dropped: tuple[str, str] | None = None) -> None:
    """Commands that waited for `old_id` now wait for its replacement, or for nothing.

    A held command may carry a server answer "dependency rejected" recorded under its id, so
    it is queued again under a fresh id (it was never applied, so nothing can be doubled). When the
    row `old_id` created was dropped (`dropped`: stream, id), commands about that row go with it.
    """
    for dependent in list(session.scalars(select(OutboxCommand).where(
            OutboxCommand.status.in_((outbox.PENDING, outbox.HELD))))):
        deps = list(dependent.depends_on or ())
        if old_id not in deps:
            continue
        spec = outbox.spec(dependent.type)
        if dropped and (spec.stream, spec.target_id(dependent.payload)) == dropped:
            dependent.status = outbox.DONE
            dependent.last_error = Message("outbox.dropped_with").to_wire()
            session.flush()
            _release_dependents(session, dependent.id, None, dropped)
            continue
        deps = [new_id if d == old_id else d for d in deps if new_id or d != old_id]
        if dependent.status == outbox.PENDING:
            dependent.depends_on = deps
            continue
        dependent.status = outbox.DONE
        dependent.last_error = Message("outbox.requeued").to_wire()
        session.flush()
        command = outbox.to_command(dependent)
        again = outbox.enqueue(session, type=dependent.type, payload=_as_python(command), depends_on=deps)
        _release_dependents(session, dependent.id, again.id)


def _mark_dirty(session: Session, command: protocol.Command) -> None:
    stream = command.spec.stream
    entity = command.spec.target_id(command.payload)
    if entity and has_dirty(stream):
        table = table_of(stream)
        session.execute(update(table).where(table.c.id == entity).values(dirty=True))


def _drop_local(session: Session, command: protocol.Command) -> None:
    """Undo the agent's version: creations vanish; the stream is pulled again to restore the rest."""
    stream = command.spec.stream
    table = table_of(stream)
    entity = command.spec.target_id(command.payload)
    if entity and command.spec.creates:
        session.execute(delete(table).where(table.c.id == entity))
    elif entity and has_dirty(stream):
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
