"""Screenshots of the app shell's screens and dialogs, in Italian and English: docs/screenshots/{it,en}/shell-*.png.

Runs offscreen against an embedded demo server on loopback and a real replica:
    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_shell.py
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import create_engine, update

from sfa_desktop import demo
from sfa_desktop.local_db import keys
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.sync.events import Phase, SyncStatus
from sfa_desktop.sync.transport import Transport
from sfa_desktop.ui import app as shell_app
from sfa_desktop.ui.preferences import Preferences
from sfa_desktop.ui.sign_in import FIRST_RUN, FirstRunDialog

OUT = Path(__file__).resolve().parent
NO_KEYRING = keys.KeyStore(backend=FailKeyring())
FAST = functools.partial(Transport, timeout=(2.0, 5.0), max_retries=1, backoff_base=0.02, backoff_cap=0.1)


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def until(condition, timeout_ms: int = 30000) -> None:
    waited = 0
    while not condition():
        if waited > timeout_ms:
            raise TimeoutError("screen did not get ready")
        wait(20)
        waited += 20


def save(widget: QWidget, lang: str, name: str) -> None:
    wait(120)
    path = OUT / lang / f"shell-{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(path))
    print(path.relative_to(OUT.parent.parent))


def shell_for(prefs: Preferences) -> shell_app.Shell:
    session = shell_app.make_session(prefs, keystore=NO_KEYRING, transport_factory=FAST, device_name="laptop")
    return shell_app.Shell(Preferences.load(prefs.data_dir), session=session, log_dir=prefs.log_folder)


def block_customer(database_url: str, customer_id: str, status: str) -> None:
    from sfa_server.models import Customer

    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(update(Customer).where(Customer.id == customer_id).values(status=status))
    engine.dispose()


def shots(lang: str, base: Path, server_url: str, database_url: str) -> None:
    shell_app.apply_language(QApplication.instance(), lang)
    prefs = Preferences(base / lang / "app", log_dir=str(base / lang / "logs"), autolock_minutes=0)
    prefs.save()
    shell = shell_for(prefs)
    shell.start()
    dialog = shell.dialog
    dialog.server.setText(server_url)
    dialog.username.setText("ag01")
    save(dialog, lang, "first-run")
    dialog.password.setText("wrong-password")
    dialog.submit()
    until(lambda: dialog.banner.text() != "" and dialog.sign_in.isEnabled())
    save(dialog, lang, "first-run-error")
    progress = FirstRunDialog(shell.session, shell.runner, shell.bridge, mode=FIRST_RUN)
    progress.pages.setCurrentIndex(1)
    progress.progress.start()
    status = SyncStatus(Phase.PULLING, rows_done=42_000, rows_total=118_500, bytes_received=3_600_000)
    progress.progress.show_status(status)
    progress.progress._pulled_from -= 9.0  # as nine seconds into the pull: the estimate shows
    progress.progress.show_status(status)
    progress.show()
    save(progress, lang, "first-sync-progress")
    progress.close()
    dialog.password.setText("demo-ag01")
    dialog.submit()
    until(lambda: shell.window is not None and shell.window.isVisible())
    window = shell.window
    window.resize(1280, 800)
    until(lambda: "…" not in window.status.last_sync.text())
    save(window, lang, "main-window")

    # the outbox and the conflict inbox: an order waiting, an order the server refused
    from integration_like import some_customer_and_products, submit  # type: ignore[import-not-found]

    replica = shell.session.replica
    customers, products = some_customer_and_products(replica)
    submit(replica, customers[0], products[:2])
    block_customer(database_url, customers[0], "blocked")
    shell.sync.sync_now()
    until(lambda: not shell.sync.running)
    submit(replica, customers[1], products[1:3])
    shell.session.announce(Changes(outbox=True))
    block_customer(database_url, customers[0], "active")
    window.navigate("sync")
    page = window.pages["sync"]
    until(lambda: page.outbox.model.rowCount() == 2 and page.outbox.model.record(1) is not None)
    page.tabs.setCurrentIndex(0)
    save(window, lang, "sync-outbox")
    page.tabs.setCurrentIndex(1)
    until(lambda: page.conflicts.model.record(0) is not None)
    page.conflicts.view.setCurrentIndex(page.conflicts.model.index(0, 0))
    save(window, lang, "sync-conflicts")

    window.navigate("customers")
    window.search.open_search()
    window.search.field.setText("elettr")
    window.search.search()
    until(lambda: window.search.model.rowCount() > 0)
    save(window.search, lang, "search")
    window.search.hide()

    shell.lock()
    until(lambda: shell.session.replica is None)
    save(window, lang, "locked")
    window.overlay.password.setText("demo-ag01")
    window.overlay.submit()
    until(lambda: not window.locked)

    shell.open_settings()
    save(shell.dialog, lang, "settings")
    shell.dialog.reject()
    shell.open_about()
    save(shell.dialog, lang, "about")
    shell.dialog.close()
    shell.crash.on_bug(ZeroDivisionError("an example"))
    save(shell.crash.dialog, lang, "crash")
    shell.crash.dialog.close()
    shell.on_sign_in_required(None)
    save(shell.dialog, lang, "session-expired")
    shell.dialog.reject()
    shell.show_revoked(then=lambda: None)
    save(shell.dialog, lang, "revoked")
    shell.dialog.close()
    shell.explain_damaged()
    save(shell.dialog, lang, "damaged")
    shell.dialog.close()
    shell.close()

    again = shell_for(prefs)
    again.start()
    until(lambda: again.dialog is not None)
    save(again.dialog, lang, "unlock")
    again.close()


def main() -> int:
    sys.path.insert(0, str(OUT))
    app = shell_app.application(["make_shell"])
    app.setStyle("Fusion")
    base = Path(tempfile.mkdtemp(prefix="sfa-shots-"))
    database_url = f"sqlite:///{base / 'server.sqlite'}"
    demo._load_server(database_url, "small", 7)
    server = demo.EmbeddedServer(database_url)
    server.start()
    try:
        for lang in ("it", "en"):
            shots(lang, base, server.url, database_url)
    except BaseException:
        import traceback

        traceback.print_exc()  # the shell's crash hook would only queue it
        return 1
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
