"""Row builders and fake OS keyrings shared by the replica tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import keyring.backend
import keyring.errors
from sqlalchemy import insert

from sfa_desktop.local_db import Replica
from sfa_desktop.local_db.models import Customer, Order, OrderLine, Product

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


class SecureMemoryKeyring(keyring.backend.KeyringBackend):
    """Stands in for Secret Service / Keychain: secure, keeps secrets in memory."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


class PlaintextKeyring(SecureMemoryKeyring):
    """Like keyrings.alt's PlaintextKeyring: high priority, but writes secrets in clear."""

    priority = 10


class AltFileKeyring(SecureMemoryKeyring):
    """A backend from the keyrings.alt package (judged by its module)."""

    priority = 3


AltFileKeyring.__module__ = "keyrings.alt.file"


class LockedKeyring(SecureMemoryKeyring):
    """A secure keyring the user has not unlocked: every access raises KeyringLocked."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


def product_row(i: int, **overrides: object) -> dict:
    row = dict(id=f"p{i}", sku=f"SKU-{i:05d}", name=f"Prodotto {i}", description=None, unit="pz",
               vat_rate=Decimal("22.00"), category=None, brand=None, barcode=None, pack_size=None,
               min_quantity=None, cost=None, active=True)
    row.update(overrides)
    return row


def customer_row(i: int, **overrides: object) -> dict:
    row = dict(id=f"c{i}", erp_code=f"C{i:05d}", name=f"Cliente {i}", vat_number=None, tax_code=None,
               segment=None, status="active", payment_terms=None, price_list_id=None,
               default_discount=None, credit_limit=Decimal("10000.00"), balance=Decimal("0.00"),
               overdue_amount=Decimal("0.00"), language="it", agent_id="a1", phone=None, email=None,
               city=None, row_version=1)
    row.update(overrides)
    return row


def order_rows(order_id: str, *, customer_id: str = "c1", lines: int = 3, status: str = "draft",
               grand_total: Decimal = Decimal("122.00")) -> tuple[dict, list[dict]]:
    order = dict(id=order_id, number=f"O-{order_id}", customer_id=customer_id, agent_id="a1",
                 quote_id=None, status=status, currency="EUR", document_discount=None, notes=None,
                 customer_reference=None, taxable_total=Decimal("100.00"), vat_total=Decimal("22.00"),
                 grand_total=grand_total, approval_reasons=None, decision_note=None,
                 decided_by=None, decided_at=None, created_at=NOW, updated_at=NOW)
    line_dicts = [dict(id=f"{order_id}-l{n}", order_id=order_id, line_no=n, product_id="p1",
                       sku="SKU-00001", description="Prodotto 1", quantity=Decimal("2"), unit="pz",
                       unit_price=Decimal("10.50"), discount="10+5", vat_rate=Decimal("22.00"),
                       net_amount=Decimal("17.96"), price_list_id=None, price_list_version=None)
                  for n in range(1, lines + 1)]
    return order, line_dicts


def add_products(replica: Replica, rows: list[dict]) -> None:
    with replica.session(write=True) as s:
        s.execute(insert(Product), rows)


def add_customers(replica: Replica, rows: list[dict]) -> None:
    with replica.session(write=True) as s:
        s.execute(insert(Customer), rows)


def add_order(replica: Replica, order_id: str, **kw: object) -> None:
    order, lines = order_rows(order_id, **kw)
    with replica.session(write=True) as s:
        s.execute(insert(Order), [order])
        s.execute(insert(OrderLine), lines)
