"""Screenshots of the quote and order screens in Italian and English (1280x800), on the small demo.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_documents.py [--workdir DIR]

Starts a server on loopback with the small demo company, signs agent ag01 in and syncs once, then
writes docs/screenshots/{it,en}/documents-*.png: the lists, the editor with warnings and the
approval preview, the VAT summary, the PDF preview, the signature pad and the lost-reason dialog.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from keyring.backends.fail import Keyring as FailKeyring  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from sqlalchemy import select  # noqa: E402

from benchmarks.bench_sync import ServerProcess, prepare_server_db  # noqa: E402
from sfa_desktop import i18n  # noqa: E402
from sfa_desktop.domain.signature import path_data  # noqa: E402
from sfa_desktop.local_db import keys  # noqa: E402
from sfa_desktop.local_db.models import Customer, OpenItem, PriceListItem, Product  # noqa: E402
from sfa_desktop.session import AgentSession, SessionState  # noqa: E402

SIZE = (1280, 800)
# a cursive-looking signature: loops along a line, then an underline
SIGNATURE = path_data([
    [(40 + t * 2.2, 110 - 45 * math.sin(t / 6.0) * (1 if t < 120 else 0.6) + 12 * math.cos(t / 2.5))
     for t in range(190)],
    [(60, 165), (250, 160), (480, 150)],
])
OUT = ROOT / "docs" / "screenshots"


def wait(app: QApplication, condition, timeout_ms: int = 15000) -> None:
    for _ in range(timeout_ms // 20):
        app.processEvents()
        if condition():
            return
        QTest.qWait(20)
    raise TimeoutError("the screen did not get there")


def shoot(widget: QWidget, lang: str, name: str) -> None:
    folder = OUT / lang
    folder.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(folder / f"documents-{name}.png"))
    print("wrote", folder / f"documents-{name}.png")


def pick(session: AgentSession):
    def query(s):
        overdue = set(s.scalars(select(OpenItem.customer_id)))
        customer = s.scalars(select(Customer.id).where(Customer.status == "active", Customer.id.in_(overdue),
                                                       Customer.credit_limit > 0).order_by(Customer.erp_code)).first()
        products = []
        for r in s.execute(select(Product.id, Product.sku, Product.vat_rate, Product.pack_size)
                           .where(Product.active.is_(True), Product.id.in_(select(PriceListItem.product_id)))
                           .order_by(Product.sku)):
            if r.pack_size is None or r.pack_size <= 1:
                products.append(r)
        low = [p for p in products if p.vat_rate < 22][:1]
        return customer, [*low, *[p for p in products if p.vat_rate == 22][:5]]
    return session.read(query)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "sfa-documents-shots"))
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "server.db"
    if not db.exists():
        prepare_server_db(f"sqlite:///{db}", "small")
    server = ServerProcess(f"sqlite:///{db}")
    app = QApplication.instance() or QApplication([])
    try:
        for leftover in workdir.glob("ag01.db*"):
            leftover.unlink()
        store = keys.KeyStore(backend=FailKeyring())  # the key wrapped with the password, as on headless Linux
        session = AgentSession(workdir / "ag01.db", server_url=server.url, keystore=store, device_name="screenshots")
        if session.state is SessionState.NEW:
            user = "ag01"
            session.sign_in_first_time(server_url=server.url, username=user, password=f"demo-{user}")
        session.sync()
        for lang in ("it", "en"):
            i18n.set_language(lang)
            shots(app, session, lang)
        session.lock()
    finally:
        server.stop()
    sys.stdout.flush()
    os._exit(0)  # no teardown of Qt objects at interpreter exit (shiboken's finaliser may crash offscreen)


def shots(app: QApplication, session: AgentSession, lang: str) -> None:
    from sfa_desktop.ui.background import Runner
    from sfa_desktop.ui.bridge import EventBridge
    from sfa_desktop.ui.context import AppContext
    from sfa_desktop.ui.documents import actions
    from sfa_desktop.ui.documents.page import DocumentsPage
    from sfa_desktop.ui.documents.signature_pad import SignatureDialog

    runner, bridge = Runner(session), EventBridge(session.events)
    ctx = AppContext(session=session, runner=runner, bridge=bridge)
    customer_id, products = pick(session)
    for kind in ("quote", "order"):
        page = DocumentsPage(ctx, kind)
        page.resize(*SIZE)
        page.show()
        wait(app, lambda page=page: page.list.model.rowCount() > 0 or page.list.empty.isVisible())
        wait(app, lambda page=page: page.list.model.rowCount() == 0
             or page.list.model.data(page.list.model.index(0, 0)) is not None)
        QTest.qWait(100)
        shoot(page, lang, f"{kind}s-list")
        page.close()
    page = DocumentsPage(ctx, "order")
    page.resize(*SIZE)
    page.show()
    page.show_target("new:" + customer_id)
    editor = page.editor
    wait(app, lambda: editor.customer is not None)
    for n, product in enumerate(products, start=1):
        QTest.keyClicks(editor.entry.edit, (f"{n * 2}*" if n % 2 else "") + product.sku)
        QTest.keyClick(editor.entry.edit, Qt.Key.Key_Return)
        wait(app, lambda n=n: len(editor.draft.lines) == n)
    model = editor.lines_model
    model.setData(model.index(1, 6), "30+10")  # a discount above the agent's limit: the office approves it
    model.setData(model.index(2, 3), "900")  # more than the warehouses have
    editor.document_discount.setText("3")
    editor._field("document_discount", "3")
    wait(app, lambda: editor.preview is not None and len(editor.preview.lines) == len(products)
         and editor.preview.document_discount_amount > 0)
    wait(app, lambda: editor.document is not None)
    QTest.qWait(200)
    editor.table.setFocus()
    shoot(page, lang, "editor")
    shoot(editor.totals, lang, "vat-summary")
    editor.change(dataclasses.replace(editor.draft, signature=SIGNATURE), "signature")
    editor.save_now()
    rendered = {}
    page.actions._with_pdf(lambda r: rendered.setdefault("pdf", r))
    wait(app, lambda: "pdf" in rendered)
    preview = actions.PreviewDialog(rendered["pdf"], page.actions._file_name(), page)
    preview.resize(*SIZE)
    preview.show()
    QTest.qWait(100)
    shoot(preview, lang, "pdf-preview")
    bar = preview.view.verticalScrollBar()
    bar.setValue(bar.maximum())
    QTest.qWait(100)
    shoot(preview, lang, "pdf-signed")
    preview.close()
    signature = SignatureDialog(SIGNATURE, page)
    signature.resize(720, 360)
    signature.show()
    QTest.qWait(100)
    shoot(signature, lang, "signature-pad")
    signature.close()
    lost = actions.ReasonDialog(i18n._("Quote lost"), i18n._("Why did the customer say no?"), True, page)
    lost.resize(520, 180)
    lost.show()
    lost._accept()  # empty: the dialog says a reason is needed
    QTest.qWait(50)
    shoot(lost, lang, "lost-reason")
    lost.close()
    page.close()
    runner.wait_idle()
    runner.close()
    bridge.close()


if __name__ == "__main__":
    raise SystemExit(main())
