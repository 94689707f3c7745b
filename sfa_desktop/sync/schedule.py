"""When to sync automatically: every N minutes, soon after the connection returns, and with
growing pauses after failures. Qt-free: the UI calls `tick()` from a timer and runs the sync
on its worker when `tick()` says so."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class AutoSyncPolicy:
    #: Minutes between automatic syncs; 0 turns automatic sync off.
    interval_minutes: float = 15.0
    #: Delay after the connection returns (lets the network settle; avoids a thundering herd).
    reconnect_delay_s: float = 5.0
    #: Longest pause after repeated failures.
    max_backoff_s: float = 30 * 60.0


class AutoSync:
    """Decides when the next automatic sync is due; it never runs anything itself."""

    def __init__(self, policy: AutoSyncPolicy | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy or AutoSyncPolicy()
        self._clock = clock
        self._running = False
        self._failures = 0
        self._online = True
        self._due_at: float | None = None
        self._schedule_after(self.policy.reconnect_delay_s)

    @property
    def due_at(self) -> float | None:
        return self._due_at

    def set_interval(self, minutes: float) -> None:
        """The agent changed the setting: applies from now."""
        if minutes < 0:
            raise ValueError("the sync interval cannot be negative")
        self.policy.interval_minutes = minutes
        self._schedule_after(minutes * 60.0 if minutes else None)

    def connection_lost(self) -> None:
        self._online = False

    def connection_restored(self) -> None:
        """Network is back: sync shortly, even if the regular time is far away."""
        was_offline, self._online = not self._online, True
        if was_offline:
            self._failures = 0
            soon = self._clock() + self.policy.reconnect_delay_s
            if self._due_at is None or soon < self._due_at:
                self._due_at = soon

    def tick(self) -> bool:
        """True when a sync should start now (the caller starts it and reports back)."""
        if self._running or not self._online or self._due_at is None:
            return False
        if self.policy.interval_minutes <= 0:
            return False
        return self._clock() >= self._due_at

    def started(self) -> None:
        self._running = True

    def finished(self, *, ok: bool, transient: bool = True) -> None:
        """After any sync (automatic or by hand). Failures back off: 1, 2, 4... minutes."""
        self._running = False
        if ok:
            self._failures = 0
            self._schedule_after(self.policy.interval_minutes * 60.0 or None)
            return
        self._failures += 1
        if not transient:  # e.g. sign-in needed: wait for the agent, not for the clock
            self._due_at = None
            return
        pause = min(self.policy.max_backoff_s, 60.0 * 2 ** (self._failures - 1))
        self._schedule_after(min(pause, self.policy.interval_minutes * 60.0 or pause))

    def _schedule_after(self, seconds: float | None) -> None:
        self._due_at = None if seconds is None else self._clock() + seconds
