"""Sync status and progress as plain events, a listener registry, and a cancellation token.

The engine emits `SyncStatus` snapshots; the UI bridges them to Qt signals on its own thread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sfa_desktop.sync.errors import SyncCancelledError

log = logging.getLogger(__name__)


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
    #: The last failure in the agent's words; cleared by a successful sync.
    last_error: str | None = None

    @property
    def fraction(self) -> float | None:
        """Progress 0..1 for a progress bar, or None when the total is unknown."""
        if not self.rows_total:
            return None
        return min(1.0, self.rows_done / self.rows_total)


Listener = Callable[[SyncStatus], None]


class SyncListeners:
    """Callbacks told about every status change, on the thread that runs the sync."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._status = SyncStatus()

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
