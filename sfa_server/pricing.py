"""Server-side pricing of a document: the server's tables loaded into the domain's records, then the
one pricing function both sides call (sfa_desktop.domain.document_pricing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from sfa_desktop.domain import document_pricing as dp
from sfa_desktop.domain.credit import CreditSituation, OpenItemView, credit_situation
from sfa_desktop.domain.messages import Message
from sfa_desktop.domain.pricing import PriceBreak, PriceListView, ProductTerms
from sfa_desktop.sync.protocol import DECIMAL, MAX_DOCUMENT_LINES, encode_value, line_id
from sfa_server.commands import Rejected
from sfa_server.direct_sql import run
from sfa_server.models import OpenItem, Order, PriceList, PriceListItem, Product, QuoteLine

#: Orders the customer is committed to that are not invoiced yet: they count as credit exposure.
OPEN_ORDER_STATUSES = ("submitted", "pending_approval", "approved")


#: A Customer, or a Core row of the customers table (the same attributes: commands.customer_to_read).
CustomerLike = Any


def parse_lines(raw: list[dict] | None) -> list[dp.LineRequest]:
    """The decoded lines of a command (the spec checked their types, lengths and count)."""
    return [dp.LineRequest(product_id=line["product_id"], quantity=line["quantity"],
                           discount=line.get("discount"), net_price=line.get("net_price"),
                           description=line.get("description"))
            for line in raw or []]


def customer_terms(customer: CustomerLike, own: Any) -> dp.CustomerTerms:
    """The customer's pricing terms; `own` is the customer's own price list (None: none, or unknown)."""
    return dp.CustomerTerms(status=customer.status, price_list_code=own.code if own is not None else None,
                            price_group=customer.price_group, default_discount=customer.default_discount,
                            vat_exemption=customer.vat_exemption, vat_exemption_ref=customer.vat_exemption_ref)


def _product_terms(product: Any) -> ProductTerms:
    return ProductTerms(product_id=product.id, sku=product.sku, unit=product.unit, vat_rate=product.vat_rate,
                        pack_size=product.pack_size, min_quantity=product.min_quantity, active=product.active,
                        cost=product.cost, vat_nature=product.vat_nature, name=product.name)


# Core statements built once on the tables' columns: every priced document runs them, and built per
# call on the ORM's entities they cost about twice the CPU (docs/benchmarks.md, the server under load).
_PL, _IT, _PR = PriceList.__table__.c, PriceListItem.__table__.c, Product.__table__.c
#: the base lists, the customer's own list's versions (same code) and their group's lists
_LISTS_SQL = select(PriceList.__table__).where(
    _PL.is_base.is_(True)
    | (_PL.code == select(_PL.code).where(_PL.id == bindparam("own")).scalar_subquery())
    | (_PL.customer_group == bindparam("group"))
)
_BREAKS_SQL = select(_IT.price_list_id, _IT.product_id, _IT.min_quantity, _IT.price).where(
    _IT.price_list_id.in_(bindparam("lists", expanding=True)),
    _IT.product_id.in_(bindparam("products", expanding=True)),
)
_PRODUCTS_SQL = select(Product.__table__).where(_PR.id.in_(bindparam("ids", expanding=True)))


def _terms_and_lists(session: Session, customer: CustomerLike, product_ids: list[str]
                 ) -> tuple[dp.CustomerTerms, list[PriceListView]]:
    """The customer's terms and every version of the lists that may price them (base, their own
    list's code, their group), with the breaks of the products involved: the domain chooses the
    version by day. Two statements: the own list's code is looked up inside the first."""
    conn = session.connection()
    lists = run(conn, _LISTS_SQL, {"own": customer.price_list_id, "group": customer.price_group}).all()
    own = next((x for x in lists if x.id == customer.price_list_id), None) if customer.price_list_id else None
    breaks: dict[str, dict[str, list[PriceBreak]]] = {p.id: {} for p in lists}
    if lists and product_ids:
        for row in run(conn, _BREAKS_SQL, {"lists": list(breaks), "products": product_ids}):
            breaks[row.price_list_id].setdefault(row.product_id, []).append(PriceBreak(row.min_quantity, row.price))
    views = [PriceListView(id=p.id, code=p.code, version=p.version, currency=p.currency, valid_from=p.valid_from,
                           valid_to=p.valid_to, is_base=p.is_base, breaks=breaks[p.id],
                           customer_group=p.customer_group) for p in lists]
    return customer_terms(customer, own), views


def customer_credit(session: Session, customer: CustomerLike, *, on: dt.date,
                    exclude_order: str | None = None) -> CreditSituation:
    """The customer's credit on day `on`: overdue from the open items (domain.credit.overdue, as the
    client computes it), the ERP's own overdue figure beside it, open orders from the orders."""
    o = Order.__table__.c
    stmt = select(o.grand_total).where(o.customer_id == customer.id, o.status.in_(OPEN_ORDER_STATUSES))
    if exclude_order:
        stmt = stmt.where(o.id != exclude_order)
    open_total = sum((Decimal(str(v)) for v in session.execute(stmt).scalars()), Decimal(0))
    items = [OpenItemView(i.document_number, i.document_date, i.due_date, i.amount, i.paid)
             for i in session.execute(select(OpenItem).where(OpenItem.customer_id == customer.id)).scalars()]
    return credit_situation(credit_limit=customer.credit_limit, balance=customer.balance,
                            open_orders_total=open_total, items=items, on=on, overdue_erp=customer.overdue_amount)


def honoured_quote(session: Session, *, number: str, valid_until: dt.date | None, quote_id: str) -> dp.HonouredQuote:
    """The prices a quote promised, read from its lines (the first line of a product counts)."""
    lines = list(session.execute(select(QuoteLine).where(QuoteLine.quote_id == quote_id)
                                 .order_by(QuoteLine.line_no)).scalars())
    return dp.HonouredQuote(number=number, valid_until=valid_until,
                            prices=dp.honoured_prices(quoted_prices(session, lines)))


def quoted_prices(session: Session, lines: Iterable[Any]) -> list[tuple[str, dp.QuotedPrice | None]]:
    """(product id, promised price) of stored quote lines (document_pricing.quoted_price)."""
    lines = list(lines)
    list_ids = {ln.price_list_id for ln in lines if ln.price_list_id}
    codes = dict(session.execute(select(PriceList.id, PriceList.code).where(PriceList.id.in_(list_ids))).all()) \
        if list_ids else {}
    return [(ln.product_id, dp.quoted_price(unit_price=ln.unit_price, discount=ln.discount, net_price=ln.net_price,
                                            net_unit_price=ln.net_unit_price, price_list_id=ln.price_list_id,
                                            price_list_code=codes.get(ln.price_list_id),
                                            price_list_version=ln.price_list_version))
            for ln in lines]


def price_document(session: Session, *, customer: CustomerLike, lines: list[dp.LineRequest], on: dt.date,
                   document_discount: str | None, honoured: dp.HonouredQuote | None = None,
                   approval: dp.ApprovalInputs | None = None) -> dp.PricedDocument:
    """Price the lines for `customer` on day `on` with the domain; Rejected names the line and why."""
    product_ids = sorted({ln.product_id for ln in lines})
    products = {p.id: _product_terms(p) for p in run(session.connection(), _PRODUCTS_SQL, {"ids": product_ids})}
    terms, price_lists = _terms_and_lists(session, customer, product_ids)
    try:
        return dp.price_document(customer=terms, products=products, price_lists=price_lists, lines=lines,
                                 document_discount=document_discount, on=on, max_lines=MAX_DOCUMENT_LINES,
                                 honoured_quote=honoured, approval=approval)
    except dp.PricingError as error:
        raise Rejected(error.reason, error.message) from error


def line_row(doc_field: str, doc_id: str, line: dp.PricedLine) -> dict[str, Any]:
    """Row of quote_lines / order_lines for a priced line (ids are stable per line number)."""
    return {
        "id": line_id(doc_id, line.line_no),
        doc_field: doc_id,
        "line_no": line.line_no,
        "product_id": line.product_id,
        "sku": line.sku,
        "description": line.description[:1000],
        "quantity": line.quantity,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "discount": line.discount_text,
        "vat_rate": line.vat_rate,
        "net_amount": line.net_amount,
        "price_list_id": line.price_list_id,
        "price_list_version": line.price_list_version,
        "net_price": line.net_price,
        "net_unit_price": line.net_unit_price,
        "vat_nature": line.vat_nature,
    }


def line_public(line: dp.PricedLine) -> dict[str, Any]:
    """A priced line in the push answer (the fields the client writes on its own line)."""
    def money(value: Decimal | None) -> str | None:
        return encode_value(DECIMAL, value)

    return {
        "line_no": line.line_no,
        "product_id": line.product_id,
        "sku": line.sku,
        "unit_price": money(line.unit_price),
        "discount": line.discount_text,
        "net_price": money(line.net_price),
        "net_unit_price": money(line.net_unit_price),
        "net_amount": money(line.net_amount),
        "vat_rate": money(line.vat_rate),
        "vat_nature": line.vat_nature,
        "price_list_id": line.price_list_id,
        "price_list_version": line.price_list_version,
    }


def price_differences(payload: dict, priced: dp.PricedDocument) -> list[Message]:
    """What changed between the figures the agent saw offline (payload "expected") and ours.

    The agent's figures are never used, only compared: a difference makes the answer "changed".
    """
    expected = payload.get("expected")
    if expected is None:
        return []
    seen = expected.get("unit_prices")
    if seen is not None and len(seen) != len(priced.lines):
        raise Rejected("invalid", "push.invalid", detail="expected.unit_prices must give one price per line")
    out = []
    for x, was in zip(priced.lines, seen or [None] * len(priced.lines), strict=True):
        if was is not None and was != x.unit_price:
            out.append(Message("push.price_changed", {"sku": x.sku, "now": x.unit_price, "was": was}))
    total = expected.get("grand_total")
    if total is not None and total != priced.totals.grand_total:
        out.append(Message("push.total_changed", {"now": priced.totals.grand_total, "was": total}))
    return out
