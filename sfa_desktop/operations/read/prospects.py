"""The prospects the agent brought in and what the office decided: not sent yet, waiting for the
office's review, accepted as a customer, or merged into a customer the company already had."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain.messages import N_, Message, register
from sfa_desktop.local_db.models import Customer, ProspectReview

__all__ = ["ProspectOutcome", "ProspectRow", "prospect_rows"]


class ProspectOutcome(StrEnum):
    UNSENT = "unsent"
    PENDING = "pending"
    ACCEPTED = "accepted"
    MERGED = "merged"


register({
    "prospect_outcome.unsent": N_("not sent yet"),
    "prospect_outcome.pending": N_("waiting for the office"),
    "prospect_outcome.accepted": N_("accepted as a customer"),
    "prospect_outcome.merged": N_("already a customer"),
    "prospect.merged_into": N_("The office found it is {customer}: its quotes, orders and activities went there."),
    "prospect.merged_elsewhere": N_("The office found it is a customer another agent follows: its quotes, orders "
                                    "and activities went to that customer."),
})


@dataclass(frozen=True, slots=True)
class ProspectRow:
    prospect_id: str
    name: str
    outcome: ProspectOutcome
    #: the customer it is now, when it is in this replica (the prospect itself, or the one it merged into)
    customer_id: str | None
    note: str | None
    created_at: dt.datetime | None
    decided_at: dt.datetime | None
    #: what happened, for a merged prospect
    message: Message | None

    @property
    def label(self) -> Message:
        return Message(f"prospect_outcome.{self.outcome.value}")


def prospect_rows(session: Session) -> list[ProspectRow]:
    """The agent's prospects with their review, the newest first: those still on this computer only
    (status prospect, not synced yet) and every review the server sent."""
    reviews = session.scalars(select(ProspectReview)).all()
    known = {r.id for r in reviews}
    names = dict(session.execute(select(Customer.id, Customer.name)).all())
    rows = []
    for customer_id, name in session.execute(
            select(Customer.id, Customer.name).where(Customer.status == "prospect", Customer.dirty.is_(True))):
        if customer_id not in known:
            rows.append(ProspectRow(customer_id, name, ProspectOutcome.UNSENT, customer_id, None, None, None, None))
    for r in reviews:
        outcome = ProspectOutcome(r.status) if r.status in ProspectOutcome._value2member_map_ else \
            ProspectOutcome.PENDING
        message = None
        if outcome is ProspectOutcome.MERGED:
            into = names.get(r.customer_id or "")
            message = (Message("prospect.merged_into", {"customer": into}) if into
                       else Message("prospect.merged_elsewhere"))
        rows.append(ProspectRow(r.id, r.name, outcome, r.customer_id if r.customer_id in names else None, r.note,
                                r.created_at, r.decided_at, message))
    rows.sort(key=lambda row: (row.outcome is not ProspectOutcome.UNSENT,
                               -(row.created_at.timestamp() if row.created_at else 0), row.name))
    return rows
