"""After a sync: drop the sales history older than the server keeps, and recompute every customer's
place in the pyramid (the local `customer_ranks` table the customer lists filter on).

Nothing here is queued for the server: the history and the ranks are the replica's own view. The
caller runs `refresh_crm` in one write transaction after a sync that touched the history, the
customers, the activities, the quotes or the deals, and once a day (the ranks age with the date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from sfa_desktop.domain.pyramid import CustomerFacts, PyramidRules, rank_customers
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.models import LocalSetting, Setting
from sfa_desktop.operations import context
from sfa_desktop.operations.sales_sums import months_back, purchases_by_day, top_by

#: Settings of the server this reads: the sales history kept, and the office's pyramid thresholds.
RETENTION_SETTING = "sales_history_retention"
RULES_SETTING = "pyramid_rules"
COMPUTED_KEY = "pyramid.computed_on"
#: The year's best-selling products, ranked with the pyramid (the dashboard's default period).
TOP_PRODUCTS_KEY = "pyramid.top_products"
TOP_PRODUCTS_KEPT = 50
#: Streams whose changes move a customer in the pyramid.
RANK_STREAMS = ("sales_history", "customers", "activities", "quotes", "deals")


def pyramid_rules(session: Session) -> PyramidRules:
    row = session.get(Setting, RULES_SETTING)
    try:
        return PyramidRules.from_settings(row.value if row is not None else None)
    except (ValueError, TypeError, ArithmeticError):
        return PyramidRules()  # a damaged setting: the defaults, rather than no pyramid at all


def history_horizon(session: Session) -> dt.date | None:
    """The first day of the sales history the server keeps (published by sfa-server prune-history)."""
    row = session.get(Setting, RETENTION_SETTING)
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    try:
        return dt.date.fromisoformat(value["horizon"]) if value.get("horizon") else None
    except (TypeError, ValueError):
        return None


def drop_expired_history(session: Session) -> Changes:
    """Remove the lines older than the server's horizon (the server deleted them too: the replica then
    holds what the server's checksum counts)."""
    horizon = history_horizon(session)
    if horizon is None:
        return Changes()
    gone = session.connection().exec_driver_sql(
        "DELETE FROM sales_history WHERE document_date < ?", (horizon.isoformat(),)).rowcount or 0
    return Changes.streams(["sales_history"]) if gone else Changes()


def last_contacts(conn: Connection) -> dict[str, dt.date]:
    """The day of each customer's last contact: an activity done, a quote, a deal."""
    found: dict[str, str] = {}
    for sql in ("SELECT customer_id, max(substr(occurred_at, 1, 10)) FROM activities "
                "WHERE done_at IS NOT NULL OR planned_at IS NULL GROUP BY customer_id",
                "SELECT customer_id, max(substr(created_at, 1, 10)) FROM quotes GROUP BY customer_id",
                "SELECT customer_id, max(substr(updated_at, 1, 10)) FROM deals GROUP BY customer_id"):
        for customer_id, day in conn.exec_driver_sql(sql):
            if day and day > found.get(customer_id, ""):
                found[customer_id] = day
    return {c: dt.date.fromisoformat(d) for c, d in found.items()}


def refresh_pyramid(session: Session, *, today: dt.date | None = None) -> Changes:
    """Rank every customer of the replica (domain.pyramid) and store the ranks; returns the change of
    the local `customer_ranks` table."""
    today = today or context.today()
    rules = pyramid_rules(session)
    conn = session.connection()
    purchases = purchases_by_day(conn, since=months_back(today, rules.history_months - 1), until=today)
    contacts = last_contacts(conn)
    customers: Iterable[tuple[str, str]] = conn.exec_driver_sql("SELECT id, status FROM customers").fetchall()
    ranks = rank_customers((CustomerFacts(cid, status, purchases.get(cid, ()), contacts.get(cid))
                            for cid, status in customers), today=today, rules=rules)
    conn.exec_driver_sql("DELETE FROM customer_ranks")
    conn.exec_driver_sql(
        "INSERT INTO customer_ranks (customer_id, pyramid_class, temperature, last_purchase, usual_interval_days, "
        "active_months, year_value, recent_value, previous_value, last_contact, computed_on) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(r.customer_id, r.pyramid_class.value, r.temperature.value,
          r.last_purchase.isoformat() if r.last_purchase else None, r.usual_interval_days, r.active_months,
          str(r.year_value), str(r.recent_value), str(r.previous_value),
          r.last_contact.isoformat() if r.last_contact else None, today.isoformat()) for r in ranks])
    year = months_back(today, rules.year_months - 1)
    top = top_by(conn, "product_id", start=year, end=today, limit=TOP_PRODUCTS_KEPT)
    _set_local(session, TOP_PRODUCTS_KEY, {"computed_on": today.isoformat(), "start": year.isoformat(),
                                           "rows": [[p, str(amount), str(qty)] for p, amount, qty in top]})
    _set_local(session, COMPUTED_KEY, today.isoformat())
    return Changes.streams(["customer_ranks"])


def _set_local(session: Session, key: str, value: Any) -> None:
    setting = session.get(LocalSetting, key)
    if setting is None:
        session.add(LocalSetting(key=key, value=value))
    else:
        setting.value = value


def year_top_products(session: Session, *, today: dt.date, start: dt.date) -> list[tuple[str, Decimal, Decimal]] | None:
    """The (product, amount, quantity) ranking the last refresh kept, when it is today's and of `start`."""
    setting = session.get(LocalSetting, TOP_PRODUCTS_KEY)
    value = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    if value.get("computed_on") != today.isoformat() or value.get("start") != start.isoformat():
        return None
    return [(p, Decimal(amount), Decimal(qty)) for p, amount, qty in value.get("rows") or []]


def pyramid_is_stale(session: Session, *, today: dt.date | None = None, changes: Changes | None = None) -> bool:
    """True when the ranks are older than today, or `changes` (a sync's) touched what they read."""
    today = today or context.today()
    if changes is not None and changes.touches(*RANK_STREAMS):
        return True
    setting = session.get(LocalSetting, COMPUTED_KEY)
    return setting is None or setting.value != today.isoformat()


def refresh_crm(session: Session, *, today: dt.date | None = None) -> Changes:
    """After a sync (and once a day): expired history out, pyramid recomputed."""
    return drop_expired_history(session) | refresh_pyramid(session, today=today)


def refresh_if_stale(session: Session, *, changes: Changes | None = None, today: dt.date | None = None) -> Changes:
    """refresh_crm when a sync's `changes` touched what the ranks read or the ranks are not today's; else
    nothing. What the app runs after every sync (`AgentSession.write(partial(refresh_if_stale, changes=...))`)."""
    if not pyramid_is_stale(session, today=today, changes=changes):
        return Changes()
    return refresh_crm(session, today=today)
