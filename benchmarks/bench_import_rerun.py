"""ERP import re-run: a products file imported once, then the same file again (a no-op), each in
its own process so that its peak memory (ru_maxrss) is its own. Results: docs/benchmarks.md,
"Import re-run".

    .venv/bin/python benchmarks/bench_import_rerun.py --rows 50000 200000 [--workdir /tmp/x] [--database-url URL]

Several sizes in one run show how peak memory grows with the file (the import streams the file and
holds one chunk of rows at a time; what grows is a small cost per code). The same run against
another checkout of the code, for a reference (its children inherit -S, so the checkout on
PYTHONPATH is imported, not this editable install):

    cd /tmp/main-export && PYTHONPATH=.:$SITE_PACKAGES .venv/bin/python -S benchmarks/bench_import_rerun.py
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_products(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("codice;descrizione;um;iva;marca;categoria;costo;attivo\r\n")
        for i in range(rows):
            fh.write(f"P{i:07d};Articolo numero {i} per impianti;PZ;22;Marca {i % 97};Cat {i % 31};"
                     f"{i % 1000},{i % 100:02d};S\r\n")


def one_run(url: str, path: str) -> None:
    """In the child: import, print seconds and counts as JSON, peak RSS from the OS."""
    from sfa_server.db import init_database
    from sfa_server.erp_import import import_path

    engine = init_database(url)
    started = time.perf_counter()
    report = import_path(engine, path)
    seconds = time.perf_counter() - started
    f = report.files[0]
    print(json.dumps({"seconds": round(seconds, 2), "inserted": f.inserted, "updated": f.updated,
                      "unchanged": f.unchanged, "rejected": len(f.rejected),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        one_run(*args.child)
        return
    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    python = [sys.executable, *(["-S"] if sys.flags.no_site else [])]
    baseline = subprocess.run([*python, "-c", "import resource, sfa_server.erp_import, sfa_server.db;"
                               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"],
                              capture_output=True, text=True, check=True)
    import sfa_server

    print(f"code: {Path(sfa_server.__file__).parent}; load average {os.getloadavg()[0]:.2f}; "
          "interpreter + import code alone: "
          f"{baseline.stdout.strip()} MB")
    for rows in args.rows:
        csv_path = work / f"products_{rows}.csv"
        write_products(csv_path, rows)
        url = args.database_url or f"sqlite:///{work / f'server_{rows}.db'}"
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        print(f"{rows} products, {csv_path.stat().st_size / 2**20:.1f} MiB CSV")
        for label in ("first import", "re-import (no change)", "re-import again"):
            done = subprocess.run([*python, __file__, "--child", url, str(csv_path)],
                                  capture_output=True, text=True, check=True)
            print(f"  {label}: {done.stdout.strip()}")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")

if __name__ == "__main__":
    main()
