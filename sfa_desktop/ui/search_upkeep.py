"""Keeps the replica's search fast after syncs and edits, in small steps when the replica is idle.

The search indexes do not merge their segments in the commit of the write that changed the words
(`local_db.search.AUTOMERGE`): that made a sync of 100 changed product descriptions 10-25 ms
slower. After a change to products or customers this object runs one bounded merge step
(`AgentSession.tidy_search`, ~2 ms, at worst ~18 ms) on the replica worker whenever nothing else is
queued there, until there is nothing left to merge, so a keystroke waits behind one step at most.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from sfa_desktop.local_db.changes import Changes
from sfa_desktop.ui.background import ReplicaOp, Runner

log = logging.getLogger(__name__)

#: The streams whose rows the search indexes hold.
SEARCHED = ("products", "customers")
#: Wait after a change before the first step (a sync announces its pages one after another).
DELAY_MS = 1000
#: Between two steps, or while other replica work is queued.
STEP_MS = 100
#: Steps after one change at most (the rest waits for the next change; FTS5 bounds the index anyway).
MAX_STEPS = 200


class SearchUpkeep(QObject):
    """Listen with `on_changes`; `tidied` once nothing is left to merge."""

    tidied = Signal()

    def __init__(self, runner: Runner, parent: QObject | None = None, *, delay_ms: int = DELAY_MS,
                 step_ms: int = STEP_MS) -> None:
        super().__init__(parent)
        self.runner = runner
        self._delay_ms, self._step_ms = delay_ms, step_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._step)
        self._steps = 0
        self._running = False
        self._again = False  # a change came while a step ran: its segments need steps too

    def on_changes(self, changes: Changes) -> None:
        """Connect to EventBridge.streams_changed."""
        if not changes.touches(*SEARCHED):
            return
        self._steps = 0
        if self._running:
            self._again = True
        elif not self._timer.isActive():
            self._timer.start(self._delay_ms)

    @property
    def pending(self) -> bool:
        return self._running or self._timer.isActive()

    def _step(self) -> None:
        if self.runner.busy:  # a search or an edit is queued: it goes first
            self._timer.start(self._step_ms)
            return
        self._running = True
        ReplicaOp(self, lambda agent: agent.tidy_search()).success(self._stepped).failure(self._failed) \
            .run(self.runner)

    def _stepped(self, more: bool) -> None:
        self._running = False
        self._steps += 1
        more, self._again = more or self._again, False
        if more and self._steps < MAX_STEPS:
            self._timer.start(self._step_ms)
        elif not self._timer.isActive():
            self.tidied.emit()

    def _failed(self, error: BaseException) -> None:
        # Locked or closed meanwhile: the next change asks again; search is right either way.
        self._running = False
        log.info("search upkeep skipped: %s", error)
