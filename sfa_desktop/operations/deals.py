"""The agent's deals (trattative) offline: open one, move it through its stages, close it."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy.orm import Session

from sfa_desktop.domain import lifecycle
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import Customer, Deal
from sfa_desktop.operations import context
from sfa_desktop.operations.errors import InvalidInputError, NotAllowedError, NotFoundError
from sfa_desktop.operations.texts import clean_text
from sfa_desktop.sync import outbox


def save_deal(session: Session, *, customer_id: str, title: str, stage: str, amount: Decimal | None = None,
              expected_close: dt.date | None = None, close_reason: str | None = None,
              deal_id: str | None = None) -> Changes:
    """Create or change a deal and queue deal.save; closing it lost needs the reason."""
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
        target = lifecycle.DealStage(stage)
    except ValueError:
        raise InvalidInputError("op.stage_invalid") from None
    deal = session.get(Deal, deal_id) if deal_id else None
    if deal is not None and deal.stage != target.value:
        try:
            lifecycle.deal_transition(deal.stage, target, lost_reason=close_reason)
        except lifecycle.TransitionError as error:
            raise NotAllowedError("op.deal_transition", title=deal.title, error=error.message) from error
    elif deal is None and target is lifecycle.DealStage.CHIUSO_PERSO and not close_reason:
        raise InvalidInputError(lifecycle.TransitionError("lifecycle.deal_lost_needs_reason").message)
    if deal is None:
        deal = Deal(id=deal_id or str(uuid.uuid4()), agent_id=context.current_agent(session).user_id)
        session.add(deal)
    deal.customer_id, deal.title, deal.stage = customer_id, title, target.value
    deal.amount, deal.expected_close, deal.close_reason = amount, expected_close, close_reason
    deal.updated_at, deal.dirty = utc_now(), True
    session.flush()
    payload = {"deal_id": deal.id, "customer_id": customer_id, "title": title, "stage": target.value,
               "amount": amount, "expected_close": expected_close, "close_reason": close_reason}
    outbox.enqueue_or_replace(session, type="deal.save", payload=payload)
    return Changes.of("deals", deal.id, outbox=True, created=deal.id)
