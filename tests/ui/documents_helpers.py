"""Shared steps of the documents' screen tests: pick a customer and products from the real replica."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from sfa_desktop.local_db.models import Customer, PriceListItem, Product


def active_customer(agent) -> tuple[str, str]:
    """(id, ERP code) of an active customer of the agent."""
    return agent.session.read(lambda s: s.execute(
        select(Customer.id, Customer.erp_code).where(Customer.status == "active", Customer.erp_code.is_not(None))
        .order_by(Customer.erp_code)).first())


def blocked_customer(agent) -> str | None:
    return agent.session.read(lambda s: s.scalar(select(Customer.id).where(Customer.status == "blocked")))


def priced_products(agent, n: int, *, packed: bool | None = None) -> list[tuple[str, str, Decimal | None]]:
    """(id, sku, pack size) of n active products with a base price (packed: pack size > 1 or not)."""
    def query(s):
        stmt = (select(Product.id, Product.sku, Product.pack_size).where(Product.active.is_(True))
                .where(Product.id.in_(select(PriceListItem.product_id))).order_by(Product.sku))
        found = []
        for row in s.execute(stmt):
            is_packed = row.pack_size is not None and row.pack_size > 1  # Decimal in Python, text in SQL
            if packed is None or packed == is_packed:
                found.append(tuple(row))
            if len(found) == n:
                break
        return found
    return agent.session.read(query)


def wait_preview(qtbot, editor, lines: int | None = None, timeout: int = 10000) -> None:
    def ready() -> None:
        assert editor.preview is not None
        if lines is not None:
            assert len(editor.draft.lines) == lines
            assert editor.preview.problem is not None or len(editor.preview.lines) == lines
    qtbot.waitUntil(ready, timeout=timeout)
