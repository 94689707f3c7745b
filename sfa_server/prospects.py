"""The office's review of the prospects agents bring in: the duplicate check against every customer,
the list of prospects waiting with their probable duplicates, accept as a customer, or merge into one.

The agent sees the outcome in its `prospect_reviews` stream (status, the office's note, the customer
it became when that customer is the agent's); the probable duplicates never leave the server.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sfa_desktop.domain import prospects as duplicates
from sfa_server.audit import audit
from sfa_server.changes import delete_rows, leave_scope, restamp, stamp, upsert_rows
from sfa_server.deps import ApiError, OfficeUser, Principal, Sessions
from sfa_server.models import Address, Customer, OrderLine, PriceList, ProspectReview, QuoteLine, User
from sfa_server.office_schemas import errors as _errors
from sfa_server.scope import CUSTOMER_CHILDREN, table_of

router = APIRouter(prefix="/office/prospects", tags=["office"])
ProspectId = Annotated[str, Path(min_length=1, max_length=100)]
PENDING, ACCEPTED, MERGED = "pending", "accepted", "merged"
#: What follows a prospect into the customer it is merged into (its addresses are the customer's own).
MOVED_STREAMS = tuple(s for s in CUSTOMER_CHILDREN if s != "addresses")


# --------------------------------------------------------------------------- the review record


def open_review(session: Session, *, customer: Customer) -> ProspectReview:
    """Record a new prospect for the office, with the customers (of any agent) it may duplicate."""
    c = Customer.__table__.c
    existing = (duplicates.CustomerSummary(r.id, r.name, r.vat_number, r.tax_code, r.phone, r.email, r.city)
                for r in session.execute(select(c.id, c.name, c.vat_number, c.tax_code, c.phone, c.email, c.city)
                                         .where(c.id != customer.id)))
    wanted = duplicates.CustomerSummary(customer.id, customer.name, customer.vat_number, customer.tax_code,
                                        customer.phone, customer.email, customer.city)
    found = duplicates.find_duplicates(wanted, existing)
    review = ProspectReview(
        id=customer.id, agent_id=customer.agent_id, customer_id=customer.id, name=customer.name,
        status=PENDING, candidates=[{"customer_id": m.customer_id, "score": m.score, "reasons": list(m.reasons)}
                                    for m in found[:10]])
    session.add(review)
    return review


# --------------------------------------------------------------------------- API models


class DuplicateCandidatePublic(BaseModel):
    customer_id: str
    name: str
    erp_code: str | None
    vat_number: str | None
    tax_code: str | None
    city: str | None
    status: str
    agent_id: str | None
    agent_username: str | None
    score: float = Field(ge=0, le=1)
    reasons: list[str]


class ProspectForReviewPublic(BaseModel):
    id: str
    status: str
    name: str
    vat_number: str | None
    tax_code: str | None
    phone: str | None
    email: str | None
    city: str | None
    street: str | None
    postal_code: str | None
    province: str | None
    segment: str | None
    agent_id: str
    agent_username: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    note: str | None
    erp_code: str | None
    merged_into: str | None
    candidates: list[DuplicateCandidatePublic]


class ProspectListPublic(BaseModel):
    prospects: list[ProspectForReviewPublic]


class ProspectAccept(BaseModel):
    model_config = ConfigDict(extra="forbid")
    erp_code: str = Field(min_length=1, max_length=40, pattern=r"^\S(.*\S)?$")
    price_list_id: str | None = Field(default=None, min_length=1, max_length=100)
    #: the agent the new customer goes to (default: the agent who brought it in)
    agent_id: str | None = Field(default=None, min_length=1, max_length=100)
    note: str | None = Field(default=None, max_length=4000)


class ProspectMerge(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer_id: str = Field(min_length=1, max_length=100)
    note: str | None = Field(default=None, max_length=4000)


class ProspectDecisionPublic(BaseModel):
    id: str
    status: str
    #: the customer the prospect is now: itself (accepted) or the one it was merged into
    customer_id: str
    agent_id: str | None
    decided_by: str
    decided_at: dt.datetime
    #: rows that moved to the customer (merge), per stream
    moved: dict[str, int]


# --------------------------------------------------------------------------- reading


def _agents(session: Session) -> dict[str, str]:
    return dict(session.execute(select(User.id, User.username).where(User.role == "agent")).all())


def _public(session: Session, review: ProspectReview, agents: dict[str, str]) -> ProspectForReviewPublic:
    prospect = session.get(Customer, review.id)
    address = session.execute(select(Address).where(Address.customer_id == review.id)
                              .order_by(Address.kind)).scalars().first()
    wanted = [c["customer_id"] for c in review.candidates or []]
    found = {c.id: c for c in session.execute(select(Customer).where(Customer.id.in_(wanted))).scalars()} \
        if wanted else {}
    candidates = [
        DuplicateCandidatePublic(
            customer_id=c.id, name=c.name, erp_code=c.erp_code, vat_number=c.vat_number, tax_code=c.tax_code,
            city=c.city, status=c.status, agent_id=c.agent_id, agent_username=agents.get(c.agent_id or ""),
            score=float(m["score"]), reasons=[str(r) for r in m.get("reasons") or []])
        for m in review.candidates or [] if (c := found.get(m["customer_id"])) is not None]
    return ProspectForReviewPublic(
        id=review.id, status=review.status, name=prospect.name if prospect else review.name,
        vat_number=prospect.vat_number if prospect else None, tax_code=prospect.tax_code if prospect else None,
        phone=prospect.phone if prospect else None, email=prospect.email if prospect else None,
        city=prospect.city if prospect else None, street=address.street if address else None,
        postal_code=address.postal_code if address else None, province=address.province if address else None,
        segment=prospect.segment if prospect else None, agent_id=review.agent_id,
        agent_username=agents.get(review.agent_id), created_at=_utc(review.created_at),
        decided_at=_utc(review.decided_at) if review.decided_at else None, decided_by=review.decided_by,
        note=review.note, erp_code=review.erp_code, merged_into=review.merged_into, candidates=candidates)


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


@router.get("", response_model=ProspectListPublic, responses=_errors(401, 403, 422))
def list_prospects(
    principal: OfficeUser,
    sessions: Sessions,
    status: Annotated[str, Query(pattern="^(pending|accepted|merged)$")] = PENDING,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ProspectListPublic:
    """Prospects by review status (waiting first by default), oldest first, with their probable duplicates."""
    with sessions() as session:
        reviews = session.execute(select(ProspectReview).where(ProspectReview.status == status)
                                  .order_by(ProspectReview.created_at, ProspectReview.id).limit(limit)).scalars()
        agents = _agents(session)
        return ProspectListPublic(prospects=[_public(session, r, agents) for r in reviews])


@router.get("/{prospect_id}", response_model=ProspectForReviewPublic, responses=_errors(401, 403, 404, 422))
def prospect_detail(prospect_id: ProspectId, principal: OfficeUser, sessions: Sessions) -> ProspectForReviewPublic:
    with sessions() as session:
        review = session.get(ProspectReview, prospect_id)
        if review is None:
            raise ApiError(404, f"Prospect {prospect_id[:40]} is not waiting for a review.", "not_found")
        return _public(session, review, _agents(session))


# --------------------------------------------------------------------------- deciding


def _claim(session: Session, principal: Principal, prospect_id: str, values: dict[str, Any]) -> None:
    """Decide the review if it is still pending (one of two office users deciding at once wins)."""
    tx, seq = stamp(session)
    done = session.execute(
        update(ProspectReview).where(ProspectReview.id == prospect_id, ProspectReview.status == PENDING)
        .values(**values, decided_by=principal.username, change_tx=tx, change_seq=seq)
        .execution_options(synchronize_session=False)).rowcount
    if done == 1:
        return
    review = session.get(ProspectReview, prospect_id)
    if review is None:
        raise ApiError(404, f"Prospect {prospect_id[:40]} is not waiting for a review.", "not_found")
    raise ApiError(409, f"The prospect {review.name} was already {review.status} by {review.decided_by}.",
                   "already_decided")


def _prospect(session: Session, prospect_id: str) -> Customer:
    review = session.get(ProspectReview, prospect_id)
    if review is None:
        raise ApiError(404, f"Prospect {prospect_id[:40]} is not waiting for a review.", "not_found")
    if review.status != PENDING:
        raise ApiError(409, f"The prospect {review.name} was already {review.status} by {review.decided_by}.",
                       "already_decided")
    prospect = session.get(Customer, prospect_id)
    if prospect is None:
        raise ApiError(409, f"The prospect {review.name} is no longer among the customers.", "gone")
    return prospect


@router.post("/{prospect_id}/accept", response_model=ProspectDecisionPublic,
             responses=_errors(401, 403, 404, 409, 422))
def accept(prospect_id: ProspectId, body: ProspectAccept, principal: OfficeUser,
           sessions: Sessions) -> ProspectDecisionPublic:
    """The prospect becomes a customer with its ERP code (and a price list, and another agent if given)."""
    now = dt.datetime.now(dt.UTC)
    try:
        with sessions.begin() as session:
            prospect = _prospect(session, prospect_id)
            values: dict[str, Any] = {"id": prospect.id, "status": "active", "erp_code": body.erp_code,
                                      "row_version": (prospect.row_version or 0) + 1}
            if session.execute(select(Customer.id).where(Customer.erp_code == body.erp_code)).first():
                raise ApiError(409, f"The ERP code {body.erp_code} is another customer's.", "erp_code_taken")
            if body.price_list_id is not None:
                if session.get(PriceList, body.price_list_id) is None:
                    raise ApiError(422, "price_list_id is not a price list.", "invalid")
                values["price_list_id"] = body.price_list_id
            if body.agent_id is not None:
                agent = session.get(User, body.agent_id)
                if agent is None or agent.role != "agent":
                    raise ApiError(422, "agent_id is not an agent.", "invalid")
                values["agent_id"] = agent.id
            _claim(session, principal, prospect_id, {"status": ACCEPTED, "decided_at": now, "note": body.note,
                                                     "erp_code": body.erp_code})
            upsert_rows(session, "customers", [values])  # moves the scope if the agent or price list changes
            audit(session, principal, "prospect.accept", "customer", prospect_id,
                  {"erp_code": body.erp_code, "agent_id": values.get("agent_id", prospect.agent_id)})
            agent_id = values.get("agent_id", prospect.agent_id)
    except IntegrityError as exc:  # the ERP code was taken by a concurrent write
        raise ApiError(409, f"The ERP code {body.erp_code} is another customer's.", "erp_code_taken") from exc
    return ProspectDecisionPublic(id=prospect_id, status=ACCEPTED, customer_id=prospect_id, agent_id=agent_id,
                                  decided_by=principal.username, decided_at=now, moved={})


@router.post("/{prospect_id}/merge", response_model=ProspectDecisionPublic,
             responses=_errors(401, 403, 404, 409, 422))
def merge(prospect_id: ProspectId, body: ProspectMerge, principal: OfficeUser,
          sessions: Sessions) -> ProspectDecisionPublic:
    """The prospect is a customer the company already has (of any agent): the agent's quotes, orders,
    activities, deals and contacts of the prospect move to it, and the prospect goes away."""
    now = dt.datetime.now(dt.UTC)
    with sessions.begin() as session:
        prospect = _prospect(session, prospect_id)
        target = session.get(Customer, body.customer_id)
        if target is None or target.id == prospect.id:
            raise ApiError(422, "customer_id is not another customer.", "invalid")
        review = session.get(ProspectReview, prospect_id)
        assert review is not None  # _prospect found it
        visible = target.id if target.agent_id == review.agent_id else None
        _claim(session, principal, prospect_id, {"status": MERGED, "decided_at": now, "note": body.note,
                                                 "merged_into": target.id, "customer_id": visible})
        moved = _move_children(session, prospect, target)
        addresses = list(session.execute(select(Address.id).where(Address.customer_id == prospect.id)).scalars())
        delete_rows(session, "addresses", addresses)
        delete_rows(session, "customers", [prospect.id])
        audit(session, principal, "prospect.merge", "customer", prospect_id, {"into": target.id, "moved": moved})
        agent_id = target.agent_id
    return ProspectDecisionPublic(id=prospect_id, status=MERGED, customer_id=target.id, agent_id=agent_id,
                                  decided_by=principal.username, decided_at=now, moved=moved)


def _move_children(session: Session, prospect: Customer, target: Customer) -> dict[str, int]:
    """Give the prospect's rows to the target customer; the prospect's agent loses what it can no longer
    see, the target's agent receives them (lines included)."""
    moved: dict[str, int] = {}
    leaving: list[tuple[str, str]] = []
    for stream in MOVED_STREAMS:
        t = table_of(stream)
        ids = list(session.execute(select(t.c.id).where(t.c.customer_id == prospect.id)).scalars())
        if not ids:
            continue
        upsert_rows(session, stream, [{"id": i, "customer_id": target.id} for i in ids])
        moved[stream] = len(ids)
        leaving += [(stream, i) for i in ids]
    quotes = [i for s, i in leaving if s == "quotes"]
    orders = [i for s, i in leaving if s == "orders"]
    lines = [("quote_lines", i) for i in session.execute(
        select(QuoteLine.id).where(QuoteLine.quote_id.in_(quotes))).scalars()] if quotes else []
    lines += [("order_lines", i) for i in session.execute(
        select(OrderLine.id).where(OrderLine.order_id.in_(orders))).scalars()] if orders else []
    for stream in ("quote_lines", "order_lines"):
        restamp(session, stream, [i for s, i in lines if s == stream])
    if prospect.agent_id and prospect.agent_id != target.agent_id:
        leave_scope(session, prospect.agent_id, leaving + lines)
    return moved
