"""The demo catalog: warehouses, products, the base price list with quantity breaks, customer price
lists, and stock per warehouse."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from stdnum import ean

from sfa_server.demo_data.vocabulary import BRANDS, FAMILIES, WAREHOUSES
from sfa_server.erp_import import ids

CENT = Decimal("0.01")
BASE_LIST_CODE = "BASE"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Profile:
    """How big the generated company is."""

    agents: int
    customers: int
    products: int
    price_rows: int
    stock_rows: int
    documents: int


PROFILES = {
    "small": Profile(agents=3, customers=60, products=500, price_rows=2_000, stock_rows=1_200, documents=90),
    "large": Profile(agents=1, customers=5_000, products=50_000, price_rows=250_000, stock_rows=50_000,
                     documents=2_000),
}


@dataclass
class Catalog:
    warehouses: list[dict[str, Any]]
    products: list[dict[str, Any]]
    price_lists: list[dict[str, Any]]
    price_list_items: list[dict[str, Any]]
    stock_levels: list[dict[str, Any]]
    #: product id -> base list price at quantity 1 (documents are priced from it)
    base_price: dict[str, Decimal]
    #: price list id -> product id -> [(min_quantity, price)] ascending
    breaks: dict[str, dict[str, list[tuple[Decimal, Decimal]]]]


def barcode_for(number: int) -> str:
    """A valid EAN-13 in the Italian GS1 range (prefix 80)."""
    body = f"80{number:010d}"
    return body + ean.calc_check_digit(body)


def make_products(rng: random.Random, count: int) -> tuple[list[dict[str, Any]], dict[str, Decimal]]:
    products, base_price = [], {}
    for i in range(count):
        category, unit, vat, packs, (lo, hi), names, variants = FAMILIES[i % len(FAMILIES)]
        name = f"{rng.choice(names)} {rng.choice(variants)}"
        brand = rng.choice(BRANDS)
        cost = Decimal(rng.randint(lo, hi)) / 100
        pack = Decimal(rng.choice(packs))
        sku = f"{category[:3].upper()}{i + 1:06d}"
        pid = ids.product_id(sku)
        products.append({
            "id": pid, "sku": sku, "name": f"{name} {brand}",
            "description": f"{name}, marca {brand}. Confezione da {pack} {unit.lower()}.",
            "unit": unit, "vat_rate": Decimal(vat).quantize(CENT), "category": category, "brand": brand,
            "barcode": barcode_for(i + 1), "pack_size": pack,
            "min_quantity": pack if unit == "M" else Decimal(1), "cost": cost,
            "active": i % 97 != 0,  # a few discontinued articles
        })
        markup = Decimal(rng.randint(135, 190)) / 100
        base_price[pid] = max(cents(cost * markup), CENT)
    return products, base_price


def make_price_lists(rng: random.Random, products: list[dict[str, Any]], base_price: dict[str, Decimal],
                     profile: Profile, today: dt.date) -> tuple[list, list, dict]:
    # valid since last January: the demo's older documents were priced from these lists too
    year_start = dt.date(today.year - 1, 1, 1)
    base_id = ids.price_list_id(BASE_LIST_CODE, 1)
    lists = [{"id": base_id, "code": BASE_LIST_CODE,
              "name": f"Listino generale {today.year - 1}-{today.year}", "currency": "EUR",
              "version": 1, "valid_from": year_start, "valid_to": None, "is_base": True}]
    items: list[dict[str, Any]] = []
    breaks: dict[str, dict[str, list[tuple[Decimal, Decimal]]]] = {base_id: {}}

    def add(list_id: str, pid: str, min_qty: Decimal, price: Decimal) -> None:
        items.append({"id": ids.price_list_item_id(list_id, pid, min_qty), "price_list_id": list_id,
                      "product_id": pid, "min_quantity": min_qty, "price": price})
        breaks[list_id].setdefault(pid, []).append((min_qty, price))

    for i, product in enumerate(products):
        pid, price = product["id"], base_price[product["id"]]
        add(base_id, pid, Decimal(1), price)
        if i % 5 in (0, 1):  # quantity breaks on the fast movers
            pack = product["pack_size"]
            add(base_id, pid, pack * 5, cents(price * Decimal("0.96")))
            add(base_id, pid, pack * 20, cents(price * Decimal("0.92")))
    remaining = max(profile.price_rows - len(items), 0)
    list_count = max(3, profile.customers // 125)
    per_list = min(remaining // list_count, len(products))
    for n in range(1, list_count + 1):
        code = f"C{n:03d}"
        list_id = ids.price_list_id(code, 1)
        breaks[list_id] = {}
        lists.append({"id": list_id, "code": code, "name": f"Listino riservato {n:02d}", "currency": "EUR",
                      "version": 1, "valid_from": year_start,
                      "valid_to": dt.date(today.year, 12, 31), "is_base": False})
        discount = Decimal(rng.randint(3, 15)) / 100
        for product in rng.sample(products, per_list):
            add(list_id, product["id"], Decimal(1), cents(base_price[product["id"]] * (1 - discount)))
    for per_product in breaks.values():
        for steps in per_product.values():
            steps.sort()
    return lists, items, breaks


def make_warehouses() -> list[dict[str, Any]]:
    return [{"id": ids.warehouse_id(code), "code": code, "name": name} for code, name in WAREHOUSES]


def make_stock(rng: random.Random, products: list[dict[str, Any]], warehouses: list[dict[str, Any]],
               target: int, today: dt.date) -> list[dict[str, Any]]:
    as_of = dt.datetime(today.year, today.month, today.day, 6, 0, tzinfo=dt.UTC)
    per_product = target / max(len(products), 1)
    rows = []
    for i, product in enumerate(products):
        count = int(per_product) + (1 if rng.random() < per_product - int(per_product) else 0)
        count = min(count, len(warehouses))
        for w in range(count):
            warehouse = warehouses[(i + w) % len(warehouses)]
            on_hand = Decimal(0 if rng.random() < 0.08 else rng.randint(1, 600))
            reserved = Decimal(rng.randint(0, int(on_hand) // 3)) if on_hand else Decimal(0)
            incoming = incoming_date = None
            if rng.random() < 0.2:
                incoming = Decimal(rng.randint(10, 300))
                incoming_date = today + dt.timedelta(days=rng.randint(2, 40))
            rows.append({"id": ids.stock_level_id(product["id"], warehouse["id"]),
                         "product_id": product["id"], "warehouse_id": warehouse["id"], "on_hand": on_hand,
                         "reserved": reserved, "available": on_hand - reserved, "incoming": incoming,
                         "incoming_date": incoming_date, "as_of": as_of})
    return rows


def make_catalog(rng: random.Random, profile: Profile, today: dt.date) -> Catalog:
    warehouses = make_warehouses()
    products, base_price = make_products(rng, profile.products)
    lists, items, breaks = make_price_lists(rng, products, base_price, profile, today)
    stock = make_stock(rng, products, warehouses, profile.stock_rows, today)
    return Catalog(warehouses, products, lists, items, stock, base_price, breaks)
