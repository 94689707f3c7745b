"""Offline work for the screenshots: orders through the real operation, as the order screen makes them."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from sfa_desktop.local_db.models import Customer, PriceList, PriceListItem, Product
from sfa_desktop.operations import submit_order
from sfa_desktop.operations.lines import LineRequest


def some_customer_and_products(replica) -> tuple[list[str], list[str]]:
    with replica.session() as s:
        customers = list(s.scalars(select(Customer.id).where(Customer.status == "active", Customer.credit_limit > 0)
                                   .order_by(Customer.name).limit(2)))
        priced = select(PriceListItem.product_id).join(PriceList, PriceList.id == PriceListItem.price_list_id) \
            .where(PriceList.is_base.is_(True))
        rows = s.execute(select(Product.id, Product.pack_size, Product.min_quantity)
                         .where(Product.active.is_(True), Product.id.in_(priced)).order_by(Product.sku))
        products = [pid for pid, pack, minimum in rows if (pack or 1) == 1 and (minimum or 1) <= 1][:3]
    return customers, products


def submit(replica, customer_id: str, product_ids: list[str]) -> None:
    with replica.session(write=True) as s:
        submit_order(s, customer_id=customer_id, lines=[LineRequest(p, Decimal(2), "10+5") for p in product_ids])
