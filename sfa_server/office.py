"""Office API: the approval queue in pages, one order with what is weighed before deciding it,
approve / approve with a note / reject with a note (one wins when two decide at once), the audit
trail, and giving a customer to another agent. Answers are the typed models of office_schemas."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy import func, or_, select, update

from sfa_server.admin import _user_public
from sfa_server.audit import audit
from sfa_server.changes import reassign_customer, stamp
from sfa_server.deps import ApiError, OfficeUser, Sessions
from sfa_server.models import Customer, Order, PriceList, User, utcnow
from sfa_server.office_reads import PENDING, SORTS, approval_queue, audit_entries, order_detail, utc
from sfa_server.office_schemas import (
    ApprovalQueuePublic,
    AuditTrailPublic,
    CustomerBriefPublic,
    CustomerListPublic,
    DecisionPublic,
    DecisionRequest,
    ErrorPublic,
    OrderDetailPublic,
    PriceListListPublic,
    PriceListPublic,
    ReassignPublic,
    ReassignRequest,
    UserListPublic,
    errors,
)

router = APIRouter(prefix="/office", tags=["office"])
OrderId = Annotated[str, Path(min_length=1, max_length=100)]


class AlreadyDecidedPublic(ErrorPublic):
    """409: someone was faster (decided_by at decided_at), or the agent cancelled the order."""

    status: str
    number: str
    decided_by: str | None = None
    decided_at: str | None = None


_DECISION_ERRORS = {**errors(401, 403, 404, 422),
                    409: {"model": AlreadyDecidedPublic, "description": "Already decided by someone else "
                          "(who and when), or no longer pending (cancelled by the agent)"}}


@router.get("/approvals", response_model=ApprovalQueuePublic, responses=errors(401, 403, 422))
def list_approvals(
    principal: OfficeUser,
    sessions: Sessions,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=400, description="next_cursor of the page before")] = None,
    agent_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    reason: Annotated[str | None, Query(min_length=1, max_length=40, description="an approval rule")] = None,
    sort: Annotated[str, Query(pattern="^(" + "|".join(SORTS) + ")$")] = "created_at",
    descending: bool = False,
) -> ApprovalQueuePublic:
    """Orders waiting for a decision, oldest first by default; filter by agent and by reason."""
    with sessions() as session:
        return approval_queue(session, agent_id=agent_id, reason=reason, sort=sort, descending=descending,
                              cursor=cursor, limit=limit)


@router.get("/orders/{order_id}", response_model=OrderDetailPublic, responses=errors(401, 403, 404, 422))
def get_order(order_id: OrderId, principal: OfficeUser, sessions: Sessions) -> OrderDetailPublic:
    """One order (of any status) with lines, margin, credit, stock, its quote and its audit trail."""
    with sessions() as session:
        return order_detail(session, order_id)


def _decide(order_id: str, principal: OfficeUser, sessions: Sessions, target: str,
            note: str | None) -> DecisionPublic | JSONResponse:
    with sessions.begin() as session:
        tx, seq = stamp(session)
        now = utcnow()
        # the status in the WHERE makes the decision atomic: of two office users deciding at once,
        # exactly one updates the row and the other is told who was faster
        done = session.execute(
            update(Order)
            .where(Order.id == order_id, Order.status == PENDING,
                   or_(Order.created_by.is_(None), Order.created_by != principal.user_id))
            .values(status=target, decision_note=note, decided_by=principal.username, decided_at=now,
                    updated_at=now, change_tx=tx, change_seq=seq)
            .execution_options(synchronize_session=False)
        ).rowcount
        if done == 1:
            number = session.execute(select(Order.number).where(Order.id == order_id)).scalar_one()
            action = "order.approve" if target == "approved" else "order.reject"
            audit(session, principal, action, "order", order_id, {"note": note})
            return DecisionPublic(id=order_id, number=number, status=target, note=note,
                                  decided_by=principal.username, decided_at=now)
    with sessions() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise ApiError(404, f"Order {order_id[:40]} does not exist.", "not_found")
        if order.created_by == principal.user_id:
            raise ApiError(403, "Nobody approves or rejects an order they created.", "forbidden")
        when = utc(order.decided_at)
        stamp_text = when.isoformat() if when else None
        if order.decided_by and order.status in ("approved", "rejected", "fulfilled"):
            detail = f"Order {order.number} was already {order.status} by {order.decided_by} at {stamp_text}."
            code = "already_decided"
        elif order.status == "cancelled":
            detail = f"Order {order.number} was cancelled by the agent: there is nothing to decide."
            code = "not_pending"
        else:
            detail = f"Order {order.number} is {order.status}: there is nothing to decide."
            code = "not_pending"
        body = AlreadyDecidedPublic(detail=detail, code=code, status=order.status, number=order.number,
                                    decided_by=order.decided_by, decided_at=stamp_text)
        return JSONResponse(body.model_dump(), status_code=409)


@router.post("/orders/{order_id}/approve", response_model=DecisionPublic, responses=_DECISION_ERRORS)
def approve(order_id: OrderId, body: DecisionRequest, principal: OfficeUser,
            sessions: Sessions) -> DecisionPublic | JSONResponse:
    """Approve, with a note for the agent if given."""
    return _decide(order_id, principal, sessions, "approved", (body.note or "").strip() or None)


@router.post("/orders/{order_id}/reject", response_model=DecisionPublic, responses=_DECISION_ERRORS)
def reject(order_id: OrderId, body: DecisionRequest, principal: OfficeUser,
           sessions: Sessions) -> DecisionPublic | JSONResponse:
    """Reject; the note is required (the agent reads it after the next sync)."""
    note = (body.note or "").strip()
    if not note:
        raise ApiError(422, "Say why the order is rejected: the agent reads the note.", "note_required")
    return _decide(order_id, principal, sessions, "rejected", note)


@router.get("/audit", response_model=AuditTrailPublic, responses=errors(401, 403, 422))
def audit_trail(
    principal: OfficeUser,
    sessions: Sessions,
    order_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> AuditTrailPublic:
    """Who did what and when, newest first; for one order with order_id."""
    with sessions() as session:
        return AuditTrailPublic(entries=audit_entries(session, order_id=order_id, limit=limit))


@router.post("/customers/{customer_id}/reassign", response_model=ReassignPublic,
             responses=errors(401, 403, 404, 422))
def reassign(customer_id: OrderId, body: ReassignRequest, principal: OfficeUser,
             sessions: Sessions) -> ReassignPublic:
    """Give a customer (with its documents) to another agent; both agents' replicas follow."""
    with sessions.begin() as session:
        agent = session.get(User, body.agent_id)
        if agent is None or agent.role != "agent":
            raise ApiError(422, "agent_id is not an agent.", "invalid")
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise ApiError(404, f"Customer {customer_id[:40]} does not exist.", "not_found")
        previous = customer.agent_id
        reassign_customer(session, customer_id, agent.id)
        audit(session, principal, "customer.reassign", "customer", customer_id,
              {"agent": agent.username, "from": previous})
        return ReassignPublic(id=customer_id, agent_id=agent.id, agent_username=agent.username,
                              previous_agent_id=previous)


@router.get("/agents", response_model=UserListPublic, responses=errors(401, 403))
def list_agents(principal: OfficeUser, sessions: Sessions) -> UserListPublic:
    """The agents (for the queue's filter and for reassigning customers)."""
    with sessions() as session:
        found = session.execute(select(User).where(User.role == "agent").order_by(User.username)).scalars()
        return UserListPublic(users=[_user_public(u) for u in found])


@router.get("/price-lists", response_model=PriceListListPublic, responses=errors(401, 403))
def list_price_lists(principal: OfficeUser, sessions: Sessions) -> PriceListListPublic:
    """The price lists a new customer may be given (the latest version of each code)."""
    with sessions() as session:
        found = session.execute(select(PriceList).order_by(PriceList.code, PriceList.version.desc())).scalars()
        latest: dict[str, PriceList] = {}
        for pl in found:
            latest.setdefault(pl.code, pl)
        return PriceListListPublic(price_lists=[PriceListPublic(id=p.id, code=p.code, name=p.name)
                                                for p in latest.values()])


@router.get("/customers", response_model=CustomerListPublic, responses=errors(401, 403, 422))
def search_customers(
    principal: OfficeUser,
    sessions: Sessions,
    search: Annotated[str, Query(min_length=1, max_length=100, description="name, ERP code or VAT number")],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CustomerListPublic:
    """Customers of every agent by name, ERP code or VAT number (merge a prospect, reassign)."""
    pattern = "%" + search.strip().lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
    with sessions() as session:
        found = session.execute(
            select(Customer, User.username).join(User, User.id == Customer.agent_id, isouter=True)
            .where(or_(func.lower(Customer.name).like(pattern), func.lower(Customer.erp_code).like(pattern),
                       func.lower(Customer.vat_number).like(pattern)))
            .order_by(Customer.name, Customer.id).limit(limit)).all()
        return CustomerListPublic(customers=[
            CustomerBriefPublic(id=c.id, name=c.name, erp_code=c.erp_code, city=c.city, status=c.status,
                                agent_id=c.agent_id, agent_username=u) for c, u in found])
