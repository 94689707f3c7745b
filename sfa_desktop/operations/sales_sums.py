"""Sums over the sales history, exact and from its covering indexes: what the pyramid and the figures
read. Amounts come back as Decimal; the SQL sums whole ten-thousandths (local_db.models.SalesHistory)
and the rare line whose text those columns cannot read is summed from its text, never dropped."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from sfa_desktop.domain.figures import top_amounts
from sfa_desktop.local_db.models import NET_UNIT


def months_back(today: dt.date, months: int) -> dt.date:
    """The first day of the month `months` before today's."""
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def raw_rows(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Plain tuples straight from the driver, inside the connection's transaction (for large reads)."""
    return conn.connection.driver_connection.execute(sql, params).fetchall()  # type: ignore[union-attr]


def has_unreadable_lines(conn: Connection) -> bool:
    """Whether a line's amount or quantity text is not one the integer columns read (never written by a
    sync: the server sends fixed-point text); a partial index answers at once."""
    return conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM sales_history INDEXED BY ix_sales_history_unreadable "
                                "WHERE net_units IS NULL OR quantity_units IS NULL)").scalar_one() == 1


def exact_sum(conn: Connection, units: int | None, missing: int, where: str, params: tuple[Any, ...]) -> Decimal:
    """A sum of net amounts: the SQL integer sum of the ten-thousandths, plus, summed in Python from
    their text, the lines (`missing` of them) that the integer column could not read."""
    total = Decimal(units or 0) * NET_UNIT
    if missing:
        for (text,) in conn.exec_driver_sql(
                f"SELECT net_amount FROM sales_history WHERE net_units IS NULL AND {where}", params):
            total += Decimal(text)
    return total


def sums_by(conn: Connection, key: str, *, start: dt.date, end: dt.date, where: str = "1 = 1"
            ) -> dict[Any, Decimal]:
    """Net invoiced from start to end (both included) per value of `key` (a column or an expression)."""
    period = (start.isoformat(), end.isoformat())
    out = {}
    for value, units, missing in raw_rows(
            conn, f"SELECT {key}, sum(net_units), count(*) - count(net_units) FROM sales_history "
                  f"WHERE document_date >= ? AND document_date <= ? AND {where} GROUP BY 1", period):
        out[value] = exact_sum(conn, units, missing, f"{key} = ? AND document_date >= ? AND document_date <= ?",
                               (value, *period))
    return out


class _DayCache(dict[str, dt.date]):
    def __missing__(self, text: str) -> dt.date:
        self[text] = day = dt.date.fromisoformat(text)
        return day


def purchases_by_day(conn: Connection, *, since: dt.date, until: dt.date
                     ) -> dict[str, list[tuple[dt.date, Decimal]]]:
    """Net invoiced per customer and day from `since` to `until` (both included)."""
    out: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    rows = raw_rows(conn, "SELECT customer_id, document_date, sum(net_units), count(*) - count(net_units) "
                          "FROM sales_history INDEXED BY ix_sales_history_customer_day "
                          "WHERE document_date >= ? AND document_date <= ? GROUP BY customer_id, document_date",
                    (since.isoformat(), until.isoformat()))
    unit, days = NET_UNIT, _DayCache()
    for customer_id, day, units, missing in rows:
        amount = (exact_sum(conn, units, missing, "customer_id = ? AND document_date = ?", (customer_id, day))
                  if missing else Decimal(units or 0) * unit)
        out[customer_id].append((days[day], amount))
    return out


def top_by(conn: Connection, key: str, *, start: dt.date, end: dt.date, limit: int
           ) -> list[tuple[str, Decimal, Decimal]]:
    """The `limit` (key, amount, quantity) with the largest positive net invoiced from start to end, key
    customer_id or product_id, ranked in SQL from the key's covering index."""
    period = (start.isoformat(), end.isoformat())
    if not has_unreadable_lines(conn):
        index, quantity = {"customer_id": ("ix_sales_history_customer_day", "NULL"),
                           "product_id": ("ix_sales_history_product_day", "sum(quantity_units)")}[key]
        rows = raw_rows(conn, f"SELECT {key}, sum(net_units) AS amount, {quantity} FROM sales_history "
                              f"INDEXED BY {index} WHERE document_date >= ? AND document_date <= ? "
                              f"GROUP BY {key} ORDER BY amount DESC, {key} LIMIT ?", (*period, limit))
        return [(k, Decimal(units) * NET_UNIT, Decimal(q or 0) * NET_UNIT) for k, units, q in rows if units > 0]
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    quantities: dict[str, Decimal] = defaultdict(Decimal)
    for value, amount, qty in raw_rows(conn, f"SELECT {key}, net_amount, quantity FROM sales_history "
                                             "WHERE document_date >= ? AND document_date <= ?", period):
        amounts[value] += Decimal(amount)
        quantities[value] += Decimal(qty)
    return [(k, amount, quantities[k]) for k, amount in top_amounts(amounts, limit)]
