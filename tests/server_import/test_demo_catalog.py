"""The demo catalog reads right to an electrical wholesaler's agent: brands make what they sell,
variants, units and packs fit the product, prices sit in the trade's ranges, payment terms explain
themselves in both languages. The expectations are written here, not read from the generator."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal

import pytest

from sfa_server.demo_data import DemoDataset, generate

TODAY = dt.date(2026, 3, 16)

#: who makes what, as a wholesaler's buyer knows it
FAMILY_BRANDS = {
    "Cavi": {"Prysmian", "General Cavi", "Cavel"},
    "Interruttori e prese": {"BTicino", "Vimar", "Gewiss", "ABB", "Schneider Electric", "Legrand"},
    "Protezione e quadri": {"BTicino", "Gewiss", "ABB", "Schneider Electric", "Legrand", "Hager", "Finder"},
    "Illuminazione": {"Philips", "Osram", "Beghelli", "Disano"},
    "Tubi, canaline e scatole": {"Gewiss", "Dielectrix", "Bocchiotti", "Legrand", "BTicino", "Vimar"},
    "Fissaggi e ferramenta": {"Fischer", "Legrand", "ABB"},  # cable ties: Legrand Colson, ABB Ty-Rap
    "Elettroutensili": {"Bosch", "Makita", "Hilti"},
    "Videocitofonia e sicurezza": {"Came", "Urmet", "BTicino"},
    "Fotovoltaico": {"FIMER", "SMA", "Huawei", "SolarEdge", "LG", "JA Solar", "Trina Solar", "BYD", "Pylontech"},
}
#: what kind of article may carry which brands (name prefix -> brands)
ARTICLE_BRANDS = {
    "Cavo unipolare FS17": {"Prysmian", "General Cavi"},
    "Cavo multipolare FG16OR16": {"Prysmian", "General Cavi"},
    "Interruttore magnetotermico": {"ABB", "Schneider Electric", "BTicino", "Gewiss", "Legrand", "Hager"},
    "Relè": {"Finder"},
    "Lampadina LED": {"Philips", "Osram", "Beghelli"},
    "Tassello": {"Fischer"},
    "Trapano": {"Bosch", "Makita", "Hilti"},
    "Kit videocitofono": {"Came", "Urmet", "BTicino"},
    "Modulo fotovoltaico": {"JA Solar", "Trina Solar", "LG"},
    "Inverter": {"FIMER", "SMA", "Huawei", "SolarEdge"},
    "Batteria di accumulo": {"BYD", "Pylontech", "Huawei"},
}
#: markup of the list price over cost, percent
MARKUPS = {"Cavi": (25, 40), "Illuminazione": (35, 55), "Elettroutensili": (20, 30), "Fotovoltaico": (12, 20),
           "Interruttori e prese": (30, 45), "Protezione e quadri": (30, 45), "Tubi, canaline e scatole": (25, 40),
           "Fissaggi e ferramenta": (40, 60), "Videocitofonia e sicurezza": (25, 40)}
#: list price per unit sold (EUR): a screw, a metre of cable, an inverter
FAMILY_PRICES = {"Cavi": ("0.15", "12"), "Interruttori e prese": ("0.5", "100"),
                 "Protezione e quadri": ("5", "700"), "Illuminazione": ("2", "150"),
                 "Tubi, canaline e scatole": ("0.08", "20"), "Fissaggi e ferramenta": ("0.008", "60"),
                 "Elettroutensili": ("0.8", "700"), "Videocitofonia e sicurezza": ("4", "800"),
                 "Fotovoltaico": ("40", "7000")}
#: the prices an agent knows by heart
KNOWN_PRICES = {
    r"^Cavo unipolare FS17 450/750V 1×2,5 mm² ": ("0.35", "0.60"),
    r"^Interruttore magnetotermico 1P\+N C16 ": ("8", "20"),
    r"^Modulo fotovoltaico monocristallino 430W ": ("90", "140"),
    r"^Inverter ibrido monofase 6kW ": ("1200", "2000"),
    r"^Batteria di accumulo al litio LFP (4,8|5|5,1)kWh ": ("1500", "2500"),
    r"^Lampadina LED E27 ": ("2", "8"),
}


@pytest.fixture(scope="module", params=["small", pytest.param("large", marks=pytest.mark.slow)])
def company(request: pytest.FixtureRequest) -> DemoDataset:
    return generate(request.param, 7, today=TODAY)


@pytest.fixture(scope="module")
def small_company() -> DemoDataset:
    return generate("small", 7, today=TODAY)


def _base_prices(company: DemoDataset) -> dict[str, dict[Decimal, Decimal]]:
    base = next(pl["id"] for pl in company.rows["price_lists"] if pl["is_base"])
    prices: dict[str, dict[Decimal, Decimal]] = {}
    for item in company.rows["price_list_items"]:
        if item["price_list_id"] == base:
            prices.setdefault(item["product_id"], {})[item["min_quantity"]] = item["price"]
    return prices


def _named(company: DemoDataset, pattern: str) -> list[dict]:
    return [p for p in company.rows["products"] if re.search(pattern, p["name"])]


def test_every_brand_makes_what_it_is_sold_as(company: DemoDataset) -> None:
    for product in company.rows["products"]:
        assert product["brand"] in FAMILY_BRANDS[product["category"]], product["name"]
        assert product["brand"] in product["name"], product["name"]
        for prefix, brands in ARTICLE_BRANDS.items():
            if product["name"].startswith(prefix):
                assert product["brand"] in brands, product["name"]
    assert {p["category"] for p in company.rows["products"]} == set(FAMILY_BRANDS)


def test_small_catalog_names_every_article_once(small_company: DemoDataset) -> None:
    names = Counter(p["name"] for p in small_company.rows["products"])
    assert names.most_common(1)[0][1] == 1



def test_variants_fit_the_product(company: DemoDataset) -> None:
    for p in _named(company, r"^Modulo fotovoltaico"):
        watts = int(re.search(r" (\d{3})W ", p["name"]).group(1))
        assert 400 <= watts <= 450, p["name"]
    for p in _named(company, r"^Inverter"):
        assert re.search(r" \d+(,\d+)?kW ", p["name"]), p["name"]
    for p in _named(company, r"^Batteria di accumulo"):
        assert re.search(r" \d+(,\d+)?kWh ", p["name"]), p["name"]
    for p in _named(company, r"^Cavo (unipolare|multipolare|solare)"):
        # CEI designation with its formation: 1×2,5 mm², 3G2,5, 2×1,5
        assert re.search(r" (FS17|FG17|FG16R16|FG16OR16|FROR|H07RN-F|H1Z2Z2-K) ", p["name"]), p["name"]
        assert re.search(r" (1×\d+(,\d+)? mm²|\d[G×]\d+(,\d+)?) ", p["name"]), p["name"]
    breakers = _named(company, r"^Interruttore magnetotermico (?!differenziale)")
    assert breakers
    for p in breakers:
        assert re.match(r"Interruttore magnetotermico (1P\+N|2P|3P|4P) [BCD](6|10|13|16|20|25|32|40|50|63) "
                        r"(4,5|6|10)kA ", p["name"]), p["name"]
        assert "1P+N" in p["name"] or "4,5kA" not in p["name"], p["name"]  # 4,5 kA is a 1P+N rating
    for p in _named(company, r"^Lampadina LED"):
        assert re.search(r" \d+(,\d+)?W \d+lm \d{4}K", p["name"]), p["name"]
    for p in _named(company, r"stagna|^Proiettore|^Telecamera|^Centralino stagno"):
        assert re.search(r"\bIP6[5-7]\b", p["name"]), p["name"]


def test_units_and_packs_fit_how_the_article_is_sold(company: DemoDataset) -> None:
    prices = _base_prices(company)
    for p in company.rows["products"]:
        name, pack = p["name"], p["pack_size"]
        if p["category"] == "Cavi":
            assert p["unit"] == "M" and pack in (50, 100), name
            assert ("Matassa da" in p["description"]), name
        if name.startswith("Tubo corrugato"):
            assert p["unit"] == "M" and pack in (50, 100), name
        if name.startswith(("Tassello", "Vite")):
            assert p["unit"] == "PZ" and pack in (50, 100), name
        if name.startswith("Fascetta"):
            assert p["unit"] == "CF" and "busta 100 pz" in name, name
        if name.startswith(("Modulo fotovoltaico", "Inverter", "Batteria", "Interruttore magnetotermico")):
            assert p["unit"] == "PZ" and pack == 1, name
        assert p["min_quantity"] == pack, name  # one coil, one box, one piece
        for quantity in prices[p["id"]]:
            assert quantity == 1 or quantity % pack == 0, f"{name}: break at {quantity} is not whole packs"


def test_prices_sit_in_the_trade_ranges(company: DemoDataset) -> None:
    prices = _base_prices(company)
    for p in company.rows["products"]:
        price, cost = prices[p["id"]][Decimal(1)], p["cost"]
        lo, hi = (Decimal(x) for x in FAMILY_PRICES[p["category"]])
        assert lo <= price <= hi, (p["name"], price)
        markup_lo, markup_hi = MARKUPS[p["category"]]
        rounding = Decimal("0.005") if price >= 1 else Decimal("0.00005")
        assert cost * (100 + markup_lo) / 100 - rounding <= price <= cost * (100 + markup_hi) / 100 + rounding, (
            p["name"], cost, price)
    for pattern, (lo, hi) in KNOWN_PRICES.items():
        found = [prices[p["id"]][Decimal(1)] for p in _named(company, pattern)]
        if company.size == "large":
            assert found, pattern
        assert all(Decimal(lo) <= price <= Decimal(hi) for price in found), (pattern, min(found), max(found))


def test_more_cable_costs_less_per_metre_and_no_list_sells_below_cost(company: DemoDataset) -> None:
    prices = _base_prices(company)
    products = {p["id"]: p for p in company.rows["products"]}
    for p in products.values():
        if p["category"] == "Cavi":
            steps = prices[p["id"]]
            assert Decimal(500) in steps and steps[Decimal(500)] < steps[Decimal(1)], p["name"]
    for item in company.rows["price_list_items"]:
        assert item["price"] >= products[item["product_id"]]["cost"], products[item["product_id"]]["name"]


def test_vat_is_ten_percent_for_photovoltaics_only(company: DemoDataset) -> None:
    for p in company.rows["products"]:
        assert p["vat_rate"] == (Decimal(10) if p["category"] == "Fotovoltaico" else Decimal(22)), p["name"]


def test_payment_terms_are_explained_in_both_languages(company: DemoDataset) -> None:
    settings = {s["id"]: s["value"] for s in company.rows["settings"]}
    explained = settings["payment_terms"]
    used = {c["payment_terms"] for c in company.rows["customers"] if c["payment_terms"]}
    assert used and used <= set(explained)
    assert "Ri.Ba. 30/60 gg d.f.f.m." in used
    for text, words in explained.items():
        assert words["it"] and words["en"] and words["it"] != words["en"], text
    assert "Bank receipt (Ri.Ba.)" in explained["Ri.Ba. 30/60 gg d.f.f.m."]["en"]
    for text in used:  # the wording agents know, not ERP codes ("RB 30/60 gg DF FM")
        assert re.fullmatch(r"(Ri\.Ba\.|Bonifico) [\d/]+ gg d\.f\.(f\.m\.)?|Rimessa diretta|Bonifico anticipato",
                            text), text


def test_open_items_fall_due_as_the_payment_terms_say(company: DemoDataset) -> None:
    terms = {c["id"]: c["payment_terms"] for c in company.rows["customers"]}
    checked = Counter()
    for item in company.rows["open_items"]:
        term, due, issued = terms[item["customer_id"]], item["due_date"], item["document_date"]
        if term.endswith("f.m."):  # end of month
            assert (due + dt.timedelta(days=1)).day == 1 and due > issued, (term, issued, due)
        elif term == "Rimessa diretta":
            assert due == issued
        elif term == "Bonifico 30 gg d.f.":
            assert due == issued + dt.timedelta(days=30)
        checked[term] += 1
    assert checked["Ri.Ba. 30/60 gg d.f.f.m."] > 0


def test_customer_names_fit_their_segment(company: DemoDataset) -> None:
    for c in company.rows["customers"]:
        if c["segment"] == "Ente pubblico":
            assert c["name"] == f"Comune di {c['city']}"
        elif c["segment"] == "Installatore termoidraulico":
            assert c["name"].startswith(("Termoidraulica", "Termotecnica", "Idrotermica"))
