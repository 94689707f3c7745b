"""Plans and outcomes of activities: what they must hold, and an activity's state."""

from __future__ import annotations

import datetime as dt

import pytest

from sfa_desktop.domain.agenda import (
    ActivityState,
    AgendaError,
    activity_state,
    check_duration,
    check_next_action,
    check_plan,
)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def test_a_plan_needs_a_plannable_kind_a_time_and_a_sane_duration() -> None:
    assert check_plan("visit", NOW + HOUR, 60) == "visit"
    assert check_plan("task", NOW - 24 * HOUR, None) == "task"  # this morning's visit entered tonight
    for kind, when, minutes, code in (("note", NOW, None, "agenda.note_not_planned"),
                                      ("visit", None, None, "agenda.plan_needs_time"),
                                      ("visit", NOW, 0, "agenda.duration"),
                                      ("visit", NOW, 721, "agenda.duration"),
                                      ("picnic", NOW, None, "agenda.kind_unknown")):
        with pytest.raises(AgendaError) as caught:
            check_plan(kind, when, minutes)
        assert caught.value.code == code
    assert check_duration(720) == 720
    with pytest.raises(ValueError):
        check_plan("visit", dt.datetime(2026, 3, 2, 9, 0), None)  # a time without its zone is a bug


def test_an_outcome_with_a_next_action_needs_both_and_in_order() -> None:
    check_next_action(done_at=NOW, now=NOW, next_action="Richiamare", next_action_at=NOW + 48 * HOUR)
    check_next_action(done_at=NOW, now=NOW, next_action=None, next_action_at=None)
    check_next_action(done_at=NOW + dt.timedelta(minutes=5), now=NOW, next_action=None, next_action_at=None)
    for kwargs, code in (
        ({"done_at": NOW + HOUR}, "agenda.done_in_future"),
        ({"next_action": "Richiamare"}, "agenda.next_needs_date"),
        ({"next_action_at": NOW + HOUR}, "agenda.next_needs_action"),
        ({"next_action": "Richiamare", "next_action_at": NOW - HOUR}, "agenda.next_before_done"),
    ):
        args = {"done_at": NOW, "now": NOW, "next_action": None, "next_action_at": None} | kwargs
        with pytest.raises(AgendaError) as caught:
            check_next_action(**args)
        assert caught.value.code == code


def test_state_of_an_activity() -> None:
    assert activity_state(planned_at=NOW + HOUR, done_at=None, now=NOW) is ActivityState.PLANNED
    assert activity_state(planned_at=NOW - HOUR, done_at=None, now=NOW) is ActivityState.OVERDUE
    assert activity_state(planned_at=NOW - HOUR, done_at=NOW, now=NOW) is ActivityState.DONE
    assert activity_state(planned_at=None, done_at=None, now=NOW) is ActivityState.DONE  # an old client's log
