"""What pricing needs from the replica, as the domain's records: the customer's terms, product terms,
every candidate price list version, the approval policy and the customer's credit on a day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from sfa_desktop.domain.approval import ApprovalPolicy
from sfa_desktop.domain.credit import CreditSituation, OpenItemView, credit_situation
from sfa_desktop.domain.document_pricing import CustomerTerms
from sfa_desktop.domain.pricing import ApplicableLists, PriceBreak, PriceListView, ProductTerms, choose_price_lists
from sfa_desktop.local_db.models import Customer, OpenItem, Order, PriceList, PriceListItem, Product, Setting, User
from sfa_desktop.local_db.queries import OPEN_ORDER_STATUSES

APPROVAL_POLICY_SETTING = "approval_policy"


def product_terms(product: Product) -> ProductTerms:
    return ProductTerms(product_id=product.id, sku=product.sku, unit=product.unit,
                        vat_rate=product.vat_rate, pack_size=product.pack_size,
                        min_quantity=product.min_quantity, active=product.active, cost=product.cost,
                        vat_nature=product.vat_nature, name=product.name)


def customer_terms(session: Session, customer: Customer) -> CustomerTerms:
    own = session.get(PriceList, customer.price_list_id) if customer.price_list_id else None
    return CustomerTerms(status=customer.status, price_list_code=own.code if own is not None else None,
                         price_group=customer.price_group, default_discount=customer.default_discount,
                         vat_exemption=customer.vat_exemption, vat_exemption_ref=customer.vat_exemption_ref)


def candidate_price_lists(session: Session, *, terms: CustomerTerms,
                          product_ids: Iterable[str]) -> list[PriceListView]:
    """Every version of the lists that may price this customer (base, its own code, its group),
    with the breaks of `product_ids`: the domain chooses the version by day, as the server does."""
    wanted = [PriceList.is_base.is_(True)]
    if terms.price_list_code is not None:
        wanted.append(PriceList.code == terms.price_list_code)
    if terms.price_group is not None:
        wanted.append(PriceList.customer_group == terms.price_group)
    lists = list(session.scalars(select(PriceList).where(or_(false(), *wanted))))
    ids = sorted(set(product_ids))
    breaks: dict[str, dict[str, list[PriceBreak]]] = {pl.id: defaultdict(list) for pl in lists}
    if lists and ids:
        rows = session.execute(
            select(PriceListItem.price_list_id, PriceListItem.product_id, PriceListItem.min_quantity,
                   PriceListItem.price)
            .where(PriceListItem.price_list_id.in_(list(breaks)), PriceListItem.product_id.in_(ids)))
        for list_id, product_id, min_quantity, price in rows:
            breaks[list_id][product_id].append(PriceBreak(min_quantity=min_quantity, price=price))
    return [PriceListView(id=pl.id, code=pl.code, version=pl.version, currency=pl.currency,
                          valid_from=pl.valid_from, valid_to=pl.valid_to, is_base=pl.is_base,
                          breaks=dict(breaks[pl.id]), customer_group=pl.customer_group) for pl in lists]


def applicable_lists(session: Session, *, customer: Customer, product_ids: Iterable[str],
                     on: dt.date) -> ApplicableLists:
    """The versions of the customer's own, group and base lists that price it on `on` (with the
    breaks of `product_ids`), chosen by the domain exactly as a document line is priced."""
    terms = customer_terms(session, customer)
    candidates = candidate_price_lists(session, terms=terms, product_ids=product_ids)
    return choose_price_lists(candidates, own_code=terms.price_list_code, price_group=terms.price_group, on=on)


def approval_policy(session: Session) -> ApprovalPolicy:
    """The office's policy (the synced setting) with this agent's own discount limits."""
    setting = session.get(Setting, APPROVAL_POLICY_SETTING)
    policy = ApprovalPolicy.from_settings(setting.value if setting is not None and setting.value else {})
    agent = session.scalars(select(User).where(User.role == "agent")).first()
    if agent is None:
        return policy
    return policy.for_agent(max_line_discount=agent.max_line_discount, max_average_discount=agent.max_avg_discount)


def customer_credit(session: Session, customer: Customer, *, on: dt.date,
                    exclude_order: str | None = None) -> CreditSituation:
    """The customer's credit on day `on` as the server computes it: overdue from the open items,
    the ERP's own overdue figure beside it, open orders from the orders on this computer."""
    orders = select(Order.grand_total).where(Order.customer_id == customer.id,
                                             Order.status.in_([str(s) for s in OPEN_ORDER_STATUSES]))
    if exclude_order is not None:
        orders = orders.where(Order.id != exclude_order)
    open_total = sum(session.scalars(orders), Decimal(0))
    items = [OpenItemView(i.document_number, i.document_date, i.due_date, i.amount, i.paid)
             for i in session.scalars(select(OpenItem).where(OpenItem.customer_id == customer.id))]
    return credit_situation(credit_limit=customer.credit_limit, balance=customer.balance,
                            open_orders_total=open_total, items=items, on=on,
                            overdue_erp=customer.overdue_amount)
