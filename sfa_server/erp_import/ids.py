"""Deterministic row ids for ERP data, so a re-import updates rows instead of duplicating them.

The demo-data generator uses the same functions, so an import over demo data finds its rows.
"""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal

#: Fixed namespace of sfa ERP ids (never change it: every imported row id depends on it).
ERP_NAMESPACE = uuid.UUID("5f3c1f2e-9a57-4d8e-b7a1-2c0e7a6d4b19")


_NAMESPACE_BYTES = ERP_NAMESPACE.bytes


def erp_id(stream: str, *key: str) -> str:
    """uuid5 of the stream name and its natural key parts (str(uuid.uuid5(...)), computed directly:
    the demo data makes hundreds of thousands of them)."""
    name = stream + ":" + "\x1f".join(key)
    digest = hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8"), usedforsecurity=False).digest()
    raw = bytearray(digest[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def quantity_key(value: Decimal) -> str:
    """A canonical text for a quantity: 10, 10.0 and 10,00 give the same id."""
    return format(value.normalize(), "f")


def warehouse_id(code: str) -> str:
    return erp_id("warehouses", code)


def product_id(sku: str) -> str:
    return erp_id("products", sku)


def price_list_id(code: str, version: int) -> str:
    return erp_id("price_lists", code, str(version))


def price_list_item_id(list_id: str, prod_id: str, min_quantity: Decimal) -> str:
    return erp_id("price_list_items", list_id, prod_id, quantity_key(min_quantity))


def customer_id(erp_code: str) -> str:
    return erp_id("customers", erp_code)


def address_id(cust_id: str, address_key: str) -> str:
    return erp_id("addresses", cust_id, address_key)


def contact_id(cust_id: str, contact_key: str) -> str:
    return erp_id("contacts", cust_id, contact_key)


def open_item_id(cust_id: str, document_number: str, due_date_iso: str) -> str:
    return erp_id("open_items", cust_id, document_number, due_date_iso)


def stock_level_id(prod_id: str, wh_id: str) -> str:
    return erp_id("stock_levels", prod_id, wh_id)


def product_document_id(sku: str, kind: str, filename: str) -> str:
    return erp_id("product_documents", sku, kind, filename)


def sales_line_id(cust_id: str, document_number: str, document_date_iso: str, line_key: str) -> str:
    return erp_id("sales_history", cust_id, document_number, document_date_iso, line_key)


def target_id(agent_id: str, month_iso: str, category: str) -> str:
    return erp_id("targets", agent_id, month_iso, category)
