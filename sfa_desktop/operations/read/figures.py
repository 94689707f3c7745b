"""The agent's figures from the replica, offline: sales against target (month and year to date), the
pipeline by stage, quotes sent, won and lost with the hit rate, the average discount granted, top
customers and products, customers not visited for N days, and `dashboard` with all of them at once.

Sales are the invoiced lines of the sales history (summed exactly in SQL from covering indexes, see
local_db.models.SalesHistory); the formulas are domain.figures' (docs/crm.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from sfa_desktop.domain import figures
from sfa_desktop.domain.figures import DocumentValue, QuoteFact, QuoteOutcomes, SalesVsTarget, StageValue, TargetRow
from sfa_desktop.domain.lifecycle import OrderStatus
from sfa_desktop.local_db.models import Customer, CustomerRank, Deal, Product, Quote, Target
from sfa_desktop.operations.pyramid import pyramid_rules, year_top_products
from sfa_desktop.operations.sales_sums import exact_sum, months_back, sums_by, top_by

__all__ = [
    "COUNTED_ORDER_STATUSES",
    "Dashboard",
    "NotVisitedRow",
    "TopCustomer",
    "TopProduct",
    "average_discount_granted",
    "customers_not_visited",
    "dashboard",
    "dashboard_start",
    "pipeline",
    "quote_figures",
    "sales_by_month",
    "sales_vs_target_figures",
    "top_customers",
    "top_products",
]

#: Orders whose discount was granted (not drafts, not refused or cancelled ones).
COUNTED_ORDER_STATUSES = (OrderStatus.SUBMITTED, OrderStatus.PENDING_APPROVAL, OrderStatus.APPROVED,
                          OrderStatus.FULFILLED)
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class TopCustomer:
    customer_id: str
    name: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TopProduct:
    product_id: str
    sku: str | None
    name: str | None
    amount: Decimal
    quantity: Decimal
    unit: str | None


@dataclass(frozen=True, slots=True)
class NotVisitedRow:
    customer_id: str
    name: str
    city: str | None
    last_visit: dt.date | None
    days: int | None  # None: never visited


@dataclass(frozen=True, slots=True)
class Dashboard:
    today: dt.date
    #: the period of the rankings, the quotes and the discount (the last 12 months by default)
    start: dt.date
    end: dt.date
    sales: SalesVsTarget
    #: the last 13 months, oldest first: a chart of the trend
    sales_by_month: tuple[tuple[dt.date, Decimal], ...]
    pipeline: tuple[StageValue, ...]
    quotes: QuoteOutcomes
    average_discount: Decimal | None
    top_customers: tuple[TopCustomer, ...]
    top_products: tuple[TopProduct, ...]
    not_visited: tuple[NotVisitedRow, ...]
    not_visited_days: int


def _conn(session: Session) -> Connection:
    return session.connection()


def _sums_by(session: Session, key: str, *, start: dt.date, end: dt.date, where: str = "1 = 1"
             ) -> dict[str, Decimal]:
    return sums_by(_conn(session), key, start=start, end=end, where=where)


def sales_by_month(session: Session, *, start: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
    """Net invoiced per month (its first day) from `start` to `end`, both included."""
    return {dt.date.fromisoformat(month + "-01"): amount
            for month, amount in _sums_by(session, "substr(document_date, 1, 7)", start=start, end=end).items()}


def _category_sales(session: Session, *, start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """Net invoiced per product category from start to end: the line's category (from the index), else,
    for the lines the ERP sent without one, the product's."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    out.update(_sums_by(session, "category", start=start, end=end, where="category IS NOT NULL"))
    conn = _conn(session)
    period = (start.isoformat(), end.isoformat())
    for category, units, missing in conn.exec_driver_sql(
            "SELECT p.category, sum(h.net_units), count(*) - count(h.net_units) FROM sales_history h "
            "LEFT JOIN products p ON p.id = h.product_id WHERE h.category IS NULL AND h.document_date >= ? "
            "AND h.document_date <= ? GROUP BY 1", period):
        out[category or ""] += exact_sum(
            conn, units, missing, "category IS NULL AND document_date >= ? AND document_date <= ? AND product_id IN "
            "(SELECT id FROM products WHERE category IS ?)", (*period, category))
    return dict(out)


def targets_of(session: Session, *, year: int) -> list[TargetRow]:
    rows = session.execute(select(Target.month, Target.amount, Target.category)
                           .where(Target.month >= dt.date(year, 1, 1), Target.month <= dt.date(year, 12, 31)))
    return [TargetRow(month, amount, category) for month, amount, category in rows]


def sales_vs_target_figures(session: Session, *, today: dt.date,
                            months: dict[dt.date, Decimal] | None = None) -> SalesVsTarget:
    """This month and the year to date against the agent's targets (and this month per category).
    `months`: the sales per month already read (from January at least), if the caller has them."""
    sales = months if months is not None else sales_by_month(session, start=dt.date(today.year, 1, 1), end=today)
    by_category = _category_sales(session, start=today.replace(day=1), end=today)
    return figures.sales_vs_target(sales_by_month=sales, targets=targets_of(session, year=today.year), today=today,
                                   category_sales={c: v for c, v in by_category.items() if c})


def pipeline(session: Session) -> tuple[StageValue, ...]:
    """Open deals per stage, with their amounts."""
    return figures.pipeline_by_stage(session.execute(select(Deal.stage, Deal.amount)).all())


def quote_figures(session: Session, *, start: dt.date, end: dt.date, today: dt.date) -> QuoteOutcomes:
    """Quotes made from start to end (local days of their creation) that reached the customer, by outcome."""
    rows = session.execute(select(Quote.id, Quote.status, Quote.valid_until, Quote.created_at, Quote.taxable_total,
                                  Quote.previous_revision_id)).all()
    replaced = {r.previous_revision_id for r in rows if r.previous_revision_id}
    facts = [QuoteFact(r.status, r.valid_until, r.created_at.astimezone().date(), r.taxable_total,
                       latest=r.id not in replaced) for r in rows]
    return figures.quote_outcomes(facts, start=start, end=end, today=today)


def average_discount_granted(session: Session, *, start: dt.date, end: dt.date) -> Decimal | None:
    """The discount of the orders made from start to end against the prices of their lines (docs/crm.md)."""
    conn = _conn(session)
    orders = {oid: Decimal(taxable) for oid, taxable, created in conn.exec_driver_sql(
        "SELECT id, taxable_total, created_at FROM orders WHERE status IN ({}) AND created_at >= ? AND created_at < ?"
        .format(",".join("?" * len(COUNTED_ORDER_STATUSES))),
        (*[s.value for s in COUNTED_ORDER_STATUSES], _utc_start(start), _utc_start(end + dt.timedelta(days=1))))}
    if not orders:
        return None
    listed: dict[str, Decimal] = defaultdict(Decimal)
    for oid, quantity, price in conn.exec_driver_sql(
            "SELECT l.order_id, l.quantity, l.unit_price FROM order_lines l JOIN orders o ON o.id = l.order_id "
            "WHERE o.status IN ({}) AND o.created_at >= ? AND o.created_at < ?"
            .format(",".join("?" * len(COUNTED_ORDER_STATUSES))),
            (*[s.value for s in COUNTED_ORDER_STATUSES], _utc_start(start), _utc_start(end + dt.timedelta(days=1)))):
        listed[oid] += Decimal(quantity) * Decimal(price)
    return figures.average_discount(DocumentValue(listed[o], net) for o, net in orders.items() if listed.get(o))


def _utc_start(day: dt.date) -> str:
    """The UTC text of the local midnight starting `day` (times are stored in UTC)."""
    local = dt.datetime(day.year, day.month, day.day).astimezone()
    return local.astimezone(dt.UTC).isoformat(timespec="microseconds")


def top_customers(session: Session, *, start: dt.date, end: dt.date, limit: int = 10) -> list[TopCustomer]:
    """The customers that bought the most from start to end."""
    return _named_customers(session, [(c, amount) for c, amount, _ in top_by(
        _conn(session), "customer_id", start=start, end=end, limit=limit)])


def _named_customers(session: Session, ranked: list[tuple[str, Decimal]]) -> list[TopCustomer]:
    names = dict(session.execute(select(Customer.id, Customer.name).where(Customer.id.in_([c for c, _ in ranked]))
                                 ).all()) if ranked else {}
    return [TopCustomer(c, names.get(c, c), amount) for c, amount in ranked]


def _top_customers_of_the_year(session: Session, limit: int) -> list[TopCustomer]:
    """The pyramid's year value (the last 12 months, computed after the sync): no scan of the history."""
    amounts = dict(session.execute(select(CustomerRank.customer_id, CustomerRank.year_value)).all())
    return _named_customers(session, figures.top_amounts(amounts, limit))


def top_products(session: Session, *, start: dt.date, end: dt.date, limit: int = 10) -> list[TopProduct]:
    """The products sold the most (by value) from start to end, with the quantity sold."""
    return _named_products(session, top_by(_conn(session), "product_id", start=start, end=end, limit=limit))


def _named_products(session: Session, ranked: list[tuple[str, Decimal, Decimal]]) -> list[TopProduct]:
    wanted = [p for p, _, _ in ranked]
    products = {p.id: p for p in session.execute(select(Product.id, Product.sku, Product.name, Product.unit)
                                                 .where(Product.id.in_(wanted)))} if wanted else {}
    out = []
    for product_id, amount, quantity in ranked:
        p = products.get(product_id)
        out.append(TopProduct(product_id, p.sku if p else None, p.name if p else None, amount, quantity,
                              p.unit if p else None))
    return out


def customers_not_visited(session: Session, *, days: int, today: dt.date, statuses: tuple[str, ...] = ("active",),
                          limit: int | None = None) -> list[NotVisitedRow]:
    """Customers (of these statuses) whose last visit done is more than `days` days ago, or who were
    never visited: never first, then the longest ago."""
    last: dict[str, dt.date] = {}
    for customer_id, when in _conn(session).exec_driver_sql(
            "SELECT customer_id, max(occurred_at) FROM activities WHERE kind = 'visit' "
            "AND (done_at IS NOT NULL OR planned_at IS NULL) GROUP BY customer_id"):
        last[customer_id] = dt.datetime.fromisoformat(when).astimezone().date()
    customers = session.execute(select(Customer.id, Customer.name, Customer.city)
                                .where(Customer.status.in_(statuses))).all()
    info = {c.id: c for c in customers}
    ranked = figures.not_visited({c.id: last.get(c.id) for c in customers}, today=today, days=days)
    if limit is not None:
        ranked = ranked[:limit]
    return [NotVisitedRow(cid, info[cid].name, info[cid].city, last.get(cid), gone) for cid, gone in ranked]


def dashboard_start(today: dt.date) -> dt.date:
    """The dashboard's default period begins here: the last 12 months, the current one included."""
    return months_back(today, 11)


def dashboard(session: Session, *, today: dt.date, start: dt.date | None = None, top: int = 10,
              not_visited_days: int = 60, not_visited_limit: int = 20) -> Dashboard:
    """Every figure of the agent's dashboard. The rankings, quotes and discount cover `start` (default:
    the last 12 months, the current one included, as the pyramid's year) to today; with the default
    period the top customers come from the pyramid's ranks when they are today's."""
    year_ago = dashboard_start(today)
    start = start or year_ago
    trend_from = months_back(today, 12)
    by_month = sales_by_month(session, start=min(trend_from, dt.date(today.year, 1, 1)), end=today)
    months = []
    for n in range(12, -1, -1):
        first = months_back(today, n)
        months.append((first, by_month.get(first, ZERO)))
    fresh = start == year_ago and _ranks_fresh(session, today)
    ranked = (_top_customers_of_the_year(session, top) if fresh
              else top_customers(session, start=start, end=today, limit=top))
    kept = year_top_products(session, today=today, start=start) if fresh else None
    products = (_named_products(session, kept[:top]) if kept is not None
                else top_products(session, start=start, end=today, limit=top))
    return Dashboard(
        today=today, start=start, end=today, sales=sales_vs_target_figures(session, today=today, months=by_month),
        sales_by_month=tuple(months), pipeline=pipeline(session),
        quotes=quote_figures(session, start=start, end=today, today=today),
        average_discount=average_discount_granted(session, start=start, end=today),
        top_customers=tuple(ranked), top_products=tuple(products),
        not_visited=tuple(customers_not_visited(session, days=not_visited_days, today=today, limit=not_visited_limit)),
        not_visited_days=not_visited_days)


def _ranks_fresh(session: Session, today: dt.date) -> bool:
    computed = session.scalar(select(CustomerRank.computed_on).limit(1))
    return computed == today and pyramid_rules(session).year_months == 12
