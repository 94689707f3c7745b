"""Two years of demo sales history (the ERP's invoiced lines) and each agent's monthly targets.

Customers buy the way a wholesaler's do: a few big ones every week, regulars every month (most on a
deferred invoice at the month's end), some who stopped three or four months ago, blocked customers
who stopped when they were blocked, newcomers of the last months, occasional buyers, and some who
never bought. Amounts follow the season of the trade (August and December are quiet, spring and
autumn busy; photovoltaics peaks in spring and summer). Ids are those an ERP import of the same
lines would give (ids.sales_line_id).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sfa_desktop.domain.discounts import parse_discount
from sfa_server.demo_data.catalog import Catalog
from sfa_server.erp_import import ids

#: Months of history generated (the retention kept by default, sfa_server.sales_history).
HISTORY_MONTHS = 24
#: Share of each month's usual business, January first.
SEASON = (Decimal("0.85"), Decimal("0.9"), Decimal("1.05"), Decimal("1.1"), Decimal("1.15"), Decimal("1.1"),
          Decimal("1.0"), Decimal("0.45"), Decimal("1.1"), Decimal("1.15"), Decimal("1.0"), Decimal("0.7"))
PV_SEASON = (Decimal("0.6"), Decimal("0.7"), Decimal("1.0"), Decimal("1.3"), Decimal("1.4"), Decimal("1.4"),
             Decimal("1.3"), Decimal("0.5"), Decimal("1.2"), Decimal("1.0"), Decimal("0.8"), Decimal("0.6"))
#: Product families each kind of customer buys most.
SEGMENT_FAMILIES = {
    "Installatore elettrico": ("Cavi", "Interruttori e prese", "Protezione e quadri", "Tubi, canaline e scatole",
                               "Illuminazione"),
    "Installatore fotovoltaico": ("Fotovoltaico", "Cavi", "Protezione e quadri"),
    "Installatore termoidraulico": ("Protezione e quadri", "Cavi", "Fissaggi e ferramenta",
                                    "Tubi, canaline e scatole"),
    "Impresa edile": ("Tubi, canaline e scatole", "Cavi", "Fissaggi e ferramenta", "Elettroutensili"),
    "Industria": ("Protezione e quadri", "Cavi", "Elettroutensili", "Fissaggi e ferramenta"),
    "Manutentore": ("Illuminazione", "Protezione e quadri", "Fissaggi e ferramenta", "Elettroutensili",
                    "Videocitofonia e sicurezza"),
    "Ente pubblico": ("Illuminazione", "Videocitofonia e sicurezza", "Protezione e quadri"),
}
# How each active customer buys: (share, kind); the rest never bought in the two years.
BEHAVIOURS = ((0.02, "big"), (0.28, "monthly"), (0.08, "stopped"), (0.10, "newcomer"), (0.35, "occasional"))
CENT = Decimal("0.01")


def _month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _working_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _month_end(index: int) -> dt.date:
    start = _month_start(index)
    return _working_day(start.replace(day=calendar.monthrange(start.year, start.month)[1]))


def _behaviour(rng: random.Random, customer: Mapping[str, Any]) -> str:
    if customer["status"] == "prospect":
        return "none"
    if customer["status"] == "blocked":
        return "blocked"
    r = rng.random()
    for share, kind in BEHAVIOURS:
        if r < share:
            return kind
        r -= share
    return "none"


class _Seller:
    """Lines of one customer's invoices, priced from the base list with the customer's discount."""

    def __init__(self, rng: random.Random, catalog: Catalog, pools: dict[str, list[dict[str, Any]]],
                 by_family: Mapping[str, Sequence[dict[str, Any]]], customer: Mapping[str, Any]) -> None:
        self.rng, self.catalog = rng, catalog
        segment = customer.get("segment") or ""
        if segment not in pools:
            families = [f for f in SEGMENT_FAMILIES.get(segment, ()) if by_family.get(f)]
            families = families or [f for f in by_family if by_family[f]]
            pools[segment] = [p for f in families for p in by_family[f]]
        self.pool = pools[segment]
        self.basket = rng.sample(self.pool, min(len(self.pool), rng.randint(8, 30)))
        self.factor = parse_discount(customer.get("default_discount")).factor
        self.pv = customer.get("segment") == "Installatore fotovoltaico"

    def season(self, day: dt.date) -> Decimal:
        return (PV_SEASON if self.pv else SEASON)[day.month - 1]

    def lines(self, count: int, spend: Decimal) -> list[tuple[dict[str, Any], Decimal, Decimal]]:
        """About `spend` euros over `count` lines: each line buys whole packs for its share."""
        out = []
        share = spend / count
        for product in self.rng.sample(self.basket, min(count, len(self.basket))):
            if self.rng.random() < 0.25:
                product = self.rng.choice(self.pool)
            pack = product.get("pack_size") or Decimal(1)
            price = self.catalog.base_price.get(product["id"]) or (product.get("cost") or Decimal(1))
            per_pack = price * pack * self.factor
            if per_pack <= 0:
                continue
            packs = max(1, int((share * Decimal(self.rng.uniform(0.6, 1.4)) / per_pack).to_integral_value()))
            quantity = pack * packs
            net = (price * quantity * self.factor).quantize(CENT, ROUND_HALF_UP)
            if net > 0:
                out.append((product, quantity, net))
        return out


def _invoice_days(rng: random.Random, kind: str, first: int, last: int, today: dt.date) -> list[dt.date]:
    """The invoice days of a customer that buys as `kind`, within months first..last (indexes)."""
    days: list[dt.date] = []
    if kind == "big":
        day = _month_start(first) + dt.timedelta(days=rng.randint(2, 6))
        while day < today:
            if _working_day(day) >= _month_start(first):
                days.append(_working_day(day))
            day += dt.timedelta(days=rng.randint(5, 10))
        return days
    stop = last
    start = first
    if kind == "stopped":
        stop = last - rng.choice((3, 4))
    elif kind == "blocked":
        stop = last - 5
    elif kind == "newcomer":
        start = last - rng.randint(4, 9)
    deferred = rng.random() < 0.6
    for month in range(start, stop + 1):
        begin = _month_start(month)
        if kind == "occasional":
            if rng.random() > 0.22 * float(SEASON[begin.month - 1]):
                continue
            day = begin + dt.timedelta(days=rng.randint(0, 27))
        elif begin.month == 8 and rng.random() < 0.4:
            continue  # closed for the August holidays
        elif deferred:
            day = _month_end(month)
        else:
            day = begin + dt.timedelta(days=rng.randint(2, 26))
        day = _working_day(day)
        if begin <= day < today:
            days.append(day)
    return days


#: Lines per invoice (fewest, most) and the median spend per invoice in euros, by how a customer buys.
_LINES = {"big": (4, 9, 2500), "monthly": (2, 6, 1200), "stopped": (2, 6, 1200), "blocked": (2, 5, 900),
          "newcomer": (2, 6, 1000), "occasional": (1, 4, 600)}


def make_sales_history(rng: random.Random, catalog: Catalog, customers: Sequence[Mapping[str, Any]],
                       today: dt.date) -> list[dict[str, Any]]:
    """The invoiced lines of the last HISTORY_MONTHS months (the current one up to yesterday)."""
    by_family: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for product in catalog.products:
        by_family[product.get("category") or ""].append(product)
    last = today.year * 12 + today.month - 1
    first = last - HISTORY_MONTHS + 1
    invoices: list[tuple[dt.date, str, list[tuple[dict[str, Any], Decimal, Decimal]]]] = []
    pools: dict[str, list[dict[str, Any]]] = {}
    for customer in customers:
        kind = _behaviour(rng, customer)
        if kind == "none":
            continue
        seller = _Seller(rng, catalog, pools, by_family, customer)
        low, high, median = _LINES[kind]
        spend = Decimal(str(round(rng.lognormvariate(math.log(median), 0.7), 2)))  # this customer's usual invoice
        for day in _invoice_days(rng, kind, first, last, today):
            lines = seller.lines(rng.randint(low, high), spend * seller.season(day) * Decimal(str(
                round(rng.uniform(0.8, 1.2), 3))))
            if rng.random() < 0.03 and lines:  # a return: part of a line comes back
                product, quantity, net = lines[0]
                lines.append((product, -(quantity / 2).to_integral_value() or -quantity,
                              -(net / 2).quantize(CENT, ROUND_HALF_UP)))
            if lines:
                invoices.append((day, customer["id"], lines))
    invoices.sort(key=lambda inv: (inv[0], inv[1]))
    numbers: dict[int, int] = defaultdict(int)
    rows = []
    for day, customer_id, lines in invoices:
        numbers[day.year] += 1
        number = f"FT {day.year}/{numbers[day.year]:05d}"
        for line_no, (product, quantity, net) in enumerate(lines, start=1):
            rows.append({"id": ids.sales_line_id(customer_id, number, day.isoformat(), str(line_no)),
                         "customer_id": customer_id, "product_id": product["id"], "document_number": number,
                         "document_date": day, "line_no": line_no, "quantity": quantity,
                         "unit": product["unit"], "net_amount": net, "category": product.get("category")})
    return rows


def make_targets(sales: Sequence[Mapping[str, Any]], customers: Sequence[Mapping[str, Any]],
                 agents: Sequence[Mapping[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """Targets of this year and the last, per agent and month: the same month a year before plus 6 %,
    rounded to 500 EUR, in total and for the agent's three largest product families."""
    agent_of = {c["id"]: c["agent_id"] for c in customers}
    totals: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
    families: dict[tuple[str, dt.date, str], Decimal] = defaultdict(Decimal)
    family_size: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in sales:
        agent = agent_of.get(line["customer_id"])
        if agent is None:
            continue
        month = line["document_date"].replace(day=1)
        totals[(agent, month)] += line["net_amount"]
        families[(agent, month, line["category"] or "")] += line["net_amount"]
        family_size[(agent, line["category"] or "")] += line["net_amount"]
    rows = []
    step = Decimal(500)
    for agent in agents:
        aid = agent["id"]
        top = [f for (a, f), _v in sorted(family_size.items(), key=lambda kv: -kv[1]) if a == aid and f][:3]
        months = [m for (a, m) in totals if a == aid]
        average = (sum((totals[(aid, m)] for m in months), Decimal(0)) / len(months)) if months else Decimal(0)
        for year in (today.year - 1, today.year):
            for n in range(1, 13):
                month = dt.date(year, n, 1)
                before = month.replace(year=year - 1)
                base = totals.get((aid, before)) or average * SEASON[n - 1]
                amount = (base * Decimal("1.06") / step).quantize(Decimal(1), ROUND_HALF_UP) * step
                if amount <= 0:
                    continue
                rows.append({"id": ids.target_id(aid, month.isoformat(), ""), "agent_id": aid, "month": month,
                             "category": None, "amount": amount})
                for family in top:
                    part = families.get((aid, before, family)) or Decimal(0)
                    if part <= 0:
                        continue
                    cat_amount = (part * Decimal("1.06") / step).quantize(Decimal(1), ROUND_HALF_UP) * step
                    if cat_amount > 0:
                        rows.append({"id": ids.target_id(aid, month.isoformat(), family), "agent_id": aid,
                                     "month": month, "category": family, "amount": cat_amount})
    return rows
