"""Office API: approval queue, order detail with the customer's credit, approve/reject, audit trail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update

from sfa_desktop.sync import protocol as p
from sfa_server.audit import audit
from sfa_server.changes import reassign_customer, stamp
from sfa_server.commands import today
from sfa_server.deps import ApiError, OfficeUser, Sessions
from sfa_server.models import AuditEntry, Customer, Order, OrderLine, User, utcnow
from sfa_server.pricing import customer_credit

router = APIRouter(prefix="/office", tags=["office"])
OrderId = Annotated[str, Path(min_length=1, max_length=100)]


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=4000)


class ReassignRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agent_id: str = Field(min_length=1, max_length=100)


def _order_summary(order: Order, customer: Customer | None, agent: User | None) -> dict[str, Any]:
    return {
        "id": order.id,
        "number": order.number,
        "status": order.status,
        "customer_id": order.customer_id,
        "customer_name": customer.name if customer else None,
        "agent_id": order.agent_id,
        "agent": agent.username if agent else None,
        "taxable_total": str(order.taxable_total),
        "grand_total": str(order.grand_total),
        "approval_reasons": order.approval_reasons or [],
        "created_at": p.encode_value(p.DATETIME, order.created_at),
    }


@router.get("/approvals")
def approval_queue(
    principal: OfficeUser, sessions: Sessions, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> dict[str, Any]:
    """Orders waiting for a decision, oldest first."""
    with sessions() as session:
        rows = session.execute(
            select(Order, Customer, User)
            .join(Customer, Customer.id == Order.customer_id, isouter=True)
            .join(User, User.id == Order.agent_id, isouter=True)
            .where(Order.status == "pending_approval")
            .order_by(Order.created_at)
            .limit(limit)
        ).all()
        return {"orders": [_order_summary(o, c, u) for o, c, u in rows]}


@router.get("/orders/{order_id}", responses={404: {"description": "Unknown order"}})
def order_detail(order_id: OrderId, principal: OfficeUser, sessions: Sessions) -> dict[str, Any]:
    with sessions() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise ApiError(404, f"Order {order_id[:40]} does not exist.", "not_found")
        customer = session.get(Customer, order.customer_id)
        out = _order_summary(order, customer, session.get(User, order.agent_id))
        out["lines"] = [
            {
                **p.encode_row(
                    "order_lines", {c: getattr(ln, c) for c in p.STREAMS["order_lines"].field_names}
                ),
                "list_price": p.encode_value(p.DECIMAL, ln.list_price),
            }
            for ln in session.execute(
                select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.line_no)
            ).scalars()
        ]
        out.update(
            decision_note=order.decision_note,
            decided_by=order.decided_by,
            decided_at=p.encode_value(p.DATETIME, order.decided_at),
            notes=order.notes,
            vat_total=str(order.vat_total),
            document_discount=order.document_discount,
        )
        if customer is not None:
            # the figures the approval judged: overdue from the open items on the day, with the
            # ERP's own overdue figure beside it (shown, never judged)
            credit = customer_credit(session, customer, on=today(), exclude_order=order.id)
            out["credit"] = {
                "credit_limit": str(credit.credit_limit),
                "balance": str(credit.balance),
                "overdue": str(credit.overdue),
                "overdue_erp": None if credit.overdue_erp is None else str(credit.overdue_erp),
                "outstanding": str(credit.outstanding),
                "open_orders_total": str(credit.open_orders),
                "exposure": str(credit.exposure),
                "available": str(credit.available),
                "status": customer.status,
            }
        return out


def _decide(
    order_id: str, principal: OfficeUser, sessions: Sessions, target: str, note: str | None
) -> dict[str, Any]:
    with sessions.begin() as session:
        tx, seq = stamp(session)
        now = utcnow()
        done = session.execute(
            update(Order)
            .where(
                Order.id == order_id,
                Order.status == "pending_approval",
                Order.created_by != principal.user_id,
            )
            .values(
                status=target,
                decision_note=note,
                decided_by=principal.username,
                decided_at=now,
                updated_at=now,
                change_tx=tx,
                change_seq=seq,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if done == 1:
            action = "order.approve" if target == "approved" else "order.reject"
            audit(session, principal, action, "order", order_id, {"note": note})
            return {
                "id": order_id,
                "status": target,
                "decided_by": principal.username,
                "decided_at": p.encode_value(p.DATETIME, now),
            }
    with sessions() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise ApiError(404, f"Order {order_id[:40]} does not exist.", "not_found")
        if order.created_by == principal.user_id:
            raise ApiError(403, "Nobody approves or rejects an order they created.", "forbidden")
        if order.decided_by:
            when = p.encode_value(p.DATETIME, order.decided_at)
            raise ApiError(
                409,
                f"Order {order.number} was already {order.status} by {order.decided_by} at {when}.",
                "already_decided",
            )
        raise ApiError(
            409, f"Order {order.number} is {order.status}: there is nothing to decide.", "not_pending"
        )


@router.post("/orders/{order_id}/approve", responses={409: {"description": "Already decided"}})
def approve(order_id: OrderId, body: DecisionRequest, principal: OfficeUser, sessions: Sessions) -> dict:
    return _decide(order_id, principal, sessions, "approved", (body.note or "").strip() or None)


@router.post("/orders/{order_id}/reject", responses={409: {"description": "Already decided"}})
def reject(order_id: OrderId, body: DecisionRequest, principal: OfficeUser, sessions: Sessions) -> dict:
    note = (body.note or "").strip()
    if not note:
        raise ApiError(422, "Say why the order is rejected: the agent reads the note.", "invalid")
    return _decide(order_id, principal, sessions, "rejected", note)


@router.get("/audit")
def audit_trail(
    principal: OfficeUser,
    sessions: Sessions,
    order_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """Who did what and when, newest first; for one order with order_id."""
    with sessions() as session:
        stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
        if order_id:
            stmt = stmt.where(AuditEntry.object_type == "order", AuditEntry.object_id == order_id)
        return {
            "entries": [
                {
                    "at": p.encode_value(p.DATETIME, e.at),
                    "actor": e.actor,
                    "action": e.action,
                    "object_type": e.object_type,
                    "object_id": e.object_id,
                    "details": e.details,
                }
                for e in session.execute(stmt).scalars()
            ]
        }


@router.post("/customers/{customer_id}/reassign", responses={404: {"description": "Unknown customer"}})
def reassign(customer_id: OrderId, body: ReassignRequest, principal: OfficeUser, sessions: Sessions) -> dict:
    """Give a customer (with its documents) to another agent; both agents' replicas follow."""
    with sessions.begin() as session:
        agent = session.get(User, body.agent_id)
        if agent is None or agent.role != "agent":
            raise ApiError(422, "agent_id is not an agent.", "invalid")
        if session.get(Customer, customer_id) is None:
            raise ApiError(404, f"Customer {customer_id[:40]} does not exist.", "not_found")
        reassign_customer(session, customer_id, agent.id)
        audit(session, principal, "customer.reassign", "customer", customer_id, {"agent": agent.username})
    return {"id": customer_id, "agent_id": body.agent_id}
