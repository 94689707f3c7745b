"""CRM benchmarks on a replica the size of the large demo agent (5,000 customers, two years of sales
history): the pyramid recomputed after a sync, the figures dashboard, the agenda's week, and the
screens themselves (the figures page and the agenda's week view, from creation to drawn).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_crm.py [--size large] [--runs 7]
        [--workdir DIR] [--no-screens]

The replica is filled with the agent's scope of the generated demo company through the sync's own
write path (rows encoded and decoded with the protocol, applied page by page by apply.apply_page),
so it holds what a first sync would bring. Each figure is the median of --runs runs (max in brackets),
each in its own replica session as the app runs them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sfa_desktop.local_db import open_replica  # noqa: E402
from sfa_desktop.sync import apply, protocol  # noqa: E402

PAGE = 5000
AGENT_OWN = ("targets", "prospect_reviews", "quotes", "orders")


def scope_rows(dataset, agent_id: str) -> dict[str, list[dict]]:
    """The rows of the agent's scope, per stream, as the server's feed would send them."""
    rows = dataset.rows
    customers = {c["id"] for c in rows["customers"] if c["agent_id"] == agent_id}
    quotes = {q["id"] for q in rows.get("quotes", []) if q["customer_id"] in customers}
    orders = {o["id"] for o in rows.get("orders", []) if o["customer_id"] in customers}
    out: dict[str, list[dict]] = {}
    for stream in protocol.STREAM_ORDER:
        found = rows.get(stream, [])
        if stream == "users":
            found = [u for u in found if u["id"] == agent_id]
        elif stream == "customers":
            found = [c for c in found if c["id"] in customers]
        elif stream in ("targets", "prospect_reviews"):
            found = [r for r in found if r["agent_id"] == agent_id]
        elif stream == "quote_lines":
            found = [r for r in found if r["quote_id"] in quotes]
        elif stream == "order_lines":
            found = [r for r in found if r["order_id"] in orders]
        elif found and "customer_id" in found[0]:
            found = [r for r in found if r["customer_id"] in customers]
        out[stream] = found
    return out


def fill_replica(replica, scoped: dict[str, list[dict]]) -> int:
    changes = []
    for stream, rows in scoped.items():
        for row in rows:
            wire = protocol.encode_row(stream, row)
            changes.append(protocol.Change(stream, protocol.UPSERT, row["id"], protocol.decode_row(stream, wire)))
    for start in range(0, len(changes), PAGE):
        page = protocol.PullPage(f"v1.0.{start}", True, changes[start:start + PAGE])
        with replica.session(write=True) as s:
            apply.apply_page(s.connection(), page)
    return len(changes)


def timed(runs: int, fn: Callable[[], object]) -> tuple[float, float, float]:
    """(median wall ms, max wall ms, median CPU ms of this process): on a machine shared with other jobs
    the CPU time says what the code costs, the wall time what the agent waits."""
    took, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        took.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(took), max(took), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=("small", "large"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--no-screens", action="store_true", help="the read functions only, no Qt")
    args = parser.parse_args()

    from sfa_desktop.operations.pyramid import refresh_crm, refresh_pyramid
    from sfa_desktop.operations.read import agenda, deals, figures, pyramid
    from sfa_server.demo_data import generate

    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    dataset = generate(args.size, 1, today=today)
    agent = next(u for u in dataset.rows["users"] if u["role"] == "agent")
    scoped = scope_rows(dataset, agent["id"])
    print(f"demo '{args.size}' generated in {time.perf_counter() - started:.1f}s; agent {agent['username']}: "
          + ", ".join(f"{s} {len(r):,}" for s, r in scoped.items() if s in (
              "customers", "sales_history", "activities", "deals", "quotes", "targets")))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-crm-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "agent.sfadb"
    for old in workdir.glob("agent.sfadb*"):
        old.unlink()
    replica = open_replica(path, os.urandom(32))
    started = time.perf_counter()
    total = fill_replica(replica, scoped)
    took = time.perf_counter() - started
    print(f"replica filled with {total:,} rows in {took:.1f}s ({path.stat().st_size / 1e6:.0f} MB)")

    def recompute() -> None:
        with replica.session(write=True) as s:
            refresh_pyramid(s, today=today)

    def after_sync() -> None:
        with replica.session(write=True) as s:
            refresh_crm(s, today=today)

    def read(fn: Callable) -> Callable[[], object]:
        def run() -> object:
            with replica.session() as s:
                return fn(s)
        return run

    results = {}
    results["pyramid recomputation (refresh_pyramid), target < 1000 ms"] = timed(args.runs, recompute)
    results["after a sync (refresh_crm: expired history out + pyramid)"] = timed(args.runs, after_sync)
    results["figures dashboard (figures.dashboard), target < 300 ms"] = timed(
        args.runs, read(lambda s: figures.dashboard(s, today=today)))
    year = figures.dashboard_start(today)
    results["  of it: sales against target"] = timed(args.runs, read(
        lambda s: figures.sales_vs_target_figures(s, today=today)))
    results["  another period: top products summed from the history"] = timed(
        args.runs, read(lambda s: figures.top_products(s, start=year, end=today)))
    results["  another period: top customers summed from the history"] = timed(
        args.runs, read(lambda s: figures.top_customers(s, start=year, end=today)))
    results["agenda week (agenda.week_agenda), target < 100 ms"] = timed(
        args.runs * 3, read(lambda s: agenda.week_agenda(s, day=today, now=now)))
    results["customer list filter: cold clients (pyramid.customer_ids_by_class)"] = timed(
        args.runs * 3, read(lambda s: pyramid.customer_ids_by_class(s, classes=["client", "advocate"],
                                                                    temperatures=["freddo"])))
    results["deal board (deals.deal_board)"] = timed(args.runs * 3, read(lambda s: deals.deal_board(s)))
    if not args.no_screens:
        results.update(screens(replica, args.runs, today))
    with replica.session() as s:
        counts = pyramid.pyramid_counts(s)
    replica.close()
    width = max(len(k) for k in results)
    print(f"{'':<{width}}  {'median':>9}  {'max':>9}  {'CPU':>9}   (load average {os.getloadavg()[0]:.1f})")
    for name, (median, worst, cpu) in results.items():
        print(f"{name:<{width}}  {median:6.1f} ms  {worst:6.1f} ms  {cpu:6.1f} ms")
    print("pyramid: " + "; ".join(f"{c.value} {sum(t.values())} ("
                                  + ", ".join(f"{k.value} {n}" for k, n in t.items() if n) + ")"
                                  for c, t in counts.items()))
    return 0


class _Agent:
    """What the screens are handed as the agent's session: reads and writes in one replica transaction
    each, as AgentSession.read / write do (without its sign-in and lock, which a benchmark has no use for)."""

    def __init__(self, replica) -> None:  # type: ignore[no-untyped-def]
        from sfa_desktop.sync.events import EventBus

        self.replica, self.events = replica, EventBus()

    def read(self, query):  # type: ignore[no-untyped-def]
        with self.replica.session() as s:
            return query(s)

    def write(self, operation):  # type: ignore[no-untyped-def]
        with self.replica.session(write=True) as s:
            return operation(s)


def screens(replica, runs: int, today: dt.date) -> dict[str, tuple[float, float, float]]:  # type: ignore[no-untyped-def]
    """The widgets, timed from their creation to their first drawing with the replica's figures in it: the
    read on the replica worker, the models filled, the charts painted (grab() paints the whole page)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from sfa_desktop import i18n
    from sfa_desktop.ui.background import Runner
    from sfa_desktop.ui.bridge import EventBridge
    from sfa_desktop.ui.context import AppContext
    from sfa_desktop.ui.pages.agenda import AgendaPage
    from sfa_desktop.ui.pages.figures import FiguresPage

    app = QApplication.instance() or QApplication([])
    i18n.set_language("it")
    agent = _Agent(replica)
    runner, bridge = Runner(agent), EventBridge(agent.events)
    ctx = AppContext(session=agent, runner=runner, bridge=bridge)

    def until(page, attribute: str) -> None:  # type: ignore[no-untyped-def]
        while getattr(page, attribute) is None:
            app.processEvents()
            time.sleep(0.0005)

    opened: list = []  # closed after the timing: a page's deletion is not part of the next one's opening

    def figures_page() -> None:
        page = FiguresPage(ctx, today=today)
        page.resize(1280, 800)
        page.show()
        until(page, "data")
        page.grab()
        opened.append(page)

    def agenda_week() -> None:
        page = AgendaPage(ctx, today=today)
        page.resize(1280, 800)
        page.set_view("week")
        page.show()
        until(page, "week")
        page.grab()
        opened.append(page)

    def close_opened() -> None:
        runner.wait_idle()
        while opened:
            opened.pop().deleteLater()
        app.processEvents()

    def week_step() -> None:
        page = weekly[0]
        page.week = None
        page.step(1)  # the next week: one read of the agenda and the views redrawn
        until(page, "week")
        page.grab()

    out = {}
    figures_page()  # the first page pays for Qt's fonts and styles once; the app has paid it at start-up
    close_opened()
    out["screen: figures page opened and drawn (FiguresPage), target < 300 ms"] = timed(runs, figures_page)
    close_opened()
    agenda_week()
    close_opened()
    out["screen: agenda week view opened and drawn (AgendaPage, week), target < 100 ms"] = timed(runs, agenda_week)
    close_opened()
    weekly = [AgendaPage(ctx, today=today)]
    weekly[0].resize(1280, 800)
    weekly[0].set_view("week")
    weekly[0].show()
    until(weekly[0], "week")
    out["screen: agenda, the next week (Alt+Right)"] = timed(runs * 3, week_step)
    runner.close()
    bridge.close()
    return out


if __name__ == "__main__":
    raise SystemExit(main())
