"""Log what the agent did with a customer (a visit, a call, an e-mail...) offline."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import Activity, Customer
from sfa_desktop.operations import context
from sfa_desktop.operations.errors import InvalidInputError, NotFoundError
from sfa_desktop.operations.texts import clean_text
from sfa_desktop.sync import outbox

KINDS = ("visit", "call", "email", "letter", "meeting", "note", "task")


def log_activity(session: Session, *, customer_id: str, kind: str, subject: str, notes: str | None = None,
                 occurred_at: dt.datetime | None = None, activity_id: str | None = None) -> Changes:
    """Record an activity with a customer and queue activity.log."""
    if session.get(Customer, customer_id) is None:
        raise NotFoundError("op.customer_unknown")
    if kind not in KINDS:
        raise InvalidInputError("op.kind_invalid")
    subject = clean_text(subject, "subject", 500)
    if not subject:
        raise InvalidInputError("op.subject_required")
    notes = clean_text(notes, "notes", 10000)
    when = occurred_at or utc_now()
    if when.tzinfo is None:
        when = when.astimezone()  # a local time typed by the agent
    agent = context.current_agent(session)
    aid = activity_id or str(uuid.uuid4())
    session.add(Activity(id=aid, customer_id=customer_id, agent_id=agent.user_id, kind=kind, subject=subject,
                         notes=notes, occurred_at=when.astimezone(dt.UTC), dirty=True))
    session.flush()
    outbox.enqueue(session, type="activity.log", payload={
        "activity_id": aid, "customer_id": customer_id, "kind": kind, "subject": subject, "notes": notes,
        "occurred_at": when})
    return Changes.of("activities", aid, outbox=True, created=aid)
