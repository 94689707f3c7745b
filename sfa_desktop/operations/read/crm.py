"""Activities (the agenda: visits, calls...) and deals (trattative) for lists: ids, then plain rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain.lifecycle import CLOSED_DEAL_STAGES, DealStage
from sfa_desktop.local_db.models import Activity, Deal
from sfa_desktop.operations.read.common import (
    as_set,
    check_sort,
    chunks,
    core,
    customer_names,
    day_range,
    in_order,
    sort_ids,
    text_key,
    unique_ids,
)

__all__ = [
    "ACTIVITY_SORTS",
    "DEAL_SORTS",
    "ActivityRow",
    "DealRow",
    "activity_ids",
    "activity_rows",
    "deal_ids",
    "deal_rows",
]

ACTIVITY_SORTS = ("occurred_at", "customer", "kind", "subject")
DEAL_SORTS = ("updated_at", "expected_close", "customer", "title", "stage", "amount")
_CLOSED = tuple(sorted(s.value for s in CLOSED_DEAL_STAGES))
#: Stages sort in the order of the sales process, not alphabetically.
_STAGE_ORDER = {s.value: n for n, s in enumerate(DealStage)}


@dataclass(frozen=True, slots=True)
class ActivityRow:
    id: str
    customer_id: str
    customer_name: str | None
    kind: str  # visit, call, email, letter, meeting, note, task
    subject: str
    notes: str | None
    occurred_at: dt.datetime
    unsent: bool


@dataclass(frozen=True, slots=True)
class DealRow:
    id: str
    customer_id: str
    customer_name: str | None
    title: str
    stage: str  # lifecycle.DealStage value; render with status_label("deal_stage", stage)
    closed: bool
    amount: Decimal | None
    expected_close: dt.date | None
    close_reason: str | None
    updated_at: dt.datetime
    unsent: bool


def activity_ids(session: Session, *, customer_id: str | None = None, kind: str | Iterable[str] | None = None,
                 date_from: dt.date | None = None, date_to: dt.date | None = None, sort: str = "occurred_at",
                 descending: bool = True) -> list[str]:
    """Ids of the activities that pass the filters: one customer's, or the agenda of some local days
    (date_from .. date_to, both included); newest first by default."""
    check_sort(sort, ACTIVITY_SORTS)
    stmt = select(Activity.id, Activity.customer_id, Activity.kind, Activity.subject, Activity.occurred_at)
    if customer_id is not None:
        stmt = stmt.where(Activity.customer_id == customer_id)
    kinds = as_set(kind)
    if kinds is not None:
        stmt = stmt.where(Activity.kind.in_(sorted(kinds)))
    start, end = day_range(date_from, date_to)
    if start is not None:
        stmt = stmt.where(Activity.occurred_at >= start)
    if end is not None:
        stmt = stmt.where(Activity.occurred_at < end)
    rows = core(session).execute(stmt).all()
    when = {r.id: r.occurred_at for r in rows}
    if sort == "occurred_at":
        return sort_ids(((r.id, r.occurred_at) for r in rows), descending=descending)
    if sort == "customer":
        names = customer_names(session, (r.customer_id for r in rows))
        keys: Iterable[tuple[str, Any]] = ((r.id, text_key(names.get(r.customer_id))) for r in rows)
    elif sort == "kind":
        keys = ((r.id, r.kind) for r in rows)
    else:
        keys = ((r.id, text_key(r.subject)) for r in rows)
    return sort_ids(keys, descending=descending, tie=when.__getitem__)


def activity_rows(session: Session, ids: Iterable[str]) -> list[ActivityRow]:
    """Rows for these activity ids, in their order; unknown ids are skipped."""
    wanted = unique_ids(ids)
    found: dict[str, Any] = {}
    table = Activity.__table__
    for chunk in chunks(wanted):
        found.update((r.id, r) for r in session.execute(select(table).where(table.c.id.in_(chunk))))
    names = customer_names(session, (r.customer_id for r in found.values()))
    rows = {r.id: ActivityRow(r.id, r.customer_id, names.get(r.customer_id), r.kind, r.subject, r.notes,
                              r.occurred_at, bool(r.dirty)) for r in found.values()}
    return in_order(wanted, rows)


def deal_ids(session: Session, *, customer_id: str | None = None, stage: str | Iterable[str] | None = None,
             open_only: bool = False, close_from: dt.date | None = None, close_to: dt.date | None = None,
             sort: str = "updated_at", descending: bool = True) -> list[str]:
    """Ids of the deals that pass the filters (one customer's, some stages, still open, expected to
    close between two days); most recently changed first by default."""
    check_sort(sort, DEAL_SORTS)
    stmt = select(Deal.id, Deal.customer_id, Deal.title, Deal.stage, Deal.amount, Deal.expected_close,
                  Deal.updated_at)
    if customer_id is not None:
        stmt = stmt.where(Deal.customer_id == customer_id)
    stages = as_set(stage)
    if stages is not None:
        stmt = stmt.where(Deal.stage.in_(sorted(stages)))
    if open_only:
        stmt = stmt.where(Deal.stage.not_in(_CLOSED))
    if close_from is not None:
        stmt = stmt.where(Deal.expected_close >= close_from)
    if close_to is not None:
        stmt = stmt.where(Deal.expected_close <= close_to)
    rows = core(session).execute(stmt).all()
    updated = {r.id: r.updated_at for r in rows}
    if sort == "updated_at":
        return sort_ids(((r.id, r.updated_at) for r in rows), descending=descending)
    if sort == "customer":
        names = customer_names(session, (r.customer_id for r in rows))
        keys: Iterable[tuple[str, Any]] = ((r.id, text_key(names.get(r.customer_id))) for r in rows)
    elif sort == "title":
        keys = ((r.id, text_key(r.title)) for r in rows)
    elif sort == "stage":
        keys = ((r.id, _STAGE_ORDER.get(r.stage, len(_STAGE_ORDER))) for r in rows)
    else:
        keys = ((r.id, getattr(r, sort)) for r in rows)
    return sort_ids(keys, descending=descending, tie=updated.__getitem__)


def deal_rows(session: Session, ids: Iterable[str]) -> list[DealRow]:
    """Rows for these deal ids, in their order; unknown ids are skipped."""
    wanted = unique_ids(ids)
    found: dict[str, Any] = {}
    table = Deal.__table__
    for chunk in chunks(wanted):
        found.update((r.id, r) for r in session.execute(select(table).where(table.c.id.in_(chunk))))
    names = customer_names(session, (r.customer_id for r in found.values()))
    rows = {r.id: DealRow(r.id, r.customer_id, names.get(r.customer_id), r.title, r.stage, r.stage in _CLOSED,
                          r.amount, r.expected_close, r.close_reason, r.updated_at, bool(r.dirty))
            for r in found.values()}
    return in_order(wanted, rows)
