"""Screenshots of the sales office's workspace, in Italian and English (1280x800 windows):
docs/screenshots/{it,en}/office-{queue,detail,reject,already-decided,prospects,devices}.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_office.py

A real server on loopback with the small demo company; the window talks to it as it would in use.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx
import uvicorn
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from sfa_desktop import i18n
from sfa_desktop.office.client import OfficeClient
from sfa_desktop.sync import protocol
from sfa_desktop.ui.office import OfficeLaunch, open_office_window
from sfa_desktop.ui.office.decisions import NoteDialog

OUT = Path(__file__).resolve().parent


def start_server(db: Path) -> str:
    import datetime as dt
    import socket

    from sfa_server import demo_data
    from sfa_server.app import create_app
    from sfa_server.db import init_database

    engine = init_database(f"sqlite:///{db}")
    demo_data.load(engine, demo_data.generate("small", 7, today=dt.date.today()))
    engine.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(f"sqlite:///{db}"), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    headers = {protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)}
    tokens = {}
    for agent, name in (("ag01", "Portatile di Marco (Windows 11)"), ("ag02", "Portatile di Giulia (Ubuntu)")):
        r = httpx.post(f"{url}/api/v1/auth/login", headers=headers,
                       json={"username": agent, "password": f"demo-{agent}", "device_id": str(uuid.uuid4()),
                             "device_name": name})
        r.raise_for_status()
        tokens[agent] = r.json()["access_token"]
    # a prospect that is a customer the company already has (same VAT number): the review finds it
    import sqlite3

    with sqlite3.connect(db) as conn:
        name, vat, city = conn.execute("SELECT name, vat_number, city FROM customers WHERE status = 'active' "
                                       "AND vat_number IS NOT NULL ORDER BY name LIMIT 1").fetchone()
    command = {"id": str(uuid.uuid4()), "type": "prospect.create", "payload": {
        "customer_id": str(uuid.uuid4()), "name": name.replace("S.r.l.", "srl"), "vat_number": vat, "city": city,
        "phone": "+39 02 5550 1234", "street": "Via Torino 12"}}
    httpx.post(f"{url}/api/v1/sync/push", headers={**headers, "Authorization": f"Bearer {tokens['ag01']}"},
               json={"commands": [command]}).raise_for_status()
    return url


def settle(ms: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the window did not get there in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def save(widget: QWidget, lang: str, name: str) -> None:
    settle()
    path = OUT / lang / f"office-{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(path))
    print(path.relative_to(OUT.parent.parent))


def shoot(url: str, lang: str) -> None:
    i18n.set_language(lang)
    window = open_office_window(OfficeLaunch(url, "admin", "demo-admin"))
    window.resize(1280, 800)
    approvals = window.approvals
    wait_for(lambda: approvals.model.total > 3)
    approvals.table.selectRow(1)
    wait_for(lambda: approvals.detail is not None)
    save(window, lang, "queue")
    approvals.order_view.tabs.setCurrentIndex(1)
    save(window, lang, "detail")
    approvals.order_view.tabs.setCurrentIndex(0)

    dialog = NoteDialog(window, number=approvals.detail.order.number, reject=True)
    dialog.note.setPlainText("Sconto del 45% fuori politica: rifare l'ordine al massimo al 22%, poi lo approviamo."
                             if lang == "it" else "A 45% discount is outside the policy: redo the order at 22% "
                             "at most and we approve it.")
    dialog.show()
    save(dialog, lang, "reject")
    dialog.close()

    order = approvals.detail.order
    colleague = OfficeClient.sign_in(url, "ufficio", "demo-ufficio")
    colleague.reject(order.id, "Fuori fido" if lang == "it" else "Over the credit limit")
    colleague.close()
    approvals.decide(approve=True, with_note=False)
    wait_for(lambda: "ufficio" in approvals.banner.text)
    wait_for(lambda: approvals.detail.order.status == "rejected")
    save(window, lang, "already-decided")

    window.tabs.setCurrentIndex(1)
    wait_for(lambda: window.prospects.table.rowCount() > 0)
    prospects = window.prospects.prospects
    window.prospects.table.selectRow(next(i for i, p in enumerate(prospects) if p.candidates))
    settle()
    save(window, lang, "prospects")

    window.tabs.setCurrentIndex(2)
    wait_for(lambda: window.admin.device_table.rowCount() > 0)
    window.admin.customer_search.setText("Bar")
    window.admin._search()
    wait_for(lambda: window.admin.customer_table.rowCount() > 0)
    save(window, lang, "devices")
    window.close()
    settle(200)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        url = start_server(Path(tmp) / "server.db")
        for lang in ("it", "en"):
            shoot(url, lang)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
