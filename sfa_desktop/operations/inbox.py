"""Settle what the server refused or changed: resolve a conflict, send a failed change again, resend
after a restore of the server."""

from __future__ import annotations

import datetime as dt

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


def resend_settled(session: Session, *, since: dt.datetime | None = None) -> Changes:
    """After the server was restored from a backup: queue again the changes it had already confirmed.

    Each command keeps its id, and the server records every id it applied (applied_commands, in the
    same transaction as its effects): what the restored database holds is answered as the first time,
    what it lost (sent after the backup) is applied now, in the original order. The outbox keeps
    settled commands 30 days (`outbox.purge_done`); `since` limits the resend to those created later.
    """
    query = select(OutboxCommand).where(OutboxCommand.status == outbox.DONE)
    if since is not None:
        query = query.where(OutboxCommand.created_at >= since)
    rows = session.scalars(query.order_by(OutboxCommand.seq)).all()
    for row in rows:
        row.status, row.attempts, row.last_error, row.next_attempt_at = outbox.PENDING, 0, None, None
    return Changes(outbox=bool(rows), created=rows[0].id if rows else None)
