"""State machines of quotes, orders and deals; an illegal transition raises TransitionError."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sfa_desktop.domain.messages import N_, Message, UserError, register

__all__ = [
    "CLOSED_DEAL_STAGES",
    "DEFAULT_QUOTE_VALIDITY_DAYS",
    "NEEDS_OFFER_DEAL_STAGES",
    "OFFERED_QUOTE_STATUSES",
    "OFFER_DEAL_STAGES",
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
    "deal_offer_made",
    "deal_stage_entry",
    "deal_transition",
    "default_valid_until",
    "display_quote_status",
    "is_quote_expired",
    "order_transition",
    "quote_transition",
    "revision_valid_until",
    "status_label",
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


class TransitionError(UserError):
    """A status change that the lifecycle does not allow; the message says why."""


register({
    # the words for each status and stage (the catalog translates them)
    **{f"quote_status.{s}": t for s, t in (
        ("draft", N_("draft")), ("sent", N_("sent")), ("accepted", N_("won")), ("lost", N_("lost")),
        ("expired", N_("expired")))},
    **{f"order_status.{s}": t for s, t in (
        ("draft", N_("draft")), ("submitted", N_("submitted")),
        ("pending_approval", N_("waiting for approval")), ("approved", N_("approved")),
        ("rejected", N_("rejected")), ("fulfilled", N_("fulfilled")), ("cancelled", N_("cancelled")))},
    **{f"deal_stage.{s}": t for s, t in (
        ("contatto", N_("First contact")), ("offerta", N_("Offer sent")), ("rilancio", N_("Counter-offer")),
        ("sollecito", N_("Follow-up")), ("rinvio", N_("Postponed")), ("sospensione", N_("On hold")),
        ("chiuso_vinto", N_("Won")), ("chiuso_perso", N_("Lost")))},
    "lifecycle.unknown_value": N_("'{value}' is not a valid value; expected one of: {allowed}."),
    "lifecycle.quote_closed": N_("A quote that is {now} is closed and cannot become {new}; create a revision."),
    "lifecycle.quote_not_allowed": N_("A quote that is {now} cannot become {new} (only {allowed:list})."),
    "lifecycle.lost_needs_reason": N_("Say why the quote was lost (price, competitor, timing...)."),
    "lifecycle.quote_expired": N_("The quote expired on {valid_until:date}: create a revision with new prices."),
    "lifecycle.expires_by_date": N_("A quote expires only by its validity date."),
    "lifecycle.not_expired_yet": N_("The quote is valid until {valid_until:date}: it has not expired yet."),
    "lifecycle.newer_revision": N_("A newer revision of this quote exists: convert that one."),
    "lifecycle.draft_not_convertible": N_("A quote that is {now} cannot become an order (send it first)."),
    "lifecycle.quote_not_convertible": N_("A quote that is {now} cannot become an order; create a revision."),
    "lifecycle.order_closed": N_("An order that is {now} is closed and cannot become {new}."),
    "lifecycle.order_not_allowed": N_("An order that is {now} cannot become {new} (only {allowed:list})."),
    "lifecycle.deal_same_stage": N_("The deal is already at stage {now}."),
    "lifecycle.deal_won_closed": N_("A won deal is closed: open a new deal for new business."),
    "lifecycle.deal_lost_reopen": N_("A lost deal can only be reopened at stage {contatto}."),
    "lifecycle.deal_lost_needs_reason": N_("Say why the deal was lost."),
    "lifecycle.validity_days": N_("The quote validity must be 1-3650 days."),
    "lifecycle.deal_needs_offer": N_("A deal goes to {stage} only after an offer: move it to {offerta} first, "
                                     "or link a quote that was sent."),
    "lifecycle.deal_postponed_needs_date": N_("Say until when the deal is postponed: an expected close after "
                                              "today."),
})


def status_label(kind: str, value: str) -> Message:
    """The word for a status (`kind` quote_status, order_status, deal_stage) as a message."""
    return Message(f"{kind}.{value}")


def _labels(kind: str, values: frozenset[StrEnum] | list[StrEnum]) -> list[Message]:
    return [status_label(kind, v.value) for v in sorted(values)]


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
#: Stages that mean an offer is on the table; a counter-offer or a follow-up presupposes one.
OFFER_DEAL_STAGES = frozenset({DealStage.OFFERTA, DealStage.RILANCIO, DealStage.SOLLECITO})
NEEDS_OFFER_DEAL_STAGES = frozenset({DealStage.RILANCIO, DealStage.SOLLECITO})
#: Quote statuses that mean the customer has had an offer (a draft has not left the agent's desk).
OFFERED_QUOTE_STATUSES = frozenset({"sent", "accepted", "lost", "expired"})

def _coerce(enum: type[StrEnum], value: object, what: str) -> StrEnum:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise TransitionError("lifecycle.unknown_value", value=str(value)[:30], allowed=allowed) from None


def is_quote_expired(valid_until: date | None, today: date) -> bool:
    """A quote is valid through its valid_until day included; without a date it never expires."""
    return valid_until is not None and today > valid_until


def default_valid_until(issued_on: date, validity_days: int = DEFAULT_QUOTE_VALIDITY_DAYS) -> date:
    if isinstance(validity_days, bool) or not isinstance(validity_days, int) or not (
            1 <= validity_days <= 3650):
        raise TransitionError("lifecycle.validity_days")
    return issued_on + timedelta(days=validity_days)


def revision_valid_until(previous: date | None, today: date,
                         validity_days: int = DEFAULT_QUOTE_VALIDITY_DAYS) -> date:
    """A revision is valid as long as the old quote was, and at least a full validity from today."""
    fresh = default_valid_until(today, validity_days)
    return max(previous, fresh) if previous else fresh


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
        labels = {"now": status_label("quote_status", now), "new": status_label("quote_status", new)}
        if not QUOTE_TRANSITIONS[now]:
            raise TransitionError("lifecycle.quote_closed", **labels)
        raise TransitionError("lifecycle.quote_not_allowed", **labels,
                              allowed=_labels("quote_status", QUOTE_TRANSITIONS[now]))
    expired = today is not None and is_quote_expired(valid_until, today)
    if new is QuoteStatus.LOST and not (lost_reason and lost_reason.strip()):
        raise TransitionError("lifecycle.lost_needs_reason")
    if new is QuoteStatus.ACCEPTED and expired:
        raise TransitionError("lifecycle.quote_expired", valid_until=valid_until)
    if new is QuoteStatus.EXPIRED:
        if valid_until is None or today is None:
            raise TransitionError("lifecycle.expires_by_date")
        if not expired:
            raise TransitionError("lifecycle.not_expired_yet", valid_until=valid_until)
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
        raise TransitionError("lifecycle.newer_revision")
    if now not in (QuoteStatus.SENT, QuoteStatus.ACCEPTED):
        raise TransitionError("lifecycle.draft_not_convertible" if now is QuoteStatus.DRAFT else
                              "lifecycle.quote_not_convertible", now=status_label("quote_status", now))
    if is_quote_expired(valid_until, today):
        raise TransitionError("lifecycle.quote_expired", valid_until=valid_until)
    return QuoteStatus.ACCEPTED


def order_transition(current: OrderStatus | str, target: OrderStatus | str) -> OrderStatus:
    """draft -> submitted -> pending_approval | approved | rejected; approved -> fulfilled | cancelled."""
    now = OrderStatus(_coerce(OrderStatus, current, "order status"))
    new = OrderStatus(_coerce(OrderStatus, target, "order status"))
    if new not in ORDER_TRANSITIONS[now]:
        labels = {"now": status_label("order_status", now), "new": status_label("order_status", new)}
        if not ORDER_TRANSITIONS[now]:
            raise TransitionError("lifecycle.order_closed", **labels)
        raise TransitionError("lifecycle.order_not_allowed", **labels,
                              allowed=_labels("order_status", ORDER_TRANSITIONS[now]))
    return new


def can_edit_order(status: OrderStatus | str) -> bool:
    """Only drafts belong to the agent; a submitted order belongs to the server."""
    return OrderStatus(status) is OrderStatus.DRAFT


def deal_transition(current: DealStage | str, target: DealStage | str, *, lost_reason: str | None = None,
                    offer_made: bool | None = None, expected_close: date | None = None,
                    today: date | None = None) -> DealStage:
    """Check a deal's move and return the new stage.

    Open stages move freely among themselves (the sales process is not linear), with two rules of the
    trade: a counter-offer (rilancio) or a follow-up (sollecito) presupposes an offer (`offer_made`:
    the deal has been at an offer stage or has a sent quote; unknown = only the current stage tells),
    and a postponed deal (rinvio) needs the date it is postponed to (`expected_close` after `today`).
    Closing as lost needs a reason; a won deal is final; a lost deal can only be reopened at
    "contatto".
    """
    now = DealStage(_coerce(DealStage, current, "deal stage"))
    new = DealStage(_coerce(DealStage, target, "deal stage"))
    if new is now:
        raise TransitionError("lifecycle.deal_same_stage", now=status_label("deal_stage", now))
    if now is DealStage.CHIUSO_VINTO:
        raise TransitionError("lifecycle.deal_won_closed")
    if now is DealStage.CHIUSO_PERSO and new is not DealStage.CONTATTO:
        raise TransitionError("lifecycle.deal_lost_reopen", contatto=status_label("deal_stage", "contatto"))
    if new is DealStage.CHIUSO_PERSO and not (lost_reason and lost_reason.strip()):
        raise TransitionError("lifecycle.deal_lost_needs_reason")
    if new in NEEDS_OFFER_DEAL_STAGES and not (now in OFFER_DEAL_STAGES if offer_made is None else offer_made):
        raise TransitionError("lifecycle.deal_needs_offer", stage=status_label("deal_stage", new),
                              offerta=status_label("deal_stage", "offerta"))
    if new is DealStage.RINVIO and (expected_close is None or (today is not None and expected_close <= today)):
        raise TransitionError("lifecycle.deal_postponed_needs_date")
    return new


def deal_offer_made(history: Iterable[Mapping[str, object]] | None, quote_statuses: Iterable[str] = ()) -> bool:
    """Whether a deal has had an offer: a stage of its history at an offer stage, or a linked quote that
    reached the customer."""
    stages = {entry.get("stage") for entry in history or () if isinstance(entry, Mapping)}
    return bool(stages & {s.value for s in OFFER_DEAL_STAGES}) or bool(set(quote_statuses) & OFFERED_QUOTE_STATUSES)


def deal_stage_entry(*, stage: DealStage | str, previous: DealStage | str | None, at: datetime,
                     reason: str | None = None) -> dict[str, str | None]:
    """One entry of a deal's stage history as it is stored and sent (JSON): the stage, the one before,
    when (ISO, UTC) and why."""
    if at.tzinfo is None:
        raise ValueError("a stage change needs a time with its zone")
    return {"stage": DealStage(stage).value, "from": DealStage(previous).value if previous else None,
            "at": at.astimezone(UTC).isoformat(), "reason": reason}


def display_quote_status(status: QuoteStatus | str, *, valid_until: date | None, today: date) -> QuoteStatus:
    """The status a person should see: a draft or sent quote past its validity is expired.

    Both sides show it so (the stored status changes only through a command); an expired quote
    cannot be accepted or converted (quote_transition, check_quote_conversion).
    """
    now = QuoteStatus(_coerce(QuoteStatus, status, "quote status"))
    if now in (QuoteStatus.DRAFT, QuoteStatus.SENT) and is_quote_expired(valid_until, today):
        return QuoteStatus.EXPIRED
    return now
