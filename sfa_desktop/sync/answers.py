"""The server's answers to pushed commands, applied to the replica.

Server values (number, totals, status, priced lines) land on the local row; a rejection opens a
conflict and holds only the commands that depend on it; a change the server made (re-priced,
merged, renumbered) is applied and shown in the conflict inbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, update
from sqlalchemy.orm import Session

from sfa_desktop.domain.messages import Message
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.models import OutboxCommand, has_dirty, line_streams_of, table_of
from sfa_desktop.sync import conflicts, outbox, protocol
from sfa_desktop.sync.apply import reprice_lines


def record_result(session: Session, command: protocol.Command, result: protocol.CommandResult) -> Changes:
    """Apply one answer locally; what it changed (rows, outbox, conflicts) for the screens.

    `Changes.conflicts` is True when the answer opened an entry of the conflict inbox.
    """
    row = session.get(OutboxCommand, command.id)
    if row is None or row.status == outbox.DONE:
        return Changes()  # answered twice (replay after a lost response): the first one counted
    row.attempts += 1
    spec = command.spec
    entity = spec.target_id(command.payload)
    touched = Changes.of(spec.stream, entity, outbox=True)
    conn = session.connection()
    if result.status == protocol.REJECTED and result.code == SERVER_ERROR:
        # The server failed on this command (a bug there, not a refusal): an answer, so the server is
        # up; it counts even when the command is alone. Tried again at the next sync; after a few
        # failures it is held with its reason and the commands that need it wait. Only these answers
        # count (outbox.server_failures), never the syncs an outage failed.
        failures = outbox.server_failures(row.last_error) + 1
        if failures < SERVER_ERROR_TRIES:
            row.last_error = Message("outbox.server_error", {"tries": failures}).to_wire()
            return touched
        row.status = outbox.FAILED
        row.last_error = Message("outbox.server_failed_held", {"tries": failures}).to_wire()
        conflicts.open_for_rejection(session, command=command, result=result)
        return touched | Changes(conflicts=True)
    if result.status == protocol.REJECTED:
        blocking = [d for d in command.depends_on
                    if outbox.status_of(session, d) in (outbox.FAILED, outbox.HELD)]
        if result.code == "dependency_missing" and not blocking:
            # The server has not seen what it needs yet (not recorded there): try next sync.
            row.status, row.last_error = outbox.HELD, result.message or _english(result.reason)
            return touched
        if blocking:
            # Refused because an earlier command it needs was refused: wait, do not nag twice.
            row.status, row.last_error = outbox.HELD, outbox.held_reason(session, blocking[0])
            return touched
        row.status, row.last_error = outbox.FAILED, result.message or _english(result.reason)
        if command.type == "customer.update":
            # The office wins a clash: show its values now, the agent's stay in the conflict.
            _apply_server_values(conn, spec.stream, entity, result.server)
            _settle_dirty(session, spec.stream, entity, exclude=command.id)
        conflicts.open_for_rejection(session, command=command, result=result)
        return touched | Changes(conflicts=True)
    row.status, row.last_error = outbox.DONE, None
    _apply_server_values(conn, spec.stream, entity, result.server)
    if command.type == "quote.revise":
        previous = command.payload.get("quote_id")
        _apply_server_values(conn, "quotes", previous, result.server.get("previous") or {})
        touched = touched | Changes.of("quotes", previous)
    _settle_dirty(session, spec.stream, entity, exclude=command.id)
    if result.status == protocol.CHANGED:
        conflicts.open_for_change(session, command=command, result=result)
        touched = touched | Changes(conflicts=True)
    return touched


#: The code of a server fault on one command, and how many of them hold the command for the agent.
SERVER_ERROR = "server_error"
SERVER_ERROR_TRIES = 3


def _english(reason: str | None) -> dict[str, Any]:
    """An older server's answer without a message code: its English reason as the message."""
    return {"code": "text", "params": {"text": reason or ""}}


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
    line_streams = line_streams_of(stream)
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
    if not entity or not has_dirty(stream):
        return
    if outbox.unsettled_for(session, stream, entity, exclude=exclude):
        return
    table = table_of(stream)
    session.connection().execute(update(table).where(table.c.id == entity).values(dirty=False))
