"""The agent's agenda offline: log what was done with a customer, plan a visit or a call, log the
outcome of a planned one; a next action plans its follow-up.

Each activity row travels with its own command (activity.log, activity.plan, activity.complete), so
the follow-up of an outcome is an activity.plan queued after the outcome's command and depending on it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from sfa_desktop.domain import agenda
from sfa_desktop.domain.agenda import ActivityKind
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import Activity, Customer
from sfa_desktop.operations import context
from sfa_desktop.operations.errors import InvalidInputError, NotAllowedError, NotFoundError
from sfa_desktop.operations.texts import clean_text
from sfa_desktop.sync import outbox

KINDS = tuple(k.value for k in ActivityKind)


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    """A time the agent typed (local when it has no zone) in UTC."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.astimezone()
    return when.astimezone(dt.UTC)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInputError("op.kind_invalid")
    return kind


def _checked(check, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        return check(*args, **kwargs)
    except agenda.AgendaError as error:
        raise InvalidInputError(error.message) from error


def _outcome_fields(*, done_at: dt.datetime, outcome: str | None, duration_minutes: int | None,
                    next_action: str | None, next_action_at: dt.datetime | None) -> dict[str, object]:
    outcome = clean_text(outcome, "outcome", 4000)
    next_action = clean_text(next_action, "next_action", 500)
    _checked(agenda.check_duration, duration_minutes)
    _checked(agenda.check_next_action, done_at=done_at, now=utc_now(), next_action=next_action,
             next_action_at=next_action_at)
    return {"outcome": outcome, "duration_minutes": duration_minutes, "next_action": next_action,
            "next_action_at": next_action_at}


def log_activity(session: Session, *, customer_id: str, kind: str, subject: str, notes: str | None = None,
                 occurred_at: dt.datetime | None = None, activity_id: str | None = None,
                 outcome: str | None = None, duration_minutes: int | None = None,
                 next_action: str | None = None, next_action_at: dt.datetime | None = None,
                 next_kind: str | None = None, next_activity_id: str | None = None) -> Changes:
    """Record an activity done with a customer (now, or when it happened) and queue activity.log; a
    next action plans its follow-up (of `next_kind`, by default the same kind)."""
    if session.get(Customer, customer_id) is None:
        raise NotFoundError("op.customer_unknown")
    _kind(kind)
    subject = clean_text(subject, "subject", 500)
    if not subject:
        raise InvalidInputError("op.subject_required")
    notes = clean_text(notes, "notes", 10000)
    when = _utc(occurred_at) or utc_now()
    next_at = _utc(next_action_at)
    fields = _outcome_fields(done_at=when, outcome=outcome, duration_minutes=duration_minutes,
                             next_action=next_action, next_action_at=next_at)
    agent = context.current_agent(session)
    aid = activity_id or str(uuid.uuid4())
    session.add(Activity(id=aid, customer_id=customer_id, agent_id=agent.user_id, kind=kind, subject=subject,
                         notes=notes, occurred_at=when, done_at=when, dirty=True, **fields))
    session.flush()
    payload = {"activity_id": aid, "customer_id": customer_id, "kind": kind, "subject": subject, "notes": notes,
               "occurred_at": when, **{k: v for k, v in fields.items() if v is not None}}
    command = outbox.enqueue(session, type="activity.log", payload=payload)
    changes = Changes.of("activities", aid, outbox=True, created=aid)
    if fields["next_action"]:
        changes |= _follow_up(session, origin=aid, customer_id=customer_id, kind=next_kind or kind,
                              subject=str(fields["next_action"]), planned_at=next_at, depends_on=command.id,
                              activity_id=next_activity_id)
    return changes


def plan_activity(session: Session, *, customer_id: str, kind: str, subject: str, planned_at: dt.datetime,
                  duration_minutes: int | None = None, notes: str | None = None, activity_id: str | None = None,
                  follow_up_of: str | None = None) -> Changes:
    """Put a visit, a call, a meeting or a task in the agenda, or move one not done yet (activity.plan)."""
    if session.get(Customer, customer_id) is None:
        raise NotFoundError("op.customer_unknown")
    return _plan(session, customer_id=customer_id, kind=kind, subject=subject, planned_at=_utc(planned_at),
                 duration_minutes=duration_minutes, notes=clean_text(notes, "notes", 10000),
                 activity_id=activity_id, follow_up_of=follow_up_of)


def _plan(session: Session, *, customer_id: str, kind: str, subject: str, planned_at: dt.datetime | None,
          duration_minutes: int | None, notes: str | None, activity_id: str | None, follow_up_of: str | None,
          depends_on: str | None = None) -> Changes:
    _kind(kind)
    _checked(agenda.check_plan, kind, planned_at, duration_minutes)
    assert planned_at is not None  # check_plan refuses a plan without a time
    subject = clean_text(subject, "subject", 500)
    if not subject:
        raise InvalidInputError("op.subject_required")
    activity = session.get(Activity, activity_id) if activity_id else None
    if activity is not None and activity.done_at is not None:
        raise NotAllowedError("op.activity_done")
    if activity is None:
        activity = Activity(id=activity_id or str(uuid.uuid4()),
                            agent_id=context.current_agent(session).user_id, follow_up_of=follow_up_of)
        session.add(activity)
    activity.customer_id, activity.kind, activity.subject, activity.notes = customer_id, kind, subject, notes
    activity.planned_at = activity.occurred_at = planned_at
    activity.duration_minutes, activity.dirty = duration_minutes, True
    session.flush()
    payload = {"activity_id": activity.id, "customer_id": customer_id, "kind": kind, "subject": subject,
               "notes": notes, "planned_at": planned_at, "duration_minutes": duration_minutes}
    if activity.follow_up_of:
        payload["follow_up_of"] = activity.follow_up_of
    if depends_on:
        outbox.enqueue(session, type="activity.plan", payload=payload, depends_on=[depends_on])
    else:
        outbox.enqueue_or_replace(session, type="activity.plan", payload=payload)
    return Changes.of("activities", activity.id, outbox=True, created=activity.id)


def _follow_up(session: Session, *, origin: str, customer_id: str, kind: str, subject: str,
               planned_at: dt.datetime | None, depends_on: str, activity_id: str | None) -> Changes:
    if kind == ActivityKind.NOTE:
        kind = ActivityKind.TASK.value  # a note is not planned: its follow-up is a task
    return _plan(session, customer_id=customer_id, kind=kind, subject=subject, planned_at=planned_at,
                 duration_minutes=None, notes=None, activity_id=activity_id, follow_up_of=origin,
                 depends_on=depends_on)


def complete_activity(session: Session, *, activity_id: str, outcome: str, done_at: dt.datetime | None = None,
                      notes: str | None = None, duration_minutes: int | None = None,
                      next_action: str | None = None, next_action_at: dt.datetime | None = None,
                      next_kind: str | None = None, next_activity_id: str | None = None) -> Changes:
    """Log what came of a planned activity (activity.complete); a next action plans its follow-up."""
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFoundError("op.activity_unknown")
    when = _utc(done_at) or utc_now()
    next_at = _utc(next_action_at)
    fields = _outcome_fields(done_at=when, outcome=outcome, duration_minutes=duration_minutes,
                             next_action=next_action, next_action_at=next_at)
    if not fields["outcome"]:
        raise InvalidInputError(agenda.AgendaError("agenda.outcome_required").message)
    if fields["duration_minutes"] is None:
        fields["duration_minutes"] = activity.duration_minutes
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.done_at = activity.occurred_at = when
    payload: dict[str, object] = {"activity_id": activity.id, "done_at": when,
                                  **{k: v for k, v in fields.items() if v is not None}}
    if notes is not None:
        activity.notes = payload["notes"] = clean_text(notes, "notes", 10000)
    activity.dirty = True
    session.flush()
    command = outbox.enqueue(session, type="activity.complete", payload=payload)
    changes = Changes.of("activities", activity.id, outbox=True, created=activity.id)
    if fields["next_action"]:
        changes |= _follow_up(session, origin=activity.id, customer_id=activity.customer_id,
                              kind=next_kind or activity.kind, subject=str(fields["next_action"]),
                              planned_at=next_at, depends_on=command.id, activity_id=next_activity_id)
    return changes
