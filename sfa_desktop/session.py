"""AgentSession: one agent's encrypted replica, the transport to the server and the sync engine.

Built once and used the same way by the desktop app, the CLI, the demo, the benchmarks and the
tests. It handles the first sign-in (key, replica, device registration), offline unlock (secure
OS keyring or the password), lock, sign-out and the revoked-device wipe, and runs the replica
work of operations and reads so that each emits what it changed. No Qt here: the UI calls it
from its worker threads and listens to `events`.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import platform
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from sfa_desktop.local_db import ReplicaError, keys, open_replica
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.engine import Replica
from sfa_desktop.sync import conflicts as inbox
from sfa_desktop.sync import outbox, state
from sfa_desktop.sync.engine import SyncEngine, SyncReport
from sfa_desktop.sync.errors import (
    AuthenticationRequiredError,
    DeviceRevokedError,
    LoginFailedError,
    SyncError,
)
from sfa_desktop.sync.events import CancelToken, Event, EventBus
from sfa_desktop.sync.schedule import AutoSync, AutoSyncPolicy
from sfa_desktop.sync.transport import Transport

log = logging.getLogger(__name__)
T = TypeVar("T")


class SessionState(enum.StrEnum):
    NEW = "new"  # no replica on this computer yet: first sign-in
    LOCKED = "locked"  # a replica exists, closed (unlock with the keyring or the password)
    OPEN = "open"  # unlocked: the agent works
    WIPED = "wiped"  # the office revoked this computer: its data is gone


class AgentSession:
    """One agent's data on this computer. Methods may be called from worker threads (not two syncs
    at once: the engine's lock sees to it); `lock()` waits for the replica work in progress."""

    def __init__(self, replica_path: Path | str, *, server_url: str | None = None, username: str | None = None,
                 ca_bundle: str | None = None, events: EventBus | None = None,
                 keystore: keys.KeyStore | None = None, device_name: str | None = None,
                 auto_sync: AutoSyncPolicy | None = None,
                 transport_factory: Callable[..., Transport] = Transport) -> None:
        self.replica_path = Path(replica_path)
        self.server_url, self.username, self.ca_bundle = server_url, username, ca_bundle
        self.events = events or EventBus()
        self.keystore = keystore or keys.KeyStore()
        self.device_name = device_name or f"{platform.node() or 'computer'} (sfa-desktop)"
        self.auto_sync = AutoSync(auto_sync)
        self._transport_factory = transport_factory
        self.replica: Replica | None = None
        self.transport: Transport | None = None
        self.engine: SyncEngine | None = None
        self._password: str | None = None
        self._wiped = False
        self._users = 0
        self._gate = threading.Condition()

    # ------------------------------------------------------------------ state

    @property
    def state(self) -> SessionState:
        if self._wiped:
            return SessionState.WIPED
        if self.replica is not None:
            return SessionState.OPEN
        if self.replica_path.exists() or keys.key_file_path(self.replica_path).exists():
            return SessionState.LOCKED
        return SessionState.NEW

    def needs_password(self) -> bool:
        """True when unlocking needs the password (no secure keyring entry holds the key)."""
        return keys.needs_password(self.replica_path, store=self.keystore)

    # ------------------------------------------------------------------ first sign-in, unlock, lock

    def sign_in_first_time(self, *, server_url: str, username: str, password: str) -> dict[str, Any]:
        """Sign in, register this computer and create the encrypted replica; the first sync follows.

        A failure (wrong password, server away...) leaves nothing behind, so the next attempt starts
        clean. Returns the server's answer (user, role, device).
        """
        if self.state is not SessionState.NEW:
            raise ReplicaError(f"A local database already exists at {self.replica_path}.", path=self.replica_path)
        self.replica_path.parent.mkdir(parents=True, exist_ok=True)
        transport = self._make_transport(server_url, None)
        created = False
        try:
            key = keys.create_key(self.replica_path, password, store=self.keystore)
            created = True
            replica = open_replica(self.replica_path, key)
            try:
                device_id = state.device_id(replica)
                transport.device_id = device_id
                transport.token_store = state.ReplicaTokenStore(replica)
                answer = transport.login(username=username, password=password, device_id=device_id,
                                         device_name=self.device_name)
                with replica.session(write=True) as session:
                    state.set_setting(session, state.SERVER_URL_KEY, transport.base_url)
                    state.set_setting(session, state.USER_KEY, username)
            except BaseException:
                replica.close()
                raise
        except BaseException:
            transport.close()
            if created:
                keys.wipe(self.replica_path, store=self.keystore)
            raise
        self.server_url, self.username = transport.base_url, username
        self._open(replica, transport, password)
        return answer

    def unlock(self, password: str | None = None) -> None:
        """Open the replica offline: through a secure OS keyring, else with the agent's password."""
        if self.replica is not None:
            return
        key = keys.load_key(self.replica_path, password, store=self.keystore)
        replica = open_replica(self.replica_path, key, create=False)
        try:
            with replica.session() as session:
                self.server_url = self.server_url or state.get_setting(session, state.SERVER_URL_KEY)
                self.username = self.username or state.get_setting(session, state.USER_KEY)
            transport = self._make_transport(self.server_url, replica) if self.server_url else None
        except BaseException:
            replica.close()
            raise
        self._open(replica, transport, password)

    def _open(self, replica: Replica, transport: Transport | None, password: str | None) -> None:
        self.replica, self.transport, self._password = replica, transport, password
        if transport is not None:
            transport.reauthenticate = self._reauthenticate if password else None
            self.engine = SyncEngine(replica, transport, events=self.events, wipe=self._wipe)
        self.events.emit(Event.UNLOCKED)

    def _make_transport(self, server_url: str | None, replica: Replica | None) -> Transport:
        if not server_url:
            raise ValueError("no server address")
        transport = self._transport_factory(server_url, ca_bundle=self.ca_bundle)
        if replica is not None:
            transport.device_id = state.device_id(replica)
            transport.token_store = state.ReplicaTokenStore(replica)
        return transport

    def _reauthenticate(self) -> None:
        """The refresh token expired: sign in again with the password typed at unlock (memory only)."""
        if self.transport is None or not self._password or not self.username:
            raise AuthenticationRequiredError("no password in memory")
        self.transport.login(username=self.username, password=self._password,
                             device_id=self.transport.device_id or "", device_name=self.device_name)

    def sign_in_again(self, password: str) -> None:
        """The session expired (or the password changed): sign in on top of what the agent was doing."""
        if self.transport is None or not self.username:
            raise AuthenticationRequiredError("not configured")
        self.transport.login(username=self.username, password=password, device_id=self.transport.device_id or "",
                             device_name=self.device_name)
        self._password = password
        self.transport.reauthenticate = self._reauthenticate

    def lock(self, timeout: float = 30.0) -> None:
        """Close the replica (auto-lock or Ctrl+L) once the work in progress has finished."""
        with self._gate:
            if not self._gate.wait_for(lambda: self._users == 0, timeout=timeout):
                raise TimeoutError("the local database is still busy")
            self._close()
        self.events.emit(Event.LOCKED)

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()
        if self.replica is not None:
            self.replica.close()
        self.replica = self.transport = self.engine = None
        self._password = None

    def sign_out(self) -> None:
        """End the session on the server (when reachable) and close the replica; the data stays."""
        if self.transport is not None:
            try:
                self.transport.logout()
            except SyncError as error:
                log.info("sign-out on the server failed: %s", error.detail)
        self.lock()

    def _wipe(self) -> None:
        """The server revoked this computer: close everything and remove the replica and its key."""
        with self._gate:
            self._gate.wait_for(lambda: self._users <= 1, timeout=30.0)
            path = self.replica_path
            self._close()
            removed = keys.wipe(path, store=self.keystore)
            self._wiped = True
        log.warning("revoked device: removed %d file(s) of %s", len(removed), path)

    def close(self) -> None:
        with self._gate:
            self._close()

    # ------------------------------------------------------------------ replica work

    @contextlib.contextmanager
    def _using(self) -> Iterator[Replica]:
        with self._gate:
            if self.replica is None:
                raise ReplicaError("The local data is locked: unlock it first.", path=self.replica_path)
            self._users += 1
            replica = self.replica
        try:
            yield replica
        finally:
            with self._gate:
                self._users -= 1
                self._gate.notify_all()

    def write(self, operation: Callable[[Session], Changes]) -> Changes:
        """Run an operation in one write transaction and tell the screens what it changed."""
        with self._using() as replica, replica.session(write=True) as session:
            changes = operation(session)
        self.announce(changes)
        return changes

    def read(self, query: Callable[[Session], T]) -> T:
        """Run read functions in one read transaction."""
        with self._using() as replica, replica.session() as session:
            return query(session)

    def announce(self, changes: Changes) -> None:
        if changes.rows:
            self.events.emit(Event.STREAMS_CHANGED, changes)
        if changes.outbox:
            self.events.emit(Event.OUTBOX_CHANGED, self.read(outbox.pending_count))
        if changes.conflicts:
            self.events.emit(Event.CONFLICTS_CHANGED, self.read(inbox.open_count))

    # ------------------------------------------------------------------ sync

    def sync(self, cancel: CancelToken | None = None, *, verify: bool | None = None) -> SyncReport:
        """Push the outbox, pull what changed, verify when due; raises SyncError in the agent's words."""
        if self.engine is None:
            if self.state is SessionState.WIPED:
                raise DeviceRevokedError("wiped")
            raise AuthenticationRequiredError("no server configured" if self.replica else "locked")
        self.auto_sync.started()
        try:
            with self._using():
                if self.transport is not None and not self.transport.signed_in:
                    if not self._password:
                        error = AuthenticationRequiredError("no session")
                        self.events.emit(Event.SIGN_IN_REQUIRED, error)
                        raise error
                    self._reauthenticate()
                report = self.engine.sync(cancel, verify=verify)
        except LoginFailedError as error:
            self.auto_sync.finished(ok=False, transient=False)
            self.events.emit(Event.SIGN_IN_REQUIRED, error)
            raise
        except SyncError as error:
            self.auto_sync.finished(ok=False, transient=error.transient)
            raise
        except BaseException:
            self.auto_sync.finished(ok=False)
            raise
        self.auto_sync.finished(ok=True)
        return report

    def sync_due(self) -> bool:
        """Ask from a timer: True when an automatic sync should start now."""
        return self.engine is not None and self.auto_sync.tick()
