"""The physical floor under the sync engine: a bare bulk insert, no JSON, no SQLAlchemy.

Inserts N rows of a price_list_items-shaped table with executemany, in transactions of 5,000
rows, WAL journal, into plain SQLite and into SQLCipher 4 with a raw key, with and without two
secondary indexes. Whatever the sync engine does, it cannot write faster than this.

    ./run python benchmarks/bench_insert_floor.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

import sqlcipher3

PAGE = 5000


def insert_rate(module, path: Path, *, key: str | None, indexes: bool, synchronous: str,
                rows: list[tuple]) -> float:
    conn = module.connect(str(path), isolation_level=None)
    if key:
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("CREATE TABLE price_list_items (id TEXT PRIMARY KEY, price_list_id TEXT, "
                 "product_id TEXT, min_quantity TEXT, price TEXT)")
    if indexes:
        conn.execute("CREATE INDEX ix_product ON price_list_items (product_id)")
        conn.execute("CREATE INDEX ix_list_product ON price_list_items (price_list_id, product_id)")
    started = time.perf_counter()
    for i in range(0, len(rows), PAGE):
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO price_list_items VALUES (?, ?, ?, ?, ?)", rows[i:i + PAGE])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return len(rows) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    rows = [(str(uuid.uuid4()), "pl-1", f"prod-{i}", "0", f"{i % 997}.25") for i in range(args.rows)]
    key = os.urandom(32).hex()
    with tempfile.TemporaryDirectory() as folder:
        for indexes, synchronous in ((False, "NORMAL"), (True, "FULL")):
            rates = []
            for name, module, k in (("plain", sqlite3, None), ("sqlcipher", sqlcipher3, key)):
                path = Path(folder) / f"{name}-{indexes}-{synchronous}.db"
                rates.append(insert_rate(module, path, key=k, indexes=indexes, synchronous=synchronous,
                                         rows=rows))
            print(f"indexes={indexes!s:<5} synchronous={synchronous:<6} plain SQLite {rates[0]:>9,.0f} rows/s"
                  f"   SQLCipher {rates[1]:>9,.0f} rows/s")


if __name__ == "__main__":
    main()
