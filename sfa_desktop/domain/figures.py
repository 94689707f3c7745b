"""The agent's figures: sales against target, quotes won and lost (hit rate), average discount,
pipeline by stage, rankings and customers not visited. Pure functions over plain values.

Definitions (docs/crm.md has worked examples):
- percent of target = sales / target x 100, one decimal, half up; no target (or 0): none;
- a month's total target is its row without a category, else the sum of its category rows;
- hit rate = won / (won + lost) x 100 over the quotes of a period (one decimal); quotes still
  waiting and expired ones are outside it; each chain of revisions counts once, by its latest;
- average discount = (list value - net value) / list value x 100 over documents (two decimals),
  list value = sum of quantity x unit price, net value = the taxable total after every discount.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sfa_desktop.domain.lifecycle import CLOSED_DEAL_STAGES, DealStage, QuoteStatus, display_quote_status
from sfa_desktop.domain.money import round_cent, round_to

__all__ = [
    "DocumentValue",
    "Progress",
    "QuoteFact",
    "QuoteOutcomes",
    "SalesVsTarget",
    "StageValue",
    "TargetRow",
    "average_discount",
    "hit_rate",
    "month_start",
    "not_visited",
    "pipeline_by_stage",
    "quote_outcomes",
    "sales_vs_target",
    "target_for",
    "top_amounts",
]

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _percent(part: Decimal, whole: Decimal | None, places: int = 1) -> Decimal | None:
    if whole is None or whole <= 0:
        return None
    return round_to(part * HUNDRED / whole, places)


@dataclass(frozen=True)
class TargetRow:
    """One target: an agent's amount for a month (its first day), for a product category or in total."""

    month: dt.date
    amount: Decimal
    category: str | None = None


@dataclass(frozen=True)
class Progress:
    sales: Decimal
    target: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        """Sales as a percent of the target (one decimal); None without a target."""
        return _percent(self.sales, self.target)

    @property
    def gap(self) -> Decimal | None:
        """What is still missing to the target (negative: above it); None without a target."""
        return None if self.target is None else self.target - self.sales


def target_for(targets: Iterable[TargetRow], month: dt.date, category: str | None = None) -> Decimal | None:
    """The target of `month`: of one category, or the total (the row without a category, else the sum
    of the category rows). None when the month has none."""
    month = month_start(month)
    rows = [t for t in targets if month_start(t.month) == month]
    if category is not None:
        found = [t.amount for t in rows if t.category == category]
        return sum(found, ZERO) if found else None
    total = [t.amount for t in rows if t.category is None]
    if total:
        return sum(total, ZERO)
    by_category = [t.amount for t in rows]
    return sum(by_category, ZERO) if by_category else None


@dataclass(frozen=True)
class SalesVsTarget:
    month: Progress
    year_to_date: Progress
    #: The year's target up to today: the months before this one in full, this month by its days gone.
    year_to_date_pro_rata: Decimal | None
    #: This month per product category (those with a target or sales), largest target first.
    by_category: tuple[tuple[str, Progress], ...]

    @property
    def year_to_date_pro_rata_percent(self) -> Decimal | None:
        return _percent(self.year_to_date.sales, self.year_to_date_pro_rata)


def sales_vs_target(*, sales_by_month: Mapping[dt.date, Decimal], targets: Iterable[TargetRow], today: dt.date,
                    category_sales: Mapping[str, Decimal] | None = None) -> SalesVsTarget:
    """This month and the year to date against target. `sales_by_month` maps a month's first day to the
    net invoiced in it (the current month up to today); `category_sales` this month's sales by category."""
    targets = list(targets)
    this_month = month_start(today)
    sales = {month_start(m): v for m, v in sales_by_month.items()}
    month = Progress(sales.get(this_month, ZERO), target_for(targets, this_month))
    ytd_sales = sum((v for m, v in sales.items() if m.year == today.year and m <= this_month), ZERO)
    ytd_target = ZERO
    pro_rata = ZERO
    any_target = False
    for n in range(1, today.month + 1):
        month_target = target_for(targets, dt.date(today.year, n, 1))
        if month_target is None:
            continue
        any_target = True
        ytd_target += month_target
        if n < today.month:
            pro_rata += month_target
        else:
            days = calendar.monthrange(today.year, n)[1]
            pro_rata += month_target * Decimal(today.day) / Decimal(days)
    categories = {t.category for t in targets if t.category and month_start(t.month) == this_month}
    categories |= {c for c, v in (category_sales or {}).items() if v}
    by_category = [(c, Progress((category_sales or {}).get(c, ZERO), target_for(targets, this_month, c)))
                   for c in categories]
    by_category.sort(key=lambda cp: (-(cp[1].target or ZERO), -cp[1].sales, cp[0]))
    return SalesVsTarget(month, Progress(ytd_sales, ytd_target if any_target else None),
                         round_cent(pro_rata) if any_target else None, tuple(by_category))


def hit_rate(won: int | Decimal, lost: int | Decimal) -> Decimal | None:
    """won / (won + lost) x 100, one decimal; None when nothing was decided."""
    decided = Decimal(won) + Decimal(lost)
    return _percent(Decimal(won), decided) if decided else None


@dataclass(frozen=True)
class QuoteFact:
    status: str
    valid_until: dt.date | None
    created_on: dt.date
    total: Decimal
    #: False for a quote a newer revision replaced (its chain counts by the latest revision).
    latest: bool = True


@dataclass(frozen=True)
class QuoteOutcomes:
    sent: int
    won: int
    lost: int
    expired: int
    waiting: int
    sent_value: Decimal
    won_value: Decimal
    lost_value: Decimal

    @property
    def hit_rate(self) -> Decimal | None:
        return hit_rate(self.won, self.lost)

    @property
    def hit_rate_value(self) -> Decimal | None:
        """The same by value: won value / (won + lost value)."""
        return _percent(self.won_value, self.won_value + self.lost_value)


def quote_outcomes(quotes: Iterable[QuoteFact], *, start: dt.date, end: dt.date, today: dt.date) -> QuoteOutcomes:
    """Quotes made from `start` to `end` (both included) that reached the customer, by outcome as the
    agent sees it today (a sent quote past its validity is expired)."""
    counts = dict.fromkeys(QuoteStatus, 0)
    values = dict.fromkeys(QuoteStatus, ZERO)
    for q in quotes:
        if not q.latest or not start <= q.created_on <= end:
            continue
        status = display_quote_status(q.status, valid_until=q.valid_until, today=today)
        if status is QuoteStatus.DRAFT:
            continue
        counts[status] += 1
        values[status] += q.total
    sent = sum(counts.values())
    return QuoteOutcomes(sent=sent, won=counts[QuoteStatus.ACCEPTED], lost=counts[QuoteStatus.LOST],
                         expired=counts[QuoteStatus.EXPIRED], waiting=counts[QuoteStatus.SENT],
                         sent_value=sum(values.values(), ZERO), won_value=values[QuoteStatus.ACCEPTED],
                         lost_value=values[QuoteStatus.LOST])


@dataclass(frozen=True)
class DocumentValue:
    #: Sum of quantity x unit price of the lines (before any discount).
    list_value: Decimal
    #: The taxable total (every line and document discount applied).
    net_value: Decimal


def average_discount(documents: Iterable[DocumentValue]) -> Decimal | None:
    """The discount granted over the documents, weighted by value (two decimals); None without value."""
    docs = list(documents)
    listed = sum((d.list_value for d in docs), ZERO)
    net = sum((d.net_value for d in docs), ZERO)
    return _percent(listed - net, listed, 2)


@dataclass(frozen=True)
class StageValue:
    stage: DealStage
    deals: int
    amount: Decimal


def pipeline_by_stage(deals: Iterable[tuple[str, Decimal | None]]) -> tuple[StageValue, ...]:
    """Open deals per stage (every open stage listed, in the order of the process); a deal without an
    amount counts in `deals` with 0."""
    counts = {s: 0 for s in DealStage if s not in CLOSED_DEAL_STAGES}
    amounts = dict.fromkeys(counts, ZERO)
    for stage, amount in deals:
        s = DealStage(stage)
        if s in counts:
            counts[s] += 1
            amounts[s] += amount or ZERO
    return tuple(StageValue(s, counts[s], amounts[s]) for s in counts)


def top_amounts(amounts: Mapping[str, Decimal], n: int) -> list[tuple[str, Decimal]]:
    """The n largest positive amounts, largest first (ties by key)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    ranked = sorted(((k, v) for k, v in amounts.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:n]


def not_visited(last_visits: Mapping[str, dt.date | None], *, today: dt.date, days: int
                ) -> list[tuple[str, int | None]]:
    """Customers whose last visit is more than `days` days ago, or never (None): never visited first,
    then the longest ago."""
    if days < 0:
        raise ValueError("days must not be negative")
    out = []
    for customer_id, last in last_visits.items():
        gone = None if last is None else (today - last).days
        if gone is None or gone > days:
            out.append((customer_id, gone))
    out.sort(key=lambda item: (item[1] is not None, -(item[1] or 0), item[0]))
    return out
