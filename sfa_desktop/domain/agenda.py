"""The agent's agenda: kinds of activity, what a plan and an outcome must hold, and an activity's state.

Both sides check the same rules: the client before it writes the replica, the server when the
command arrives. Times are timezone-aware; the caller passes `now`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sfa_desktop.domain.messages import N_, Message, UserError, register

__all__ = [
    "MAX_DURATION_MINUTES",
    "PLANNABLE_KINDS",
    "ActivityKind",
    "ActivityState",
    "AgendaError",
    "activity_state",
    "check_duration",
    "check_next_action",
    "check_plan",
    "kind_label",
]

#: Longest activity a plan may hold (a working day); longer work is split into several.
MAX_DURATION_MINUTES = 720
#: How far ahead a done time may lie (a laptop clock a little fast is not the agent's fault).
CLOCK_TOLERANCE = dt.timedelta(minutes=10)


class ActivityKind(StrEnum):
    """What the agent did or will do with a customer."""

    VISIT = "visit"
    CALL = "call"
    EMAIL = "email"
    LETTER = "letter"
    MEETING = "meeting"
    NOTE = "note"
    TASK = "task"


#: A note is written, not planned; every other kind may be put in the agenda.
PLANNABLE_KINDS = frozenset(ActivityKind) - {ActivityKind.NOTE}


class ActivityState(StrEnum):
    PLANNED = "planned"
    OVERDUE = "overdue"
    DONE = "done"


class AgendaError(UserError):
    """A plan or an outcome that does not hold together; the message says what to fix."""


register({
    **{f"activity_kind.{k}": t for k, t in (
        ("visit", N_("Visit")), ("call", N_("Call")), ("email", N_("E-mail")), ("letter", N_("Letter")),
        ("meeting", N_("Meeting")), ("note", N_("Note")), ("task", N_("Task")))},
    **{f"activity_state.{s}": t for s, t in (
        ("planned", N_("planned")), ("overdue", N_("overdue")), ("done", N_("done")))},
    "agenda.kind_unknown": N_("'{kind}' is not a kind of activity (visit, call, e-mail, letter, meeting, "
                              "note, task)."),
    "agenda.note_not_planned": N_("A note is written, not planned: choose a visit, a call or a task."),
    "agenda.plan_needs_time": N_("Say when: a planned activity needs a date and time."),
    "agenda.duration": N_("The duration must be between 1 and {max} minutes."),
    "agenda.done_in_future": N_("An activity cannot be done in the future ({done:datetime})."),
    "agenda.next_needs_date": N_("Say when the next action is due."),
    "agenda.next_needs_action": N_("Say what the next action is."),
    "agenda.next_before_done": N_("The next action must come after {done:datetime}."),
    "agenda.outcome_required": N_("Write the outcome: what came of it."),
})


def kind_label(kind: ActivityKind | str) -> Message:
    return Message(f"activity_kind.{ActivityKind(kind).value}")


def _kind(kind: object) -> ActivityKind:
    try:
        return ActivityKind(kind)
    except ValueError:
        raise AgendaError("agenda.kind_unknown", kind=str(kind)[:30]) from None


def _aware(value: dt.datetime, what: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must carry a time zone")
    return value


def check_duration(minutes: int | None) -> int | None:
    """None (not said) or 1..MAX_DURATION_MINUTES."""
    if minutes is None:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_DURATION_MINUTES:
        raise AgendaError("agenda.duration", max=MAX_DURATION_MINUTES)
    return minutes


def check_plan(kind: ActivityKind | str, planned_at: dt.datetime | None, duration_minutes: int | None
               ) -> ActivityKind:
    """A planned activity: a plannable kind, a time, a sensible duration. Plans in the past are
    allowed (an agent enters this morning's visit in the evening)."""
    what = _kind(kind)
    if what not in PLANNABLE_KINDS:
        raise AgendaError("agenda.note_not_planned")
    if planned_at is None:
        raise AgendaError("agenda.plan_needs_time")
    _aware(planned_at, "planned_at")
    check_duration(duration_minutes)
    return what


def check_next_action(*, done_at: dt.datetime, now: dt.datetime, next_action: str | None,
                      next_action_at: dt.datetime | None) -> None:
    """An outcome's time and its next action: done not in the future, and a next action comes with
    its date (and the date without an action is refused), after the time it was decided."""
    _aware(done_at, "done_at")
    _aware(now, "now")
    if done_at > now + CLOCK_TOLERANCE:
        raise AgendaError("agenda.done_in_future", done=done_at)
    if next_action and next_action_at is None:
        raise AgendaError("agenda.next_needs_date")
    if next_action_at is not None and not next_action:
        raise AgendaError("agenda.next_needs_action")
    if next_action_at is not None and _aware(next_action_at, "next_action_at") <= done_at:
        raise AgendaError("agenda.next_before_done", done=done_at)


def activity_state(*, planned_at: dt.datetime | None, done_at: dt.datetime | None, now: dt.datetime
                   ) -> ActivityState:
    """Done once it has a done time; otherwise planned, or overdue when its time has passed.

    An activity logged without a plan (done_at set, planned_at empty) is done; so is an activity of an
    older client with neither (it was logged as it happened).
    """
    if done_at is not None or planned_at is None:
        return ActivityState.DONE
    return ActivityState.OVERDUE if planned_at < now else ActivityState.PLANNED
