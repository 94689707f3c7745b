"""Customer and catalog screens on the large demo agent: keystroke to repainted results in the
catalog, and the customer 360° view open, with the bare read functions as the reference.

    .venv/bin/python benchmarks/bench_screens.py --database-url sqlite:////tmp/visit/server-large.db \
        [--workdir /tmp/visit/agent]

The server database is prepared once (`benchmarks/bench_sync.py --prepare URL --size large`); the
agent (ag01) signs in and syncs once into --workdir, later runs unlock it. The real pages run
offscreen at 1280x800 with the real workers (Runner) and the real lazy models.

Catalog: each keystroke of a few phrases is typed with QTest.keyClick into the search field, with
the screen's own search-as-you-type timing (it asks at each key); timed from the key to the end of
the first paint of the table's viewport that drew the key's results with every visible row (the
view's paint runs inside an event filter on the viewport, so the time is when the pixels are
drawn, not when the data came). The next key is sent once the whole list is in. A second measure
types at a steady key every 120 ms and times each key to the first complete paint of its results
or of a later key's. When a key finds nothing, the sentence that replaces the table is painted.
360: `show_customer(id)` until its `loaded` signal, the posted layouts and a synchronous repaint.
Reference, same run: the read functions alone on the worker's session (no Qt).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_sync import ServerProcess  # noqa: E402
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sfa_desktop import i18n  # noqa: E402
from sfa_desktop.local_db.keys import KeyStore  # noqa: E402
from sfa_desktop.operations.pyramid import refresh_if_stale, refresh_pyramid  # noqa: E402
from sfa_desktop.operations.read.catalog import product_ids, product_rows  # noqa: E402
from sfa_desktop.operations.read.customers import customer_ids  # noqa: E402
from sfa_desktop.session import AgentSession, SessionState  # noqa: E402

STEPS: dict[str, list[float]] = {"key to loaded": [], "loaded to painted": [],
                                 "nothing found (of the keys above)": []}
PHRASES = ("cavo 2,5 mm²", "interruttore magnetotermico", "faretto led", "tubo corrugato 20", "presa schuko")


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"| {name} | {statistics.median(ms):.1f} ms | {p95:.1f} ms | {ms[-1]:.1f} ms | {len(ms)} |"


_WAKE: list[QTimer] = []
ASLEEP_UNTIL_EVENT = QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents


def wait_until(app: QApplication, condition, timeout: float = 30.0) -> None:
    """Run the event loop until `condition()` holds, as the app's own loop runs: asleep in the OS until
    an event comes (a worker's result, a paint), not spinning, so the GUI thread does not contend for
    the GIL with the worker it waits for. A 20 ms timer wakes it for conditions no event announces."""
    if not _WAKE:
        _WAKE.append(QTimer())
        _WAKE[0].start(20)
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not answer")
        app.processEvents(ASLEEP_UNTIL_EVENT)


def agent_session(workdir: Path, url: str) -> AgentSession:
    workdir.mkdir(parents=True, exist_ok=True)
    from keyring.backends.fail import Keyring as FailKeyring

    # the key wrapped by the password in a key file beside the db, never in this machine's keyring
    session = AgentSession(workdir / "ag01.db", server_url=url, keystore=KeyStore(backend=FailKeyring()),
                           device_name="screens benchmark")
    # as the app wires it (commands/sync.py): the pyramid is ranked after each sync
    session.after_sync.append(lambda s, changes: refresh_if_stale(s, changes=changes))
    if session.state is SessionState.NEW:
        started = time.perf_counter()
        session.sign_in_first_time(server_url=url, username="ag01", password="demo-ag01")
        session.sync()
        print(f"first sign-in and sync: {time.perf_counter() - started:.0f} s")
    else:
        session.unlock("demo-ag01")
        if session.transport is not None and not session.transport.signed_in:
            session.sign_in_again("demo-ag01")
        session.write(lambda s: refresh_pyramid(s))
    return session


def visible_rows(page) -> int:
    model, table = page.model, page.table
    return min(model.rowCount(), max(1, table.viewport().height() // max(1, table.rowHeight(0) or 1)))


def visible_rows_ready(page) -> bool:
    return all(page.model.is_fetched(r) for r in range(visible_rows(page)))


class PaintClock(QObject):
    """Times every paint of the table's viewport: the view's own paint runs inside this filter (the
    filter the scroll area installs would run it next), so the time taken is when the pixels are drawn.
    A paint is complete when every visible row was there to draw."""

    def __init__(self, page) -> None:
        super().__init__(page)
        self.page, self.painted = page, []  # [(end of the paint, the ids shown, complete)]
        page.table.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() != QEvent.Type.Paint:
            return False
        complete = visible_rows_ready(self.page)
        shown = tuple(self.page.model.ids[:visible_rows(self.page)])
        self.page.table.viewportEvent(event)
        self.painted.append((time.perf_counter(), shown, complete))
        return True


def bench_catalog(app: QApplication, ctx, customer: str) -> tuple[list[float], list[float]]:
    from sfa_desktop.ui.pages import catalog

    page = catalog.create(ctx)
    page.resize(1280, 800)
    page.show()
    wait_until(app, lambda: not page.model.is_loading and visible_rows_ready(page))
    page.chooser.choose(customer)
    wait_until(app, lambda: visible_rows_ready(page))
    wait_until(app, lambda: not page.model.is_loading)
    clock = PaintClock(page)
    times: list[float] = []
    for phrase in PHRASES * 2:
        page.focus_search()
        page.filters.search.clear()
        page.filters.changed.emit()
        wait_until(app, lambda: not page.model.is_loading)
        for char in phrase:
            loaded: list[float] = []
            connection = page.model.loaded.connect(lambda _n, got=loaded: got.append(time.perf_counter()))
            del clock.painted[:]
            started = time.perf_counter()
            QTest.keyClick(page.filters.search, char)
            # done: the first paint, after the key's results came, that drew every visible row
            wait_until(app, lambda got=loaded: bool(got) and (page.list_area.is_empty or any(
                at > got[0] and complete and shown == tuple(page.model.ids[:len(shown)])
                for at, shown, complete in clock.painted)))
            if page.list_area.is_empty:  # nothing found: the sentence in place of the table, painted now
                page.list_area.repaint()
                painted = time.perf_counter()
                STEPS["nothing found (of the keys above)"].append((painted - started) * 1000)
            else:
                painted = next(at for at, shown, complete in clock.painted if at > loaded[0] and complete)
            times.append((painted - started) * 1000)
            STEPS["key to loaded"].append((loaded[0] - started) * 1000)
            STEPS["loaded to painted"].append((painted - loaded[0]) * 1000)
            page.model.loaded.disconnect(connection)
            wait_until(app, lambda: not page.model.is_loading)  # the whole list, before the next key
    typed = bench_typing(app, page, clock)
    page.close()
    reference: list[float] = []
    for phrase in PHRASES * 2:
        for n in range(1, len(phrase) + 1):
            text = phrase[:n]
            started = time.perf_counter()
            ctx.session.read(lambda s, t=text: product_rows(s, product_ids(s, text=t, limit=120)[:30],
                                                            customer_id=customer))
            reference.append((time.perf_counter() - started) * 1000)
    return times, reference, typed


def bench_typing(app: QApplication, page, clock: PaintClock, gap_ms: float = 120.0) -> list[float]:
    """Typed at a steady pace (a key every `gap_ms`: a quick typist, ~8 keys a second) with the page's
    own search-as-you-type timing: for each key, the time to the first complete paint of the results
    of that key's text or of a later one (a later key may overtake a query still waiting)."""
    asked = [0]  # length of the search text the latest query was asked for
    shown: list[tuple[float, int]] = []  # (loaded at, length of the text of the list shown)
    page.filters.changed.connect(lambda: asked.__setitem__(0, len(page.filters.search.text())))
    page.model.loaded.connect(lambda _n: shown.append((time.perf_counter(), asked[0])))
    times: list[float] = []
    for phrase in PHRASES * 2:
        page.focus_search()
        page.filters.search.clear()
        page.filters.changed.emit()
        wait_until(app, lambda: not page.model.is_loading)
        del clock.painted[:], shown[:]
        keys: list[float] = []
        for char in phrase:
            keys.append(time.perf_counter())
            QTest.keyClick(page.filters.search, char)
            due = keys[-1] + gap_ms / 1000
            QTimer.singleShot(max(0, round((due - time.perf_counter()) * 1000)), lambda: None)
            while time.perf_counter() < due:
                app.processEvents(ASLEEP_UNTIL_EVENT)
        wait_until(app, lambda p=phrase: not page.model.is_loading and any(n == len(p) for _at, n in shown))
        app.processEvents()
        for n, sent in enumerate(keys, start=1):
            loaded_at = next(at for at, length in shown if length >= n and at >= sent)
            painted = next((at for at, _s, complete in clock.painted if complete and at >= loaded_at), None)
            if painted is not None:  # None: nothing found, no table to paint (timed above)
                times.append((painted - sent) * 1000)
    return times


def bench_360(app: QApplication, ctx, ids: list[str]) -> tuple[list[float], list[float]]:
    from sfa_desktop.ui.customers.view360 import read_360
    from sfa_desktop.ui.pages import customers

    page = customers.create(ctx)
    page.resize(1280, 800)
    page.show()
    wait_until(app, lambda: not page.model.is_loading)
    times: list[float] = []
    for customer_id in ids:
        done = []
        connection = page.view.loaded.connect(done.append)
        started = time.perf_counter()
        page.open_customer(customer_id)
        wait_until(app, lambda got=done: bool(got))
        QApplication.sendPostedEvents()  # the layouts the new texts asked for, then the paint
        page.repaint()
        times.append((time.perf_counter() - started) * 1000)
        page.view.loaded.disconnect(connection)
        page.show_list()
    page.close()
    reference = []
    for customer_id in ids:
        started = time.perf_counter()
        ctx.session.read(lambda s, c=customer_id: read_360(s, c))
        reference.append((time.perf_counter() - started) * 1000)
    return times, reference


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="the prepared large server database")
    parser.add_argument("--workdir", default="/tmp/visit/agent")
    parser.add_argument("--customers", type=int, default=40)
    args = parser.parse_args()
    i18n.set_language("it")
    server = ServerProcess(args.database_url)
    app = QApplication.instance() or QApplication([])
    try:
        session = agent_session(Path(args.workdir), server.url)
        from sfa_desktop.ui.background import Runner
        from sfa_desktop.ui.bridge import EventBridge
        from sfa_desktop.ui.context import AppContext

        runner = Runner(session)
        bridge = EventBridge(session.events)
        ctx = AppContext(session=session, runner=runner, bridge=bridge)
        products = session.read(lambda s: len(product_ids(s)))
        portfolio = session.read(lambda s: customer_ids(s))
        print(f"replica: {products:,} products, {len(portfolio):,} customers; {load_average()}")
        rng = random.Random(11)
        customer = session.read(lambda s: customer_ids(s, status="active", sort="balance", descending=True)[0])
        typed, typed_ref, paced = bench_catalog(app, ctx, customer)
        sample = rng.sample(portfolio, min(args.customers, len(portfolio)))
        opened, opened_ref = bench_360(app, ctx, sample)
        print("| measure | median | p95 | max | n |\n|---|---|---|---|---|")
        print(summary("catalog: keystroke to repainted results (screen)", typed))
        print(summary("catalog: product_ids(limit 120) + product_rows(30, priced) alone", typed_ref))
        for step, ms in STEPS.items():
            print(summary(f"catalog, of which: {step}", ms))
        print(summary("catalog: typed at a key every 120 ms, key to its results painted", paced))
        print(summary("customer 360 open (screen, repainted)", opened))
        print(summary("customer_360 + customer_rank alone", opened_ref))
        print(f"after: {load_average()}")
        QTimer.singleShot(0, app.quit)
        runner.close()
        bridge.close()
        session.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

