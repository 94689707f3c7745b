"""Screenshots of the customer and catalog screens, in Italian and English, on the small demo.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_visit.py

Starts a server on loopback with the small demo company (/tmp/visit/shots/server.db, made once),
signs agent ag01 in and syncs once, then writes docs/screenshots/{it,en}/customers-*.png and
catalog-*.png from the real pages at 1280x800.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_screens import agent_session  # noqa: E402
from bench_sync import ServerProcess, prepare_server_db  # noqa: E402
from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from sfa_desktop import i18n  # noqa: E402
from sfa_desktop.local_db.models import Customer, ProductDocument  # noqa: E402
from sfa_desktop.operations.read.customers import customer_ids  # noqa: E402

WORK = Path(os.environ.get("SFA_SHOTS_DIR") or Path(tempfile.gettempdir()) / "visit" / "shots")
OUT = ROOT / "docs" / "screenshots"


def settle(app: QApplication, condition=lambda: True, timeout: float = 20.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition() and time.perf_counter() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    end = time.perf_counter() + 0.3  # the coalesced redraws and the lazy rows of what is shown
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def rows_ready(page) -> bool:
    model = page.model
    return not model.is_loading and all(model.record(r) is not None for r in range(min(25, model.rowCount())))


def save(widget: QWidget, lang: str, name: str) -> None:
    path = OUT / lang / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(path))
    print("wrote", path.relative_to(ROOT))


def customers_shots(app: QApplication, ctx, lang: str) -> None:
    from sfa_desktop.ui.pages import customers

    page = customers.create(ctx)
    page.resize(1280, 800)
    page.show()
    settle(app, lambda: rows_ready(page) and page.filters.segment.count() > 1)
    save(page, lang, "customers-list")
    page.filters.overdue.setChecked(True)
    page.filters.status.setCurrentIndex(page.filters.status.findData("active"))
    settle(app, lambda: rows_ready(page))
    page.filters.search.setFocus()
    QTest.keyClicks(page.filters.search, "bo")
    settle(app, lambda: not page.filters._typing.isActive() and rows_ready(page))
    save(page, lang, "customers-filters")
    page.filters.clear()
    settle(app, lambda: rows_ready(page))
    over = ctx.session.read(lambda s: customer_ids(s, overdue_only=True, sort="overdue", descending=True)[0])
    page.open_customer(over)
    settle(app, lambda: page.view.data is not None)
    save(page, lang, "customers-360-credit")
    page.view.tabs.setCurrentIndex(2)
    settle(app)
    save(page, lang, "customers-360-documents")
    page.view.tabs.setCurrentIndex(3)
    settle(app)
    save(page, lang, "customers-360-history")
    existing = ctx.session.read(lambda s: s.query(Customer.name, Customer.vat_number, Customer.city)
                                .filter(Customer.vat_number.is_not(None)).first())
    dialog = page.open_prospect_dialog()
    dialog.fields["name"].setText(existing.name.replace("S.r.l.", "Srl"))
    dialog.fields["vat_number"].setText(existing.vat_number)
    dialog.fields["city"].setText(existing.city or "")
    dialog.check()
    settle(app, lambda: bool(dialog.matches))
    save(dialog, lang, "customers-prospect-duplicate")
    dialog.reject()
    page.close()


def catalog_shots(app: QApplication, ctx, lang: str) -> None:
    from sfa_desktop.ui.pages import catalog

    page = catalog.create(ctx)
    page.resize(1280, 800)
    page.show()
    settle(app, lambda: rows_ready(page))
    customer = ctx.session.read(lambda s: customer_ids(s, status="active")[0])
    page.chooser.choose(customer)
    page.filters.search.setFocus()
    QTest.keyClicks(page.filters.search, "cavo 2,5 mm²")
    # the detail beside is the first result's (it follows the search once the typing settles)
    settle(app, lambda: not page.filters._typing.isActive() and rows_ready(page) and page.detail.detail is not None
           and page.detail.detail.product.id == page.model.id_at(0))
    save(page, lang, "catalog-search")
    product = ctx.session.read(lambda s: s.query(ProductDocument.product_id).filter(
        ProductDocument.kind == "tech_sheet").limit(1).scalar())
    page.filters.clear()
    settle(app, lambda: rows_ready(page))
    page.show_target(product)
    settle(app, lambda: page.detail.detail is not None and page.detail.detail.product.id == product)
    save(page, lang, "catalog-detail")
    page.close()


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    database = WORK / "server.db"
    if not database.exists():
        prepare_server_db(f"sqlite:///{database}", "small")
    server = ServerProcess(f"sqlite:///{database}")
    app = QApplication.instance() or QApplication([])
    try:
        session = agent_session(WORK / "agent", server.url)
        from sfa_desktop.ui.background import Runner
        from sfa_desktop.ui.bridge import EventBridge
        from sfa_desktop.ui.context import AppContext

        runner = Runner(session)
        bridge = EventBridge(session.events)
        for lang in ("it", "en"):
            i18n.set_language(lang)
            ctx = AppContext(session=session, runner=runner, bridge=bridge)
            customers_shots(app, ctx, lang)
            catalog_shots(app, ctx, lang)
        runner.close()
        bridge.close()
        session.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
