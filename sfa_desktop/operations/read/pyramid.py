"""The customer pyramid for screens: ids by class and temperature (the customer lists' filter), each
customer's rank with its explanation (the 360 view), and the counts a chart draws.

Reads the `customer_ranks` table that operations.pyramid.refresh_pyramid fills after a sync.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sfa_desktop.domain.messages import Message
from sfa_desktop.domain.pyramid import CLASS_ORDER, CustomerRank, PyramidClass, Temperature, explain
from sfa_desktop.local_db.models import Customer
from sfa_desktop.local_db.models import CustomerRank as StoredRank
from sfa_desktop.operations.pyramid import pyramid_rules
from sfa_desktop.operations.read.common import text_key

__all__ = [
    "BUYING_CLASSES",
    "RankRow",
    "customer_ids_by_class",
    "customer_rank",
    "customer_ranks",
    "pyramid_counts",
    "slipping_customer_ids",
]

#: Classes of customers that bought in the history (a cold one among them has slipped).
BUYING_CLASSES = (PyramidClass.ADVOCATE, PyramidClass.CLIENT, PyramidClass.USER)
_IN_CHUNK = 900


@dataclass(frozen=True, slots=True)
class RankRow:
    customer_id: str
    name: str
    city: str | None
    pyramid_class: PyramidClass
    temperature: Temperature
    last_purchase: dt.date | None
    #: counted to the `today` the caller passes (the stored rank was computed on computed_on)
    days_since_purchase: int | None
    usual_interval_days: int | None
    active_months: int
    year_value: Decimal
    recent_value: Decimal
    previous_value: Decimal
    explanation: tuple[Message, ...]
    computed_on: dt.date


def _values(kinds: Iterable[str] | str | None, enum: type) -> list[str] | None:
    if kinds is None:
        return None
    if isinstance(kinds, str):
        kinds = [kinds]
    return [enum(k).value for k in kinds]


def customer_ids_by_class(session: Session, *, classes: Iterable[str] | str | None = None,
                          temperatures: Iterable[str] | str | None = None, order: str = "value") -> list[str]:
    """Customers of these classes and temperatures (None: any), by year value (largest first), by
    name, or by the days since their last purchase (the longest first): `order` value|name|late."""
    stmt = select(StoredRank.customer_id, StoredRank.year_value, Customer.name, StoredRank.last_purchase) \
        .join(Customer, Customer.id == StoredRank.customer_id)
    wanted = _values(classes, PyramidClass)
    if wanted is not None:
        stmt = stmt.where(StoredRank.pyramid_class.in_(wanted))
    warm = _values(temperatures, Temperature)
    if warm is not None:
        stmt = stmt.where(StoredRank.temperature.in_(warm))
    rows = session.execute(stmt).all()
    if order == "value":
        rows.sort(key=lambda r: (-r.year_value, text_key(r.name), r.customer_id))
    elif order == "name":
        rows.sort(key=lambda r: (text_key(r.name), r.customer_id))
    elif order == "late":
        rows.sort(key=lambda r: (r.last_purchase is None, r.last_purchase or dt.date.max, r.customer_id))
    else:
        raise ValueError(f"order must be value, name or late, not {order!r}")
    return [r.customer_id for r in rows]


def customer_ranks(session: Session, ids: Sequence[str], *, today: dt.date) -> dict[str, RankRow]:
    """The ranks of a batch of customers (customers without one are left out), explained as of `today`."""
    rules = pyramid_rules(session)
    out: dict[str, RankRow] = {}
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start:start + _IN_CHUNK]
        for rank, name, city in session.execute(
                select(StoredRank, Customer.name, Customer.city)
                .join(Customer, Customer.id == StoredRank.customer_id).where(StoredRank.customer_id.in_(chunk))):
            ranked = CustomerRank(
                rank.customer_id, PyramidClass(rank.pyramid_class), Temperature(rank.temperature), rank.last_purchase,
                (today - rank.last_purchase).days if rank.last_purchase else None, rank.usual_interval_days,
                rank.active_months, rank.year_value, rank.recent_value, rank.previous_value, rank.last_contact)
            out[rank.customer_id] = RankRow(
                rank.customer_id, name, city, ranked.pyramid_class, ranked.temperature, ranked.last_purchase,
                ranked.days_since_purchase, ranked.usual_interval_days, ranked.active_months, ranked.year_value,
                ranked.recent_value, ranked.previous_value, explain(ranked, rules=rules, today=today),
                rank.computed_on)
    return out


def customer_rank(session: Session, customer_id: str, *, today: dt.date) -> RankRow | None:
    return customer_ranks(session, [customer_id], today=today).get(customer_id)


def pyramid_counts(session: Session) -> dict[PyramidClass, dict[Temperature, int]]:
    """How many customers per class and temperature (every class and temperature present, 0 included)."""
    out = {c: dict.fromkeys(Temperature, 0) for c in CLASS_ORDER}
    for cls, warm, n in session.execute(select(StoredRank.pyramid_class, StoredRank.temperature, func.count())
                                        .group_by(StoredRank.pyramid_class, StoredRank.temperature)):
        out[PyramidClass(cls)][Temperature(warm)] = n
    return out


def slipping_customer_ids(session: Session, *, limit: int | None = None) -> list[str]:
    """Customers that bought and went cold (late against their own rhythm, or buying half as much),
    the most valuable first: the first to visit."""
    ids = customer_ids_by_class(session, classes=BUYING_CLASSES, temperatures=Temperature.FREDDO)
    return ids if limit is None else ids[:limit]
