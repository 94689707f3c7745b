"""The installation check's window: what `sfa-desktop smoke-test` found, on one small Qt form, grabbed to a PNG.

It proves that the bundle's Qt (its platform plugins, fonts and the translations) can draw a real
window; the main window is shown instead when the build has one (commands/smoke_test.py).
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLibraryInfo, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QVBoxLayout, QWidget

from sfa_desktop.i18n import _, datetime, qty


@dataclass(frozen=True)
class SmokeFacts:
    """What the smoke test measured, as plain values: the window formats them in the UI language."""

    version: str
    server_url: str
    username: str
    customers: int
    products: int
    synced_at: object  # datetime.datetime of the sync, shown in the user's format


class SmokeWindow(QWidget):
    def __init__(self, facts: SmokeFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("smokeWindow")
        self.setWindowTitle(_("SFA Desktop: installation check"))
        heading = QLabel(_("The application is installed and works."))
        heading.setObjectName("smokeHeading")
        heading.setWordWrap(True)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        form = QFormLayout()
        rows = (
            ("version", _("Version"), facts.version),
            ("server", _("Server"), facts.server_url),
            ("agent", _("Agent"), facts.username),
            ("customers", _("Customers in the local database"), qty(Decimal(facts.customers))),
            ("products", _("Products in the local database"), qty(Decimal(facts.products))),
            ("synced", _("Last sync"), datetime(facts.synced_at)),
        )
        for key, label, value in rows:
            field = QLabel(value)
            field.setObjectName(f"smoke_{key}")
            field.setAccessibleName(label)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addStretch(1)
        self.resize(640, 320)


def _main_window(session: Any) -> tuple[QWidget, Callable[[], None]] | None:
    """The app's main window around this session, when the build has one (it arrives with the shell)."""
    if importlib.util.find_spec("sfa_desktop.ui.main_window") is None:
        return None
    from sfa_desktop.ui import main_window
    from sfa_desktop.ui.background import Runner
    from sfa_desktop.ui.bridge import EventBridge
    from sfa_desktop.ui.context import AppContext

    runner = Runner(session)
    bridge = EventBridge(session.events)
    ctx = AppContext(session=session, runner=runner, bridge=bridge)
    factory = getattr(main_window, "create_main_window", None)
    if factory is not None:
        window = factory(ctx)
    elif list(inspect.signature(main_window.MainWindow).parameters)[:1] == ["ctx"]:
        window = main_window.MainWindow(ctx)
    else:  # the shell's MainWindow(session, runner, bridge) builds its own AppContext
        window = main_window.MainWindow(session, runner, bridge)

    def close() -> None:
        window.close()
        runner.close()
        bridge.close()

    return window, close


def grab_window(facts: SmokeFacts, session: Any, target: Path) -> str:
    """Show the main window (else the check's own window) at 1280x800, let it draw, save a PNG."""
    app = QApplication.instance() or QApplication([sys.argv[0]])  # QT_QPA_PLATFORM picks the platform
    made = _main_window(session)
    if made is None:
        window, close = SmokeWindow(facts), None
    else:
        window, close = made
    window.resize(1280, 800)
    window.show()
    deadline = time.monotonic() + 3.0  # the screens load their rows in the background: give them time
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    image = window.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    if len(colours) < 3:
        raise RuntimeError("the window drew nothing")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target), "PNG"):
        raise RuntimeError(f"cannot write {target}")
    name = type(window).__name__
    if close is not None:
        close()
    else:
        window.close()
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    found = sorted(p.name.split(".")[0].removeprefix("libq") for p in plugins.glob("*") if p.is_file())
    return (f"{name} {image.width()}x{image.height()} on '{QGuiApplication.platformName()}' "
            f"(platform plugins: {', '.join(found)}) -> {target}")
