"""The customer 360° view: everything the agent looks at before a visit, in one call, as plain rows.

Master data, addresses, contacts, the credit panel (open invoices with their days past due, open
orders, available credit and the figures it is made of), open quotes and orders with the office's
notes, the order history, the last price sold per product, activities and deals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain.credit import CreditSituation, days_past_due
from sfa_desktop.domain.lifecycle import OrderStatus, QuoteStatus
from sfa_desktop.domain.messages import N_, Message, register
from sfa_desktop.domain.money import ZERO
from sfa_desktop.local_db.models import Activity, Address, Contact, Customer, Order, PriceList, Quote
from sfa_desktop.local_db.queries import OPEN_ORDER_STATUSES
from sfa_desktop.operations import context
from sfa_desktop.operations.read import crm, documents
from sfa_desktop.operations.read.common import usually_true
from sfa_desktop.operations.read.customers import (
    CustomerRow,
    customer_rows,
    open_items_by_customer,
    open_orders_by_customer,
    situation_of,
)

__all__ = ["AddressRow", "ContactRow", "CreditLine", "CreditPanel", "Customer360", "CustomerDetail",
           "OpenInvoiceRow", "customer_360"]

register({
    "credit_line.credit_limit": N_("Credit limit"),
    "credit_line.balance": N_("Balance owed"),
    "credit_line.open_orders": N_("Open orders ({count})"),
    "credit_line.available": N_("Available credit"),
    "credit_line.over_by": N_("Over the credit limit by"),
    "credit_line.not_managed": N_("No credit limit: credit is not managed for this customer"),
    "credit_line.overdue": N_("Overdue on {day:date} ({count} invoices)"),
    "credit_line.not_yet_due": N_("Not yet due"),
    "credit_line.outstanding": N_("Still to be paid on open invoices"),
    "credit_line.overdue_erp": N_("Overdue according to the ERP"),
})

#: Orders still in the agent's sight in the 360 (a draft, or not yet fulfilled, rejected or cancelled).
_OPEN_ORDERS_SHOWN = (OrderStatus.DRAFT.value, *(str(s) for s in OPEN_ORDER_STATUSES))
_OPEN_QUOTES = (QuoteStatus.DRAFT.value, QuoteStatus.SENT.value)


@dataclass(frozen=True, slots=True)
class CustomerDetail:
    id: str
    erp_code: str | None
    name: str
    vat_number: str | None
    tax_code: str | None
    segment: str | None
    status: str
    payment_terms: str | None
    price_list_id: str | None
    price_list_code: str | None
    price_list_name: str | None
    default_discount: str | None
    language: str
    phone: str | None
    email: str | None
    city: str | None
    unsent: bool


@dataclass(frozen=True, slots=True)
class AddressRow:
    id: str
    kind: str
    street: str
    city: str
    postal_code: str | None
    province: str | None
    country: str


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: str
    name: str
    role: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class OpenInvoiceRow:
    document_number: str
    document_date: dt.date
    due_date: dt.date
    amount: Decimal
    paid: Decimal
    open_amount: Decimal
    days_past_due: int  # 0 while not yet due
    overdue: bool  # due before the day asked about, with something still to pay


@dataclass(frozen=True, slots=True)
class CreditLine:
    """One figure of the credit explanation: `operation` "" (first term), "-" (subtracted), "+" or
    "=" (the result); `label` names it in the reader's language."""

    code: str
    amount: Decimal | None
    operation: str
    label: Message


@dataclass(frozen=True, slots=True)
class CreditPanel:
    situation: CreditSituation  # the domain's figures (limit, balance, open orders, overdue...)
    available: Decimal | None  # None: no credit management (limit 0)
    invoices: tuple[OpenInvoiceRow, ...]  # oldest due first
    open_orders: tuple[documents.OrderRow, ...]  # the orders counted in the exposure, newest first
    #: limit - balance - open orders = available (or over by), as lines a panel shows one under another.
    availability: tuple[CreditLine, ...]
    #: overdue + not yet due = outstanding, and the ERP's own overdue figure when it differs.
    owed: tuple[CreditLine, ...]


@dataclass(frozen=True, slots=True)
class Customer360:
    today: dt.date
    customer: CustomerDetail
    row: CustomerRow  # the list's figures (city, province, last order, last visit...)
    addresses: tuple[AddressRow, ...]
    contacts: tuple[ContactRow, ...]
    credit: CreditPanel
    open_quotes: tuple[documents.QuoteRow, ...]  # latest revisions, draft or sent (maybe shown expired), newest
    open_orders: tuple[documents.OrderRow, ...]  # drafts, submitted, waiting for approval, approved
    order_history: tuple[documents.OrderRow, ...]  # the last orders, newest first, any status but draft
    last_prices: tuple[documents.LastPriceRow, ...]  # per product, newest first
    activities: tuple[crm.ActivityRow, ...]  # newest first
    deals: tuple[crm.DealRow, ...]  # open ones first, then by last change


def _credit_lines(situation: CreditSituation, *, open_orders: int, overdue_count: int, today: dt.date
                  ) -> tuple[tuple[CreditLine, ...], tuple[CreditLine, ...]]:
    if situation.managed:
        result = (CreditLine("available", situation.available, "=", Message("credit_line.available"))
                  if situation.available >= 0 else
                  CreditLine("over_by", situation.over_by, "=", Message("credit_line.over_by")))
        availability: tuple[CreditLine, ...] = (
            CreditLine("credit_limit", situation.credit_limit, "", Message("credit_line.credit_limit")),
            CreditLine("balance", situation.balance, "-", Message("credit_line.balance")),
            CreditLine("open_orders", situation.open_orders, "-",
                       Message("credit_line.open_orders", {"count": open_orders})),
            result)
    else:
        availability = (CreditLine("not_managed", None, "", Message("credit_line.not_managed")),)
    owed = [
        CreditLine("overdue", situation.overdue, "", Message("credit_line.overdue", {"day": today,
                                                                                      "count": overdue_count})),
        CreditLine("not_yet_due", situation.outstanding - situation.overdue, "+", Message("credit_line.not_yet_due")),
        CreditLine("outstanding", situation.outstanding, "=", Message("credit_line.outstanding")),
    ]
    if situation.overdue_erp is not None and situation.overdue_erp != situation.overdue:
        owed.append(CreditLine("overdue_erp", situation.overdue_erp, "", Message("credit_line.overdue_erp")))
    return availability, tuple(owed)


def customer_360(session: Session, customer_id: str, *, today: dt.date | None = None, orders: int = 20,
                 quotes: int = 20, prices: int = 50, activities: int = 20, deals: int = 20) -> Customer360 | None:
    """The 360° view of one customer on `today` (the agent's local date), or None when it is not here.

    `orders`, `quotes`, `prices`, `activities`, `deals`: how many of the most recent to include.
    """
    if not isinstance(customer_id, str):
        return None
    today = today or context.today()
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    price_list = session.get(PriceList, customer.price_list_id) if customer.price_list_id else None
    detail = CustomerDetail(
        customer.id, customer.erp_code, customer.name, customer.vat_number, customer.tax_code, customer.segment,
        customer.status, customer.payment_terms, customer.price_list_id, price_list.code if price_list else None,
        price_list.name if price_list else None, customer.default_discount, customer.language, customer.phone,
        customer.email, customer.city, bool(customer.dirty))
    [row] = customer_rows(session, [customer_id], today=today)
    addresses = tuple(AddressRow(a.id, a.kind, a.street, a.city, a.postal_code, a.province, a.country)
                      for a in session.execute(select(Address.__table__).where(Address.customer_id == customer_id)
                                               .order_by(Address.kind, Address.city)))
    contacts = tuple(ContactRow(c.id, c.name, c.role, c.phone, c.email)
                     for c in session.execute(select(Contact.__table__).where(Contact.customer_id == customer_id)
                                              .order_by(Contact.name)))

    items = sorted(open_items_by_customer(session, [customer_id]).get(customer_id, []),
                   key=lambda i: (i.due_date, i.document_number))
    items = [i for i in items if i.open_amount != ZERO]
    open_total = open_orders_by_customer(session, [customer_id]).get(customer_id, ZERO)
    situation = situation_of(customer.credit_limit, customer.balance, open_total, items, today,
                             overdue_erp=customer.overdue_amount)
    invoices = tuple(OpenInvoiceRow(i.document_number, i.document_date, i.due_date, i.amount, i.paid, i.open_amount,
                                    days_past_due(i, today), i.due_date < today and i.open_amount > 0)
                     for i in items)

    open_order_ids = documents.order_ids(session, customer_id=customer_id, status=_OPEN_ORDERS_SHOWN)
    open_orders = tuple(documents.order_rows(session, open_order_ids))
    counted = tuple(o for o in open_orders if o.status in OPEN_ORDER_STATUSES)
    availability, owed = _credit_lines(situation, open_orders=len(counted),
                                       overdue_count=sum(1 for i in invoices if i.overdue), today=today)
    credit = CreditPanel(situation, row.available, invoices, counted, availability, owed)

    # Drafts and sent quotes (latest revisions), whether or not they show expired by now: the agent
    # may revise them.
    revised = select(Quote.previous_revision_id).where(Quote.customer_id == customer_id,
                                                       Quote.previous_revision_id.is_not(None))
    quote_ids = session.scalars(select(Quote.id).where(Quote.customer_id == customer_id,
                                                       usually_true(Quote.status.in_(_OPEN_QUOTES)),
                                                       Quote.id.not_in(revised))
                                .order_by(Quote.created_at.desc(), Quote.number.desc()).limit(quotes)).all()
    open_quotes = tuple(documents.quote_rows(session, quote_ids, today=today))
    history_ids = session.scalars(select(Order.id).where(Order.customer_id == customer_id,
                                                         Order.status != OrderStatus.DRAFT.value)
                                  .order_by(Order.created_at.desc(), Order.number.desc()).limit(orders)).all()
    activity_ids = session.scalars(select(Activity.id).where(Activity.customer_id == customer_id)
                                   .order_by(Activity.occurred_at.desc(), Activity.id).limit(activities)).all()
    deal_ids = crm.deal_ids(session, customer_id=customer_id)
    deal_rows = sorted(crm.deal_rows(session, deal_ids), key=lambda d: d.closed)[:deals]
    return Customer360(
        today=today, customer=detail, row=row, addresses=addresses, contacts=contacts, credit=credit,
        open_quotes=open_quotes, open_orders=open_orders,
        order_history=tuple(documents.order_rows(session, history_ids)),
        last_prices=tuple(documents.last_prices_sold(session, customer_id, limit=prices)),
        activities=tuple(crm.activity_rows(session, activity_ids)), deals=tuple(deal_rows))
