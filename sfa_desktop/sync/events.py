"""Named events from the core, sync status snapshots, and a cancellation token.

The core tells whoever listens what happened (`EventBus`, after Electrum's callbacks): streams
changed (with ids), outbox changed, conflicts changed, sync started / progressed / finished /
failed, sign-in required, device revoked, decisions arrived, locked / unlocked. Listeners run on
the thread that emits; the UI re-emits them on its own thread through one bridge.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sfa_desktop.domain.messages import Message
from sfa_desktop.sync.errors import SyncCancelledError

log = logging.getLogger(__name__)


class Event(enum.StrEnum):
    """The events the core emits, with the arguments each listener receives."""

    STREAMS_CHANGED = "streams_changed"  # (changes: Changes)
    OUTBOX_CHANGED = "outbox_changed"  # (pending: int)
    CONFLICTS_CHANGED = "conflicts_changed"  # (open: int)
    SYNC_STARTED = "sync_started"  # ()
    SYNC_PROGRESSED = "sync_progressed"  # (status: SyncStatus)
    SYNC_FINISHED = "sync_finished"  # (report: SyncReport)
    SYNC_FAILED = "sync_failed"  # (error: SyncError)
    SIGN_IN_REQUIRED = "sign_in_required"  # (error: SyncError)
    DEVICE_REVOKED = "device_revoked"  # (error: SyncError)
    DECISIONS_ARRIVED = "decisions_arrived"  # (decisions: list[Decision])
    LOCKED = "locked"  # ()
    UNLOCKED = "unlocked"  # ()


class EventBus:
    """Callbacks by event name. `register(obj)` subscribes every `on_event_<name>` method of obj."""

    def __init__(self) -> None:
        self._callbacks: dict[Event, list[Callable[..., None]]] = {}
        self._lock = threading.Lock()

    def subscribe(self, event: Event, callback: Callable[..., None]) -> Callable[[], None]:
        with self._lock:
            self._callbacks.setdefault(Event(event), []).append(callback)

        def unsubscribe() -> None:
            with self._lock:
                callbacks = self._callbacks.get(Event(event), [])
                if callback in callbacks:
                    callbacks.remove(callback)

        return unsubscribe

    def register(self, listener: object) -> Callable[[], None]:
        """Subscribe the listener's on_event_<name> methods; returns one function that removes all."""
        undo = [self.subscribe(event, getattr(listener, f"on_event_{event.value}"))
                for event in Event if callable(getattr(listener, f"on_event_{event.value}", None))]

        def unregister() -> None:
            for u in undo:
                u()

        return unregister

    def emit(self, event: Event, *args: object) -> None:
        with self._lock:
            callbacks = list(self._callbacks.get(Event(event), ()))
        for callback in callbacks:
            try:
                callback(*args)
            except Exception:
                # A broken screen must not break the core; the bug is still logged in full.
                log.exception("listener %r of %s failed", callback, event.value)


class Phase(enum.StrEnum):
    CONNECTING = "connecting"
    PUSHING = "pushing"
    PULLING = "pulling"
    VERIFYING = "verifying"
    IDLE = "idle"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """One snapshot of the sync, enough to draw a status bar and a progress bar."""

    phase: Phase = Phase.IDLE
    rows_done: int = 0
    #: Estimate of the rows this sync will bring; None when unknown (show a busy bar).
    rows_total: int | None = None
    bytes_received: int = 0
    bytes_sent: int = 0
    commands_sent: int = 0
    pending_commands: int = 0
    conflicts: int = 0
    last_success: dt.datetime | None = None
    #: The last failure, as a message in the agent's words; cleared by a successful sync.
    last_error: Message | None = None

    @property
    def fraction(self) -> float | None:
        """Progress 0..1 for a progress bar, or None when the total is unknown."""
        if not self.rows_total:
            return None
        return min(1.0, self.rows_done / self.rows_total)


Listener = Callable[[SyncStatus], None]


class SyncListeners:
    """Callbacks told about every status change, on the thread that runs the sync."""

    def __init__(self, events: EventBus | None = None) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._status = SyncStatus()
        self.events = events

    @property
    def status(self) -> SyncStatus:
        return self._status

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add `listener`; returns a function that removes it again."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def update(self, **changes: object) -> SyncStatus:
        """Change fields of the current status and tell every listener."""
        with self._lock:
            self._status = dataclasses.replace(self._status, **changes)  # type: ignore[arg-type]
            status, listeners = self._status, list(self._listeners)
        for listener in listeners:
            try:
                listener(status)
            except Exception:
                # A broken display must not break the sync; the bug is still logged in full.
                log.exception("sync status listener %r failed", listener)
        if self.events is not None:
            self.events.emit(Event.SYNC_PROGRESSED, status)
        return status


class CancelToken:
    """Set from any thread; the engine checks it between pages and between commands."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise SyncCancelledError("cancelled by the user")


@dataclass(frozen=True, slots=True)
class Decision:
    """The office decided an order the agent sent: approved or rejected, with its note."""

    order_id: str
    number: str
    customer_id: str
    status: str
    note: str | None
    decided_by: str | None
