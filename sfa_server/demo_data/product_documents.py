"""Product documents of the demo catalog: tech-sheet PDFs, product images (PNG), brand brochures.

Which products get one follows from their place in the catalog, so the documents are as
deterministic as the catalog; the profile caps their number (the large one stays at a few hundred).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from sfa_server.demo_data.assortment import Article
from sfa_server.demo_data.catalog import Catalog, Profile
from sfa_server.demo_data.png import product_image
from sfa_server.demo_data.sheets import brochure, tech_sheet
from sfa_server.erp_import import ids

SHEET_EVERY, IMAGE_EVERY = 50, 100
BROCHURE_PRODUCTS = {"small": 2, "large": 3}
BROCHURE_LINES, BROCHURE_ARTICLES = 24, 30

#: the second page of a tech sheet: what an installer must know, per family
ADVICE = {
    "Cavi": ("Scegliere la sezione in base alla corrente di impiego, alla lunghezza della linea (caduta di "
             "tensione) e alle condizioni di posa secondo CEI 64-8 e CEI UNEL 35024.",
             "Rispettare il raggio minimo di curvatura e non tirare il cavo oltre la forza ammessa dal costruttore.",
             "Per i locali con obbligo di cavi a bassa emissione di fumi scegliere la classe CPR richiesta dal "
             "progetto (CEI UNEL 35016)."),
    "Interruttori e prese": ("Installare a impianto non alimentato. Serrare i morsetti alla coppia indicata.",
                             "Le prese vanno installate ad almeno 17,5 cm dal pavimento finito (CEI 64-8)."),
    "Protezione e quadri": ("Coordinare il dispositivo con la sezione della linea protetta e con la corrente di "
                            "corto circuito presunta nel punto di installazione.",
                            "Prevedere una riserva di moduli liberi nel quadro per ampliamenti futuri.",
                            "Installazione riservata a personale qualificato (DM 37/08)."),
    "Illuminazione": ("Verificare la compatibilità con il dimmer prima di installare lampade dimmerabili.",
                      "Gli apparecchi LED a fine vita sono RAEE: conferirli ai centri di raccolta."),
    "Tubi, canaline e scatole": ("Dimensionare il tubo in modo che il diametro interno sia almeno 1,3 volte "
                                 "quello del fascio di cavi (CEI 64-8).",),
    "Fissaggi e ferramenta": ("Forare con il diametro e la profondità indicati; pulire il foro prima del "
                              "montaggio.", "I carichi ammessi dipendono dal supporto: consultare i dati ETA."),
    "Elettroutensili": ("Usare sempre i dispositivi di protezione individuale: occhiali, guanti, protezione "
                        "dell'udito.", "Caricare le batterie a temperatura ambiente tra 10 e 40 °C."),
    "Videocitofonia e sicurezza": ("Posare i cavi del sistema 2 fili separati dalle linee di energia.",
                                   "Registrazioni video: rispettare le norme sulla privacy e segnalare le aree "
                                   "videosorvegliate."),
    "Fotovoltaico": ("Installazione e connessione alla rete secondo CEI 0-21 e la guida CEI 82-25.",
                     "Sezionare il lato DC prima di ogni intervento: i moduli sono in tensione quando sono "
                     "illuminati.", "Aliquota IVA agevolata 10 % per impianti su edifici residenziali."),
}


def _row(product: dict[str, Any], kind: str, title: str, filename: str, media_type: str,
         content: bytes) -> dict[str, Any]:
    return {"id": ids.product_document_id(product["sku"], kind, filename), "product_id": product["id"],
            "kind": kind, "title": title[:200], "filename": filename, "media_type": media_type,
            "size": len(content), "sha256": hashlib.sha256(content).hexdigest(), "content": content}


def _sale(product: dict[str, Any], article: Article) -> tuple[tuple[str, str], ...]:
    unit = {"M": "metro", "PZ": "pezzo", "CF": "confezione"}.get(product["unit"], product["unit"])
    pack = article.line.pack_words.format(pack=article.pack) if article.line.pack_words else "singolo pezzo"
    vat = f"{int(product['vat_rate'])} %"
    return (("Unità di vendita", unit), ("Confezione", pack),
            ("Quantità minima", f"{int(product['min_quantity'])} ({unit})"), ("Aliquota IVA", vat))


def _stride(count: int, every: int, cap: int) -> int:
    return max(every, count // max(cap, 1))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def make_product_documents(catalog: Catalog, profile: Profile, size: str, today: dt.date
                           ) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    products, articles = catalog.products, catalog.articles
    sheet_stride = _stride(len(products), SHEET_EVERY, profile.tech_sheets)
    image_stride = _stride(len(products), IMAGE_EVERY, profile.images)
    sheets = images = 0
    for i, (product, article) in enumerate(zip(products, articles, strict=True)):
        if not product["active"]:
            continue
        if i % sheet_stride == 1 and sheets < profile.tech_sheets:
            advice = ADVICE.get(article.family.category, ()) if sheets % 2 == 0 else ()
            content = tech_sheet(name=product["name"], brand=article.brand, sku=product["sku"],
                                 barcode=product["barcode"], category=article.family.category,
                                 colour=article.family.colour, specs=article.specs,
                                 sale=_sale(product, article), advice=advice)
            rows.append(_row(product, "tech_sheet", f"Scheda tecnica {product['name']}",
                             f"scheda-tecnica-{product['sku']}.pdf", "application/pdf", content))
            sheets += 1
        if i % image_stride == IMAGE_EVERY // 4 and images < profile.images:
            content = product_image(article.family.colour, variant=i)
            rows.append(_row(product, "image", f"Foto {product['name']}", f"{product['sku']}.png", "image/png",
                             content))
            images += 1
    rows.extend(_brochures(catalog, profile, size, today))
    return rows


def _brochures(catalog: Catalog, profile: Profile, size: str, today: dt.date) -> list[dict[str, Any]]:
    """One catalogue per big brand, attached to its first few products."""
    by_brand: dict[str, list[tuple[dict[str, Any], Article]]] = {}
    for product, article in zip(catalog.products, catalog.articles, strict=True):
        if product["active"]:
            by_brand.setdefault(article.brand, []).append((product, article))
    brands = sorted(by_brand, key=lambda b: (-len(by_brand[b]), b))[:profile.brochure_brands]
    rows = []
    for brand in brands:
        mine = by_brand[brand]
        lines = list(dict.fromkeys((a.line.name, a.family.category) for _, a in mine))[:BROCHURE_LINES]
        listed = [(p["sku"], p["name"]) for p, _ in mine[:BROCHURE_ARTICLES]]
        content = brochure(brand=brand, year=today.year, colour=mine[0][1].family.colour, lines=lines,
                           articles=listed)
        filename = f"catalogo-{_slug(brand)}-{today.year}.pdf"
        for product, _ in mine[:BROCHURE_PRODUCTS.get(size, 2)]:
            rows.append(_row(product, "brochure", f"Catalogo {brand} {today.year}", filename, "application/pdf",
                             content))
    return rows
