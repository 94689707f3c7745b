"""The demo's product documents: tech sheets an agent can open offline, product images, brochures."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.engine import Engine

from sfa_server.demo_data import DemoDataset, generate, load
from sfa_server.erp_import import ids
from sfa_server.erp_import.attachments import sniff_media_type
from sfa_server.models import STREAM_MODELS

TODAY = dt.date(2026, 3, 16)
#: what a tech sheet of each family must show
SHEET_LABELS = {
    "Cavi": ("Formazione", "Classe di reazione al fuoco (CPR)"),
    "Protezione e quadri": ("Marca",),
    "Illuminazione": ("Potenza",),
    "Fotovoltaico": ("Marca",),
}


@pytest.fixture(scope="module")
def small() -> DemoDataset:
    return generate("small", 7, today=TODAY)


def _text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_documents_belong_to_products_and_carry_their_true_size_and_hash(small: DemoDataset) -> None:
    products = {p["id"]: p for p in small.rows["products"]}
    docs = small.rows["product_documents"]
    kinds = [d["kind"] for d in docs]
    assert kinds.count("tech_sheet") == len(products) // 50 and kinds.count("image") >= 3
    assert kinds.count("brochure") >= 4
    assert len({d["id"] for d in docs}) == len(docs)
    for doc in docs:
        product = products[doc["product_id"]]
        assert product["active"]
        assert doc["id"] == ids.product_document_id(product["sku"], doc["kind"], doc["filename"])
        assert doc["size"] == len(doc["content"]) and doc["sha256"] == hashlib.sha256(doc["content"]).hexdigest()
        assert doc["media_type"] == sniff_media_type(doc["content"])
        assert doc["filename"].endswith({"application/pdf": ".pdf", "image/png": ".png"}[doc["media_type"]])


def test_tech_sheets_open_and_show_the_data_of_their_product(small: DemoDataset) -> None:
    # four companies, so that sheets of cables, breakers, lamps and panels all get checked
    companies = [small, *(generate("small", seed, today=TODAY) for seed in (1, 2, 3))]
    checked: set[str] = set()
    for company in companies:
        products = {p["id"]: p for p in company.rows["products"]}
        sheets = [d for d in company.rows["product_documents"] if d["kind"] == "tech_sheet"]
        assert any(_text(d["content"])[0] == 2 for d in sheets)  # some have a page of installation notes
        for doc in sheets:
            product = products[doc["product_id"]]
            checked.add(product["category"])
            _check_sheet(product, *_text(doc["content"]))
    assert {"Cavi", "Protezione e quadri", "Illuminazione", "Fotovoltaico"} <= checked


def _check_sheet(product: dict, pages: int, text: str) -> None:
    flat = " ".join(text.split())
    assert pages in (1, 2)
    assert product["sku"] in text and product["brand"] in text and "Dati tecnici" in text
    assert " ".join(product["name"].split()[:3]) in flat
    for label in SHEET_LABELS.get(product["category"], ()):
        assert label in text, (product["name"], label)
    name = product["name"]
    if product["category"] == "Cavi" and (m := re.search(r" (1×\d+(,\d+)? mm²|\d[G×]\d+(,\d+)?) ", name)):
        assert f"Formazione {m.group(1).replace(' mm²', '')}" in flat, name
    if m := re.match(r"Interruttore magnetotermico \S+ ([BCD])(\d+) ", name):  # curve and amps
        assert f"{m.group(2)} A" in flat and f"Curva di intervento {m.group(1)}" in flat, name
    if product["category"] == "Illuminazione" and (m := re.search(r" (\d+(,\d+)?)W ", name)):
        assert f"{m.group(1)} W" in flat, name
    if m := re.match(r"Modulo fotovoltaico \S+ (\d{3})W ", name):
        assert f"Potenza nominale Pmax {m.group(1)} W" in flat, name
    if m := re.search(r" (\d+(,\d+)?)kWh ", name):
        assert f"Capacità nominale {m.group(1)} kWh" in flat, name


def test_images_are_real_pngs_and_brochures_real_catalogues(small: DemoDataset) -> None:
    products = {p["id"]: p for p in small.rows["products"]}
    for doc in small.rows["product_documents"]:
        if doc["kind"] == "image":
            assert doc["content"].startswith(b"\x89PNG\r\n\x1a\n")
            with Image.open(io.BytesIO(doc["content"])) as image:
                image.load()  # decodes every row: CRCs and zlib stream are right
                assert image.format == "PNG" and image.size == (320, 240)
        if doc["kind"] == "brochure":
            pages, text = _text(doc["content"])
            brand = products[doc["product_id"]]["brand"]
            assert pages == 2 and f"Catalogo {brand}" in doc["title"] and brand in text
            assert products[doc["product_id"]]["sku"] in text  # it lists the brand's articles


def test_loaded_documents_come_back_byte_for_byte(sqlite_engine: Engine, small: DemoDataset) -> None:
    load(sqlite_engine, small)
    table = STREAM_MODELS["product_documents"].__table__
    with sqlite_engine.connect() as conn:
        stored = {r.id: bytes(r.content) for r in conn.execute(select(table.c.id, table.c.content))}
    assert stored == {d["id"]: d["content"] for d in small.rows["product_documents"]}


@pytest.mark.slow
def test_large_company_keeps_its_documents_bounded() -> None:
    docs = generate("large", 1, today=TODAY).rows["product_documents"]
    assert 200 <= len(docs) <= 500
    assert sum(d["size"] for d in docs) < 30 * 2**20
