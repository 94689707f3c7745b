"""The core's events re-emitted as Qt signals on the GUI thread, with redraws coalesced.

After Electrum's `QtEventListener`: the core (`sync.events.EventBus`) calls listeners on whatever
thread emits (a sync worker, the replica worker); the bridge hands each event to the GUI thread
through a queued signal and re-emits it there. Stream changes arriving within `COALESCE_MS` are
merged into one `streams_changed(Changes)`, so a sync of 80 pages redraws a list a few times, not
80; the status events (sync progress, outbox, conflicts) keep only their latest value.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from sfa_desktop.local_db.changes import Changes
from sfa_desktop.sync.events import Event, EventBus

COALESCE_MS = 60


class EventBridge(QObject):
    """Subscribe a screen to `bridge.streams_changed` etc.; never to the EventBus directly."""

    streams_changed = Signal(object)  # (Changes) merged over COALESCE_MS
    outbox_changed = Signal(int)  # (commands waiting)
    conflicts_changed = Signal(int)  # (open conflicts)
    sync_started = Signal()
    sync_progressed = Signal(object)  # (SyncStatus), the latest only
    sync_finished = Signal(object)  # (SyncReport)
    sync_failed = Signal(object)  # (SyncError)
    sign_in_required = Signal(object)  # (SyncError)
    device_revoked = Signal(object)  # (SyncError)
    decisions_arrived = Signal(object)  # (list[Decision])
    locked = Signal()
    unlocked = Signal()

    _relay = Signal(str, object)

    def __init__(self, events: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relay.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = [events.subscribe(event, self._forwarder(event)) for event in Event]
        self._changes: Changes | None = None
        self._progress: Any = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self.flush)

    def _forwarder(self, event: Event):
        def forward(*args: object) -> None:
            self._relay.emit(event.value, args)

        return forward

    @Slot(str, object)
    def _dispatch(self, name: str, args: tuple[object, ...]) -> None:
        event = Event(name)
        if event is Event.STREAMS_CHANGED:
            changes = args[0]
            self._changes = changes if self._changes is None else self._changes | changes
            if not self._timer.isActive():
                self._timer.start()
            return
        if event is Event.SYNC_PROGRESSED:
            self._progress = args[0]
            if not self._timer.isActive():
                self._timer.start()
            return
        if event in (Event.SYNC_FINISHED, Event.SYNC_FAILED, Event.LOCKED):
            self.flush()  # what the sync changed is drawn before its end is announced
        getattr(self, event.value).emit(*args)

    @Slot()
    def flush(self) -> None:
        """Emit what is waiting now (also called by tests instead of waiting for the timer)."""
        self._timer.stop()
        changes, self._changes = self._changes, None
        progress, self._progress = self._progress, None
        if progress is not None:
            self.sync_progressed.emit(progress)
        if changes is not None and not changes.empty:
            self.streams_changed.emit(changes)

    def close(self) -> None:
        for undo in self._unsubscribe:
            undo()
        self._unsubscribe = []
