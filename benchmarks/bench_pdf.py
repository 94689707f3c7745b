"""Time quote PDF rendering: 50 lines (target < 100 ms) and 500 lines (target < 1 s), median of runs.

Run: .venv/bin/python benchmarks/bench_pdf.py [--runs N]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sfa_desktop.pdf import render_document
from sfa_desktop.pdf.sample import demo_quote

CASES = ((50, 0.100), (500, 1.000))


def measure(lines: int, runs: int) -> tuple[float, float, int, int]:
    """(median seconds, best seconds, pages, bytes) for rendering a `lines`-line Italian quote."""
    doc = demo_quote(language="it", lines=lines)
    pdf = render_document(doc)  # warm-up: font registration and module imports are paid once per process
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = render_document(doc)
        timings.append(time.perf_counter() - start)
    pages = pdf.count(b"/Type /Page\n")
    return statistics.median(timings), min(timings), pages, len(pdf)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per case (default 15)")
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {args.runs} runs per case")
    failed = False
    for lines, target in CASES:
        median, best, pages, size = measure(lines, args.runs)
        verdict = "OK" if median < target else "SLOW"
        failed |= median >= target
        print(f"{lines:>4} lines: median {median * 1000:7.1f} ms, best {best * 1000:7.1f} ms, "
              f"{pages} pages, {size / 1024:.0f} KiB  (target < {target * 1000:.0f} ms) {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
