"""The catalog as screens read it: search as typed, filters, sorts, rows with stock and the customer's
price, the product detail with its price lists, stock per warehouse and documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sfa_desktop.i18n import render
from sfa_desktop.local_db.search import search_products
from sfa_desktop.operations.read.catalog import (
    PRODUCT_SORTS,
    brands,
    categories,
    product_detail,
    product_document_content,
    product_ids,
    product_rows,
)

from .conftest import TODAY, at

D = Decimal
CABLES_2_5 = {"p1", "p2", "p7"}


def ids(replica, **kw):
    with replica.session() as s:
        return product_ids(s, **kw)


def rows(replica, wanted, **kw):
    with replica.session() as s:
        return product_rows(s, wanted, **kw)


@pytest.mark.parametrize("typed", ["cavo 2,5 mm²", "cavo 2.5 mm²", "cavo 2,5 mm2", "Cavo 2.5 MM2", "2,5 mm",
                                   "2,5"])
def test_a_section_typed_either_way_finds_both_spellings(replica, typed):
    # "Cavo … 2,5 mm²", "Cavo … 2.5 mm² nero" and "Cavo H07RN-F 2,5 mm2"; not "1,5 mm²", not "Tubo 25x2 5m"
    assert set(ids(replica, text=typed)) == CABLES_2_5


def test_the_replica_search_follows_the_same_rule(replica):
    # one rule for what the agent types (local_db.search.match_expression): "mm²" and "mm2", "2,5"
    # and "2.5" are the same to the global search and to the catalog
    with replica.session() as s:
        assert {h.id for h in search_products(s, "cavo 2,5 mm²")} == CABLES_2_5
        assert {h.id for h in search_products(s, "cavo 2,5")} == CABLES_2_5


def test_search_as_typed_narrows_with_each_keystroke(replica):
    assert set(ids(replica, text="c")) >= {"p1", "p2", "p3", "p7"}
    assert ids(replica, text="cavo 1") == ["p3"]  # a word starting with 1: "1,5" (not "FS17")
    assert ids(replica, text="cavo 1,") == ["p3"]
    assert ids(replica, text="cavo 1,5") == ["p3"]
    assert ids(replica, text="interr magneto") == ["p5"]


def test_an_exact_sku_or_barcode_comes_first(replica):
    assert ids(replica, text="CAV-FS17-25")[0] == "p1"
    assert ids(replica, text="cav-fs17-25n")[0] == "p2"
    assert ids(replica, text="8012345000011") == ["p1"]


@pytest.mark.parametrize(("hostile", "expected"), [
    ('"*" OR 1=1 --', set()), ("'; DROP TABLE products; --", set()), ("NEAR(cavo tubo)", set()),
    ("cavo\x00", {"p1", "p2", "p3", "p7"}), ("x" * 5000, set()),
    ("*", None), ('"', None), ("   ", None),  # nothing to look for: no text filter
])
def test_hostile_search_text_is_only_text(replica, hostile, expected):
    found = set(ids(replica, text=hostile))
    assert found == (expected if expected is not None else set(ids(replica)))
    assert len(ids(replica)) == 7


def test_category_brand_stock_and_active_filters(replica):
    assert set(ids(replica, category="Cavi")) == {"p1", "p2", "p3", "p7"}
    assert set(ids(replica, category=["Tubi", "Protezione"])) == {"p4", "p5"}
    assert set(ids(replica, brand="Prysmian")) == {"p1", "p3"}  # exact brand: "prysmian" is another spelling
    # available > 0 somewhere: not p2 ("0.000"), not p5 (-2, oversold), not p4 (no stock at all)
    assert set(ids(replica, in_stock=True)) == {"p1", "p3", "p7"}
    assert "p6" not in ids(replica, active_only=True) and "p6" in ids(replica)
    assert ids(replica, text="cavo", category="Cavi", brand="Nexans", in_stock=False) == ["p2"]
    assert ids(replica, text="cavo 2,5", in_stock=True, brand="Prysmian") == ["p1"]
    assert ids(replica, category=[]) == []


@pytest.mark.parametrize(("sort", "expected"), [
    ("sku", ["p3", "p1", "p2", "p7", "p5", "p6", "p4"]),
    ("name", ["p7", "p3", "p1", "p2", "p5", "p6", "p4"]),
    ("brand", ["p5", "p4", "p2", "p6", "p3", "p1", "p7"]),   # case folded; ties by SKU
    ("category", ["p3", "p1", "p2", "p7", "p6", "p5", "p4"]),
    ("available", ["p5", "p2", "p3", "p7", "p1", "p4", "p6"]),  # -2, 0, 7.5, 40, 100, then no stock
])
def test_every_sort(replica, sort, expected):
    assert ids(replica, sort=sort) == expected


def test_descending_and_limit(replica):
    assert ids(replica, sort="available", descending=True)[:3] == ["p1", "p7", "p3"]
    assert ids(replica, sort="available", descending=True)[-2:] == ["p4", "p6"]  # no stock stays last
    assert ids(replica, sort="sku", limit=2) == ["p3", "p1"]
    assert len(ids(replica, text="cavo", limit=2)) == 2
    for sort in PRODUCT_SORTS:
        assert len(ids(replica, sort=sort)) == 7
    with pytest.raises(ValueError):
        ids(replica, sort="price")
    with pytest.raises(ValueError):
        ids(replica, limit=0)


def test_rows_with_stock_and_the_customers_price(replica):
    p1, p2, p4, p5, p6 = rows(replica, ["p1", "p2", "p4", "p5", "p6"], customer_id="c1", on=TODAY)
    assert (p1.sku, p1.brand, p1.unit, p1.category, p1.available) == ("CAV-FS17-25", "Prysmian", "M", "Cavi", D(100))
    # p1 is sold from 100 m in packs of 100: priced for 100 m from the base list (the VIP list lacks it)
    assert (p1.price, p1.price_quantity, p1.price_list_code) == (D("0.55"), D(100), "BASE")
    # p2 is on c1's VIP list: 0.50 (not the base list's 0.60)
    assert (p2.price, p2.price_quantity, p2.price_list_code, p2.available) == (D("0.50"), D(1), "VIP", D(0))
    assert p4.price is None and p4.available is None
    assert render(p4.price_problem, "en").startswith("No price for TUB-25")
    assert p5.available == D(-2) and p5.price == D("11.90")
    assert p6.price is None and p6.price_problem.code == "price.inactive"


def test_rows_without_a_customer_have_no_price_and_keep_order(replica):
    found = rows(replica, ["p3", "nope", "p1", "p3"])
    assert [r.id for r in found] == ["p3", "p1"]
    assert all(r.price is None and r.price_problem is None for r in found)
    c2 = rows(replica, ["p2"], customer_id="c2", on=TODAY)[0]
    assert (c2.price, c2.price_list_code) == (D("0.60"), "BASE")  # no list of its own
    ghost = rows(replica, ["p2"], customer_id="nobody")[0]
    assert ghost.price is None and ghost.price_problem.code == "op.customer_unknown"


def test_categories_and_brands_for_the_filters(replica):
    with replica.session() as s:
        assert categories(s) == ["Cavi", "Illuminazione", "Protezione", "Tubi"]
        assert brands(s) == ["BTicino", "Dielectrix", "Nexans", "Philips", "Prysmian"]
        assert brands(s, category="Cavi") == ["Nexans", "Prysmian"]


def test_product_detail_price_lists_and_breaks(replica):
    with replica.session() as s:
        detail = product_detail(s, "p2", customer_id="c1", on=TODAY, now=at("2026-11-22", "11:00"))
    price = detail.price
    assert (price.price, price.price_list_code, price.price_list_version, price.break_quantity) == (
        D("0.50"), "VIP", 1, D(1))
    vip, base = price.lists
    assert (vip.code, vip.name, vip.valid_from, vip.valid_to, vip.valid_on_day, vip.applies) == (
        "VIP", "Listino installatori", dt.date(2026, 1, 1), dt.date(2026, 12, 31), True, True)
    assert [(b.min_quantity, b.price) for b in vip.breaks] == [(D(1), D("0.50")), (D(200), D("0.46"))]
    assert (base.code, base.version, base.applies, [b.price for b in base.breaks]) == ("BASE", 3, False, [D("0.60")])
    # last sold to c1: o6 at 23.50 (approved, 18 Nov)
    assert (detail.last_sold.order_number, detail.last_sold.net_unit_price) == ("O-AG07-2026-00006", D("23.5000"))


def test_product_detail_after_the_customer_lists_validity(replica):
    with replica.session() as s:
        detail = product_detail(s, "p2", customer_id="c1", on=dt.date(2027, 1, 10))
    vip, base = detail.price.lists
    assert not vip.valid_on_day and base.applies and detail.price.price == D("0.60")


def test_product_detail_stock_per_warehouse_and_its_age(replica):
    with replica.session() as s:
        detail = product_detail(s, "p1", customer_id="c1", on=TODAY, now=at("2026-11-22", "11:00"))
    stock = [(r.warehouse_code, r.on_hand, r.reserved, r.available, r.incoming, r.incoming_date) for r in detail.stock]
    assert stock == [
        ("BO", D(10), D(10), D(0), D(500), dt.date(2026, 12, 5)),
        ("MI", D(120), D(20), D(100), None, None)]
    assert [r.age for r in detail.stock] == [dt.timedelta(hours=30), dt.timedelta(hours=6)]
    assert detail.available == D(100)
    assert [b.min_quantity for b in detail.price.lists[-1].breaks] == [D(1), D(500), D(1000)]
    assert detail.last_sold.net_unit_price == D("0.4655")


def test_product_documents_listed_and_fetched_separately(replica):
    with replica.session() as s:
        detail = product_detail(s, "p1")
        assert [(d.kind, d.title, d.filename, d.media_type, d.size, d.on_this_computer) for d in detail.documents] == [
            ("certificate", "Dichiarazione CE", "ce.pdf", "application/pdf", 120_000, False),
            ("datasheet", "Scheda tecnica FS17", "fs17.pdf", "application/pdf", 8, True)]
        assert product_document_content(s, "d1") == b"%PDF-1.7"
        assert product_document_content(s, "d2") is None
        assert product_document_content(s, "nope") is None
    assert detail.price is None and detail.last_sold is None


def test_product_detail_of_unknown_product(replica):
    with replica.session() as s:
        assert product_detail(s, "nope") is None
        assert product_detail(s, None) is None
        assert product_detail(s, "p4").stock == () and product_detail(s, "p4").available is None
