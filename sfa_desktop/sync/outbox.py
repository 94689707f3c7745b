"""The outbox: business commands queued with the local change they describe, sent in order.

`enqueue` runs inside the caller's transaction (the same one that saves the draft), so a change
and its command are stored together or not at all. What a command targets, what it is called and
which fields it carries come from its spec in the protocol. Answers are applied by
sfa_desktop.sync.answers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sfa_desktop.domain.messages import N_, Message, register
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import OutboxCommand, line_streams_of
from sfa_desktop.sync import protocol

PENDING, HELD, FAILED, DONE = "pending", "held", "failed", "done"
#: Statuses of commands the server has not settled for good.
UNSETTLED = (PENDING, HELD, FAILED)

register({
    "text": N_("{text}"),
    "outbox.waiting_for": N_("Waiting: it depends on {action:msgid}, which the server did not accept."),
    "outbox.requeued": N_("Queued again after the change it waited for was settled."),
    "outbox.dropped_with": N_("Dropped with the change it depended on."),
    "outbox.server_error": N_("The server could not process it ({tries} tries so far): it is sent again at "
                              "the next sync."),
    "outbox.settled": N_("Settled in the conflict inbox: {choice}."),
    "outbox.server_failed_held": N_("The server failed on it {tries} times: it is held and not sent again "
                                    "until you choose Send again (the office has been told)."),
})


class OutboxError(ValueError):
    """A command that cannot be queued (a bug in the caller: operations validate first)."""


def spec(command_type: str) -> protocol.CommandSpec:
    return protocol.COMMANDS[command_type]


def target_id(command_type: str, payload: Mapping[str, Any]) -> str | None:
    return spec(command_type).target_id(payload)


def streams_touched(command_type: str) -> tuple[str, ...]:
    stream = spec(command_type).stream
    return (stream, *line_streams_of(stream))


def enqueue(session: Session, *, type: str, payload: Mapping[str, Any],
            depends_on: Sequence[str] = (), command_id: str | None = None) -> protocol.Command:
    """Queue a command in the caller's transaction; OutboxError for a malformed one.

    `payload` holds Python values (Decimal, date...): the spec encodes them for the wire and
    decodes them back, so what is queued is exactly what the server will accept. The caller marks
    the local row `dirty` in the same transaction.
    """
    if type not in protocol.COMMANDS:
        raise OutboxError(f"unknown command type {type!r}")
    command_spec = spec(type)
    try:
        wire_payload = command_spec.encode(payload)
        command_spec.decode(wire_payload)
        command = protocol.decode_command({"id": command_id or str(uuid.uuid4()), "type": type,
                                           "payload": wire_payload, "depends_on": list(depends_on)},
                                          where=f"{type} command")
    except protocol.ProtocolError as error:
        raise OutboxError(str(error)) from error
    if command_spec.target_id(command.payload) is None:
        raise OutboxError(f"{type} command: {command_spec.key} is required")
    if command.depends_on:
        known = set(session.scalars(select(OutboxCommand.id)
                                    .where(OutboxCommand.id.in_(command.depends_on))))
        missing = set(command.depends_on) - known
        if missing:
            raise OutboxError(f"{type} command depends on unknown command(s) {sorted(missing)}")
    session.add(OutboxCommand(id=command.id, type=command.type, payload=command.payload,
                              depends_on=list(command.depends_on), status=PENDING))
    session.flush()
    return command


def enqueue_or_replace(session: Session, *, type: str, payload: Mapping[str, Any],
                       depends_on: Sequence[str] = ()) -> protocol.Command:
    """Queue a saving command, or update the payload of the same unsent one (drafts saved as the agent
    types would otherwise queue one command per keystroke).

    Only the latest command of the outbox for the same row is replaced, when it was never sent
    and nothing waits for it; otherwise a new command is queued after it.
    """
    command_spec = spec(type)
    entity = command_spec.target_id(payload)
    last = session.scalars(select(OutboxCommand).where(OutboxCommand.status.in_(UNSETTLED))
                           .order_by(OutboxCommand.seq.desc())).all()
    for row in last:
        if spec(row.type).stream != command_spec.stream or row.payload.get(command_spec.key) != entity:
            continue  # a command about another row
        if row.type == type and row.status == PENDING and row.attempts == 0 and \
                list(row.depends_on or ()) == list(depends_on) and not _depended_on(session, row.id):
            try:
                wire_payload = command_spec.encode(payload)
                command_spec.decode(wire_payload)
            except protocol.ProtocolError as error:
                raise OutboxError(str(error)) from error
            row.payload = wire_payload
            session.flush()
            return to_command(row)
        break  # the latest command about this row is another one: keep the order of events
    return enqueue(session, type=type, payload=payload, depends_on=depends_on)


def _depended_on(session: Session, command_id: str) -> bool:
    return any(command_id in (deps or ()) for deps in session.scalars(
        select(OutboxCommand.depends_on).where(OutboxCommand.status.in_(UNSETTLED))))


def to_command(row: OutboxCommand) -> protocol.Command:
    return protocol.Command(row.id, row.type, dict(row.payload), tuple(row.depends_on or ()))


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxCommand.status, func.count()).group_by(OutboxCommand.status))
    return {status: n for status, n in rows}


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxCommand)
                          .where(OutboxCommand.status.in_(UNSETTLED))) or 0


def unsettled_streams(session: Session) -> set[str]:
    """Streams with commands the server has not settled: their replica differs on purpose."""
    types = session.scalars(select(OutboxCommand.type).distinct()
                            .where(OutboxCommand.status.in_(UNSETTLED)))
    return {s for t in types for s in streams_touched(t)}


def unsettled_for(session: Session, stream: str, entity: str, *, exclude: str | None = None) -> list[str]:
    """Ids of the commands still unsettled that change row `entity` of `stream`."""
    rows = session.execute(select(OutboxCommand.id, OutboxCommand.type, OutboxCommand.payload)
                           .where(OutboxCommand.status.in_(UNSETTLED)))
    return [cid for cid, ctype, payload in rows
            if cid != exclude and spec(ctype).stream == stream and
            any(payload.get(f.name) == entity for f in spec(ctype).fields if f.type == protocol.ID)]


def next_batch(session: Session, *, limit: int = protocol.MAX_PUSH_COMMANDS,
               exclude: frozenset[str] | set[str] = frozenset()) -> list[protocol.Command]:
    """The next commands to send, in order; commands whose dependency failed are held here.

    `exclude`: commands already sent in this sync (one answer per command per sync).
    """
    rows = [r for r in session.scalars(select(OutboxCommand)
                                       .where(OutboxCommand.status.in_((PENDING, HELD)))
                                       .order_by(OutboxCommand.seq)) if r.id not in exclude]
    if not rows:
        return []
    blocked = {cid: reason for cid, reason in session.execute(
        select(OutboxCommand.id, OutboxCommand.last_error)
        .where(OutboxCommand.status.in_((FAILED, HELD))))}
    batch: list[protocol.Command] = []
    in_batch: set[str] = set()
    waiting = list(rows)
    progress = True
    # A command goes after everything it depends on, even when it was queued first (a
    # dependency re-sent from the conflict inbox gets a later place in the queue).
    while waiting and progress and len(batch) < limit:
        progress = False
        for row in list(waiting):
            deps = list(row.depends_on or ())
            blocking = [d for d in deps if d in blocked]
            if blocking:
                reason = held_reason(session, blocking[0])
                if row.status != HELD or row.last_error != reason:
                    row.status, row.last_error = HELD, reason
                blocked[row.id] = reason
                waiting.remove(row)
                progress = True
                continue
            if any(d not in in_batch and status_of(session, d) not in (DONE, None) for d in deps):
                continue
            if row.status == HELD:  # its dependency was settled meanwhile (conflict resolved)
                row.status, row.last_error = PENDING, None
            batch.append(to_command(row))
            in_batch.add(row.id)
            waiting.remove(row)
            progress = True
            if len(batch) >= limit:
                break
    session.flush()
    return batch


def held_reason(session: Session, blocking_id: str) -> dict[str, Any]:
    """Why a command waits, as a stored message: it depends on `blocking_id`, refused."""
    row = session.get(OutboxCommand, blocking_id)
    action = spec(row.type).action if row else N_("an earlier change")
    return Message("outbox.waiting_for", {"action": action}).to_wire()


def describe(command_type: str) -> str:
    """What the agent was doing, in English (the msgid the catalog translates)."""
    return spec(command_type).action


def status_of(session: Session, command_id: str) -> str | None:
    return session.scalar(select(OutboxCommand.status).where(OutboxCommand.id == command_id))


def mark_attempt(session: Session, ids: Sequence[str], error: Message | None) -> None:
    """Count a send attempt (and its transport error) without changing the status.

    A command the server already failed on keeps that reason, and its count of server failures
    (`server_failures`): an outage between two of them is not one of them, and does not reset them.
    """
    if not ids:
        return
    wire = None if error is None else error.to_wire()
    for start in range(0, len(ids), 500):
        for row in session.scalars(select(OutboxCommand).where(OutboxCommand.id.in_(ids[start:start + 500]))):
            row.attempts += 1
            if not server_failures(row.last_error):
                row.last_error = wire


_SERVER_ERROR_CODE = "outbox.server_error"


def server_failures(last_error: Any) -> int:
    """How many answers in a row said the server failed on this command (kept in its reason)."""
    message = Message.from_wire(last_error) if last_error is not None else None
    if message is None or message.code != _SERVER_ERROR_CODE:
        return 0
    tries = message.params.get("tries")
    return tries if isinstance(tries, int) else 0


def purge_done(session: Session, *, older_than: dt.timedelta = dt.timedelta(days=30)) -> int:
    """Forget settled commands after a while (the server keeps the record of their ids)."""
    cutoff = utc_now() - older_than
    done = session.scalars(select(OutboxCommand).where(OutboxCommand.status == DONE,
                                                       OutboxCommand.created_at < cutoff)).all()
    referenced = {d for r in session.scalars(select(OutboxCommand.depends_on)
                                             .where(OutboxCommand.status != DONE)) for d in (r or ())}
    n = 0
    for row in done:
        if row.id not in referenced:
            session.delete(row)
            n += 1
    return n
