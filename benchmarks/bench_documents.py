"""Quote and order editor on the large demo agent: recompute after a line change on a 200-line order,
and the PDF preview of a 50-line quote.

    .venv/bin/python benchmarks/bench_documents.py --server-db sqlite:////tmp/docs/server-large.db \
        [--workdir /tmp/docs/bench] [--runs 15]

Prepare the server database first (benchmarks/bench_sync.py --prepare URL --size large). The agent
signs in and syncs once into --workdir (kept, so a second run starts at once), as the app does.
The recompute is what the editor runs after an edit: the core's preview (operations.read.editor.
preview_document: the one pricing of a document, approval, warnings) on the replica with the
editor's cached stock and customer, then the lines model fed with it (Qt, offscreen). The PDF
preview is build + render (reportlab) + rasterise every page (pypdfium2) + QImages. Floors are
measured in the same run: an empty replica read, and the pure domain pricing of the same lines.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from keyring.backends.fail import Keyring as FailKeyring  # noqa: E402
from sqlalchemy import select  # noqa: E402

from benchmarks.bench_sync import ServerProcess  # noqa: E402
from sfa_desktop.local_db import keys  # noqa: E402
from sfa_desktop.local_db.models import Customer, PriceListItem, Product  # noqa: E402
from sfa_desktop.operations.quotes import save_quote  # noqa: E402
from sfa_desktop.operations.read.editor import editor_customer, preview_document, product_facts  # noqa: E402
from sfa_desktop.session import AgentSession, SessionState  # noqa: E402


def median_max(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def agent_session(workdir: Path, url: str, user: str) -> AgentSession:
    workdir.mkdir(parents=True, exist_ok=True)
    # no OS keyring in a benchmark: the key is wrapped with the password (as on headless Linux)
    store = keys.KeyStore(backend=FailKeyring())
    session = AgentSession(workdir / f"{user}.db", server_url=url, keystore=store, device_name="benchmark")
    started = time.perf_counter()
    if session.state is SessionState.NEW:
        session.sign_in_first_time(server_url=url, username=user, password=f"demo-{user}")
        session.sync()
        print(f"first sign-in and sync of {user}: {time.perf_counter() - started:.1f}s")
    else:
        session.unlock(f"demo-{user}")
    return session


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server-db", required=True)
    parser.add_argument("--workdir", default="/tmp/docs/bench")
    parser.add_argument("--user", default="ag01")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    server = ServerProcess(args.server_db)
    try:
        session = agent_session(Path(args.workdir), server.url, args.user)
        run(session, args.runs)
        session.lock()
    finally:
        server.stop()
    return 0


def run(session: AgentSession, runs: int) -> None:
    from PySide6.QtWidgets import QApplication

    from sfa_desktop.domain import document_pricing as dp
    from sfa_desktop.operations import catalog
    from sfa_desktop.ui.documents.draft import DraftLine
    from sfa_desktop.ui.documents.lines_model import LinesModel
    from sfa_desktop.ui.documents.pdf_view import render_for_preview, to_qimage

    app = QApplication.instance() or QApplication([])

    def pick(s):
        customer = s.scalars(select(Customer.id).where(Customer.status == "active").order_by(Customer.erp_code)).first()
        products = []
        for r in s.execute(select(Product.id, Product.sku, Product.name, Product.pack_size)
                           .where(Product.active.is_(True), Product.id.in_(select(PriceListItem.product_id)))
                           .order_by(Product.sku)):
            if r.pack_size is None or r.pack_size <= 1:  # whole units: any quantity is valid
                products.append(r)
                if len(products) == 200:
                    break
        return customer, products

    customer_id, products = session.read(pick)
    print(f"replica: customer {customer_id[:8]}, {len(products)} products for the 200-line order")
    lines = [DraftLine(p.id, p.sku, p.name, Decimal(1 + i % 5), "10+5" if i % 4 == 0 else None)
             for i, p in enumerate(products)]
    facts = session.read(lambda s: product_facts(s, customer_id, [p.id for p in products]))
    customer = session.read(lambda s: editor_customer(s, customer_id))
    stock = {pid: f.available for pid, f in facts.items()}
    model = LinesModel(lambda *a: False)
    model.set_lines(lines)
    model.set_facts(facts)
    state = {"n": 0, "inputs": None}

    def recompute():
        state["n"] += 1
        changed = list(lines)
        changed[7] = dataclasses.replace(changed[7], quantity=Decimal(1 + state["n"] % 9))
        requests = [x.request() for x in changed]
        # as the editor does: the pricing inputs of the previous preview are passed back
        preview = session.read(lambda s: preview_document(s, customer_id=customer_id, lines=requests,
                                                          stock=stock, customer=customer, inputs=state["inputs"]))
        assert preview.problem is None and len(preview.lines) == 200, preview.problem
        state["inputs"] = preview.inputs
        model.set_lines(changed)
        model.set_preview(preview.lines, None)
        for row in range(0, 200, 10):  # what a view paints: the visible rows' cells
            for col in range(model.columnCount()):
                model.data(model.index(row, col))

    recompute()
    med, worst = median_max(recompute, runs)
    print(f"editor recompute, 200 lines: median {med:.1f} ms (max {worst:.1f})")
    requests = [x.request() for x in lines]
    core_med, _ = median_max(lambda: session.read(lambda s: preview_document(
        s, customer_id=customer_id, lines=requests, stock=stock, customer=customer)), runs)
    print(f"  the core's preview reading its inputs again (first preview, after a sync): median {core_med:.1f} ms")

    # floors: the replica round trip alone, and the domain pricing without the replica
    floor_med, _ = median_max(lambda: session.read(lambda s: s.scalar(select(Customer.id).limit(1))), runs)

    def domain_inputs(s):
        row = s.get(Customer, customer_id)
        terms = catalog.customer_terms(s, row)
        ids = {p.id for p in products}
        prods = {p.id: catalog.product_terms(p) for p in s.scalars(select(Product).where(Product.id.in_(ids)))}
        return terms, prods, catalog.candidate_price_lists(s, terms=terms, product_ids=ids)

    terms, prods, lists = session.read(domain_inputs)
    requests = [dp.LineRequest(product_id=x.product_id, quantity=x.quantity, discount=x.discount) for x in lines]
    pure_med, _ = median_max(lambda: dp.price_document(customer=terms, products=prods, price_lists=lists,
                                                       lines=requests, document_discount=None,
                                                       on=__import__("datetime").date.today(), max_lines=500), runs)
    print(f"  floors: empty replica read {floor_med:.2f} ms; domain pricing of the 200 lines alone {pure_med:.1f} ms")

    quote = session.write(lambda s: save_quote(s, customer_id=customer_id,
                                               lines=[x.request() for x in lines[:50]]))
    quote_id = quote.created

    def pdf_preview():
        rendered = session.read(lambda s: render_for_preview(s, quote_id))
        images = [to_qimage(page) for page in rendered.pages]
        assert images
        return len(images)

    pages = pdf_preview()
    med, worst = median_max(pdf_preview, max(5, runs // 2))
    print(f"PDF preview, 50-line quote ({pages} pages): median {med:.0f} ms (max {worst:.0f})")
    app.processEvents()


if __name__ == "__main__":
    raise SystemExit(main())
