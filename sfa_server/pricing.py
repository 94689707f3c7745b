"""Server-side pricing of document lines with the domain core: lists valid on a day, discounts, totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sfa_desktop.domain import discounts, pricing, totals
from sfa_desktop.domain.messages import Message
from sfa_desktop.sync.protocol import MAX_DOCUMENT_LINES, line_id
from sfa_server.commands import Rejected
from sfa_server.models import Customer, PriceList, PriceListItem, Product

MAX_LINES = MAX_DOCUMENT_LINES


@dataclass
class LineRequest:
    line_no: int
    product_id: str
    quantity: Decimal
    discount_text: str | None
    description: str | None


@dataclass
class PricedLine:
    request: LineRequest
    product: Product
    price: pricing.ResolvedPrice
    discount: discounts.Discount
    amounts: totals.LineAmounts | None = None
    quote_price: Decimal | None = None


def parse_lines(raw: list[dict] | None) -> list[LineRequest]:
    """The decoded lines of a command (the spec checked their types, lengths and count)."""
    return [LineRequest(n, line["product_id"], line["quantity"], line.get("discount"), line.get("description"))
            for n, line in enumerate(raw or [], start=1)]


def _list_on(session: Session, *, code: str | None, base: bool, on: dt.date) -> PriceList | None:
    pl = PriceList.__table__.c
    stmt = select(PriceList).where(
        or_(pl.valid_from.is_(None), pl.valid_from <= on), or_(pl.valid_to.is_(None), pl.valid_to >= on)
    )
    stmt = stmt.where(pl.is_base.is_(True)) if base else stmt.where(pl.code == code)
    return session.execute(stmt.order_by(pl.version.desc()).limit(1)).scalar_one_or_none()


def _view(session: Session, plist: PriceList | None, product_ids: list[str]) -> pricing.PriceListView | None:
    if plist is None:
        return None
    breaks: dict[str, list[pricing.PriceBreak]] = {}
    it = PriceListItem.__table__.c
    for r in session.execute(
        select(it.product_id, it.min_quantity, it.price).where(
            it.price_list_id == plist.id, it.product_id.in_(product_ids)
        )
    ):
        breaks.setdefault(r.product_id, []).append(pricing.PriceBreak(r.min_quantity, r.price))
    return pricing.PriceListView(
        plist.id,
        plist.code,
        plist.version,
        plist.currency,
        plist.valid_from,
        plist.valid_to,
        plist.is_base,
        breaks,
    )


def price_lines(
    session: Session,
    *,
    customer: Customer,
    lines: list[LineRequest],
    on: dt.date,
    document_discount: str | None = None,
    honoured: dict[str, tuple] | None = None,
) -> tuple[list[PricedLine], totals.DocumentTotals, discounts.Discount]:
    """Price every line for `customer` on day `on` and compute totals.

    honoured: product_id -> (unit price, list id, list version, quoted net unit price) from a valid
    quote, used instead of today's list price. Returns the lines, the totals and the document
    discount. Raises Rejected naming the line and the reason."""
    try:
        doc_discount = discounts.parse_discount(document_discount)
    except discounts.DiscountError as exc:
        raise Rejected.of("invalid_discount", exc, "push.document_discount") from exc
    try:
        default = discounts.parse_discount(customer.default_discount)
    except discounts.DiscountError:
        default = discounts.NO_DISCOUNT
    product_ids = list({ln.product_id for ln in lines})
    products = {
        p.id: p for p in session.execute(select(Product).where(Product.id.in_(product_ids))).scalars()
    }
    own = session.get(PriceList, customer.price_list_id) if customer.price_list_id else None
    customer_view = _view(
        session, _list_on(session, code=own.code, base=False, on=on) if own else None, product_ids
    )
    base_view = _view(session, _list_on(session, code=None, base=True, on=on), product_ids)
    priced: list[PricedLine] = []
    for ln in lines:
        where = f"line {ln.line_no}"
        product = products.get(ln.product_id)
        if product is None:
            raise Rejected("not_found", "push.product_unknown", line=ln.line_no, product=ln.product_id[:40])
        where = {"line": ln.line_no, "sku": product.sku}
        terms = pricing.ProductTerms(
            product.id,
            product.sku,
            product.unit,
            product.vat_rate,
            product.pack_size,
            product.min_quantity,
            product.active,
        )
        try:
            line_discount = (
                discounts.parse_discount(ln.discount_text) if ln.discount_text is not None else None
            )
            discount = discounts.effective_line_discount(
                line_discount=line_discount, customer_default=default
            )
            if honoured and product.id in honoured:
                pricing.check_quantity(terms, ln.quantity)
                price, list_id, version, quoted_net = honoured[product.id]
                resolved = pricing.ResolvedPrice(price, list_id or "", "quote", version or 0, Decimal(0))
                item = PricedLine(ln, product, resolved, discount, quote_price=quoted_net)
            else:
                resolved = pricing.resolve_price(
                    product=terms,
                    quantity=ln.quantity,
                    on=on,
                    customer_list=customer_view,
                    base_list=base_view,
                )
                item = PricedLine(ln, product, resolved, discount)
        except discounts.DiscountError as exc:
            raise Rejected.of("invalid_discount", exc, "push.line_problem", **where) from exc
        except pricing.QuantityError as exc:
            raise Rejected.of("invalid_quantity", exc, "push.line_problem", **where) from exc
        except pricing.NoPriceError as exc:
            raise Rejected.of("no_price", exc, "push.line_problem", **where) from exc
        priced.append(item)
    try:
        inputs = [
            totals.LineInput(
                quantity=x.request.quantity,
                unit_price=x.price.price,
                discount=x.discount,
                vat_rate=x.product.vat_rate,
                unit_cost=x.product.cost,
            )
            for x in priced
        ]
        doc_totals = totals.document_totals(inputs, doc_discount)
    except (ValueError, TypeError) as exc:
        raise Rejected("invalid", "push.cannot_total", detail=str(exc)[:200]) from exc
    for x, amounts in zip(priced, doc_totals.lines, strict=True):
        x.amounts = amounts
    return priced, doc_totals, doc_discount


def line_row(doc_field: str, doc_id: str, x: PricedLine) -> dict:
    """Row of quote_lines / order_lines for a priced line (ids are stable per line number)."""
    assert x.amounts is not None
    return {
        "id": line_id(doc_id, x.request.line_no),
        doc_field: doc_id,
        "line_no": x.request.line_no,
        "product_id": x.product.id,
        "sku": x.product.sku,
        "description": (x.request.description or x.product.name)[:1000],
        "quantity": x.request.quantity,
        "unit": x.product.unit,
        "unit_price": x.price.price,
        "discount": None if x.discount.is_zero else discounts.format_discount(x.discount, "en"),
        "vat_rate": x.product.vat_rate,
        "net_amount": x.amounts.net_amount,
        "price_list_id": x.price.price_list_id or None,
        "price_list_version": x.price.price_list_version or None,
    }


def line_public(x: PricedLine) -> dict:
    assert x.amounts is not None
    return {
        "line_no": x.request.line_no,
        "product_id": x.product.id,
        "sku": x.product.sku,
        "unit_price": str(x.price.price),
        "discount": str(x.discount) if not x.discount.is_zero else None,
        "net_amount": str(x.amounts.net_amount),
        "price_list_id": x.price.price_list_id or None,
        "price_list_version": x.price.price_list_version or None,
    }


def price_differences(payload: dict, priced: list[PricedLine], grand_total: Decimal) -> list[Message]:
    """What changed between the figures the agent saw offline (payload "expected") and ours.

    The agent's figures are never used, only compared: a difference makes the answer "changed".
    """
    expected = payload.get("expected")
    if expected is None:
        return []
    seen = expected.get("unit_prices")
    if seen is not None and len(seen) != len(priced):
        raise Rejected("invalid", "push.invalid", detail="expected.unit_prices must give one price per line")
    out = []
    for x, was in zip(priced, seen or [None] * len(priced), strict=True):
        if was is not None and was != x.price.price:
            out.append(Message("push.price_changed", {"sku": x.product.sku, "now": x.price.price, "was": was}))
    total = expected.get("grand_total")
    if total is not None and total != grand_total:
        out.append(Message("push.total_changed", {"now": grand_total, "was": total}))
    return out
