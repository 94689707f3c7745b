"""The demo catalog: warehouses, products drawn from the assortment, the base price list with quantity
breaks, customer price lists, and stock per warehouse."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from stdnum import ean

from sfa_server.demo_data.assortment import FAMILIES, Article, FamilyPlan
from sfa_server.demo_data.vocabulary import WAREHOUSES
from sfa_server.erp_import import ids

CENT = Decimal("0.01")
#: prices and costs under 1 EUR carry four decimals, as Italian price lists do for screws and cable
SMALL_UNIT = Decimal("0.0001")
BASE_LIST_CODE = "BASE"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def unit_price(value: Decimal) -> Decimal:
    """A price or cost per unit: cents from 1 EUR up, four decimals below."""
    return value.quantize(CENT if value >= 1 else SMALL_UNIT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Profile:
    """How big the generated company is."""

    agents: int
    customers: int
    products: int
    price_rows: int
    stock_rows: int
    documents: int
    #: product documents: at most this many tech sheets, images and brand brochures
    tech_sheets: int
    images: int
    brochure_brands: int


PROFILES = {
    "small": Profile(agents=3, customers=60, products=500, price_rows=2_000, stock_rows=1_200, documents=90,
                     tech_sheets=10, images=5, brochure_brands=5),
    "large": Profile(agents=1, customers=5_000, products=50_000, price_rows=250_000, stock_rows=50_000,
                     documents=2_000, tech_sheets=300, images=100, brochure_brands=20),
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
    #: what each product (same order as `products`) was made from: its tech sheet shows it
    articles: list[Article]


def barcode_for(number: int) -> str:
    """A valid EAN-13 in the Italian GS1 range (prefix 80)."""
    body = f"80{number:010d}"
    return body + ean.calc_check_digit(body)


def family_quotas(count: int) -> list[int]:
    """Products per family, in proportion to the families' shares (largest remainder: they add up)."""
    total = sum(f.share for f in FAMILIES)
    exact = [count * f.share / total for f in FAMILIES]
    quotas = [int(x) for x in exact]
    for k in sorted(range(len(FAMILIES)), key=lambda k: quotas[k] - exact[k])[:count - sum(quotas)]:
        quotas[k] += 1
    return quotas


def draw_articles(rng: random.Random, count: int) -> list[Article]:
    """`count` articles; each family's are distinct until its combinations run out (the large
    catalog then holds some articles twice, under other codes, as a second supply would)."""
    drawn: list[Article] = []
    for family, quota in zip(FAMILIES, family_quotas(count), strict=True):
        plan = FamilyPlan(family)
        indexes = list(range(plan.size)) * (quota // plan.size) + rng.sample(range(plan.size), quota % plan.size)
        drawn.extend(plan.article(i) for i in indexes)
    rng.shuffle(drawn)
    return drawn


def _pack_words(article: Article) -> str:
    words = article.line.pack_words
    if words:
        return words.format(pack=article.pack)
    return "Venduto a pezzo"


@dataclass(frozen=True, slots=True)
class _ArticleText:
    """What every product made from one article shares (the large catalog repeats articles)."""

    name: str
    description: str
    pack: Decimal
    vat_rate: Decimal
    cost: Decimal


def _article_text(article: Article) -> _ArticleText:
    name = article.name
    key_specs = "; ".join(f"{label} {value}" for label, value in article.line.specs[:2])
    description = f"{name}. {_pack_words(article)}." + (f" {key_specs}." if key_specs else "")
    return _ArticleText(name, description, Decimal(article.pack), Decimal(article.family.vat_rate).quantize(CENT),
                        article.line.cost * article.factor)


def make_products(rng: random.Random, count: int
                  ) -> tuple[list[dict[str, Any]], dict[str, Decimal], list[Article]]:
    products, base_price = [], {}
    articles = draw_articles(rng, count)
    texts: dict[int, _ArticleText] = {}
    for i, article in enumerate(articles):
        family = article.family
        text = texts.get(id(article))
        if text is None:
            text = texts[id(article)] = _article_text(article)
        jitter = Decimal(rng.randint(92, 108)) / 100
        cost = unit_price(text.cost * jitter)
        lo, hi = family.markup
        markup = Decimal(rng.randint(lo * 100, hi * 100)) / 10_000
        sku = f"{family.sku_prefix}{i + 1:06d}"
        pid = ids.product_id(sku)
        products.append({
            "id": pid, "sku": sku, "name": text.name, "description": text.description,
            "unit": article.line.unit, "vat_rate": text.vat_rate, "category": family.category,
            "brand": article.brand, "barcode": barcode_for(i + 1), "pack_size": text.pack,
            "min_quantity": text.pack, "cost": cost,
            "active": i % 97 != 0,  # a few discontinued articles
            "vat_nature": None,
        })
        base_price[pid] = unit_price(cost * (1 + markup))
    return products, base_price, articles


def _reduced(price: Decimal, cost: Decimal, margin_kept: Decimal) -> Decimal:
    """A price that keeps `margin_kept` of the margin over cost: never below cost."""
    return max(unit_price(cost + (price - cost) * margin_kept), cost)


def make_price_lists(rng: random.Random, products: list[dict[str, Any]], base_price: dict[str, Decimal],
                     articles: list[Article], profile: Profile, today: dt.date) -> tuple[list, list, dict]:
    # valid since last January: the demo's older documents were priced from these lists too
    year_start = dt.date(today.year - 1, 1, 1)
    base_id = ids.price_list_id(BASE_LIST_CODE, 1)
    lists = [{"id": base_id, "code": BASE_LIST_CODE,
              "name": f"Listino generale {today.year - 1}-{today.year}", "currency": "EUR",
              "version": 1, "valid_from": year_start, "valid_to": None, "is_base": True,
              "customer_group": None}]
    items: list[dict[str, Any]] = []
    breaks: dict[str, dict[str, list[tuple[Decimal, Decimal]]]] = {base_id: {}}

    def add(list_id: str, pid: str, min_qty: Decimal, price: Decimal) -> None:
        items.append({"id": ids.price_list_item_id(list_id, pid, min_qty), "price_list_id": list_id,
                      "product_id": pid, "min_quantity": min_qty, "price": price})
        breaks[list_id].setdefault(pid, []).append((min_qty, price))

    for product, article in zip(products, articles, strict=True):
        pid, price, cost = product["id"], base_price[product["id"]], product["cost"]
        add(base_id, pid, Decimal(1), price)
        kept = {packs: share for packs, share in article.family.breaks}
        for step, packs in enumerate(article.break_packs):
            share = kept.get(packs, Decimal("0.8") - Decimal("0.2") * step)
            add(base_id, pid, product["pack_size"] * packs, _reduced(price, cost, share))
    remaining = max(profile.price_rows - len(items), 0)
    list_count = max(3, profile.customers // 125)
    for n in range(1, list_count + 1):
        code = f"C{n:03d}"
        list_id = ids.price_list_id(code, 1)
        breaks[list_id] = {}
        lists.append({"id": list_id, "code": code, "name": f"Listino riservato {n:02d}", "currency": "EUR",
                      "version": 1, "valid_from": year_start,
                      "valid_to": dt.date(today.year, 12, 31), "is_base": False, "customer_group": None})
        # the first lists take one row more when the rows do not divide evenly
        rows = min(remaining // list_count + (1 if n <= remaining % list_count else 0), len(products))
        margin_kept = Decimal(rng.randint(50, 80)) / 100  # a reserved list gives away part of the margin
        for product in rng.sample(products, rows):
            pid = product["id"]
            add(list_id, pid, Decimal(1), _reduced(base_price[pid], product["cost"], margin_kept))
    for per_product in breaks.values():
        for steps in per_product.values():
            steps.sort()
    return lists, items, breaks


def make_warehouses() -> list[dict[str, Any]]:
    return [{"id": ids.warehouse_id(code), "code": code, "name": name} for code, name in WAREHOUSES]


def make_stock(rng: random.Random, products: list[dict[str, Any]], articles: list[Article],
               warehouses: list[dict[str, Any]], target: int, today: dt.date) -> list[dict[str, Any]]:
    """Stock in whole packs (coils, boxes, pieces), as a warehouse counts it."""
    as_of = dt.datetime(today.year, today.month, today.day, 6, 0, tzinfo=dt.UTC)
    per_product = target / max(len(products), 1)
    rows = []
    for i, (product, article) in enumerate(zip(products, articles, strict=True)):
        count = int(per_product) + (1 if rng.random() < per_product - int(per_product) else 0)
        count = min(count, len(warehouses))
        pack, most = article.pack, article.family.stock_packs
        for w in range(count):
            warehouse = warehouses[(i + w) % len(warehouses)]
            packs = 0 if rng.random() < 0.08 else rng.randint(1, most)
            on_hand = Decimal(pack * packs)
            reserved = Decimal(pack * rng.randint(0, packs // 3))
            incoming = incoming_date = None
            if rng.random() < 0.2:
                incoming = Decimal(pack * rng.randint(max(1, most // 10), most))
                incoming_date = today + dt.timedelta(days=rng.randint(2, 40))
            rows.append({"id": ids.stock_level_id(product["id"], warehouse["id"]),
                         "product_id": product["id"], "warehouse_id": warehouse["id"], "on_hand": on_hand,
                         "reserved": reserved, "available": on_hand - reserved, "incoming": incoming,
                         "incoming_date": incoming_date, "as_of": as_of})
    return rows


def make_catalog(rng: random.Random, profile: Profile, today: dt.date) -> Catalog:
    warehouses = make_warehouses()
    products, base_price, articles = make_products(rng, profile.products)
    lists, items, breaks = make_price_lists(rng, products, base_price, articles, profile, today)
    stock = make_stock(rng, products, articles, warehouses, profile.stock_rows, today)
    return Catalog(warehouses, products, lists, items, stock, base_price, breaks, articles)
