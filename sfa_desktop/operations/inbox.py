"""Settle what the server refused or changed: resolve a conflict, send a failed change again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.models import Conflict, OutboxCommand, line_streams_of
from sfa_desktop.operations.errors import NotAllowedError, NotFoundError
from sfa_desktop.sync import conflicts, outbox


def _touched(command_type: str) -> Changes:
    stream = outbox.spec(command_type).stream
    return Changes.streams((stream, *line_streams_of(stream)))


def resolve_conflict(session: Session, *, conflict_id: str, choice: str) -> Changes:
    """Settle an entry of the conflict inbox with one of the choices it offers."""
    row = session.get(Conflict, conflict_id)
    origin = session.get(OutboxCommand, row.command_id) if row is not None and row.command_id else None
    try:
        conflicts.resolve(session, conflict_id, choice)
    except conflicts.ConflictError as error:
        raise NotAllowedError(error.message) from error
    touched = _touched(origin.type) if origin is not None else Changes()
    return touched | Changes(outbox=True, conflicts=True)


def retry_command(session: Session, *, command_id: str) -> Changes:
    """Send a change the server refused once more (after the office fixed what stopped it)."""
    row = session.get(OutboxCommand, command_id)
    if row is None:
        raise NotFoundError("op.command_unknown")
    if row.status != outbox.FAILED:
        raise NotAllowedError("op.command_not_failed")
    entry = session.scalars(select(Conflict).where(Conflict.command_id == command_id,
                                                   Conflict.status == conflicts.OPEN)).first()
    if entry is not None and "retry" in (entry.choices or ()):
        return resolve_conflict(session, conflict_id=entry.id, choice="retry")
    if entry is not None and "keep" in (entry.choices or ()):
        return resolve_conflict(session, conflict_id=entry.id, choice="keep")
    command = outbox.to_command(row)
    row.status = outbox.DONE
    outbox.enqueue(session, type=command.type, payload=command.spec.decode(command.payload),
                   depends_on=[d for d in command.depends_on if outbox.status_of(session, d) in outbox.UNSETTLED])
    if entry is not None:
        entry.status = conflicts.RESOLVED
    return _touched(command.type) | Changes(outbox=True, conflicts=entry is not None)
