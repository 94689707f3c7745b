"""The outbox: business commands queued with the local change they describe, sent in order.

`enqueue` runs inside the caller's transaction (the same one that saves the draft), so a
change and its command are stored together or not at all. Answers are applied by
`record_result`: server values land on the local row, a rejection opens a conflict and holds
only the commands that depend on it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.orm import Session

from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import OutboxCommand
from sfa_desktop.sync import protocol
from sfa_desktop.sync.apply import LINE_PARENTS, reprice_lines, table_of

log = logging.getLogger(__name__)

PENDING, HELD, FAILED, DONE = "pending", "held", "failed", "done"
#: Statuses of commands the server has not settled for good.
UNSETTLED = (PENDING, HELD, FAILED)


@dataclass(frozen=True, slots=True)
class Target:
    """The local row a command is about: stream and the payload key holding its id."""

    stream: str
    key: str


#: Which replicated row each command type creates or changes.
TARGETS: dict[str, Target] = {
    "quote.save": Target("quotes", "quote_id"),
    "quote.send": Target("quotes", "quote_id"),
    "quote.accept": Target("quotes", "quote_id"),
    "quote.lose": Target("quotes", "quote_id"),
    "quote.revise": Target("quotes", "new_quote_id"),
    "order.submit": Target("orders", "order_id"),
    "order.cancel": Target("orders", "order_id"),
    "customer.update": Target("customers", "customer_id"),
    "prospect.create": Target("customers", "customer_id"),
    "activity.log": Target("activities", "activity_id"),
    "deal.save": Target("deals", "deal_id"),
}
assert set(TARGETS) == set(protocol.COMMANDS), "every command needs a target"


def target_id(command_type: str, payload: Mapping[str, Any]) -> str | None:
    value = payload.get(TARGETS[command_type].key)
    return value if isinstance(value, str) else None


def streams_touched(command_type: str) -> tuple[str, ...]:
    stream = TARGETS[command_type].stream
    lines = tuple(s for s, (parent, _) in LINE_PARENTS.items() if parent == stream)
    return (stream, *lines)


def _wire_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return protocol.encode_value(protocol.DECIMAL, value)
    if isinstance(value, dt.datetime):
        return protocol.encode_value(protocol.DATETIME, value)
    if isinstance(value, dt.date):
        return protocol.encode_value(protocol.DATE, value)
    raise ValueError(f"{type(value).__name__} cannot be sent in a command")


def to_wire_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as JSON data exactly as it will be sent (Decimal as text, dates ISO).

    Floats are refused: money and quantities travel as exact decimal text.
    """
    def no_float(value: Any) -> None:
        if isinstance(value, float):
            raise ValueError("amounts and quantities must be Decimal, not float")
        if isinstance(value, dict):
            for v in value.values():
                no_float(v)
        elif isinstance(value, list | tuple):
            for v in value:
                no_float(v)

    no_float(payload)
    return json.loads(json.dumps(dict(payload), default=_wire_default))


def enqueue(session: Session, *, type: str, payload: Mapping[str, Any],
            depends_on: Sequence[str] = (), command_id: str | None = None) -> protocol.Command:
    """Queue a command in the caller's transaction; raises ValueError for a malformed one.

    The caller marks the local row `dirty` in the same transaction (drafts do this already).
    """
    wire = {"id": command_id or str(uuid.uuid4()), "type": type,
            "payload": to_wire_payload(payload), "depends_on": list(depends_on)}
    try:
        command = protocol.decode_command(wire, where=f"{type} command")
    except protocol.ProtocolError as error:
        raise ValueError(str(error)) from error
    if target_id(command.type, command.payload) is None:
        raise ValueError(f"{type} command: {TARGETS[type].key} is required")
    if command.depends_on:
        known = set(session.scalars(select(OutboxCommand.id)
                                    .where(OutboxCommand.id.in_(command.depends_on))))
        missing = set(command.depends_on) - known
        if missing:
            raise ValueError(f"{type} command depends on unknown command(s) {sorted(missing)}")
    session.add(OutboxCommand(id=command.id, type=command.type, payload=command.payload,
                              depends_on=list(command.depends_on), status=PENDING))
    session.flush()
    return command


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
                reason = _held_reason(session, blocking[0])
                if row.status != HELD or row.last_error != reason:
                    row.status, row.last_error = HELD, reason
                blocked[row.id] = reason
                waiting.remove(row)
                progress = True
                continue
            if any(d not in in_batch and _status_of(session, d) not in (DONE, None) for d in deps):
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


def _held_reason(session: Session, blocking_id: str) -> str:
    row = session.get(OutboxCommand, blocking_id)
    what = describe(row.type) if row else "an earlier change"
    return f"Waiting: it depends on {what}, which the server did not accept."


def describe(command_type: str) -> str:
    return {
        "quote.save": "saving a quote", "quote.send": "sending a quote",
        "quote.accept": "accepting a quote", "quote.lose": "marking a quote lost",
        "quote.revise": "revising a quote", "order.submit": "submitting an order",
        "order.cancel": "cancelling an order", "customer.update": "changing a customer",
        "prospect.create": "creating a prospect", "activity.log": "logging a visit",
        "deal.save": "saving a deal",
    }[command_type]


def mark_attempt(session: Session, ids: Sequence[str], error: str | None) -> None:
    """Count a send attempt (and its transport error, in words) without changing the status."""
    if ids:
        session.execute(update(OutboxCommand).where(OutboxCommand.id.in_(ids))
                        .values(attempts=OutboxCommand.attempts + 1, last_error=error))


# --------------------------------------------------------------------------- answers

def record_result(session: Session, command: protocol.Command, result: protocol.CommandResult) -> bool:
    """Apply one answer locally; returns True when it was a rejection (a conflict was opened)."""
    from sfa_desktop.sync import conflicts  # conflicts issues commands through this module

    row = session.get(OutboxCommand, command.id)
    if row is None or row.status == DONE:
        return False  # answered twice (replay after a lost response): the first one counted
    row.attempts += 1
    conn = session.connection()
    target = TARGETS[command.type]
    entity = target_id(command.type, command.payload)
    if result.status == protocol.REJECTED:
        blocking = [d for d in command.depends_on if _status_of(session, d) in (FAILED, HELD)]
        if result.code == "dependency_missing" and not blocking:
            # The server has not seen what it needs yet (not recorded there): try next sync.
            row.status, row.last_error = HELD, result.reason
            return False
        if blocking:
            # Refused because an earlier command it needs was refused: wait, do not nag twice.
            row.status, row.last_error = HELD, _held_reason(session, blocking[0])
            return False
        row.status, row.last_error = FAILED, result.reason
        if command.type == "customer.update":
            # The office wins a clash: show its values now, the agent's stay in the conflict.
            _apply_server_values(conn, target.stream, entity, result.server)
            _settle_dirty(session, target.stream, entity, exclude=command.id)
        conflicts.open_for_rejection(session, command=command, result=result)
        return True
    row.status, row.last_error = DONE, None
    _apply_server_values(conn, target.stream, entity, result.server)
    if command.type == "quote.revise":
        _apply_server_values(conn, "quotes", command.payload.get("quote_id"),
                             result.server.get("previous") or {})
    _settle_dirty(session, target.stream, entity, exclude=command.id)
    if result.status == protocol.CHANGED:
        conflicts.open_for_change(session, command=command, result=result)
    return False


def _status_of(session: Session, command_id: str) -> str | None:
    return session.scalar(select(OutboxCommand.status).where(OutboxCommand.id == command_id))


def _apply_server_values(conn: Connection, stream: str, entity: str | None,
                         server: Mapping[str, Any]) -> None:
    """Write the server's values (number, totals, status...) on the local row and its lines."""
    if not entity or not server:
        return
    values = decode_server_values(stream, server)
    table = table_of(stream)
    if values:
        conn.execute(update(table).where(table.c.id == entity).values(**values))
    lines = server.get("lines")
    line_streams = [s for s, (parent, _) in LINE_PARENTS.items() if parent == stream]
    if isinstance(lines, list) and line_streams:
        reprice_lines(conn, line_streams[0], entity, lines)


def decode_server_values(stream: str, server: Mapping[str, Any]) -> dict[str, Any]:
    """The server values that are columns of `stream`, decoded with the protocol's types."""
    fields = {f.name: f for f in protocol.STREAMS[stream].fields}
    out: dict[str, Any] = {}
    for name, value in server.items():
        f = fields.get(name)
        if f is None or name == "id":
            continue
        if isinstance(value, dict) and "server" in value and f.type != protocol.JSON:
            value = value["server"]  # a merge clash: {"yours": .., "server": ..}; the server's stands
        decoded = protocol.decode_value(f.type, value, f"{stream}.{name}")
        if decoded is None and not f.nullable:
            raise protocol.ProtocolError(f"{stream}.{name}: missing")
        out[name] = decoded
    return out


def _settle_dirty(session: Session, stream: str, entity: str | None, *, exclude: str) -> None:
    """Clear the row's `dirty` flag unless another unsettled command still changes it."""
    table = table_of(stream)
    if not entity or "dirty" not in table.c:
        return
    key = TARGETS_BY_STREAM[stream]
    others = session.scalars(
        select(OutboxCommand.id).where(OutboxCommand.id != exclude,
                                       OutboxCommand.status.in_(UNSETTLED))).all()
    for other_id in others:
        other = session.get(OutboxCommand, other_id)
        if other and TARGETS[other.type].stream == stream and \
                any(other.payload.get(k) == entity for k in key):
            return
    session.connection().execute(update(table).where(table.c.id == entity).values(dirty=False))


TARGETS_BY_STREAM: dict[str, tuple[str, ...]] = {}
for _type, _target in TARGETS.items():
    keys = TARGETS_BY_STREAM.setdefault(_target.stream, ())
    if _target.key not in keys:
        TARGETS_BY_STREAM[_target.stream] = (*keys, _target.key)


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
