"""A customer's credit situation, the same on the agent's laptop and on the server.

Overdue ("scaduto") is defined once: what is still to be paid on the open items whose due date is
before the day asked about (an item due today is not overdue yet). The ERP's own overdue figure, when
it is imported (customers.overdue_amount), is shown beside it and never used by the rules.
Exposure is the balance owed plus the open orders (submitted, waiting for approval, approved but not
yet invoiced); the credit still available is the limit minus the exposure, and a customer without a
limit (0) has no credit management.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sfa_desktop.domain.money import ZERO

__all__ = ["CreditSituation", "OpenItemView", "credit_situation", "days_past_due", "outstanding", "overdue"]


@dataclass(frozen=True)
class OpenItemView:
    """One unpaid or partly paid invoice (partita aperta) or instalment."""

    document_number: str
    document_date: dt.date
    due_date: dt.date
    amount: Decimal
    paid: Decimal

    @property
    def open_amount(self) -> Decimal:
        return self.amount - self.paid


def days_past_due(item: OpenItemView, on: dt.date) -> int:
    """Days since the due date (0 while not yet due)."""
    return max(0, (on - item.due_date).days)


def outstanding(items: Iterable[OpenItemView]) -> Decimal:
    return sum((i.open_amount for i in items), ZERO)


def overdue(items: Iterable[OpenItemView], on: dt.date) -> Decimal:
    """What is still to be paid on items due before `on`."""
    return sum((i.open_amount for i in items if i.due_date < on and i.open_amount > 0), ZERO)


@dataclass(frozen=True)
class CreditSituation:
    """The figures of the credit panel, each one explained by the ones it is made of."""

    credit_limit: Decimal  # fido; 0 = no credit management
    balance: Decimal  # saldo: what the customer owes now (ERP)
    open_orders: Decimal  # orders not invoiced yet
    overdue: Decimal  # scaduto, from the open items on the day
    overdue_erp: Decimal | None  # the ERP's figure, shown beside ours when imported
    outstanding: Decimal  # still to be paid on the open items (due or not)

    @property
    def managed(self) -> bool:
        return self.credit_limit > 0

    @property
    def exposure(self) -> Decimal:
        """Balance + open orders: what counts against the limit before a new order."""
        return self.balance + self.open_orders

    @property
    def available(self) -> Decimal:
        """Limit - exposure; negative when the customer is already over the limit (then `over_by`)."""
        return self.credit_limit - self.exposure if self.managed else ZERO

    @property
    def over_by(self) -> Decimal:
        return -self.available if self.managed and self.available < 0 else ZERO

    def exposure_with(self, order_total: Decimal) -> Decimal:
        """The exposure once an order of `order_total` (its own rounded grand total) is added."""
        return self.exposure + order_total


def credit_situation(*, credit_limit: Decimal, balance: Decimal, open_orders_total: Decimal,
                     items: Iterable[OpenItemView], on: dt.date,
                     overdue_erp: Decimal | None = None) -> CreditSituation:
    items = list(items)
    return CreditSituation(credit_limit=credit_limit or ZERO, balance=balance, open_orders=open_orders_total,
                           overdue=overdue(items, on), overdue_erp=overdue_erp, outstanding=outstanding(items))
