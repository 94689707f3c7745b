"""The customer pyramid of the trade and each customer's temperature, from the sales history (RFM).

Classes, top to bottom: advocates (buy nearly every month, and a lot), clients (buy regularly),
users (buy now and then), prospects (no purchase yet, but in touch), suspects (neither). The
temperature says whether a buying customer keeps its rhythm: molto caldo (on rhythm and growing),
caldo (on rhythm), freddo (late against its own rhythm, or its purchases halved), incerto (too few
purchases to tell). Thresholds are data (`PyramidRules`); docs/crm.md has the worked examples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Any

from sfa_desktop.domain.messages import N_, Message, register

__all__ = [
    "CLASS_ORDER",
    "CustomerFacts",
    "CustomerRank",
    "PyramidClass",
    "PyramidRules",
    "Temperature",
    "class_label",
    "explain",
    "month_index",
    "rank_customer",
    "rank_customers",
    "temperature_label",
]

ZERO = Decimal(0)


class PyramidClass(StrEnum):
    ADVOCATE = "advocate"
    CLIENT = "client"
    USER = "user"
    PROSPECT = "prospect"
    SUSPECT = "suspect"


#: Top of the pyramid first.
CLASS_ORDER: tuple[PyramidClass, ...] = tuple(PyramidClass)


class Temperature(StrEnum):
    MOLTO_CALDO = "molto_caldo"
    CALDO = "caldo"
    FREDDO = "freddo"
    INCERTO = "incerto"


register({
    **{f"pyramid_class.{c}": t for c, t in (
        ("advocate", N_("Advocate")), ("client", N_("Client")), ("user", N_("User")),
        ("prospect", N_("Prospect")), ("suspect", N_("Suspect")))},
    **{f"temperature.{c}": t for c, t in (
        ("molto_caldo", N_("Very warm")), ("caldo", N_("Warm")), ("freddo", N_("Cold")),
        ("incerto", N_("Uncertain")))},
    "pyramid.bought_months": N_("Bought in {active} of the last {months} months: {value:money}."),
    "pyramid.prospect": N_("A prospect: no purchases yet."),
    "pyramid.contacted": N_("No purchases in the last {months} months; last contact on {date:date}."),
    "pyramid.not_contacted": N_("No purchases in the last {months} months and no contact in the last {days} days."),
    "pyramid.rhythm": N_("Last order {days} days ago, usually every {interval} days."),
    "pyramid.no_rhythm": N_("Last order {days} days ago; too few orders to tell a rhythm."),
    "pyramid.trend_up": N_("Last {months} months {recent:money}, up from {previous:money}."),
    "pyramid.trend_down": N_("Last {months} months {recent:money}, down from {previous:money}."),
})


def class_label(value: PyramidClass | str) -> Message:
    return Message(f"pyramid_class.{PyramidClass(value).value}")


def temperature_label(value: Temperature | str) -> Message:
    return Message(f"temperature.{Temperature(value).value}")


@dataclass(frozen=True)
class PyramidRules:
    """Where the classes and temperatures begin. Months are calendar months ending with the current
    one ("the last 12 months" on 2 March 2026 are April 2025 to March 2026)."""

    #: How far back the history is read (the rhythm, and whether a customer ever bought).
    history_months: int = 24
    #: "The last year": frequency (months with a purchase) and value.
    year_months: int = 12
    #: Months with a purchase in the last year from which a customer is a client...
    client_months: int = 6
    #: ...and an advocate, when it also bought at least advocate_value in the year.
    advocate_months: int = 10
    advocate_value: Decimal = Decimal(20000)
    #: A customer without purchases contacted within this many days is a prospect, else a suspect.
    contact_days: int = 365
    #: Purchase days needed to tell a rhythm; with fewer the temperature is uncertain.
    rhythm_purchases: int = 3
    #: Days since the last purchase over the usual interval above this: cold.
    late_ratio: Decimal = Decimal(2)
    #: The trend compares the last trend_months complete months with the trend_months before them.
    trend_months: int = 6
    #: Recent over previous at least this, on rhythm: very warm; at most decline_ratio: cold.
    growth_ratio: Decimal = Decimal("1.2")
    decline_ratio: Decimal = Decimal("0.5")

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | Decimal) or value < 0:
                raise ValueError(f"pyramid rule {f.name} must be a non-negative number, not {value!r}")
        if not 1 <= self.year_months <= self.history_months or not 1 <= self.trend_months * 2 < self.history_months:
            raise ValueError("the year and the two trend periods must fit in the history")
        if not self.client_months <= self.advocate_months <= self.year_months:
            raise ValueError("client_months <= advocate_months <= year_months")
        if self.rhythm_purchases < 2 or self.late_ratio <= 0:
            raise ValueError("a rhythm needs at least two purchases and a positive late ratio")

    @classmethod
    def from_settings(cls, mapping: Mapping[str, Any] | None) -> PyramidRules:
        """Rules from a settings value ({"advocate_value": "30000", ...}); absent keys keep the default."""
        if not isinstance(mapping, Mapping):
            return cls()
        out: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in mapping:
                raw = mapping[f.name]
                out[f.name] = Decimal(str(raw)) if f.type in ("Decimal", Decimal) else int(raw)
        return cls(**out)

    def to_settings(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class CustomerFacts:
    """What the pyramid reads of one customer: net invoiced amounts by day (any order, several a day
    allowed; returns are negative), its status and the day of the last contact (an activity done, a
    quote, a deal)."""

    customer_id: str
    status: str = "active"
    purchases: Sequence[tuple[dt.date, Decimal]] = ()
    last_contact: dt.date | None = None


@dataclass(frozen=True)
class CustomerRank:
    customer_id: str
    pyramid_class: PyramidClass
    temperature: Temperature
    last_purchase: dt.date | None
    days_since_purchase: int | None
    #: Median days between purchase days in the history; None with fewer than rhythm_purchases.
    usual_interval_days: int | None
    #: Months of the last year with a purchase.
    active_months: int
    year_value: Decimal
    recent_value: Decimal
    previous_value: Decimal
    #: The day of the last contact (an activity done, a quote, a deal), for a customer without purchases.
    last_contact: dt.date | None = None


def explain(rank: CustomerRank, *, rules: PyramidRules = PyramidRules(), today: dt.date | None = None
            ) -> tuple[Message, ...]:
    """Why the customer is where it is, in the agent's words ("Last order 94 days ago, usually every 30
    days."); days since the last order count to `today` when given (a rank stored days ago)."""
    if rank.last_purchase is None:
        if rank.pyramid_class is PyramidClass.SUSPECT:
            return (Message("pyramid.not_contacted", {"months": rules.history_months, "days": rules.contact_days}),)
        if rank.last_contact is None or (today is not None and (today - rank.last_contact).days > rules.contact_days):
            return (Message("pyramid.prospect"),)
        return (Message("pyramid.contacted", {"months": rules.history_months, "date": rank.last_contact}),)
    days = (today - rank.last_purchase).days if today is not None else rank.days_since_purchase
    out = [Message("pyramid.bought_months", {"active": rank.active_months, "months": rules.year_months,
                                             "value": rank.year_value})]
    if rank.usual_interval_days is None:
        out.append(Message("pyramid.no_rhythm", {"days": days}))
        return tuple(out)
    out.append(Message("pyramid.rhythm", {"days": days, "interval": rank.usual_interval_days}))
    trend = {"months": rules.trend_months, "recent": rank.recent_value, "previous": rank.previous_value}
    if rank.previous_value > 0 and rank.recent_value <= rank.previous_value * rules.decline_ratio:
        out.append(Message("pyramid.trend_down", trend))
    elif rank.temperature is Temperature.MOLTO_CALDO and rank.previous_value > 0:
        out.append(Message("pyramid.trend_up", trend))
    return tuple(out)


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _median_days(gaps: list[int]) -> int:
    gaps.sort()
    middle = len(gaps) // 2
    if len(gaps) % 2:
        return gaps[middle]
    return int((Decimal(gaps[middle - 1] + gaps[middle]) / 2).quantize(Decimal(1), ROUND_HALF_UP))


def rank_customer(facts: CustomerFacts, *, today: dt.date, rules: PyramidRules = PyramidRules()) -> CustomerRank:
    """The class and temperature of one customer on `today` (rows dated after today are ignored)."""
    now_month = month_index(today)
    first_month = now_month - rules.history_months + 1
    first_day = dt.date(first_month // 12, first_month % 12 + 1, 1)
    by_day: dict[dt.date, Decimal] = {}
    for day, amount in facts.purchases:
        if first_day <= day <= today:
            by_day[day] = by_day[day] + amount if day in by_day else amount
    buying_days = sorted(day for day, total in by_day.items() if total > 0)
    year_from = now_month - rules.year_months + 1
    # the trend compares complete months: the current one has only begun
    recent_from = now_month - rules.trend_months
    previous_from = recent_from - rules.trend_months
    year_value = recent = previous = ZERO
    for day, total in by_day.items():
        m = day.year * 12 + day.month - 1
        if m >= year_from:
            year_value += total
        if recent_from <= m < now_month:
            recent += total
        elif previous_from <= m < recent_from:
            previous += total
    active_months = len({m for d in buying_days if (m := d.year * 12 + d.month - 1) >= year_from})
    if not buying_days:
        contacted = facts.last_contact is not None and (today - facts.last_contact).days <= rules.contact_days
        cls = PyramidClass.PROSPECT if contacted or facts.status == "prospect" else PyramidClass.SUSPECT
        return CustomerRank(facts.customer_id, cls, Temperature.INCERTO, None, None, None, 0, year_value,
                            recent, previous, facts.last_contact if contacted else None)
    if active_months >= rules.advocate_months and year_value >= rules.advocate_value:
        cls = PyramidClass.ADVOCATE
    elif active_months >= rules.client_months:
        cls = PyramidClass.CLIENT
    else:
        cls = PyramidClass.USER
    last = buying_days[-1]
    days_since = (today - last).days
    interval = None
    if len(buying_days) >= rules.rhythm_purchases:
        interval = max(1, _median_days([(b - a).days for a, b in pairwise(buying_days)]))
    temperature = _temperature(days_since, interval, recent, previous, rules)
    return CustomerRank(facts.customer_id, cls, temperature, last, days_since, interval, active_months,
                        year_value, recent, previous, facts.last_contact)


def _temperature(days_since: int, interval: int | None, recent: Decimal, previous: Decimal,
                 rules: PyramidRules) -> Temperature:
    if interval is None:
        return Temperature.INCERTO
    ratio = Decimal(days_since) / Decimal(interval)
    if ratio > rules.late_ratio:
        return Temperature.FREDDO
    if previous > 0 and recent <= previous * rules.decline_ratio:
        return Temperature.FREDDO
    growing = recent >= previous * rules.growth_ratio if previous > 0 else recent > 0
    if ratio <= 1 and growing:
        return Temperature.MOLTO_CALDO
    return Temperature.CALDO


def rank_customers(customers: Iterable[CustomerFacts], *, today: dt.date,
                   rules: PyramidRules = PyramidRules()) -> list[CustomerRank]:
    return [rank_customer(facts, today=today, rules=rules) for facts in customers]
