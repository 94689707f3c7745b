"""The agent's deals (trattative) offline: open one, change it, move it through its stages, close it.

Every stage change is kept in the deal's stage history (lifecycle.deal_stage_entry). A move on the
board (move_deal) travels as its own deal.move, so the history keeps every step taken offline;
save_deal edits the deal's fields (a new unsent save replaces the previous one).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain import lifecycle
from sfa_desktop.domain.lifecycle import DealStage
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import Customer, Deal, Quote
from sfa_desktop.operations import context
from sfa_desktop.operations.errors import InvalidInputError, NotAllowedError, NotFoundError
from sfa_desktop.operations.texts import clean_text
from sfa_desktop.sync import outbox


def _offer_made(session: Session, deal: Deal) -> bool:
    statuses = session.scalars(select(Quote.status).where(Quote.deal_id == deal.id))
    return lifecycle.deal_offer_made(deal.stage_history, statuses) or deal.stage in lifecycle.OFFER_DEAL_STAGES


def _transition(session: Session, deal: Deal | None, target: DealStage, *, title: str, reason: str | None,
                expected_close: dt.date | None, today: dt.date) -> None:
    """The rules of the move; a new deal starts as if from its first contact."""
    try:
        if deal is not None:
            lifecycle.deal_transition(deal.stage, target, lost_reason=reason, offer_made=_offer_made(session, deal),
                                      expected_close=expected_close, today=today)
        elif target is not DealStage.CONTATTO:
            lifecycle.deal_transition(DealStage.CONTATTO, target, lost_reason=reason,
                                      expected_close=expected_close, today=today)
    except lifecycle.TransitionError as error:
        raise NotAllowedError("op.deal_transition", title=title, error=error.message) from error


def _record(deal: Deal, stage: DealStage, previous: str | None, reason: str | None, at: dt.datetime) -> None:
    deal.stage_history = [*(deal.stage_history or []),
                          lifecycle.deal_stage_entry(stage=stage, previous=previous, at=at, reason=reason)]


def save_deal(session: Session, *, customer_id: str, title: str, stage: str, amount: Decimal | None = None,
              expected_close: dt.date | None = None, close_reason: str | None = None,
              deal_id: str | None = None, today: dt.date | None = None) -> Changes:
    """Create or change a deal and queue deal.save; closing it lost needs the reason, postponing it the
    date it is postponed to."""
    today = today or context.today()
    if session.get(Customer, customer_id) is None:
        raise NotFoundError("op.customer_unknown")
    title = clean_text(title, "title", 500)
    if not title:
        raise InvalidInputError("op.title_required")
    close_reason = clean_text(close_reason, "reason", 1000)
    if amount is not None and (not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0
                               or amount > Decimal("1e12")):
        raise InvalidInputError("op.amount_invalid")
    try:
        target = DealStage(stage)
    except ValueError:
        raise InvalidInputError("op.stage_invalid") from None
    deal = session.get(Deal, deal_id) if deal_id else None
    previous = deal.stage if deal is not None else None
    if previous != target.value:
        _transition(session, deal, target, title=deal.title if deal else title, reason=close_reason,
                    expected_close=expected_close, today=today)
    if deal is None:
        deal = Deal(id=deal_id or str(uuid.uuid4()), agent_id=context.current_agent(session).user_id)
        session.add(deal)
    now = utc_now()
    if previous != target.value:
        _record(deal, target, previous, close_reason, now)
    deal.customer_id, deal.title, deal.stage = customer_id, title, target.value
    deal.amount, deal.expected_close, deal.close_reason = amount, expected_close, close_reason
    deal.updated_at, deal.dirty = now, True
    session.flush()
    payload = {"deal_id": deal.id, "customer_id": customer_id, "title": title, "stage": target.value,
               "amount": amount, "expected_close": expected_close, "close_reason": close_reason}
    if deal.stage_history:
        payload["stage_changed_at"] = dt.datetime.fromisoformat(deal.stage_history[-1]["at"])
    outbox.enqueue_or_replace(session, type="deal.save", payload=payload)
    return Changes.of("deals", deal.id, outbox=True, created=deal.id)


def move_deal(session: Session, *, deal_id: str, stage: str, reason: str | None = None,
              expected_close: dt.date | None = None, today: dt.date | None = None) -> Changes:
    """Move a deal to another stage (the board's drag), with the reason: required to close it lost,
    kept in the history otherwise. Postponing (rinvio) needs the new expected close."""
    today = today or context.today()
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise NotFoundError("op.deal_unknown")
    try:
        target = DealStage(stage)
    except ValueError:
        raise InvalidInputError("op.stage_invalid") from None
    reason = clean_text(reason, "reason", 1000)
    new_close = expected_close if expected_close is not None else deal.expected_close
    _transition(session, deal, target, title=deal.title, reason=reason, expected_close=new_close, today=today)
    previous = deal.stage
    now = utc_now()
    _record(deal, target, previous, reason, now)
    deal.stage, deal.expected_close, deal.updated_at, deal.dirty = target.value, new_close, now, True
    if target in lifecycle.CLOSED_DEAL_STAGES:
        deal.close_reason = reason
    elif previous in lifecycle.CLOSED_DEAL_STAGES:
        deal.close_reason = None  # reopened
    session.flush()
    payload = {"deal_id": deal.id, "stage": target.value, "reason": reason, "moved_at": now}
    if expected_close is not None:
        payload["expected_close"] = expected_close
    outbox.enqueue(session, type="deal.move", payload=payload)
    return Changes.of("deals", deal.id, outbox=True, created=deal.id)
