"""Push handlers of the agenda and the deal board: plan an activity, log its outcome, move a deal.

The rules are the domain's (sfa_desktop.domain.agenda, lifecycle.deal_transition), checked again
here against the server's rows; activity.log and deal.save (customer_commands) share the helpers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain import agenda, lifecycle
from sfa_desktop.sync import protocol as p
from sfa_server.commands import Rejected, customer_in_scope, require_agent, today
from sfa_server.deps import Principal
from sfa_server.models import Activity, Deal, Quote, utcnow


def check_outcome(pl: Mapping[str, Any], *, done_at: dt.datetime) -> None:
    """Duration and next action of an outcome (activity.log, activity.complete), or Rejected."""
    try:
        agenda.check_duration(pl.get("duration_minutes"))
        agenda.check_next_action(done_at=done_at, now=utcnow(), next_action=pl.get("next_action"),
                                 next_action_at=pl.get("next_action_at"))
    except agenda.AgendaError as exc:
        raise Rejected.of("invalid", exc) from exc


def set_outcome(activity: Activity, pl: Mapping[str, Any], *, done_at: dt.datetime) -> None:
    activity.done_at = activity.occurred_at = done_at
    for name in ("outcome", "next_action", "next_action_at", "duration_minutes"):
        if name in pl:
            setattr(activity, name, pl[name])


def _own_activity(session: Session, principal: Principal, activity_id: str) -> Activity | None:
    activity = session.get(Activity, activity_id, with_for_update=True)
    if activity is not None and activity.agent_id != principal.user_id:
        raise Rejected("conflict", "push.activity_exists", activity=activity_id[:40])
    return activity


def activity_plan(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    """Put an activity in the agenda, or move one that is not done yet."""
    require_agent(principal)
    pl = cmd.payload
    aid = pl["activity_id"]
    customer = customer_in_scope(session, principal, pl["customer_id"])
    try:
        kind = agenda.check_plan(pl.get("kind") or "", pl.get("planned_at"), pl.get("duration_minutes"))
    except agenda.AgendaError as exc:
        raise Rejected.of("invalid", exc) from exc
    if not pl.get("subject"):
        raise Rejected("invalid", "push.required", field="subject")
    follow_up_of = pl.get("follow_up_of")
    if follow_up_of:
        origin = session.get(Activity, follow_up_of)
        if origin is None or origin.agent_id != principal.user_id:
            raise Rejected("not_found", "push.activity_unknown", activity=follow_up_of[:40])
    activity = _own_activity(session, principal, aid)
    if activity is not None and activity.done_at is not None:
        raise Rejected("conflict", "push.activity_done", done=activity.done_at)
    if activity is None:
        activity = Activity(id=aid, agent_id=principal.user_id, follow_up_of=follow_up_of)
        session.add(activity)
    activity.customer_id, activity.kind, activity.subject = customer.id, kind.value, pl["subject"]
    activity.planned_at = activity.occurred_at = pl["planned_at"]
    activity.duration_minutes = pl.get("duration_minutes")
    if "notes" in pl:
        activity.notes = pl["notes"]
    return p.CommandResult(cmd.id, p.APPLIED, server={"activity_id": aid})


def activity_complete(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    """Log what came of an activity (done again: the new outcome replaces the old one)."""
    require_agent(principal)
    pl = cmd.payload
    aid = pl["activity_id"]
    activity = session.get(Activity, aid, with_for_update=True)
    if activity is None or activity.agent_id != principal.user_id:
        raise Rejected("not_found", "push.activity_unknown", activity=aid[:40])
    try:
        customer_in_scope(session, principal, activity.customer_id)
    except Rejected:
        raise Rejected("not_found", "push.activity_unknown", activity=aid[:40]) from None
    if not pl.get("outcome"):
        raise Rejected.of("invalid", agenda.AgendaError("agenda.outcome_required"))
    done_at = pl.get("done_at") or utcnow()
    check_outcome(pl, done_at=done_at)
    set_outcome(activity, pl, done_at=done_at)
    if "notes" in pl:
        activity.notes = pl["notes"]
    return p.CommandResult(cmd.id, p.APPLIED, server={
        "activity_id": aid, "done_at": p.encode_value(p.DATETIME, done_at)})


# --------------------------------------------------------------------------- deals


def offer_made(session: Session, deal: Deal) -> bool:
    statuses = session.execute(select(Quote.status).where(Quote.deal_id == deal.id)).scalars()
    return lifecycle.deal_offer_made(deal.stage_history, statuses) or deal.stage in lifecycle.OFFER_DEAL_STAGES


def record_stage(deal: Deal, stage: str, *, previous: str | None, at: dt.datetime | None,
                 reason: str | None) -> None:
    """Append the move to the deal's history at the agent's time, kept between the previous entry and now."""
    now = utcnow()
    history = list(deal.stage_history or [])
    when = min(at, now) if at is not None else now
    if history:
        last = dt.datetime.fromisoformat(history[-1]["at"])
        when = max(when, last)
    history.append(lifecycle.deal_stage_entry(stage=stage, previous=previous, at=when, reason=reason))
    deal.stage_history = history


def deal_server_values(deal: Deal) -> dict[str, Any]:
    return {"deal_id": deal.id, "stage": deal.stage, "stage_history": deal.stage_history,
            "close_reason": deal.close_reason, "expected_close": p.encode_value(p.DATE, deal.expected_close)}


def deal_move(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    """One move of a deal on the board, with its reason; the history keeps it at the agent's time."""
    require_agent(principal)
    pl = cmd.payload
    did = pl["deal_id"]
    deal = session.get(Deal, did, with_for_update=True)
    if deal is None:
        raise Rejected("not_found", "push.deal_unknown", deal=did[:40])
    try:
        customer_in_scope(session, principal, deal.customer_id)
    except Rejected:
        raise Rejected("not_found", "push.deal_unknown", deal=did[:40]) from None
    stage = pl.get("stage")
    if not stage:
        raise Rejected("invalid", "push.required", field="stage")
    reason = pl.get("reason")
    expected = pl.get("expected_close", deal.expected_close)
    try:
        new = lifecycle.deal_transition(deal.stage, stage, lost_reason=reason, offer_made=offer_made(session, deal),
                                        expected_close=expected, today=today())
    except lifecycle.TransitionError as exc:
        raise Rejected.of("illegal_transition", exc, "push.deal_transition", title=deal.title) from exc
    previous = deal.stage
    record_stage(deal, new.value, previous=previous, at=pl.get("moved_at"), reason=reason)
    deal.stage, deal.expected_close, deal.updated_at = new.value, expected, utcnow()
    if new in lifecycle.CLOSED_DEAL_STAGES:
        deal.close_reason = reason
    elif previous in lifecycle.CLOSED_DEAL_STAGES:
        deal.close_reason = None  # reopened
    return p.CommandResult(cmd.id, p.APPLIED, server=deal_server_values(deal))
