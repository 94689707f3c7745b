"""Automatic sync timing, status events, cancellation and the one-sync-at-a-time lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sfa_desktop.sync.errors import SyncCancelledError, SyncInProgressError
from sfa_desktop.sync.events import CancelToken, Phase, SyncListeners, SyncStatus
from sfa_desktop.sync.locking import SyncLock
from sfa_desktop.sync.schedule import AutoSync, AutoSyncPolicy


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_auto_sync_every_interval_and_soon_after_reconnect() -> None:
    clock = Clock()
    auto = AutoSync(AutoSyncPolicy(interval_minutes=10, reconnect_delay_s=5), clock=clock)
    assert not auto.tick()
    clock.now += 5
    assert auto.tick()
    auto.started()
    assert not auto.tick()  # never two at once
    auto.finished(ok=True)
    clock.now += 9 * 60
    assert not auto.tick()
    auto.connection_lost()
    clock.now += 30
    assert not auto.tick()
    clock.now += 600
    assert not auto.tick()  # due, but offline: nothing to try
    auto.connection_restored()
    assert auto.tick()  # overdue: right away
    auto.started()
    auto.finished(ok=True)
    auto.connection_lost()
    clock.now += 60
    auto.connection_restored()  # the regular time is 9 minutes away: sync soon instead
    assert not auto.tick()
    clock.now += 5
    assert auto.tick()


def test_failures_back_off_and_sign_in_problems_wait_for_the_agent() -> None:
    clock = Clock()
    auto = AutoSync(AutoSyncPolicy(interval_minutes=60, reconnect_delay_s=0), clock=clock)
    pauses = []
    for _ in range(4):
        auto.started()
        auto.finished(ok=False)
        pauses.append(auto.due_at - clock.now)
    assert pauses == [60, 120, 240, 480]
    auto.finished(ok=False, transient=False)
    clock.now += 10_000
    assert not auto.tick()


def test_interval_zero_turns_auto_sync_off_and_negative_is_refused() -> None:
    clock = Clock()
    auto = AutoSync(clock=clock)
    auto.set_interval(0)
    clock.now += 10**6
    assert not auto.tick()
    with pytest.raises(ValueError):
        auto.set_interval(-1)


def test_listeners_get_snapshots_and_a_broken_listener_does_not_stop_others() -> None:
    listeners = SyncListeners()
    seen: list[SyncStatus] = []

    def broken(_: SyncStatus) -> None:
        raise RuntimeError("display bug")

    listeners.subscribe(broken)
    unsubscribe = listeners.subscribe(seen.append)
    listeners.update(phase=Phase.PULLING, rows_done=50, rows_total=200)
    assert seen[-1].phase == Phase.PULLING and seen[-1].fraction == 0.25
    unsubscribe()
    listeners.update(phase=Phase.IDLE)
    assert len(seen) == 1 and listeners.status.phase == Phase.IDLE


def test_cancel_token() -> None:
    token = CancelToken()
    token.raise_if_cancelled()
    token.cancel()
    with pytest.raises(SyncCancelledError):
        token.raise_if_cancelled()


def test_lock_refuses_a_second_sync_in_this_and_another_process(tmp_path: Path) -> None:
    path = tmp_path / "r.db.sync-lock"
    with SyncLock(path):
        with pytest.raises(SyncInProgressError), SyncLock(path):
            pass
        code = ("import sys; from sfa_desktop.sync.locking import SyncLock\n"
                "from sfa_desktop.sync.errors import SyncInProgressError\n"
                f"try:\n    SyncLock({str(path)!r}).acquire()\n"
                "except SyncInProgressError:\n    sys.exit(7)\n")
        assert subprocess.run([sys.executable, "-c", code], timeout=30).returncode == 7
    with SyncLock(path):  # released again
        pass
