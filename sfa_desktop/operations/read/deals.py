"""Deals for screens: the board by stage (cards with the time in stage and the quotes), and one deal
with its stage history and its quotes. The filtered list is read.crm.deal_ids / deal_rows; its ids
give cards here too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sfa_desktop.domain.lifecycle import CLOSED_DEAL_STAGES, DealStage, QuoteStatus, display_quote_status
from sfa_desktop.local_db.models import Customer, Deal, Quote
from sfa_desktop.operations.read import crm

__all__ = [
    "BoardColumn",
    "DealCard",
    "DealDetail",
    "DealQuote",
    "StageStep",
    "deal_board",
    "deal_cards",
    "deal_detail",
]

_IN_CHUNK = 900


@dataclass(frozen=True, slots=True)
class DealCard:
    deal_id: str
    customer_id: str
    customer_name: str | None
    title: str
    stage: DealStage
    amount: Decimal | None
    expected_close: dt.date | None
    close_reason: str | None
    updated_at: dt.datetime
    #: since the last stage change (the history's last entry, else the last update)
    in_stage_since: dt.datetime
    quotes: int
    #: the change waits in the outbox
    unsent: bool

    @property
    def closed(self) -> bool:
        return self.stage in CLOSED_DEAL_STAGES


@dataclass(frozen=True, slots=True)
class BoardColumn:
    stage: DealStage
    cards: tuple[DealCard, ...]
    amount: Decimal


@dataclass(frozen=True, slots=True)
class StageStep:
    stage: DealStage
    previous: DealStage | None
    at: dt.datetime
    reason: str | None


@dataclass(frozen=True, slots=True)
class DealQuote:
    quote_id: str
    number: str
    revision: int
    #: as the agent sees it today (a sent quote past its validity is expired)
    status: QuoteStatus
    grand_total: Decimal
    valid_until: dt.date | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DealDetail:
    card: DealCard
    history: tuple[StageStep, ...]
    quotes: tuple[DealQuote, ...]


def _steps(history: object) -> tuple[StageStep, ...]:
    out = []
    for entry in history if isinstance(history, list) else []:
        try:
            out.append(StageStep(DealStage(entry["stage"]), DealStage(entry["from"]) if entry.get("from") else None,
                                 dt.datetime.fromisoformat(entry["at"]), entry.get("reason")))
        except (KeyError, TypeError, ValueError):
            continue  # an entry the app cannot read is left out, not the whole history
    return tuple(out)


def deal_cards(session: Session, ids: Sequence[str]) -> dict[str, DealCard]:
    """Rows of a batch of deals."""
    out: dict[str, DealCard] = {}
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start:start + _IN_CHUNK]
        quotes = dict(session.execute(select(Quote.deal_id, func.count()).where(Quote.deal_id.in_(chunk))
                                      .group_by(Quote.deal_id)).all())
        for deal, name in session.execute(select(Deal, Customer.name).join(
                Customer, Customer.id == Deal.customer_id, isouter=True).where(Deal.id.in_(chunk))):
            steps = _steps(deal.stage_history)
            out[deal.id] = DealCard(deal.id, deal.customer_id, name, deal.title, DealStage(deal.stage), deal.amount,
                                    deal.expected_close, deal.close_reason, deal.updated_at,
                                    steps[-1].at if steps else deal.updated_at, quotes.get(deal.id, 0),
                                    bool(deal.dirty))
    return out


def deal_board(session: Session, *, closed_since: dt.datetime | None = None) -> tuple[BoardColumn, ...]:
    """Every stage as a column, in the order of the process, its deals by expected close; closed deals
    only when they were updated since `closed_since` (default: none of them)."""
    ids = crm.deal_ids(session, sort="expected_close", descending=False)
    cards = deal_cards(session, ids)
    columns = []
    for stage in DealStage:
        mine = [cards[i] for i in ids if i in cards and cards[i].stage is stage]
        if stage in CLOSED_DEAL_STAGES:
            mine = [c for c in mine if closed_since is not None and c.updated_at >= closed_since]
        columns.append(BoardColumn(stage, tuple(mine), sum((c.amount or Decimal(0) for c in mine), Decimal(0))))
    return tuple(columns)


def deal_detail(session: Session, deal_id: str, *, today: dt.date) -> DealDetail | None:
    """One deal, its stage history (oldest first) and its quotes (the newest revision first)."""
    card = deal_cards(session, [deal_id]).get(deal_id)
    if card is None:
        return None
    history = _steps(session.scalar(select(Deal.stage_history).where(Deal.id == deal_id)))
    quotes = tuple(
        DealQuote(q.id, q.number, q.revision, display_quote_status(q.status, valid_until=q.valid_until, today=today),
                  q.grand_total, q.valid_until, q.created_at)
        for q in session.scalars(select(Quote).where(Quote.deal_id == deal_id)
                                 .order_by(Quote.created_at.desc(), Quote.revision.desc())))
    return DealDetail(card, history, quotes)
