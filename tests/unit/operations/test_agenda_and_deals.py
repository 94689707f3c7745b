"""The agenda and the deal board offline, on a real SQLCipher replica: planned, done, followed up,
moved through the stages with their history, each queued as its command and refused in words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from sfa_desktop.i18n import render
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import Activity, Deal, OutboxCommand, Quote
from sfa_desktop.operations import complete_activity, log_activity, move_deal, plan_activity, save_deal
from sfa_desktop.operations.errors import InvalidInputError, NotAllowedError, NotFoundError
from sfa_desktop.sync import protocol

from .conftest import TODAY

NOW = utc_now()
HOUR = dt.timedelta(hours=1)


def commands(replica) -> list[OutboxCommand]:
    with replica.session() as s:
        return list(s.scalars(select(OutboxCommand).order_by(OutboxCommand.seq)))


def activity(replica, activity_id: str) -> Activity:
    with replica.session() as s:
        return s.get(Activity, activity_id)


def test_a_planned_visit_then_its_outcome_with_a_next_action_plans_the_follow_up(replica):
    with replica.session(write=True) as s:
        planned = plan_activity(s, customer_id="c1", kind="visit", subject="Visita in cantiere",
                                planned_at=NOW + 24 * HOUR, duration_minutes=60)
    visit = activity(replica, planned.created)
    assert visit.planned_at == visit.occurred_at and visit.done_at is None and visit.dirty
    with replica.session(write=True) as s:  # moved before it was sent: one command, the latest plan
        plan_activity(s, customer_id="c1", kind="visit", subject="Visita in cantiere", planned_at=NOW + 48 * HOUR,
                      duration_minutes=90, activity_id=planned.created)
    assert [c.type for c in commands(replica)] == ["activity.plan"]
    assert commands(replica)[0].payload["duration_minutes"] == 90
    with replica.session(write=True) as s:
        done = complete_activity(s, activity_id=planned.created, outcome="Interessato al nuovo listino",
                                 done_at=NOW, next_action="Inviare offerta", next_action_at=NOW + 72 * HOUR,
                                 next_kind="call")
    visit = activity(replica, planned.created)
    assert (visit.done_at, visit.occurred_at, visit.outcome, visit.duration_minutes) == (
        NOW, NOW, "Interessato al nuovo listino", 90)
    follow_ups = [i for i in done.ids("activities") if i != planned.created]
    assert len(follow_ups) == 1
    follow = activity(replica, follow_ups[0])
    assert (follow.kind, follow.subject, follow.planned_at, follow.follow_up_of, follow.done_at) == (
        "call", "Inviare offerta", NOW + 72 * HOUR, planned.created, None)
    queued = commands(replica)
    assert [c.type for c in queued] == ["activity.plan", "activity.complete", "activity.plan"]
    assert queued[2].depends_on == [queued[1].id]  # the follow-up waits for the outcome
    for command in queued:  # every payload is what the server's spec decodes
        protocol.COMMANDS[command.type].decode(command.payload)


def test_an_activity_logged_with_a_next_action_plans_it_too(replica):
    with replica.session(write=True) as s:
        changes = log_activity(s, customer_id="c1", kind="call", subject="Telefonata per offerta",
                               outcome="Richiede sconto quantità", next_action="Richiamare",
                               next_action_at=NOW + 24 * HOUR)
    logged = activity(replica, changes.created)
    assert logged.done_at == logged.occurred_at and logged.next_action == "Richiamare"
    assert [c.type for c in commands(replica)] == ["activity.log", "activity.plan"]


@pytest.mark.parametrize("kwargs, code", [
    ({"kind": "note"}, "agenda.note_not_planned"),
    ({"duration_minutes": 0}, "agenda.duration"),
    ({"kind": "picnic"}, "op.kind_invalid"),
    ({"subject": "  "}, "op.subject_required"),
    ({"customer_id": "nobody"}, "op.customer_unknown"),
])
def test_bad_plans_are_refused_in_words_and_change_nothing(replica, kwargs, code):
    args = {"customer_id": "c1", "kind": "visit", "subject": "Visita", "planned_at": NOW + HOUR} | kwargs
    with pytest.raises((InvalidInputError, NotFoundError)) as caught, replica.session(write=True) as s:
        plan_activity(s, **args)
    assert caught.value.code == code and render(caught.value.message, "en")
    assert commands(replica) == []


def test_bad_outcomes_are_refused(replica):
    with replica.session(write=True) as s:
        aid = plan_activity(s, customer_id="c1", kind="call", subject="Richiamare", planned_at=NOW).created
    for kwargs, code in (({"outcome": " "}, "agenda.outcome_required"),
                         ({"next_action": "Richiamare"}, "agenda.next_needs_date"),
                         ({"next_action": "Richiamare", "next_action_at": NOW - HOUR}, "agenda.next_before_done"),
                         ({"done_at": NOW + 5 * HOUR}, "agenda.done_in_future")):
        args = {"activity_id": aid, "outcome": "Fatto", "done_at": NOW} | kwargs
        with pytest.raises(InvalidInputError) as caught, replica.session(write=True) as s:
            complete_activity(s, **args)
        assert caught.value.code == code
    with replica.session(write=True) as s:
        complete_activity(s, activity_id=aid, outcome="Fatto")
    with pytest.raises(NotAllowedError) as caught, replica.session(write=True) as s:
        plan_activity(s, customer_id="c1", kind="call", subject="Di nuovo", planned_at=NOW, activity_id=aid)
    assert caught.value.code == "op.activity_done"
    with pytest.raises(NotFoundError), replica.session(write=True) as s:
        complete_activity(s, activity_id="ghost", outcome="Fatto")


def test_a_deal_keeps_every_step_it_took_offline(replica):
    with replica.session(write=True) as s:
        deal_id = save_deal(s, customer_id="c1", title="Quadri nuova sede", stage="contatto",
                            amount=Decimal("12000.00"), today=TODAY).created
    with replica.session(write=True) as s:
        move_deal(s, deal_id=deal_id, stage="offerta", reason="listino 2026", today=TODAY)
        move_deal(s, deal_id=deal_id, stage="sollecito", today=TODAY)
        move_deal(s, deal_id=deal_id, stage="rinvio", expected_close=TODAY + dt.timedelta(days=60), today=TODAY)
        move_deal(s, deal_id=deal_id, stage="chiuso_perso", reason="Prezzo più basso da un concorrente", today=TODAY)
    with replica.session() as s:
        deal = s.get(Deal, deal_id)
        assert [(e["stage"], e["from"]) for e in deal.stage_history] == [
            ("contatto", None), ("offerta", "contatto"), ("sollecito", "offerta"), ("rinvio", "sollecito"),
            ("chiuso_perso", "rinvio")]
        assert deal.stage_history[1]["reason"] == "listino 2026"
        assert deal.close_reason == "Prezzo più basso da un concorrente"
        assert deal.expected_close == TODAY + dt.timedelta(days=60)
    assert [c.type for c in commands(replica)] == ["deal.save"] + ["deal.move"] * 4
    with replica.session(write=True) as s:  # reopened: the reason of the loss goes
        move_deal(s, deal_id=deal_id, stage="contatto", today=TODAY)
    with replica.session() as s:
        assert s.get(Deal, deal_id).close_reason is None


def test_deal_rules_are_the_domains(replica):
    with replica.session(write=True) as s:
        deal_id = save_deal(s, customer_id="c1", title="Cavi cantiere", stage="contatto", today=TODAY).created
    for stage, kwargs, code in (("sollecito", {}, "lifecycle.deal_needs_offer"),
                                ("rinvio", {}, "lifecycle.deal_postponed_needs_date"),
                                ("chiuso_perso", {}, "lifecycle.deal_lost_needs_reason"),
                                ("contatto", {}, "lifecycle.deal_same_stage")):
        with pytest.raises(NotAllowedError) as caught, replica.session(write=True) as s:
            move_deal(s, deal_id=deal_id, stage=stage, today=TODAY, **kwargs)
        assert caught.value.message.params["error"].code == code
    with replica.session(write=True) as s:  # a quote sent for the deal is an offer made
        s.execute(insert(Quote), [{"id": "q1", "number": "Q-AG07-2026-00001", "customer_id": "c1",
                                   "agent_id": "u1", "status": "sent", "revision": 1, "currency": "EUR",
                                   "taxable_total": Decimal(0), "vat_total": Decimal(0), "grand_total": Decimal(0),
                                   "created_at": NOW, "updated_at": NOW, "deal_id": deal_id}])
        move_deal(s, deal_id=deal_id, stage="sollecito", today=TODAY)
    with pytest.raises(NotAllowedError), replica.session(write=True) as s:
        save_deal(s, customer_id="c1", title="Nuova", stage="rilancio", today=TODAY)
    with pytest.raises(NotFoundError), replica.session(write=True) as s:
        move_deal(s, deal_id="ghost", stage="offerta", today=TODAY)
