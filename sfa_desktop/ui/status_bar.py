"""The main window's status bar: online or offline, commands waiting, the last sync ("2 hours ago")
and open conflicts. Redrawn from the bridge's signals; a minute timer only ages the "ago" text."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from sfa_desktop.i18n import _, ago, ngettext, tr
from sfa_desktop.operations.read.sync import sync_summary
from sfa_desktop.ui.background import ReplicaOp, Runner
from sfa_desktop.ui.bridge import EventBridge


class SyncStatusBar(QStatusBar):
    """`refresh()` re-reads the summary; `conflicts_clicked` opens the Sync section."""

    conflicts_clicked = Signal()

    def __init__(self, runner: Runner, bridge: EventBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("statusBar")
        self.connection = QLabel(self)
        self.connection.setObjectName("statusConnection")
        self.waiting = QLabel(self)
        self.waiting.setObjectName("statusWaiting")
        self.last_sync = QLabel(self)
        self.last_sync.setObjectName("statusLastSync")
        self.conflicts = QPushButton(self)
        self.conflicts.setObjectName("statusConflicts")
        self.conflicts.setFlat(True)
        self.conflicts.clicked.connect(self.conflicts_clicked)
        for widget in (self.connection, self.waiting, self.last_sync, self.conflicts):
            widget.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(widget)
        self.online, self.syncing = True, False
        self.last_success: dt.datetime | None = None
        self.show_connection()
        self.show_waiting(0)
        self.show_conflicts(0)
        self.show_last_sync(None)
        bridge.outbox_changed.connect(self.show_waiting)
        bridge.conflicts_changed.connect(self.show_conflicts)
        bridge.sync_started.connect(lambda: self.set_syncing(True))
        bridge.sync_finished.connect(lambda _report: self.refresh())
        bridge.sync_failed.connect(lambda _error: self.refresh())
        bridge.unlocked.connect(self.refresh)
        self.minute = QTimer(self)
        self.minute.setInterval(60_000)
        self.minute.timeout.connect(lambda: self.show_last_sync(self.last_success))
        self.minute.start()

    def refresh(self) -> None:
        ReplicaOp(self, lambda agent: agent.read(sync_summary)).success(self._summary) \
            .failure(lambda _error: None).run(self.runner)

    def _summary(self, summary) -> None:
        self.show_waiting(summary.waiting)
        self.show_conflicts(summary.open_conflicts)
        self.show_last_sync(summary.last_success_at)

    def set_online(self, online: bool) -> None:
        self.online = online
        self.show_connection()

    def set_syncing(self, syncing: bool) -> None:
        self.syncing = syncing
        self.show_connection()

    def show_connection(self) -> None:
        if self.syncing:
            text = _("Syncing…")
        else:
            text = _("Online") if self.online else _("Offline: your work is kept and sent later")
        self.connection.setText(text)
        self.connection.setAccessibleName(text)

    def show_waiting(self, count: int) -> None:
        text = ngettext("{n} change waiting to be sent", "{n} changes waiting to be sent", count).format(n=count) \
            if count else _("Nothing waiting to be sent")
        self.waiting.setText(text)
        self.waiting.setAccessibleName(text)

    def show_conflicts(self, count: int) -> None:
        text = ngettext("{n} conflict to settle", "{n} conflicts to settle", count).format(n=count)
        self.conflicts.setText(text)
        self.conflicts.setAccessibleName(text)
        self.conflicts.setVisible(count > 0)

    def show_last_sync(self, when: dt.datetime | None) -> None:
        self.last_success = when
        if when is None:
            text = _("Never synced")
        else:
            aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
            text = tr("Last sync {when}", when=ago(aware))
        self.last_sync.setText(text)
        self.last_sync.setAccessibleName(text)
