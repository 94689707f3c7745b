"""Who is working and with which numbers: the agent of this replica and its document numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain import clock
from sfa_desktop.domain.numbering import NumberBlock, NumberingError, format_document_number, next_number
from sfa_desktop.local_db.models import Customer, NumberSequence, User
from sfa_desktop.operations.errors import NotAllowedError, NotFoundError


@dataclass(frozen=True)
class AgentProfile:
    user_id: str
    agent_code: str
    full_name: str
    block: NumberBlock | None


def today() -> dt.date:
    """The agent's local date (what "today" means on the documents and for what is overdue)."""
    return clock.today()


def current_agent(session: Session) -> AgentProfile:
    """The agent this replica belongs to (the `users` stream carries only the caller)."""
    user = session.scalars(select(User).where(User.role == "agent")).first()
    if user is None or not user.agent_code:
        raise NotAllowedError("op.no_agent_profile")
    block = None
    if user.number_block_start and user.number_block_end:
        block = NumberBlock(user.number_block_start, user.number_block_end)
    return AgentProfile(user.id, user.agent_code, user.full_name or user.username, block)


def allocate_number(session: Session, *, kind: str, agent: AgentProfile, on: dt.date) -> str:
    """Take the next number of this device's block and record it before it is used.

    The record is written in the caller's transaction, together with the document: a crash
    loses both or neither, so a number is never handed out twice.
    """
    if agent.block is None:
        raise NotAllowedError("op.no_number_block")
    # Sequences run across years within a block: the block is the device's, not the year's.
    last = session.scalar(select(NumberSequence.last_used).where(NumberSequence.kind == kind)
                          .order_by(NumberSequence.last_used.desc()).limit(1))
    try:
        sequence = next_number(agent.block, last)
    except NumberingError as error:
        raise NotAllowedError(error.message) from error
    row = session.get(NumberSequence, (kind, on.year))
    if row is None:
        session.add(NumberSequence(kind=kind, year=on.year, last_used=sequence))
    else:
        row.last_used = sequence
    session.flush()
    return format_document_number(kind, agent.agent_code, on.year, sequence)


def customer_for_documents(session: Session, customer_id: str) -> Customer:
    """The customer a new document is for; blocked customers get none."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError("op.customer_unknown")
    if customer.status == "blocked":
        raise NotAllowedError("op.customer_blocked", customer=customer.name)
    return customer
