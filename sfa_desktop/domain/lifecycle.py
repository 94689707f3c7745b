"""State machines of quotes, orders and deals; an illegal transition raises TransitionError."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "CLOSED_DEAL_STAGES",
    "DEAL_STAGE_LABELS",
    "DEFAULT_QUOTE_VALIDITY_DAYS",
    "ORDER_TRANSITIONS",
    "QUOTE_TRANSITIONS",
    "DealStage",
    "OrderStatus",
    "QuoteStatus",
    "TransitionError",
    "can_convert_quote",
    "can_edit_order",
    "can_edit_quote",
    "can_revise_quote",
    "check_quote_conversion",
    "deal_transition",
    "default_valid_until",
    "is_quote_expired",
    "order_transition",
    "quote_transition",
]

#: Default validity of a new quote; the office can change it (setting "quote_validity_days").
DEFAULT_QUOTE_VALIDITY_DAYS = 30


class QuoteStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    LOST = "lost"
    EXPIRED = "expired"


class OrderStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


class DealStage(StrEnum):
    """Stages of the Italian sales process (trattativa)."""

    CONTATTO = "contatto"
    OFFERTA = "offerta"
    RILANCIO = "rilancio"
    SOLLECITO = "sollecito"
    RINVIO = "rinvio"
    SOSPENSIONE = "sospensione"
    CHIUSO_VINTO = "chiuso_vinto"
    CHIUSO_PERSO = "chiuso_perso"


class TransitionError(ValueError):
    """A status change that the lifecycle does not allow; the message says why."""


QUOTE_TRANSITIONS: Mapping[QuoteStatus, frozenset[QuoteStatus]] = {
    QuoteStatus.DRAFT: frozenset({QuoteStatus.SENT}),
    QuoteStatus.SENT: frozenset({QuoteStatus.ACCEPTED, QuoteStatus.LOST, QuoteStatus.EXPIRED}),
    QuoteStatus.ACCEPTED: frozenset(),
    QuoteStatus.LOST: frozenset(),
    QuoteStatus.EXPIRED: frozenset(),
}

ORDER_TRANSITIONS: Mapping[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.DRAFT: frozenset({OrderStatus.SUBMITTED, OrderStatus.CANCELLED}),
    OrderStatus.SUBMITTED: frozenset(
        {OrderStatus.PENDING_APPROVAL, OrderStatus.APPROVED, OrderStatus.REJECTED}),
    OrderStatus.PENDING_APPROVAL: frozenset(
        {OrderStatus.APPROVED, OrderStatus.REJECTED, OrderStatus.CANCELLED}),
    OrderStatus.APPROVED: frozenset({OrderStatus.FULFILLED, OrderStatus.CANCELLED}),
    OrderStatus.REJECTED: frozenset(),
    OrderStatus.FULFILLED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

CLOSED_DEAL_STAGES = frozenset({DealStage.CHIUSO_VINTO, DealStage.CHIUSO_PERSO})

DEAL_STAGE_LABELS: Mapping[str, Mapping[DealStage, str]] = {
    "it": {DealStage.CONTATTO: "Contatto", DealStage.OFFERTA: "Offerta", DealStage.RILANCIO: "Rilancio",
           DealStage.SOLLECITO: "Sollecito", DealStage.RINVIO: "Rinvio", DealStage.SOSPENSIONE: "Sospensione",
           DealStage.CHIUSO_VINTO: "Chiuso vinto", DealStage.CHIUSO_PERSO: "Chiuso perso"},
    "en": {DealStage.CONTATTO: "First contact", DealStage.OFFERTA: "Offer sent",
           DealStage.RILANCIO: "Counter-offer", DealStage.SOLLECITO: "Follow-up",
           DealStage.RINVIO: "Postponed", DealStage.SOSPENSIONE: "On hold",
           DealStage.CHIUSO_VINTO: "Won", DealStage.CHIUSO_PERSO: "Lost"},
}


def _coerce(enum: type[StrEnum], value: object, what: str) -> StrEnum:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise TransitionError(f"{value!r:.30} is not a {what}; expected one of: {allowed}") from None


def is_quote_expired(valid_until: date | None, today: date) -> bool:
    """A quote is valid through its valid_until day included; without a date it never expires."""
    return valid_until is not None and today > valid_until


def default_valid_until(issued_on: date, validity_days: int = DEFAULT_QUOTE_VALIDITY_DAYS) -> date:
    if isinstance(validity_days, bool) or not isinstance(validity_days, int) or not (
            1 <= validity_days <= 3650):
        raise ValueError(f"quote validity must be 1-3650 days, not {validity_days!r:.10}")
    return issued_on + timedelta(days=validity_days)


def quote_transition(
    current: QuoteStatus | str,
    target: QuoteStatus | str,
    *,
    lost_reason: str | None = None,
    today: date | None = None,
    valid_until: date | None = None,
) -> QuoteStatus:
    """Check a quote status change and return the new status.

    draft -> sent -> accepted | lost (reason required) | expired (only once valid_until is past).
    Accepting needs the quote still valid when today and valid_until are given.
    """
    now = QuoteStatus(_coerce(QuoteStatus, current, "quote status"))
    new = QuoteStatus(_coerce(QuoteStatus, target, "quote status"))
    if new not in QUOTE_TRANSITIONS[now]:
        if not QUOTE_TRANSITIONS[now]:
            raise TransitionError(
                f"a quote that is {now} is closed and cannot become {new}; create a revision")
        allowed = " or ".join(sorted(QUOTE_TRANSITIONS[now]))
        raise TransitionError(f"a quote that is {now} cannot become {new} (only {allowed})")
    expired = today is not None and is_quote_expired(valid_until, today)
    if new is QuoteStatus.LOST and not (lost_reason and lost_reason.strip()):
        raise TransitionError("say why the quote was lost (price, competitor, timing...)")
    if new is QuoteStatus.ACCEPTED and expired:
        raise TransitionError(f"the quote expired on {valid_until}: create a revision with new prices")
    if new is QuoteStatus.EXPIRED:
        if valid_until is None or today is None:
            raise TransitionError("a quote expires only by its validity date: give today and valid_until")
        if not expired:
            raise TransitionError(f"the quote is valid until {valid_until}: it has not expired yet")
    return new


def can_edit_quote(status: QuoteStatus | str, is_latest_revision: bool) -> bool:
    """Only the latest revision, and only while it is a draft, can be edited."""
    return is_latest_revision and QuoteStatus(status) is QuoteStatus.DRAFT


def can_revise_quote(status: QuoteStatus | str, is_latest_revision: bool) -> bool:
    """A revision (a new quote, revision + 1) is made from the latest sent, lost or expired one."""
    revisable = (QuoteStatus.SENT, QuoteStatus.LOST, QuoteStatus.EXPIRED)
    return is_latest_revision and QuoteStatus(status) in revisable


def can_convert_quote(status: QuoteStatus | str, *, valid_until: date | None, today: date,
                      is_latest_revision: bool = True) -> bool:
    try:
        check_quote_conversion(status, valid_until=valid_until, today=today,
                               is_latest_revision=is_latest_revision)
    except TransitionError:
        return False
    return True


def check_quote_conversion(status: QuoteStatus | str, *, valid_until: date | None, today: date,
                           is_latest_revision: bool = True) -> QuoteStatus:
    """Check a quote can become an order and return its new status (accepted).

    A sent quote is accepted by the conversion; an already accepted one can be converted too (the
    customer signed first, the order is entered later). Expired, lost, draft or superseded: no.
    """
    now = QuoteStatus(_coerce(QuoteStatus, status, "quote status"))
    if not is_latest_revision:
        raise TransitionError("a newer revision of this quote exists: convert that one")
    if now not in (QuoteStatus.SENT, QuoteStatus.ACCEPTED):
        raise TransitionError(f"a quote that is {now} cannot become an order (send it first)"
                              if now is QuoteStatus.DRAFT else
                              f"a quote that is {now} cannot become an order; create a revision")
    if is_quote_expired(valid_until, today):
        raise TransitionError(f"the quote expired on {valid_until}: create a revision with new prices")
    return QuoteStatus.ACCEPTED


def order_transition(current: OrderStatus | str, target: OrderStatus | str) -> OrderStatus:
    """draft -> submitted -> pending_approval | approved | rejected; approved -> fulfilled | cancelled."""
    now = OrderStatus(_coerce(OrderStatus, current, "order status"))
    new = OrderStatus(_coerce(OrderStatus, target, "order status"))
    if new not in ORDER_TRANSITIONS[now]:
        if not ORDER_TRANSITIONS[now]:
            raise TransitionError(f"an order that is {now} is closed and cannot become {new}")
        allowed = " or ".join(sorted(ORDER_TRANSITIONS[now]))
        raise TransitionError(f"an order that is {now} cannot become {new} (only {allowed})")
    return new


def can_edit_order(status: OrderStatus | str) -> bool:
    """Only drafts belong to the agent; a submitted order belongs to the server."""
    return OrderStatus(status) is OrderStatus.DRAFT


def deal_transition(current: DealStage | str, target: DealStage | str, *, lost_reason: str | None = None
                    ) -> DealStage:
    """Open stages move freely among themselves (the sales process is not linear).

    Closing as lost needs a reason; a won deal is final; a lost deal can only be reopened at
    "contatto".
    """
    now = DealStage(_coerce(DealStage, current, "deal stage"))
    new = DealStage(_coerce(DealStage, target, "deal stage"))
    if new is now:
        raise TransitionError(f"the deal is already at stage {now}")
    if now is DealStage.CHIUSO_VINTO:
        raise TransitionError("a won deal is closed: open a new deal for new business")
    if now is DealStage.CHIUSO_PERSO and new is not DealStage.CONTATTO:
        raise TransitionError("a lost deal can only be reopened at stage contatto")
    if new is DealStage.CHIUSO_PERSO and not (lost_reason and lost_reason.strip()):
        raise TransitionError("say why the deal was lost")
    return new
