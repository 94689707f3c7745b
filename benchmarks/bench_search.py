"""Search benchmark: 50,000 generated products in a real SQLCipher replica, ~200 typed queries.

Prints median / p95 / max milliseconds per search (one session per search, as the UI does) for
the encrypted replica and, as the physical floor, for the same schema in a plain SQLite file.

    .venv/bin/python benchmarks/bench_search.py [--products 50000] [--queries 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sfa_desktop.local_db import open_replica
from sfa_desktop.local_db.models import Base, Product
from sfa_desktop.local_db.search import create_search_schema, search_products

FAMILIES = [
    ("VIT", "Vite", ["autofilettante", "truciolare", "per legno", "a testa svasata", "metrica"]),
    ("BUL", "Bullone", ["esagonale", "a testa tonda", "con dado"]),
    ("DAD", "Dado", ["esagonale", "autobloccante", "cieco", "ad alette"]),
    ("RON", "Rondella", ["piana", "grower", "dentellata"]),
    ("TAS", "Tassello", ["in nylon", "per cartongesso", "chimico", "ad espansione"]),
    ("TRA", "Trapano", ["a percussione", "avvitatore", "a colonna", "tassellatore"]),
    ("CAC", "Cacciavite", ["a taglio", "Phillips", "Torx", "di precisione"]),
    ("CHI", "Chiave", ["combinata", "a bussola", "dinamometrica", "a pappagallo"]),
    ("PIN", "Pinza", ["universale", "spelafili", "a becchi lunghi"]),
    ("GUA", "Guanti", ["da lavoro", "in nitrile", "antitaglio"]),
    ("NAS", "Nastro", ["isolante", "americano", "di carta", "biadesivo"]),
    ("COL", "Colla", ["vinilica", "cianoacrilica", "poliuretanica"]),
    ("VER", "Vernice", ["smalto lucido", "antiruggine", "all'acqua", "impregnante"]),
    ("PEN", "Pennello", ["piatto", "tondo", "per smalti"]),
    ("TUB", "Tubo", ["multistrato", "in rame", "in PVC", "flessibile"]),
    ("RAC", "Raccordo", ["a gomito", "a T", "a pressare", "filettato"]),
    ("VAL", "Valvola", ["a sfera", "di ritegno", "termostatica"]),
    ("RUB", "Rubinetto", ["a sfera", "portagomma", "miscelatore"]),
    ("LAM", "Lampadina", ["LED E27", "LED GU10", "alogena"]),
    ("CAV", "Cavo", ["unipolare", "tripolare", "FG16OR16"]),
    ("PRE", "Presa", ["Schuko", "bipasso", "USB"]),
    ("INT", "Interruttore", ["unipolare", "deviatore", "magnetotermico"]),
]
MATERIALS = ["acciaio inox A2", "acciaio zincato", "ottone", "alluminio", "PVC", "nylon", "ghisa",
             "acciaio brunito", "rame", "policarbonato"]
BRANDS = ["Würth", "Bosch", "Makita", "Fischer", "Stanley", "Beta", "Usag", "Facom", "3M", "Henkel",
          "Loctite", "Saratoga", "Fervi", "Vigor", "Abus", "Gewiss", "BTicino", "Vimar", "Philips",
          "Osram", "Hilti", "DeWalt", "Metabo", "Festool", "Kärcher"]
NOTES = ["Qualità professionale.", "Perché dura di più: trattamento anticorrosione.",
         "Più resistente alla trazione.", "Conforme UNI EN ISO.", "Ideale per esterni e ambienti umidi.",
         "Confezione da banco.", "Novità di stagione.", "Prodotto certificato CE.", ""]


def make_products(n: int, rng: random.Random) -> list[dict]:
    rows = []
    for i in range(n):
        code, family, variants = rng.choice(FAMILIES)
        variant, material, brand = rng.choice(variants), rng.choice(MATERIALS), rng.choice(BRANDS)
        size = f"{rng.choice([3, 4, 5, 6, 8, 10, 12, 16])}x{rng.choice([10, 16, 20, 25, 30, 40, 50, 60, 80])}"
        rows.append(dict(
            id=f"p{i}", sku=f"{code}-{brand[:3].upper()}-{i:06d}",
            name=f"{family} {variant} {size} {material}",
            description=f"{family} {variant} in {material}, misura {size}. {rng.choice(NOTES)}",
            unit=rng.choice(["pz", "conf", "m", "kg"]), vat_rate=Decimal("22.00"), category=family,
            brand=brand, barcode=f"80{rng.randrange(10**10, 10**11)}",
            pack_size=Decimal(rng.choice([1, 10, 50, 100])),
            min_quantity=None, cost=Decimal(rng.randrange(10, 50_000)) / 100, active=rng.random() > 0.05))
    return rows


def make_queries(products: list[dict], count: int, rng: random.Random) -> list[str]:
    words = ["vi", "vit", "vite inox", "vite 4x", "bull", "dado esag", "tas", "tassello nyl", "trap",
             "trapano perc", "cacc torx", "chiave dinam", "pinza", "guanti nitr", "nastro isol",
             "colla", "vern", "smalto", "pennello", "tubo multi", "racc", "valvola sfera", "rub",
             "lampadina led", "led e27", "cavo", "presa schuko", "interr", "magnetot", "inox",
             "zinc", "ottone", "qualita", "perche", "piu resist", "wurth", "karcher", "bosch trap",
             "makita", "fischer tass", "3m", "hilti", "dewalt avv", "a", "p", "ce"]
    brands = [b.lower()[: rng.randint(2, len(b))] for b in BRANDS]
    queries = []
    while len(queries) < count:
        kind = rng.random()
        p = rng.choice(products)
        if kind < 0.45:
            queries.append(rng.choice(words))
        elif kind < 0.6:
            queries.append(rng.choice(brands))
        elif kind < 0.75:
            queries.append(p["sku"])  # exact code, as scanned or typed
        elif kind < 0.85:
            queries.append(p["sku"][: rng.randint(3, 9)])  # code prefix
        elif kind < 0.92:
            queries.append(p["barcode"][: rng.randint(6, 13)])
        else:
            queries.append(" ".join(p["name"].split()[:2]).upper())
    return queries


def timed(run, queries: list[str]) -> list[float]:
    for q in queries[:20]:  # warm the page cache, as a running app has
        run(q)
    out = []
    for q in queries:
        start = time.perf_counter()
        run(q)
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * len(ms)) - 1)]
    return (f"{name:<28} median {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms   "
            f"max {ms[-1]:6.2f} ms   ({len(ms)} queries)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows = make_products(args.products, rng)
    queries = make_queries(rows, args.queries, rng)

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "replica.db"
        replica = open_replica(db, os.urandom(32))
        start = time.perf_counter()
        with replica.session(write=True) as s:
            for i in range(0, len(rows), 5000):
                s.execute(insert(Product), rows[i:i + 5000])
        load_s = time.perf_counter() - start

        def encrypted(q: str) -> int:
            with replica.session() as s:
                return len(search_products(s, q))

        enc = timed(encrypted, queries)
        hits = [encrypted(q) for q in queries]
        replica.close()
        size_mb = db.stat().st_size / 1e6

        plain_db = Path(tmp) / "plain.db"
        engine = create_engine(f"sqlite:///{plain_db}")
        with engine.begin() as conn:
            Base.metadata.create_all(conn)
            create_search_schema(conn)
            for i in range(0, len(rows), 5000):
                conn.execute(insert(Product), rows[i:i + 5000])
        plain_sessions = sessionmaker(bind=engine)

        def plain(q: str) -> int:
            with plain_sessions() as s:
                return len(search_products(s, q))

        floor = timed(plain, queries)
        engine.dispose()

    print(f"{args.products} products, SQLCipher {size_mb:.1f} MB, loaded in {load_s:.1f} s "
          f"(triggers keep FTS in step); queries with hits: {sum(1 for h in hits if h)}/{len(hits)}")
    print(summary("SQLCipher replica", enc))
    print(summary("plain SQLite (floor)", floor))
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} during the run")


if __name__ == "__main__":
    main()
