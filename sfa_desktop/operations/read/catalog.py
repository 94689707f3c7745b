"""The catalog for screens: product ids for a search, filters and a sort; rows with stock and the
customer's price; the product detail (price lists and breaks, stock per warehouse, documents).

Prices come from the one pricing path (operations.catalog.applicable_lists + domain.pricing.
resolve_price), so the list shows what a quote line would get.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, cast, column, false, literal_column, or_, select
from sqlalchemy import table as sql_table
from sqlalchemy.orm import Session

from sfa_desktop.domain.messages import Message
from sfa_desktop.domain.pricing import NoPriceError, PriceListView, QuantityError, resolve_price, suggest_quantity
from sfa_desktop.local_db import search
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.models import Customer, PriceList, Product, ProductDocument, StockLevel, Warehouse
from sfa_desktop.operations import context
from sfa_desktop.operations.catalog import applicable_lists, product_terms
from sfa_desktop.operations.read.common import (
    as_set,
    check_sort,
    chunks,
    code_variants,
    core,
    fts_rowids,
    in_order,
    match_expression,
    ranks_matches,
    sort_ids,
    text_key,
    unique_ids,
)
from sfa_desktop.operations.read.documents import LastPriceRow, last_prices_sold

__all__ = [
    "PRODUCT_SORTS",
    "CustomerPrice",
    "ListPrices",
    "PriceBreakRow",
    "ProductDetail",
    "ProductDocumentRow",
    "ProductInfo",
    "ProductRow",
    "StockRow",
    "brands",
    "categories",
    "product_detail",
    "product_document_content",
    "product_ids",
    "product_rows",
]

PRODUCT_SORTS = ("relevance", "sku", "name", "brand", "category", "available")
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: str
    sku: str
    name: str
    brand: str | None
    unit: str
    category: str | None
    active: bool
    available: Decimal | None  # summed over the warehouses; None when no warehouse stocks it
    #: The customer's unit price for `price_quantity` (the smallest sellable quantity from 1), when a
    #: customer was given and a price applies; else None and `price_problem` says why.
    price: Decimal | None
    price_quantity: Decimal | None
    price_list_id: str | None
    price_list_code: str | None
    price_problem: Message | None


@dataclass(frozen=True, slots=True)
class ProductInfo:
    id: str
    sku: str
    name: str
    description: str | None
    unit: str
    vat_rate: Decimal
    category: str | None
    brand: str | None
    barcode: str | None
    pack_size: Decimal | None
    min_quantity: Decimal | None
    cost: Decimal | None
    active: bool


@dataclass(frozen=True, slots=True)
class PriceBreakRow:
    min_quantity: Decimal
    price: Decimal


@dataclass(frozen=True, slots=True)
class ListPrices:
    """One price list that may price the product for the customer, with its breaks for it."""

    id: str
    code: str
    name: str | None
    version: int
    currency: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    is_base: bool
    valid_on_day: bool
    breaks: tuple[PriceBreakRow, ...]  # ascending quantity; empty when the list does not have it
    applies: bool  # the list the price for `quantity` comes from


@dataclass(frozen=True, slots=True)
class CustomerPrice:
    customer_id: str
    on: dt.date
    quantity: Decimal  # the smallest sellable quantity from 1 (minimum, whole packs)
    price: Decimal | None
    price_list_id: str | None
    price_list_code: str | None
    price_list_version: int | None
    break_quantity: Decimal | None  # from which quantity that price holds
    problem: Message | None  # why there is no price
    lists: tuple[ListPrices, ...]  # the customer's list first, then the base list


@dataclass(frozen=True, slots=True)
class StockRow:
    warehouse_id: str
    warehouse_code: str | None
    warehouse_name: str | None
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal | None
    incoming_date: dt.date | None
    as_of: dt.datetime
    age: dt.timedelta  # how old the figure is at the moment asked about


@dataclass(frozen=True, slots=True)
class ProductDocumentRow:
    id: str
    product_id: str
    kind: str
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    on_this_computer: bool  # the content is in the replica (product_document_content returns it)


@dataclass(frozen=True, slots=True)
class ProductDetail:
    product: ProductInfo
    price: CustomerPrice | None  # None when no customer was given
    stock: tuple[StockRow, ...]  # by warehouse code
    available: Decimal | None
    documents: tuple[ProductDocumentRow, ...]
    last_sold: LastPriceRow | None  # the last price sold to that customer


# --------------------------------------------------------------------------- ids

_FTS = sql_table(search.PRODUCT_INDEX.fts, column("rowid"), column("rank"))
_PRODUCT_ROWID = literal_column("products.rowid")
_SQL_SORTS = {"sku": Product.sku, "name": Product.name, "brand": Product.brand, "category": Product.category}


def _text_clause(codes: list[str], expression: str | None) -> Any:
    matched = [Product.sku.in_(codes), Product.barcode.in_(codes)] if codes else []
    if expression is not None:
        matched.append(_PRODUCT_ROWID.in_(fts_rowids(search.PRODUCT_INDEX.fts, expression)))
    return or_(*matched) if matched else false()


def _filters(*, category: Any, brand: Any, in_stock: bool, active_only: bool) -> list[Any]:
    clauses: list[Any] = []
    categories_ = as_set(category)
    if categories_ is not None:
        clauses.append(Product.category.in_(sorted(categories_)))
    brands_ = as_set(brand)
    if brands_ is not None:
        clauses.append(Product.brand.in_(sorted(brands_)))
    if in_stock:
        # A sign test, exact on the Decimal text (sums are never made in SQL).
        stocked = select(StockLevel.id).where(StockLevel.product_id == Product.id,
                                              cast(StockLevel.available, Numeric) > 0)
        clauses.append(stocked.exists())
    if active_only:
        clauses.append(Product.active.is_(True))
    return clauses


def product_ids(session: Session, *, text: str | None = None, category: str | Iterable[str] | None = None,
                brand: str | Iterable[str] | None = None, in_stock: bool = False, active_only: bool = False,
                sort: str | None = None, descending: bool = False, limit: int | None = None) -> list[str]:
    """Ids of the products that pass every filter given, in the order asked.

    text: every word (as a prefix) in SKU, name, description, brand or barcode; decimals match both
    spellings ("2,5" finds "2.5"), "mm2" finds "mm²"; an exact SKU or barcode comes first.
    in_stock: available in some warehouse. sort: one of PRODUCT_SORTS (default relevance with text,
    else name); `limit` keeps the first ones (a picker as the agent types).
    """
    if text is not None and not isinstance(text, str):
        raise TypeError("search text must be a string")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError("limit must be a positive whole number")
    text = text.strip() if text else ""
    sort = sort or ("relevance" if text else "name")
    check_sort(sort, PRODUCT_SORTS)
    expression = match_expression(text) if text else None
    # Without letters or digits there is nothing to look for: no text filter.
    codes = code_variants(text) if expression is not None else []
    clauses = _filters(category=category, brand=brand, in_stock=in_stock, active_only=active_only)
    if sort == "relevance" and expression is not None:
        return _by_relevance(session, text, expression, codes, clauses, descending, limit)
    if expression is not None or codes:
        clauses.append(_text_clause(codes, expression))
    if sort in _SQL_SORTS:
        key = _SQL_SORTS[sort]
        ordered = key.collate("NOCASE")
        stmt = select(Product.id).where(*clauses).order_by(
            key.is_(None), ordered.desc() if descending else ordered, Product.sku, Product.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(core(session).execute(stmt).scalars())
    ids = list(core(session).execute(select(Product.id).where(*clauses).order_by(Product.sku, Product.id))
               .scalars())
    if sort == "relevance":  # nothing to rank by (no text, or only exact codes)
        return ids[:limit] if limit is not None else ids
    totals = _available(session, ids if len(ids) <= 900 else None)
    ordered_ids = sort_ids(((i, totals.get(i)) for i in ids), descending=descending)
    return ordered_ids[:limit] if limit is not None else ordered_ids


def _by_relevance(session: Session, user_text: str, expression: str, codes: list[str], clauses: list[Any],
                  descending: bool, limit: int | None) -> list[str]:
    exact: list[str] = []
    if codes:
        exact = list(session.scalars(select(Product.id).where(*clauses, or_(Product.sku.in_(codes),
                                                                               Product.barcode.in_(codes)))
                                     .order_by(Product.sku)))
    rank = _FTS.c.rank if ranks_matches(user_text) else _FTS.c.rowid
    stmt = (select(Product.id).select_from(_FTS.join(Product, _FTS.c.rowid == _PRODUCT_ROWID))
            .where(literal_column(search.PRODUCT_INDEX.fts).op("MATCH")(expression), *clauses)
            .order_by(rank.desc() if descending else rank))
    if limit is not None:
        stmt = stmt.limit(limit + len(exact))
    ids = list(dict.fromkeys([*exact, *core(session).execute(stmt).scalars()]))
    return ids[:limit] if limit is not None else ids


def _available(session: Session, ids: list[str] | None) -> dict[str, Decimal]:
    """Available stock summed per product over the warehouses (Decimal, in Python)."""
    stmt = select(StockLevel.product_id, StockLevel.available)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    conn = core(session)
    if ids is None:
        for product_id, available in conn.execute(stmt):
            totals[product_id] += available
    else:
        for chunk in chunks(ids):
            for product_id, available in conn.execute(stmt.where(StockLevel.product_id.in_(chunk))):
                totals[product_id] += available
    return dict(totals)


# --------------------------------------------------------------------------- rows

def _prices_for(session: Session, customer_id: str, products: list[Product], on: dt.date
                ) -> tuple[dict[str, Any], tuple[PriceListView | None, ...]]:
    """Per product: (quantity, ResolvedPrice or None, problem or None) for the customer on `on`, and
    the lists that price it (own, group, base)."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        return {p.id: (None, None, Message("op.customer_unknown")) for p in products}, ()
    lists = applicable_lists(session, customer=customer, product_ids={p.id for p in products}, on=on)
    out: dict[str, Any] = {}
    for product in products:
        terms = product_terms(product)
        quantity = suggest_quantity(terms, _ONE)
        try:
            resolved = resolve_price(product=terms, quantity=quantity, on=on, customer_list=lists.own,
                                     group_list=lists.group, base_list=lists.base)
        except (NoPriceError, QuantityError) as error:
            out[product.id] = (quantity, None, error.message)
        else:
            out[product.id] = (quantity, resolved, None)
    return out, (lists.own, lists.group, lists.base)


def product_rows(session: Session, ids: Iterable[str], *, customer_id: str | None = None,
                 on: dt.date | None = None) -> list[ProductRow]:
    """Rows for these product ids, in their order (unknown ids skipped); with `customer_id`, the
    price a line for that customer would get on `on` (default today) for the smallest sellable quantity."""
    wanted = unique_ids(ids)
    if not wanted:
        return []
    products: dict[str, Product] = {}
    for chunk in chunks(wanted):
        products.update((p.id, p) for p in session.scalars(select(Product).where(Product.id.in_(chunk))))
    totals = _available(session, list(products))  # products with no stock row have no entry
    prices: dict[str, Any] = {}
    if customer_id is not None and products:
        prices, _ = _prices_for(session, customer_id, list(products.values()), on or context.today())
    rows = {}
    for pid, p in products.items():
        quantity, resolved, problem = prices.get(pid, (None, None, None))
        rows[pid] = ProductRow(
            p.id, p.sku, p.name, p.brand, p.unit, p.category, bool(p.active),
            totals.get(pid),
            resolved.price if resolved else None, quantity if resolved else None,
            resolved.price_list_id if resolved else None, resolved.price_list_code if resolved else None, problem)
    return in_order(wanted, rows)


def _choices(values: Iterable[str | None]) -> list[str]:
    distinct: dict[str, str] = {}
    for value in values:
        if value and value.strip():
            distinct.setdefault(text_key(value.strip()), value.strip())
    return [distinct[k] for k in sorted(distinct)]


def categories(session: Session) -> list[str]:
    """The product categories, for the filter."""
    return _choices(session.scalars(select(Product.category).distinct()))


def brands(session: Session, *, category: str | None = None) -> list[str]:
    """The brands of the catalog (of one category when given), for the filter."""
    stmt = select(Product.brand).distinct()
    if category is not None:
        stmt = stmt.where(Product.category == category)
    return _choices(session.scalars(stmt))


# --------------------------------------------------------------------------- detail

def _list_prices(session: Session, view: PriceListView | None, product_id: str, on: dt.date,
                 applies: str | None) -> ListPrices | None:
    if view is None:
        return None
    name = session.scalar(select(PriceList.name).where(PriceList.id == view.id))
    breaks = tuple(PriceBreakRow(b.min_quantity, b.price)
                   for b in sorted(view.breaks.get(product_id, ()), key=lambda b: b.min_quantity))
    return ListPrices(view.id, view.code, name, view.version, view.currency, view.valid_from, view.valid_to,
                      view.is_base, view.is_valid_on(on), breaks, view.id == applies)


def product_detail(session: Session, product_id: str, *, customer_id: str | None = None,
                   on: dt.date | None = None, now: dt.datetime | None = None) -> ProductDetail | None:
    """A product with the customer's price (lists, versions, validity, every break), its stock per
    warehouse and how old each figure is at `now`, its documents and the last price sold to that
    customer; None when the product is not in the replica."""
    if not isinstance(product_id, str):
        return None
    product = session.get(Product, product_id)
    if product is None:
        return None
    on = on or context.today()
    now = now or utc_now()
    info = ProductInfo(product.id, product.sku, product.name, product.description, product.unit, product.vat_rate,
                       product.category, product.brand, product.barcode, product.pack_size, product.min_quantity,
                       product.cost, bool(product.active))
    price = None
    last_sold = None
    if customer_id is not None:
        prices, chosen = _prices_for(session, customer_id, [product], on)
        quantity, resolved, problem = prices[product.id]
        applies = resolved.price_list_id if resolved else None
        lists = tuple(lp for lp in (_list_prices(session, pl, product.id, on, applies) for pl in chosen)
                      if lp is not None)
        price = CustomerPrice(customer_id, on, quantity if quantity is not None else _ONE,
                              resolved.price if resolved else None, applies,
                              resolved.price_list_code if resolved else None,
                              resolved.price_list_version if resolved else None,
                              resolved.min_quantity if resolved else None, problem, lists)
        sold = last_prices_sold(session, customer_id, product_ids=[product.id], limit=1)
        last_sold = sold[0] if sold else None
    stock_rows = session.execute(
        select(StockLevel.warehouse_id, Warehouse.code, Warehouse.name, StockLevel.on_hand, StockLevel.reserved,
               StockLevel.available, StockLevel.incoming, StockLevel.incoming_date, StockLevel.as_of)
        .outerjoin(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(StockLevel.product_id == product.id).order_by(Warehouse.code, StockLevel.warehouse_id))
    stock = tuple(StockRow(r.warehouse_id, r.code, r.name, r.on_hand, r.reserved, r.available, r.incoming,
                           r.incoming_date, r.as_of, max(now - r.as_of, dt.timedelta(0))) for r in stock_rows)
    documents = tuple(ProductDocumentRow(*r[:-1], bool(r[-1])) for r in session.execute(
        select(ProductDocument.id, ProductDocument.product_id, ProductDocument.kind, ProductDocument.title,
               ProductDocument.filename, ProductDocument.media_type, ProductDocument.size, ProductDocument.sha256,
               ProductDocument.content.is_not(None))
        .where(ProductDocument.product_id == product.id).order_by(ProductDocument.kind, ProductDocument.title)))
    available = sum((s.available for s in stock), Decimal(0)) if stock else None
    return ProductDetail(info, price, stock, available, documents, last_sold)


def product_document_content(session: Session, document_id: str) -> bytes | None:
    """The bytes of a product document (a datasheet PDF...), or None when it is not on this computer."""
    if not isinstance(document_id, str):
        return None
    return session.scalar(select(ProductDocument.content).where(ProductDocument.id == document_id))
