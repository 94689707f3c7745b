"""Search over products and customers: prefixes, accents, ranking, and any hostile text."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sfa_desktop.local_db.models import Customer, Product
from sfa_desktop.local_db.search import match_expression, search_customers, search_products

from .helpers import add_customers, add_products, customer_row, product_row

HOSTILE = [
    '"', '""', "'", "*", "-", "-vite", "NOT", "NEAR", "NEAR(vite dado)", "vite AND dado", "vite OR",
    "AND", "(", ")", "^vite", "name:vite", "{sku name}:vite", "vite*", "* vite", ":", "+", "\\",
    "'; DROP TABLE products; --", '" OR 1=1 --', "\x00", "\u200b", "🔩🔧", "ñ", "日本語", "ß",
    "a" * 10_000, "vite " * 2_000, "-" * 10_000, '"' * 5_000, " \t\n ", "_", "__init__",
]


@pytest.fixture
def catalog(replica):
    add_products(replica, [
        product_row(1, sku="VT-4X40", name="Vite autofilettante 4x40", brand="Würth",
                    description="Vite per legno, testa svasata", barcode="8001234567890"),
        product_row(2, sku="DD-M8", name="Dado esagonale M8", brand="Fischer",
                    description="Da usare con la vite M8"),
        product_row(3, sku="PR-01", name="Perché no? Set di punte", brand="Bosch"),
        product_row(4, sku="TR-500", name="Trapano a percussione 500W", brand="Bosch",
                    description="Con valigetta"),
        product_row(5, sku="VT-OLD", name="Vite vecchio modello", brand="Würth", active=False),
        product_row(6, sku="DD", name="Set dadi assortiti", brand="Fischer"),
    ] + [product_row(100 + i, name=f"Articolo generico {i}") for i in range(200)])
    add_customers(replica, [
        customer_row(1, name="Ferramenta Città Alta S.r.l.", erp_code="C00017", city="Bergamo",
                     vat_number="IT01234567890"),
        customer_row(2, name="Edilizia Bergamasca", erp_code="C00018", city="Treviglio"),
        customer_row(3, name="Bar Cittadella", erp_code="C000171", city="Padova"),
    ])
    return replica


def products(replica, text, **kw):
    with replica.session() as s:
        return [h.sku for h in search_products(s, text, **kw)]


def customers(replica, text, **kw):
    with replica.session() as s:
        return [h.erp_code for h in search_customers(s, text, **kw)]


def test_prefixes_of_every_word_match(catalog):
    assert products(catalog, "vit auto") == ["VT-4X40"]
    assert products(catalog, "trap perc 50") == ["TR-500"]
    assert set(products(catalog, "bosch")) == {"PR-01", "TR-500"}
    assert products(catalog, "800123") == ["VT-4X40"]  # barcode prefix


def test_case_and_accents_do_not_matter(catalog):
    assert products(catalog, "perche") == ["PR-01"]
    assert products(catalog, "PERCHÉ") == ["PR-01"]
    assert products(catalog, "wurth 4x") == ["VT-4X40"]
    assert products(catalog, "Würth VIT", active_only=True) == ["VT-4X40"]
    assert customers(catalog, "citta") == ["C00017", "C000171"]  # the whole word first
    assert customers(catalog, "CITTÀ alta") == ["C00017"]


def test_exact_codes_come_first_then_best_matches(catalog):
    # "dd" is the whole SKU of the set, and a prefix of the other SKU: exact first
    assert products(catalog, "DD")[0] == "DD"
    with catalog.session() as s:
        hits = search_products(s, "dd")
    assert hits[0].exact and not any(h.exact for h in hits[1:])
    # a name match outranks a mention in the description
    assert set(products(catalog, "vite")[:2]) == {"VT-4X40", "VT-OLD"}
    assert products(catalog, "vite")[-1] == "DD-M8"
    assert products(catalog, "8001234567890")[0] == "VT-4X40"
    assert customers(catalog, "c00017") == ["C00017", "C000171"]
    assert customers(catalog, "01234567890") == ["C00017"]  # VAT number without IT
    assert customers(catalog, "berg") == ["C00018", "C00017"]  # name beats city


def test_limit_and_inactive_products(catalog):
    assert len(products(catalog, "articolo", limit=7)) == 7
    assert len(products(catalog, "articolo")) == 50
    assert "VT-OLD" not in products(catalog, "vite", active_only=True)
    for bad in (0, -1, True, "5", 2.5):
        with pytest.raises(ValueError, match="limit"):
            products(catalog, "vite", limit=bad)


def test_index_follows_inserts_updates_upserts_and_deletes(catalog):
    with catalog.session(write=True) as s:
        s.execute(update(Product).where(Product.id == "p4").values(name="Avvitatore a batteria"))
        stmt = sqlite_insert(Product).values([product_row(2, sku="DD-M8", name="Rondella piana M8")])
        s.execute(stmt.on_conflict_do_update(index_elements=["id"], set_={"name": stmt.excluded.name}))
        s.execute(delete(Product).where(Product.id == "p3"))
        s.execute(insert(Customer), [customer_row(9, name="Nuovo Cliente Sàrl", erp_code="C09")])
    assert products(catalog, "trapano") == []
    assert products(catalog, "avvit") == ["TR-500"]
    assert products(catalog, "rondella") == ["DD-M8"]
    assert products(catalog, "dado esag") == []
    assert products(catalog, "perche") == []
    assert customers(catalog, "sarl") == ["C09"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "***", "---", '"""', "!?"])
def test_nothing_to_search_for_gives_nothing(catalog, text):
    assert products(catalog, text) == [] and customers(catalog, text) == []


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:20]))
def test_hostile_text_never_raises_nor_injects(catalog, text):
    found = products(catalog, text)
    assert isinstance(found, list) and len(found) <= 50
    assert isinstance(customers(catalog, text), list)
    assert products(catalog, "vite")  # the tables are still there


def test_operators_are_searched_as_words(catalog):
    assert products(catalog, "-vite") == products(catalog, "vite")
    assert products(catalog, "vite AND dado") == []  # "and" is a word to find, not an operator
    assert products(catalog, "NEAR(vite dado)") == []
    assert match_expression('Vi"te NEAR *') == '("Vi" OR "Vi"*) AND ("te" OR "te"*) AND ("NEAR" OR "NEAR"*)'


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.text(max_size=300))
def test_any_text_searches_safely(catalog, text):
    with catalog.session() as s:
        hits = search_products(s, text)
        assert all(h.id.startswith("p") for h in hits)
        assert isinstance(search_customers(s, text, limit=5), list)


def test_non_text_query_is_a_programming_error(catalog):
    with catalog.session() as s, pytest.raises(TypeError):
        search_products(s, None)


def test_search_still_finds_the_right_rows_after_compacting(catalog):
    with catalog.session(write=True) as s:
        s.execute(delete(Product).where(Product.id.in_([f"p{100 + i}" for i in range(0, 200, 2)])))
    catalog.compact()
    assert products(catalog, "trap perc") == ["TR-500"]
    assert products(catalog, "perche") == ["PR-01"]
    assert len(products(catalog, "articolo", limit=500)) == 100
    assert catalog.check_integrity() == []


_STRING = r'"(?:[^"]|"")*"'
# each typed term: its forms (as typed, compatibility form, unit spelling), each whole or as a prefix
_TERM = rf"\({_STRING} OR {_STRING}\*(?: OR {_STRING} OR {_STRING}\*)*\)"
_SAFE = re.compile(rf"{_TERM}(?: AND {_TERM})*")


@given(st.text(max_size=2000))
def test_user_text_only_ever_becomes_quoted_strings(text):
    expression = match_expression(text)
    assert expression is None or _SAFE.fullmatch(expression)
    if expression is not None:
        assert expression.count(" AND ") < 8


def _automerge(s, fts):
    return s.connection().exec_driver_sql(f"SELECT v FROM {fts}_config WHERE k = 'automerge'").scalar()


def test_words_changed_in_many_commits_stay_found_and_idle_steps_merge_them(catalog):
    """The commits that change words no longer merge the index (AUTOMERGE 0): `tidy_search` does, in
    bounded steps, until nothing is left; every search answers the same before, between and after."""
    from sfa_desktop.local_db.search import tidy_search

    with catalog.session() as s:
        assert _automerge(s, "products_fts") == 0 and _automerge(s, "customers_fts") == 0
    for round_ in range(12):  # twelve syncs' worth of small segments
        with catalog.session(write=True) as s:
            ids = [f"p{100 + i}" for i in range(round_ * 10, round_ * 10 + 10)]
            s.execute(update(Product).where(Product.id.in_(ids)).values(description=f"Lotto {round_} rivestito"))
    expected = {text: products(catalog, text, limit=500) for text in ("lotto", "lotto 7", "rives", "vite", "articolo")}
    assert len(expected["lotto"]) == 120 and expected["lotto 7"]
    steps = []
    while len(steps) < 100:
        with catalog.session(write=True) as s:
            steps.append(tidy_search(s.connection()))
        assert {text: products(catalog, text, limit=500) for text in expected} == expected
        if not steps[-1]:
            break
    assert steps[0] is True and steps[-1] is False, steps  # it merged, then had nothing left
    with catalog.session() as s:
        for fts in ("products_fts", "customers_fts"):
            s.connection().exec_driver_sql(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
