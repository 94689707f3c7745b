"""What pricing needs from the replica: product terms and the price lists of a customer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain.pricing import PriceBreak, PriceListView, ProductTerms
from sfa_desktop.local_db.models import Customer, PriceList, PriceListItem, Product


def product_terms(product: Product) -> ProductTerms:
    return ProductTerms(product_id=product.id, sku=product.sku, unit=product.unit,
                        vat_rate=product.vat_rate, pack_size=product.pack_size,
                        min_quantity=product.min_quantity, active=product.active)


def _list_view(session: Session, price_list: PriceList, product_ids: set[str]) -> PriceListView:
    breaks: dict[str, list[PriceBreak]] = defaultdict(list)
    if product_ids:
        rows = session.execute(
            select(PriceListItem.product_id, PriceListItem.min_quantity, PriceListItem.price)
            .where(PriceListItem.price_list_id == price_list.id,
                   PriceListItem.product_id.in_(product_ids)))
        for product_id, min_quantity, price in rows:
            breaks[product_id].append(PriceBreak(min_quantity=min_quantity, price=price))
    return PriceListView(id=price_list.id, code=price_list.code, version=price_list.version,
                         currency=price_list.currency, valid_from=price_list.valid_from,
                         valid_to=price_list.valid_to, is_base=price_list.is_base, breaks=dict(breaks))


def base_price_list(session: Session, *, on: dt.date) -> PriceList | None:
    """The base list valid on `on` (the newest version when several are)."""
    candidates = session.scalars(select(PriceList).where(PriceList.is_base.is_(True))
                                 .order_by(PriceList.version.desc())).all()
    for price_list in candidates:
        if (price_list.valid_from is None or price_list.valid_from <= on) and (
                price_list.valid_to is None or on <= price_list.valid_to):
            return price_list
    return candidates[0] if candidates else None


def price_lists_for(session: Session, *, customer: Customer, product_ids: set[str],
                    on: dt.date) -> tuple[PriceListView | None, PriceListView | None]:
    """(customer's list, base list) as domain views restricted to `product_ids`."""
    own = session.get(PriceList, customer.price_list_id) if customer.price_list_id else None
    base = base_price_list(session, on=on)
    if own is not None and base is not None and own.id == base.id:
        own = None
    return (_list_view(session, own, product_ids) if own else None,
            _list_view(session, base, product_ids) if base else None)
