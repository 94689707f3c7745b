"""A sync's progress: a real bar (rows so far of the estimate), KiB received, time left, Cancel.

Fed with the engine's `SyncStatus` snapshots (through `EventBridge.sync_progressed`); the time
left is the rows still to come at the pace of the rows seen so far, shown once there is a pace.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from sfa_desktop.i18n import N_, _, tr
from sfa_desktop.sync.events import Phase, SyncStatus

PHASES = {Phase.CONNECTING: N_("Connecting to the server…"), Phase.PUSHING: N_("Sending your changes…"),
          Phase.PULLING: N_("Receiving the data…"), Phase.VERIFYING: N_("Checking the data…"),
          Phase.IDLE: N_("Ready")}
#: Seconds of pace needed before a time left is promised.
MIN_PACE_S = 1.0


def time_left(rows_done: int, rows_total: int | None, elapsed: float) -> float | None:
    """Seconds still to go at the pace so far, or None when there is no pace or total yet."""
    if not rows_total or rows_done <= 0 or elapsed < MIN_PACE_S:
        return None
    return max(0.0, (rows_total - rows_done) * elapsed / rows_done)


def time_left_text(seconds: float | None) -> str:
    if seconds is None:
        return _("estimating the time left…")
    if seconds < 60:
        return tr("about {n:qty} seconds left", n=max(1, round(seconds)))
    return tr("about {n:qty} minutes left", n=round(seconds / 60))


class SyncProgress(QWidget):
    """`start()`, `show_status(status)` for every snapshot, `finish()`; `cancelled` when Cancel is pressed."""

    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncProgress")
        self.phase = QLabel(_(PHASES[Phase.IDLE]), self)
        self.phase.setObjectName("syncPhase")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("syncBar")
        self.bar.setAccessibleName(_("Sync progress"))
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        self.detail = QLabel("", self)
        self.detail.setObjectName("syncDetail")
        self.cancel = QPushButton(_("Cancel"), self)
        self.cancel.setObjectName("syncCancel")
        self.cancel.setAccessibleName(_("Cancel the sync"))
        self.cancel.clicked.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.phase)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel)
        layout.addLayout(row)
        layout.addWidget(self.detail)
        self._started = time.monotonic()
        self._pulled_from: float | None = None
        self.status: SyncStatus | None = None

    def start(self) -> None:
        self._started = time.monotonic()
        self._pulled_from = None
        self.status = None
        self.phase.setText(_(PHASES[Phase.CONNECTING]))
        self.bar.setRange(0, 0)  # busy until the server says how much is coming
        self.detail.setText("")
        self.cancel.setEnabled(True)
        self.cancel.setText(_("Cancel"))

    def show_status(self, status: SyncStatus) -> None:
        self.status = status
        self.phase.setText(_(PHASES.get(status.phase, PHASES[Phase.IDLE])))
        if status.phase is Phase.PULLING and self._pulled_from is None:
            self._pulled_from = time.monotonic()
        fraction = status.fraction
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))
        kib = status.bytes_received // 1024
        if status.rows_total:
            rows = tr("{done:qty} of {total:qty} rows", done=status.rows_done, total=status.rows_total)
        else:
            rows = tr("{done:qty} rows", done=status.rows_done)
        elapsed = time.monotonic() - (self._pulled_from or self._started)
        left = time_left(status.rows_done, status.rows_total, elapsed) if status.phase is Phase.PULLING else None
        parts = [rows, tr("{kib:qty} KiB received", kib=kib)]
        if status.phase is Phase.PULLING and status.rows_total:
            parts.append(time_left_text(left))
        self.detail.setText(" · ".join(parts))
        self.bar.setAccessibleDescription(self.detail.text())

    def finish(self) -> None:
        self.bar.setRange(0, 1000)
        self.bar.setValue(1000)
        self.phase.setText(_(PHASES[Phase.IDLE]))
        self.cancel.setEnabled(False)

    def _cancel(self) -> None:
        self.cancel.setEnabled(False)
        self.cancel.setText(_("Cancelling…"))
        self.cancelled.emit()
