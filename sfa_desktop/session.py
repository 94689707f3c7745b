"""AgentSession: one agent's encrypted replica, the transport to the server and the sync engine.

Built once and used the same way by the desktop app, the CLI, the demo, the benchmarks and the
tests. It handles the first sign-in (key, replica, device registration), offline unlock (secure
OS keyring or the password), lock, sign-out and the revoked-device wipe, and runs the replica
work of operations and reads so that each emits what it changed. No Qt here: the UI calls it
from its worker threads and listens to `events`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import json
import logging
import platform
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sfa_desktop.domain import clock
from sfa_desktop.domain.messages import Message
from sfa_desktop.local_db import ReplicaCorruptError, ReplicaError, ReplicaLockedError, keys, open_replica, search
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.engine import Replica
from sfa_desktop.local_db.models import OutboxCommand, Update
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
    DAMAGED = "damaged"  # the replica failed its integrity check: rebuild it from the server
    WIPED = "wiped"  # the office revoked this computer: its data is gone


#: How often the replica's pages are checked when nothing else asks for it (also: after an unclean
#: shutdown, before each checksum verification, and before the first push or print of a session).
INTEGRITY_INTERVAL = dt.timedelta(days=7)
LAST_CHECK_KEY = "replica.last_checked_at"


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
        self._checked = False  # the replica's pages were checked since it was unlocked
        self._saved_clock_offset: float | None = None  # CLOCK_OFFSET_KEY as in the replica
        #: Work run in one write transaction after each successful sync, with what the sync changed
        #: (the app registers e.g. the customer pyramid's refresh: operations.pyramid.refresh_if_stale).
        self.after_sync: list[Callable[[Session, Changes], Changes]] = []

    @property
    def open_marker(self) -> Path:
        """Exists while a session has the replica open: found at unlock, the last one ended uncleanly."""
        return self.replica_path.with_name(f"{self.replica_path.name}.open")

    @property
    def outbox_witness(self) -> Path:
        """The highest outbox number ever committed (a plain integer): a replica found below it lost
        its last commits (a cut or damaged write-ahead log), and the agent is told."""
        return self.replica_path.with_name(f"{self.replica_path.name}.seq")

    @property
    def damaged_marker(self) -> Path:
        """Written when the replica failed a check; it is not used again until rebuilt."""
        return self.replica_path.with_name(f"{self.replica_path.name}.damaged")

    # ------------------------------------------------------------------ state

    @property
    def state(self) -> SessionState:
        if self._wiped:
            return SessionState.WIPED
        if self.damaged_marker.exists():
            return SessionState.DAMAGED
        if self.replica is not None:
            return SessionState.OPEN
        if self.replica_path.exists():
            return SessionState.LOCKED
        return SessionState.NEW

    def needs_password(self) -> bool:
        """True when unlocking needs the password (no secure keyring entry holds the key)."""
        return keys.needs_password(self.replica_path, store=self.keystore)

    # ------------------------------------------------------------------ first sign-in, unlock, lock

    def sign_in_first_time(self, *, server_url: str, username: str, password: str,
                           device_id: str | None = None) -> dict[str, Any]:
        """Sign in, register this computer and create the encrypted replica; the first sync follows.

        A failure (wrong password, server away...) leaves nothing behind, so the next attempt starts
        clean. Returns the server's answer (user, role, device). `device_id`: the id this computer
        already signed in with (the sign-in screen's role check), so the server lists one device.
        """
        if device_id:
            self._restore_device_id = device_id
        if self.state is not SessionState.NEW:
            raise ReplicaError(f"A local database already exists at {self.replica_path}.", path=self.replica_path)
        self.replica_path.parent.mkdir(parents=True, exist_ok=True)
        self._clear_half_made_replica()
        transport = self._make_transport(server_url, None)
        created = False
        try:
            key = keys.create_key(self.replica_path, password, store=self.keystore)
            created = True
            replica = open_replica(self.replica_path, key)
            try:
                restored = getattr(self, "_restore_device_id", None)
                if restored:
                    with replica.session(write=True) as session:
                        state.set_setting(session, state.DEVICE_ID_KEY, restored)
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

    def _clear_half_made_replica(self) -> None:
        """A key file with no database beside it protects nothing (a first sign-in that stopped half
        way, e.g. on a full disk): set it aside so that a new first sign-in can start."""
        key_file = keys.key_file_path(self.replica_path)
        if key_file.exists() and not self.replica_path.exists():
            moved = keys.set_aside(self.replica_path, suffix=f"unused-{utc_now():%Y%m%d-%H%M%S}",
                                   store=self.keystore)
            log.warning("a key file without its database was set aside: %s", moved)

    def unlock(self, password: str | None = None) -> None:
        """Open the replica offline: through a secure OS keyring, else with the agent's password."""
        if self.replica is not None:
            return
        if self.state is SessionState.DAMAGED:
            raise ReplicaCorruptError("the replica failed its integrity check", path=self.replica_path)
        key = keys.load_key(self.replica_path, password, store=self.keystore)
        try:
            replica = open_replica(self.replica_path, key, create=False)
        except ReplicaLockedError as error:
            # the key is the right one (the key file is authenticated, the keyring holds this
            # file's key): the first page itself is damaged; rebuilding is the remedy
            self._mark_damaged([f"the first page cannot be read with the replica's key: {error}"])
            raise ReplicaCorruptError("the first page of the replica is damaged", path=self.replica_path) from error
        unclean = self.open_marker.exists()
        try:
            with replica.session() as session:
                self.server_url = self.server_url or state.get_setting(session, state.SERVER_URL_KEY)
                self.username = self.username or state.get_setting(session, state.USER_KEY)
                last_check = state.get_setting(session, LAST_CHECK_KEY)
                self._saved_clock_offset = _restore_clock_offset(state.get_setting(session, CLOCK_OFFSET_KEY))
            transport = self._make_transport(self.server_url, replica) if self.server_url else None
            self.open_marker.touch(exist_ok=True)
            if unclean or _due(last_check):
                log.info("checking the replica (%s)", "unclean shutdown" if unclean else "weekly check")
                self._check(replica)
            self._compare_witness(replica)
        except BaseException:
            replica.close()
            raise
        self._open(replica, transport, password)

    def _open(self, replica: Replica, transport: Transport | None, password: str | None) -> None:
        self.replica, self.transport, self._password = replica, transport, password
        self.open_marker.touch(exist_ok=True)
        if transport is not None:
            transport.reauthenticate = self._reauthenticate if password else None
            self.engine = SyncEngine(replica, transport, events=self.events, wipe=self._wipe,
                                     before_verify=self.ensure_sound)
        self.events.emit(Event.UNLOCKED)

    # ------------------------------------------------------------------ integrity

    def _check(self, replica: Replica) -> None:
        """Check every page (HMAC) and the b-tree structure; a damaged replica is not used again."""
        problems = replica.check_integrity(quick=True)
        if problems:
            self._mark_damaged(problems)
            raise ReplicaCorruptError(f"integrity check: {_summary(problems)}", path=self.replica_path)
        with replica.session(write=True) as session:
            state.set_setting(session, LAST_CHECK_KEY, utc_now().isoformat())
        self._checked = True

    def ensure_sound(self) -> None:
        """Before printing or pushing: the replica's pages are checked once per session."""
        if self._checked:
            return
        with self._using() as replica:
            self._check(replica)

    def _mark_damaged(self, problems: list[str]) -> None:
        # one line in the log (the full list stays in the marker file kept with the damaged files)
        log.error("the replica %s is damaged: %s", self.replica_path, _summary(problems))
        self.damaged_marker.write_text(json.dumps({"at": utc_now().isoformat(), "problems": problems[:20]}))

    def device_id_for_first_sign_in(self) -> str:
        """The device id the first sign-in registers: the one this computer had (a rebuild keeps it), else
        a new one, kept until the sign-in succeeds (a retry registers the same device)."""
        if not getattr(self, "_restore_device_id", None):
            self._restore_device_id = str(uuid.uuid4())
        return self._restore_device_id

    def new_transport(self, server_url: str) -> Transport:
        """A transport to `server_url` built as this session builds its own (TLS, timeouts, retries), with
        its tokens in memory only: the sign-in screen asks the role with it (office users keep it)."""
        return self._make_transport(server_url, None)

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
            self.open_marker.unlink(missing_ok=True)  # a clean end: no check needed next time
        self.replica = self.transport = self.engine = None
        self._password = None
        self._checked = False

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
        except ReplicaCorruptError as error:
            if not self.damaged_marker.exists():  # else already marked, with the full list
                self._mark_damaged([str(error)])
            raise
        finally:
            with self._gate:
                self._users -= 1
                self._gate.notify_all()

    def write(self, operation: Callable[[Session], Changes]) -> Changes:
        """Run an operation in one write transaction and tell the screens what it changed."""
        with self._using() as replica:
            with replica.session(write=True) as session:
                changes = operation(session)
            if changes.outbox:
                self._write_witness(replica)
        self.announce(changes)
        return changes

    def _write_witness(self, replica: Replica) -> None:
        with replica.session() as session:
            top = session.scalar(select(func.max(OutboxCommand.seq))) or 0
        try:
            self.outbox_witness.write_text(str(top))
        except OSError as error:  # a full disk: the witness only ever lags, never lies
            log.info("outbox witness not written: %s", error)

    def _compare_witness(self, replica: Replica) -> None:
        try:
            recorded = int(self.outbox_witness.read_text() or 0)
        except (OSError, ValueError):
            return
        with replica.session(write=True) as session:
            top = session.scalar(select(func.max(OutboxCommand.seq))) or 0
            if top < recorded:
                log.error("the replica lost its last %d committed change(s): outbox at %d, witness %d",
                          recorded - top, top, recorded)
                session.add(Update(id=str(uuid.uuid4()), at=utc_now(), kind="lost_changes", stream=None,
                                   row_id=None, message=Message("replica.lost_changes",
                                                                {"count": recorded - top}).to_wire()))
        if top < recorded:
            self.outbox_witness.write_text(str(top))

    def tidy_search(self) -> bool:
        """One idle step of search upkeep (`local_db.search.tidy_search`): True when another is due.
        It changes no row a screen shows, so nothing is announced; it commits without an fsync, as a
        pulled page does (a step a power cut loses is merged again by a later one)."""
        with self._using() as replica, replica.pull_session() as session:
            return search.tidy_search(session.connection())

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
                if verify or (self.engine is not None and outbox_waiting(self)):
                    self.ensure_sound()  # nothing is pushed or verified from a damaged replica
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
        offset = clock.server_offset().total_seconds()
        if offset != self._saved_clock_offset:
            # the server's clock as of this sync, for the times stamped offline until the next one
            with self._using() as replica, replica.session(write=True) as session:
                state.set_setting(session, CLOCK_OFFSET_KEY, str(offset))
            self._saved_clock_offset = offset
        for job in self.after_sync:
            try:
                self.write(lambda s, job=job: job(s, report.changes))
            except ReplicaError:
                raise
            except Exception:
                # the sync itself succeeded: a failed follow-up is a bug to log, not a failed sync
                log.exception("work after the sync failed: %r", job)
        return report

    # ------------------------------------------------------------------ rebuilding

    def rebuild(self, password: str) -> dict[str, Any]:
        """Set the damaged (or unopenable) replica aside and build a fresh one from the server.

        What the agent had not sent yet is carried over when it can still be read (the outbox with
        its command ids, so the server answers a replay from its record and nothing is applied
        twice; local draft orders; the document numbers used), together with this computer's device
        id. The old files are renamed, never deleted. Needs the server: returns its sign-in answer.
        """
        if not self.server_url or not self.username:
            raise ReplicaError("no server or user known for this computer", path=self.replica_path)
        with self._gate:
            self._close()
        salvage = _salvage(self.replica_path, password, self.keystore)
        suffix = f"damaged-{utc_now():%Y%m%d-%H%M%S}"
        moved = keys.set_aside(self.replica_path, suffix=suffix, store=self.keystore)
        if self.damaged_marker.exists():  # why it was set aside, kept with the files
            self.damaged_marker.replace(self.damaged_marker.with_name(f"{self.replica_path.name}.{suffix}.why"))
        log.warning("replica set aside as %s; building a new one from the server", moved)
        if salvage.device_id:
            self._restore_device_id = salvage.device_id
        answer = self.sign_in_first_time(server_url=self.server_url, username=self.username, password=password)
        with self._using() as replica, replica.session(write=True) as session:
            salvage.restore(session)
        self.announce(Changes(outbox=True))
        return answer

    def sync_due(self) -> bool:
        """Ask from a timer: True when an automatic sync should start now."""
        return self.engine is not None and self.auto_sync.tick()


def _summary(problems: list[str]) -> str:
    """The first problem's first line and how many lines there are in all (integrity checks list
    every damaged page: hundreds of lines)."""
    lines = [line for p in problems for line in str(p).splitlines() if line.strip() and not line.startswith("***")]
    first = lines[0][:200] if lines else "?"
    return first if len(lines) <= 1 else f"{first} (and {len(lines) - 1} more)"


def outbox_waiting(session: AgentSession) -> bool:
    return bool(session.read(outbox.pending_count))


def _due(last_check: Any) -> bool:
    if not isinstance(last_check, str):
        return True
    try:
        return utc_now() - dt.datetime.fromisoformat(last_check) >= INTEGRITY_INTERVAL
    except ValueError:
        return True


class _Salvage:
    """What can still be read of a damaged replica and must survive a rebuild."""

    def __init__(self) -> None:
        self.device_id: str | None = None
        self.tables: dict[str, list[dict[str, Any]]] = {}

    def restore(self, session: Session) -> None:
        from sqlalchemy import insert

        from sfa_desktop.local_db.models import Base

        for name in ("number_sequence", "outbox", "orders", "order_lines"):
            rows = self.tables.get(name)
            if rows:
                table = Base.metadata.tables[name]
                known = set(table.c.keys())
                session.execute(insert(table).prefix_with("OR IGNORE"),
                                [{k: v for k, v in row.items() if k in known} for row in rows])


def _salvage(path: Path, password: str, keystore: keys.KeyStore) -> _Salvage:
    """Read, row by row, what must not be lost; whatever cannot be read is left in the set-aside file."""
    from sqlalchemy import select, text

    from sfa_desktop.local_db.models import Base, LocalSetting

    found = _Salvage()
    try:
        key = keys.load_key(path, password, store=keystore)
        replica = open_replica(path, key, create=False)
    except (ReplicaError, OSError) as error:
        log.warning("nothing could be read from %s: %s", path, error)
        return found
    try:
        with replica.engine.connect() as conn:
            try:
                found.device_id = conn.execute(select(LocalSetting.value).where(
                    LocalSetting.key == state.DEVICE_ID_KEY)).scalar()
            except Exception:
                log.warning("the device id could not be read from the damaged replica")
            wanted = {"number_sequence": None, "outbox": "status IN ('pending', 'held', 'failed')",
                      "orders": "status = 'draft'", "order_lines": None}
            for name, where in wanted.items():
                table = Base.metadata.tables[name]
                stmt = select(table)
                if where:
                    stmt = stmt.where(text(where))
                if name == "order_lines":
                    orders = Base.metadata.tables["orders"]
                    stmt = stmt.where(table.c.order_id.in_(select(orders.c.id).where(text("status = 'draft'"))))
                try:
                    found.tables[name] = [dict(row._mapping) for row in conn.execute(stmt)]
                except Exception as error:
                    log.warning("%s could not be read from the damaged replica: %s", name, error)
    finally:
        replica.close()
    return found


#: The server's clock minus this machine's at the last sync, in seconds (sfa_desktop.domain.clock).
CLOCK_OFFSET_KEY = "sync.server_clock_offset"


def _restore_clock_offset(saved: Any) -> float:
    """Apply the offset saved at the last sync (offline, it is the best estimate there is)."""
    try:
        seconds = float(saved) if saved is not None else 0.0
    except (TypeError, ValueError):
        seconds = 0.0
    if not abs(seconds) < 10 * 365 * 86400:  # NaN or absurd
        seconds = 0.0
    clock.set_server_offset(dt.timedelta(seconds=seconds))
    return seconds
