"""Read helpers over the replica: the customer 360 view (master data, money owed, open orders).

Functions take a `session` and never commit; amounts are summed in Python as Decimal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain.credit import OpenItemView, overdue
from sfa_desktop.domain.lifecycle import OrderStatus
from sfa_desktop.local_db.models import Address, Contact, Customer, OpenItem, Order

#: Orders the customer is committed to that are not invoiced yet: they count as credit exposure.
OPEN_ORDER_STATUSES: tuple[str, ...] = (
    OrderStatus.SUBMITTED, OrderStatus.PENDING_APPROVAL, OrderStatus.APPROVED)
ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class CustomerOverview:
    """Everything the agent looks at before a visit, in one object."""

    customer: Customer
    addresses: list[Address]
    contacts: list[Contact]
    open_items: list[OpenItem]  # unpaid or partly paid, oldest due first
    open_orders: list[Order]  # submitted, pending approval or approved; newest first
    outstanding: Decimal  # sum of what is still to be paid on the open items
    overdue: Decimal  # part of it past its due date (domain.credit.overdue, as the approval judges it)
    open_orders_total: Decimal
    exposure: Decimal  # balance owed plus open orders
    credit_available: Decimal  # credit limit minus exposure (negative = over the limit)

    @property
    def overdue_erp(self) -> Decimal:
        """The ERP's own overdue figure, shown beside ours; the rules never use it."""
        return self.customer.overdue_amount

    @property
    def over_credit_limit(self) -> bool:
        return self.customer.credit_limit > ZERO and self.credit_available < ZERO


def open_items_of(session: Session, *, customer_id: str) -> list[OpenItem]:
    items = session.scalars(select(OpenItem).where(OpenItem.customer_id == customer_id)
                            .order_by(OpenItem.due_date, OpenItem.document_number)).all()
    return [i for i in items if i.amount - i.paid != ZERO]


def open_orders_of(session: Session, *, customer_id: str) -> list[Order]:
    return list(session.scalars(
        select(Order).where(Order.customer_id == customer_id,
                            Order.status.in_([str(s) for s in OPEN_ORDER_STATUSES]))
        .order_by(Order.created_at.desc())))


def customer_overview(session: Session, *, customer_id: str, today: dt.date) -> CustomerOverview | None:
    """The 360 view of one customer, or None when it is not in the replica.

    `today` decides what is overdue (the caller passes the local date the agent sees).
    """
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    addresses = list(session.scalars(select(Address).where(Address.customer_id == customer_id)
                                     .order_by(Address.kind, Address.city)))
    contacts = list(session.scalars(select(Contact).where(Contact.customer_id == customer_id)
                                    .order_by(Contact.name)))
    items = open_items_of(session, customer_id=customer_id)
    orders = open_orders_of(session, customer_id=customer_id)
    outstanding = sum((i.amount - i.paid for i in items), ZERO)
    due = overdue((OpenItemView(i.document_number, i.document_date, i.due_date, i.amount, i.paid) for i in items),
                  today)
    orders_total = sum((o.grand_total for o in orders), ZERO)
    exposure = customer.balance + orders_total
    return CustomerOverview(
        customer=customer, addresses=addresses, contacts=contacts, open_items=items,
        open_orders=orders, outstanding=outstanding, overdue=due,
        open_orders_total=orders_total, exposure=exposure,
        credit_available=customer.credit_limit - exposure)
