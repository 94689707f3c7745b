"""When the app syncs: every N minutes, soon after the connection returns, after failures with growing
pauses (the core's `AutoSync` decides), and at once on "Sync now" (F5). Always on the network worker.

Being offline is normal: a sync that cannot reach the server only turns the status bar to
"offline" and is tried again later; no dialog. Sign-in and a revoked device are the shell's
business (the bridge's `sign_in_required` and `device_revoked`).
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, QTimer, Signal

from sfa_desktop.sync.errors import (
    AuthenticationRequiredError,
    CertificateError,
    DeviceRevokedError,
    LoginFailedError,
    ServerUnreachableError,
    SyncCancelledError,
    SyncError,
    SyncInProgressError,
)
from sfa_desktop.sync.events import CancelToken
from sfa_desktop.ui.background import NetworkOp, Runner

log = logging.getLogger(__name__)
#: How often the timer asks `session.sync_due()` (cheap: a clock comparison).
POLL_MS = 10_000


class SyncController(QObject):
    """Starts syncs; tells the window whether the server answers and whether a sync runs."""

    online_changed = Signal(bool)
    running_changed = Signal(bool)
    #: (error): a sync failed for a reason the agent may want to read (not offline, not cancelled).
    problem = Signal(object)
    #: (report): a sync finished.
    synced = Signal(object)

    def __init__(self, session, runner: Runner, parent: QObject | None = None, *, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.session, self.runner = session, runner
        self.online = True
        self.running = False
        self.last_error: BaseException | None = None
        self._token: CancelToken | None = None
        self._started = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.poll)
        self._network = _watch_network(self)

    def start(self, interval_minutes: float | None = None) -> None:
        if interval_minutes is not None:
            self.set_interval(interval_minutes)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.cancel()

    def set_interval(self, minutes: float) -> None:
        self.session.auto_sync.set_interval(max(0.0, float(minutes)))

    def poll(self) -> None:
        if not self.running and self.session.sync_due():
            self.sync_now(automatic=True)

    def sync_now(self, *, automatic: bool = False) -> bool:
        """Start a sync unless one runs or the data is locked; True when started."""
        if self.running or self.session.engine is None:
            return False
        self._set_running(True)
        token = self._token = CancelToken()
        self._started = time.monotonic()
        log.info("%s sync started", "automatic" if automatic else "requested")
        NetworkOp(self, lambda agent: agent.sync(token)) \
            .success(self._finished).failure(self._failed) \
            .finally_(lambda: self._set_running(False)).run(self.runner)
        return True

    def cancel(self) -> None:
        if self._token is not None:
            self._token.cancel()

    def _finished(self, report) -> None:
        self._token = None
        self.last_error = None
        self._set_online(True)
        self.synced.emit(report)

    def _failed(self, error: BaseException) -> None:
        self._token = None
        self.last_error = error
        if isinstance(error, ServerUnreachableError) and not isinstance(error, CertificateError):
            self._set_online(False)
            return
        if isinstance(error, SyncCancelledError | SyncInProgressError):
            return
        if isinstance(error, AuthenticationRequiredError | LoginFailedError | DeviceRevokedError):
            return  # the shell answers these through the bridge (sign-in dialog, revoked notice)
        if isinstance(error, SyncError):
            self._set_online(True)
        self.problem.emit(error)

    def _set_running(self, running: bool) -> None:
        if running != self.running:
            self.running = running
            self.running_changed.emit(running)

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)

    # ------------------------------------------------------------------ the system's network state

    def on_reachability(self, reachability) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        self.network_changed(reachability == QNetworkInformation.Reachability.Online)

    def network_changed(self, reachable: bool) -> None:
        """The operating system says the network went away or came back."""
        if reachable:
            self.session.auto_sync.connection_restored()
        else:
            self.session.auto_sync.connection_lost()
            self._set_online(False)


def _watch_network(controller: SyncController):
    """QNetworkInformation when the platform has a backend (NetworkManager, Windows, macOS); else
    the failures' backoff alone finds the server again."""
    try:
        from PySide6.QtNetwork import QNetworkInformation
    except ImportError:
        return None
    try:
        if not QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            return None
    except (RuntimeError, AttributeError):
        return None
    info = QNetworkInformation.instance()
    if info is None:
        return None
    info.reachabilityChanged.connect(controller.on_reachability)
    return info
