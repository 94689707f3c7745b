"""The agenda for screens: a day or a week of activities (planned, done, overdue), the follow-ups
overdue, and suggested visits: customers whose purchases slipped (the pyramid) and quotes waiting
for an answer.

Days are the agent's local days (the machine's zone unless one is given); times are stored in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from sfa_desktop.domain.agenda import ActivityKind, ActivityState, activity_state
from sfa_desktop.domain.lifecycle import QuoteStatus, is_quote_expired
from sfa_desktop.domain.messages import Message
from sfa_desktop.local_db.models import Activity, Customer, Quote
from sfa_desktop.operations.read.pyramid import customer_ranks, slipping_customer_ids

__all__ = [
    "AgendaItem",
    "AgendaWeek",
    "SlippingCustomer",
    "Suggestions",
    "WaitingQuote",
    "activity_item",
    "agenda",
    "customer_activities",
    "day_agenda",
    "overdue_follow_ups",
    "suggested_visits",
    "week_agenda",
]


@dataclass(frozen=True, slots=True)
class AgendaItem:
    activity_id: str
    customer_id: str
    customer_name: str | None
    kind: ActivityKind
    subject: str
    notes: str | None
    #: when it is in the agenda: the done time, or the planned one until done
    occurred_at: dt.datetime
    planned_at: dt.datetime | None
    done_at: dt.datetime | None
    duration_minutes: int | None
    state: ActivityState
    outcome: str | None
    next_action: str | None
    next_action_at: dt.datetime | None
    follow_up_of: str | None
    #: the change waits in the outbox
    unsent: bool


@dataclass(frozen=True, slots=True)
class SlippingCustomer:
    customer_id: str
    name: str
    city: str | None
    last_purchase: dt.date | None
    days_since_purchase: int | None
    usual_interval_days: int | None
    year_value: Decimal
    #: why (from the pyramid), rendered where shown
    explanation: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class WaitingQuote:
    quote_id: str
    number: str
    customer_id: str
    customer_name: str | None
    grand_total: Decimal
    sent_on: dt.date
    valid_until: dt.date | None
    days_waiting: int


@dataclass(frozen=True, slots=True)
class Suggestions:
    slipping: tuple[SlippingCustomer, ...]
    waiting_quotes: tuple[WaitingQuote, ...]


@dataclass(frozen=True, slots=True)
class AgendaWeek:
    #: the seven local days from Monday, each with its activities in time order
    days: tuple[tuple[dt.date, tuple[AgendaItem, ...]], ...]
    overdue: tuple[AgendaItem, ...]
    suggestions: Suggestions


def _local_midnight(day: dt.date, tz: dt.tzinfo | None) -> dt.datetime:
    """The start of a local day in UTC (None: the machine's zone, its summer time included)."""
    naive = dt.datetime(day.year, day.month, day.day)
    return (naive.astimezone() if tz is None else naive.replace(tzinfo=tz)).astimezone(dt.UTC)


def _local_day(when: dt.datetime, tz: dt.tzinfo | None) -> dt.date:
    return when.astimezone(tz).date()


def _items(session: Session, where: object, *, now: dt.datetime, order: Sequence[object]) -> list[AgendaItem]:
    rows = session.execute(select(Activity, Customer.name).join(Customer, Customer.id == Activity.customer_id,
                                                                isouter=True).where(where).order_by(*order))
    return [AgendaItem(a.id, a.customer_id, name, ActivityKind(a.kind), a.subject, a.notes, a.occurred_at,
                       a.planned_at, a.done_at, a.duration_minutes,
                       activity_state(planned_at=a.planned_at, done_at=a.done_at, now=now), a.outcome,
                       a.next_action, a.next_action_at, a.follow_up_of, bool(a.dirty))
            for a, name in rows]


def agenda(session: Session, *, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> list[AgendaItem]:
    """The activities in [start, end) (planned or done then), in time order."""
    return _items(session, and_(Activity.occurred_at >= start, Activity.occurred_at < end), now=now,
                  order=(Activity.occurred_at, Activity.id))


def day_agenda(session: Session, *, day: dt.date, now: dt.datetime, tz: dt.tzinfo | None = None) -> list[AgendaItem]:
    return agenda(session, start=_local_midnight(day, tz), end=_local_midnight(day + dt.timedelta(days=1), tz),
                  now=now)


def overdue_follow_ups(session: Session, *, now: dt.datetime) -> list[AgendaItem]:
    """Planned activities whose time has passed and that are not done: the oldest first."""
    return _items(session, and_(Activity.done_at.is_(None), Activity.planned_at.is_not(None),
                                Activity.planned_at < now), now=now, order=(Activity.planned_at, Activity.id))


def suggested_visits(session: Session, *, today: dt.date, now: dt.datetime, limit: int = 10) -> Suggestions:
    """Whom to see: customers whose purchases slipped (cold in the pyramid, the most valuable first) with
    nothing planned yet, and sent quotes still valid that wait for an answer (the soonest to expire first)."""
    planned = set(session.scalars(select(Activity.customer_id).where(
        Activity.done_at.is_(None), Activity.planned_at.is_not(None), Activity.planned_at >= now)))
    candidates = [c for c in slipping_customer_ids(session) if c not in planned][:limit]
    ranks = customer_ranks(session, candidates, today=today)
    slipping = tuple(SlippingCustomer(r.customer_id, r.name, r.city, r.last_purchase, r.days_since_purchase,
                                      r.usual_interval_days, r.year_value, r.explanation)
                     for c in candidates if (r := ranks.get(c)) is not None)
    replaced = set(session.scalars(select(Quote.previous_revision_id).where(Quote.previous_revision_id.is_not(None))))
    waiting = []
    for quote, name in session.execute(
            select(Quote, Customer.name).join(Customer, Customer.id == Quote.customer_id, isouter=True)
            .where(Quote.status == QuoteStatus.SENT.value)):
        if quote.id in replaced or is_quote_expired(quote.valid_until, today):
            continue
        # the server's time of the send may lie ahead of this computer's clock (or of a demo's today):
        # a quote never waits a negative number of days
        sent_on = min(quote.updated_at.astimezone().date(), today)
        waiting.append(WaitingQuote(quote.id, quote.number, quote.customer_id, name, quote.grand_total, sent_on,
                                    quote.valid_until, (today - sent_on).days))
    waiting.sort(key=lambda q: (q.valid_until or dt.date.max, -q.grand_total, q.number))
    return Suggestions(slipping, tuple(waiting[:limit]))


def week_agenda(session: Session, *, day: dt.date, now: dt.datetime, tz: dt.tzinfo | None = None,
                suggestions: int = 10) -> AgendaWeek:
    """The week (Monday to Sunday) holding `day`, the overdue follow-ups and the suggested visits."""
    monday = day - dt.timedelta(days=day.weekday())
    items = agenda(session, start=_local_midnight(monday, tz),
                   end=_local_midnight(monday + dt.timedelta(days=7), tz), now=now)
    by_day: dict[dt.date, list[AgendaItem]] = {monday + dt.timedelta(days=n): [] for n in range(7)}
    for item in items:
        by_day.setdefault(_local_day(item.occurred_at, tz), []).append(item)
    return AgendaWeek(tuple((d, tuple(v)) for d, v in sorted(by_day.items())),
                      tuple(overdue_follow_ups(session, now=now)),
                      suggested_visits(session, today=_local_day(now, tz), now=now, limit=suggestions))


def activity_item(session: Session, activity_id: str, *, now: dt.datetime) -> AgendaItem | None:
    found = _items(session, Activity.id == activity_id, now=now, order=(Activity.id,))
    return found[0] if found else None


def customer_activities(session: Session, customer_id: str, *, now: dt.datetime, planned_only: bool = False
                        ) -> list[AgendaItem]:
    """One customer's activities, newest first (or only those still planned, soonest first)."""
    if planned_only:
        return _items(session, and_(Activity.customer_id == customer_id, Activity.done_at.is_(None),
                                    Activity.planned_at.is_not(None)), now=now, order=(Activity.planned_at,))
    return _items(session, Activity.customer_id == customer_id, now=now,
                  order=(Activity.occurred_at.desc(), Activity.id))
