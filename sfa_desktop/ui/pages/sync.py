"""The Sync section: the sync's progress and "Sync now", the outbox, the conflict inbox and the updates.

The shell hands the page its sync controls through `ctx.extras["sync"]` (the SyncController), so
"Sync now" here and F5 start the same sync on the network worker.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from sfa_desktop.i18n import _, ago, ngettext, render, tr
from sfa_desktop.operations.read.sync import sync_summary
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.sync_inbox import ConflictPanel, OutboxPanel, UpdatesPanel
from sfa_desktop.ui.widgets.sync_progress import SyncProgress

OUTBOX, CONFLICTS, UPDATES = 0, 1, 2


class SyncPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("syncPage")
        self.summary = QLabel(self)
        self.summary.setObjectName("syncSummary")
        self.summary.setWordWrap(True)
        self.sync_button = QPushButton(_("Sync now (F5)"), self)
        self.sync_button.setObjectName("syncNowButton")
        self.sync_button.setAccessibleName(_("Sync now"))
        self.sync_button.clicked.connect(self.sync_now)
        self.progress = SyncProgress(self)
        self.progress.hide()
        self.progress.cancelled.connect(self.cancel)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.sync_button)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("syncTabs")
        self.outbox = OutboxPanel(ctx, self.tabs)
        self.conflicts = ConflictPanel(ctx, self.tabs)
        self.updates = UpdatesPanel(ctx, self.tabs)
        self.tabs.addTab(self.outbox, _("Outbox"))
        self.tabs.addTab(self.conflicts, _("Conflicts"))
        self.tabs.addTab(self.updates, _("Updates"))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.tabs, 1)
        bridge = ctx.bridge
        bridge.sync_started.connect(self._started)
        bridge.sync_progressed.connect(self.progress.show_status)
        bridge.sync_finished.connect(lambda _r: self._ended())
        bridge.sync_failed.connect(lambda _e: self._ended())
        for signal in (bridge.outbox_changed, bridge.conflicts_changed):
            signal.connect(lambda _n: self.refresh())
        bridge.unlocked.connect(self.refresh)
        self.outbox.model.loaded.connect(lambda n: self._tab(OUTBOX, _("Outbox"), n))
        self.conflicts.model.loaded.connect(lambda n: self._tab(CONFLICTS, _("Conflicts"), n))
        self.updates.model.loaded.connect(lambda n: self._tab(UPDATES, _("Updates"), n))
        for panel in (self.outbox, self.conflicts, self.updates):
            panel.model.reload()
        self.refresh()
        self.setTabOrder(self.sync_button, self.tabs)

    def _tab(self, index: int, title: str, count: int) -> None:
        self.tabs.setTabText(index, f"{title} ({count})" if count else title)

    def refresh(self) -> None:
        ReplicaOp(self, lambda agent: agent.read(sync_summary)).success(self._summary) \
            .failure(lambda _e: None).run(self.ctx.runner)

    def _summary(self, summary) -> None:
        parts = [tr("Last sync {when}", when=ago(summary.last_success_at)) if summary.last_success_at
                 else _("Never synced")]
        parts.append(ngettext("{n} change waiting", "{n} changes waiting", summary.waiting).format(n=summary.waiting))
        parts.append(ngettext("{n} conflict", "{n} conflicts", summary.open_conflicts)
                     .format(n=summary.open_conflicts))
        parts.append(ngettext("{n} new update", "{n} new updates", summary.unseen_updates)
                     .format(n=summary.unseen_updates))
        text = " · ".join(parts)
        if summary.last_error is not None:
            text += "\n" + tr("Last attempt: {why}", why=render(summary.last_error))
        self.summary.setText(text)

    def _controller(self):
        return self.ctx.extras.get("sync")

    def sync_now(self) -> None:
        controller = self._controller()
        if controller is not None and not controller.sync_now():
            self.ctx.show_message(_("A sync is already running."))

    def cancel(self) -> None:
        controller = self._controller()
        if controller is not None:
            controller.cancel()

    def _started(self) -> None:
        self.progress.start()
        self.progress.show()
        self.sync_button.setEnabled(False)

    def _ended(self) -> None:
        self.progress.finish()
        self.progress.hide()
        self.sync_button.setEnabled(True)
        self.refresh()

    def show_target(self, target: str) -> None:
        """"outbox", "conflicts", "updates", or a conflict's id."""
        tabs = {"outbox": OUTBOX, "conflicts": CONFLICTS, "updates": UPDATES}
        if target in tabs:
            self.tabs.setCurrentIndex(tabs[target])
            return
        self.tabs.setCurrentIndex(CONFLICTS)
        self.conflicts.select(target)


def create(ctx) -> QWidget:
    return SyncPage(ctx)
