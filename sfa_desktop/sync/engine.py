"""The sync engine: push the outbox, pull pages to the end, verify checksums, report progress.

Every pulled page is applied in one replica transaction together with its cursor, so a sync
interrupted anywhere (network, crash, cancel) resumes where it stopped and never applies a
page twice or half. The outbox is only ever settled by server answers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sfa_desktop.domain.messages import Message
from sfa_desktop.local_db import bulk, search
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.coltypes import utc_now
from sfa_desktop.local_db.engine import Replica
from sfa_desktop.local_db.errors import ReplicaError, ReplicaFullError
from sfa_desktop.local_db.models import LINE_PARENTS, OutboxCommand, has_dirty, line_streams_of, table_of
from sfa_desktop.sync import answers, apply, bulk_builds, bulk_load, conflicts, outbox, pages_ahead, protocol, state
from sfa_desktop.sync.errors import (
    AuthenticationRequiredError,
    DeviceRevokedError,
    DiskFullError,
    ProtocolViolationError,
    ServerFaultError,
    SyncError,
)
from sfa_desktop.sync.events import CancelToken, Decision, Event, EventBus, Phase, SyncListeners, SyncStatus
from sfa_desktop.sync.locking import SyncLock
from sfa_desktop.sync.transport import PullAnswer, Transport, decode_pull

log = logging.getLogger(__name__)

#: How often checksums are compared when nothing else asks for it.
DEFAULT_VERIFY_INTERVAL = dt.timedelta(hours=24)
#: Commands tried alone and failed by the server in one sync before it counts as the server failing.
_MAX_SUSPECTS = 3


@dataclass(slots=True)
class SyncReport:
    """What one sync did, for the status line, logs and benchmarks."""

    commands_sent: int = 0
    commands_applied: int = 0
    commands_rejected: int = 0
    commands_held: int = 0
    pages: int = 0
    rows_upserted: int = 0
    rows_deleted: int = 0
    rows_kept_local: int = 0
    verified: list[str] = field(default_factory=list)
    #: Streams of a first sync whose row counts matched the server's snapshot (checksums come later).
    counted: list[str] = field(default_factory=list)
    not_verified: list[str] = field(default_factory=list)
    resynced: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    bytes_received: int = 0
    bytes_sent: int = 0
    seconds: float = 0.0
    #: Of `seconds`: waiting for pulled pages (server and network) and writing them locally.
    seconds_waiting: float = 0.0
    seconds_applying: float = 0.0
    #: Of `seconds_applying`: a first sync's work after its last page (the indexes and search not yet
    #: built while waiting for pages, the foreign keys, the checkpoint).
    seconds_finishing: float = 0.0
    #: What the sync changed in the replica (pulled pages and push answers).
    changes: Changes = field(default_factory=Changes)
    #: Orders the office decided since the last sync.
    decisions: list[Decision] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.rows_upserted + self.rows_deleted


class SyncEngine:
    """Syncs one replica with one server. `sync` may be called from any one thread at a time."""

    def __init__(self, replica: Replica, transport: Transport, *,
                 listener: SyncListeners | Callable[[SyncStatus], None] | None = None,
                 page_size: int = protocol.DEFAULT_PAGE_SIZE,
                 verify_interval: dt.timedelta = DEFAULT_VERIFY_INTERVAL,
                 wipe: Callable[[], None] | None = None, events: EventBus | None = None,
                 before_verify: Callable[[], None] | None = None) -> None:
        self.replica = replica
        self.transport = transport
        self.events = events or EventBus()
        if isinstance(listener, SyncListeners):
            self.listeners = listener
            self.listeners.events = self.listeners.events or self.events
        else:
            self.listeners = SyncListeners(self.events)
            if listener is not None:
                self.listeners.subscribe(listener)
        self.page_size = page_size
        self.verify_interval = verify_interval
        self._wipe = wipe or self._wipe_replica
        #: Run before checksums are compared (AgentSession checks the replica's pages there).
        self._before_verify = before_verify
        self._lock = SyncLock(f"{replica.path}.sync-lock")
        self._finish_with_last_page = False
        self._outcome_recorded = False

    # ------------------------------------------------------------------ public

    def sync(self, cancel: CancelToken | None = None, *, verify: bool | None = None) -> SyncReport:
        """Push, pull, verify. `verify`: True always, False never, None when due.

        Raises a SyncError subclass (message in the agent's words) when the sync stops; what
        was applied stays applied and the next sync continues from there.
        """
        cancel = cancel or CancelToken()
        report = SyncReport()
        started = time.monotonic()
        sent0, received0 = self.transport.bytes_sent, self.transport.bytes_received
        with self._lock:
            self.events.emit(Event.SYNC_STARTED)
            counts = self._counts()
            due = verify or (verify is None and self._verify_due())
            # Without a verification after it, the last page records the outcome itself.
            self._finish_with_last_page, self._outcome_recorded = not due, False
            self._status(phase=Phase.CONNECTING, rows_done=0, rows_total=None, commands_sent=0,
                         bytes_received=0, bytes_sent=0, **counts)
            try:
                if counts["pending_commands"]:  # an empty outbox costs no request
                    self._push(report, cancel)
                forced = self._pull(report, cancel)
                # due again after the pull: a first sync that counted every stream is verified for now
                if verify or (verify is None and (forced or (due and self._verify_due()))):
                    self._outcome_recorded = False
                    self._verify(report, cancel)
            except DeviceRevokedError as error:
                log.warning("the server revoked this device: wiping the replica %s", self.replica.path)
                self._wipe()
                self._status(phase=Phase.IDLE, last_error=error.message)
                self.events.emit(Event.DEVICE_REVOKED, error)
                raise
            except ReplicaFullError as error:
                # Nothing more can be written, not even the outcome: the page being written was rolled
                # back whole and the next sync goes on from the last cursor.
                failure = DiskFullError(str(error))
                self._status(phase=Phase.IDLE, last_error=failure.message)
                self.events.emit(Event.SYNC_FAILED, failure)
                raise failure from error
            except ReplicaError as error:
                # the replica itself (damaged, unreadable): the caller tells the agent what to do
                self._status(phase=Phase.IDLE, last_error=error.message)
                raise
            except SyncError as error:
                self._finish_failed(error, report)
                if isinstance(error, AuthenticationRequiredError):
                    self.events.emit(Event.SIGN_IN_REQUIRED, error)
                raise
            except OSError as error:
                if not _disk_full(error):
                    raise
                failure = DiskFullError(str(error))
                self._finish_failed(failure, report)
                raise failure from error
            except Exception as error:
                if _disk_full(error):
                    failure = DiskFullError(str(error))
                    self._finish_failed(failure, report)
                    raise failure from error
                log.exception("sync failed with a bug")
                self._finish_failed(SyncError(f"{type(error).__name__}: {error}",
                                              message=_bug_message(error)), report)
                raise
            finally:
                report.seconds = time.monotonic() - started
                report.bytes_sent = self.transport.bytes_sent - sent0
                report.bytes_received = self.transport.bytes_received - received0
            now = utc_now()
            if not self._outcome_recorded or report.decisions:
                with self.replica.session(write=True) as session:
                    state.record_outcome(session, success_at=now, error=None)
                    if report.decisions:
                        state.record_decisions(session, report.decisions, at=now)
            if report.commands_sent or report.changes.conflicts or report.changes.touches("conflicts"):
                counts = self._counts()
            self._status(phase=Phase.IDLE, last_success=now, last_error=None, **counts)
            self._announce(report)
            self.events.emit(Event.SYNC_FINISHED, report)
        log.info("sync done in %.2fs: %d commands sent, %d rows in %d pages, %d bytes received",
                 report.seconds, report.commands_sent, report.rows, report.pages, report.bytes_received)
        return report

    def last_success(self) -> dt.datetime | None:
        with self.replica.session() as session:
            row = state.read_cursor(session)
            return row.last_success_at if row else None

    # ------------------------------------------------------------------ push

    def _push(self, report: SyncReport, cancel: CancelToken) -> None:
        self._status(phase=Phase.PUSHING)
        sent: set[str] = set()
        # After a server fault on a batch, commands go one by one: a command the server fails on
        # (a poison) is set aside while the others go on; see _server_fault.
        suspects: list[protocol.Command] = []
        one_by_one = False
        while True:
            cancel.raise_if_cancelled()
            with self.replica.session(write=True) as session:
                batch = outbox.next_batch(session, exclude=sent, limit=1 if one_by_one else protocol.MAX_PUSH_COMMANDS)
            if not batch:
                break
            try:
                results = self.transport.push(batch)
            except ServerFaultError as error:
                if len(batch) == 1:  # a batch that failed whole is tried again one by one: no count yet
                    with self.replica.session(write=True) as session:
                        outbox.mark_attempt(session, [batch[0].id], error.message)
                if len(batch) == 1 and len(suspects) < _MAX_SUSPECTS:
                    suspects.append(batch[0])
                    sent.add(batch[0].id)
                elif len(batch) == 1:
                    raise  # several in a row: the server is failing, not one command
                one_by_one = True
                continue
            except SyncError as error:
                if not isinstance(error, DeviceRevokedError):
                    with self.replica.session(write=True) as session:
                        outbox.mark_attempt(session, [c.id for c in batch], error.message)
                raise
            if suspects:
                # this command went through: the ones the server failed on alone are poisons
                self._hold_poisons(suspects, report)
                suspects = []
            try:
                with self.replica.session(write=True) as session:
                    for command, result in zip(batch, results, strict=True):
                        changes = answers.record_result(session, command, result)
                        report.changes |= changes
                        if result.status == protocol.REJECTED and changes.conflicts:
                            report.commands_rejected += 1  # refused: the agent sees it in the inbox
                        else:
                            report.commands_applied += 1
            except protocol.ProtocolError as error:
                # Nothing of this answer was kept; the commands are sent again next time and
                # the server answers them from its record (no duplicates).
                raise ProtocolViolationError(str(error)) from error
            sent.update(c.id for c in batch)
            log.debug("push answers: %s", [(r.status, r.code) for r in results])
            report.commands_sent += len(batch)
            self._status(commands_sent=report.commands_sent,
                         bytes_sent=self.transport.bytes_sent, **self._counts())
        if suspects:
            if not report.commands_sent:
                raise ServerFaultError("the server failed on every command sent")
            self._hold_poisons(suspects, report)
        with self.replica.session() as session:
            report.commands_held = outbox.count_by_status(session).get(outbox.HELD, 0)

    def _hold_poisons(self, suspects: list[protocol.Command], report: SyncReport) -> None:
        """Commands the server failed on alone, while others went through: each counts as a
        `server_error` answer (kept and sent again; held for the agent after a few)."""
        with self.replica.session(write=True) as session:
            for command in suspects:
                row = session.get(OutboxCommand, command.id)
                if row is None:
                    continue
                row.attempts -= 1  # mark_attempt counted the try; record_result counts it again
                fault = protocol.CommandResult(command.id, protocol.REJECTED, "the server failed on this command",
                                               answers.SERVER_ERROR)
                report.changes |= answers.record_result(session, command, fault)

    # ------------------------------------------------------------------ pull

    def _pull(self, report: SyncReport, cancel: CancelToken) -> bool:
        """Pull to the end; True when the pull reset streams (so checksums are worth a look)."""
        self._status(phase=Phase.PULLING)
        with self.replica.session() as session:
            row = state.read_cursor(session)
            cursor = row.cursor if row else None
        self._repair_bulk()
        if cursor is None:
            return self._pull_bulk(report, cancel)
        reset_seen = False
        rows_done = 0
        # One page ahead: the next page is fetched and decoded while this one is written, so
        # the network, the server and the local disk work at the same time.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sfa-pull") as prefetch:
            ahead = prefetch.submit(self.transport.pull, cursor=cursor, limit=self.page_size)
            while True:
                waited = time.monotonic()
                page, extra = ahead.result()
                applying = time.monotonic()
                report.seconds_waiting += applying - waited
                cancel.raise_if_cancelled()
                if page.has_more:
                    ahead = prefetch.submit(self.transport.pull, cursor=page.cursor, limit=self.page_size)
                try:
                    # committed without an fsync: a page lost to a power cut is lost with its cursor
                    # and pulled again (Replica.pull_session)
                    with self.replica.pull_session() as session:
                        conn = session.connection()
                        outcome = apply.apply_page(conn, page)
                        report.decisions.extend(outcome.decisions)
                        state.write_cursor(conn, page.cursor)
                        if outcome.orphaned_streams:
                            log.warning("lines without their document in %s: pulled again",
                                        sorted(outcome.orphaned_streams))
                            conflicts.request_resync(session, sorted(outcome.orphaned_streams))
                        if not page.has_more and self._finish_with_last_page:
                            # the last page, its cursor and the outcome: one transaction, one fsync
                            state.record_outcome(session, success_at=utc_now(), error=None)
                            self._outcome_recorded = True
                except BaseException:
                    if page.has_more:
                        ahead.cancel()
                    raise
                report.seconds_applying += time.monotonic() - applying
                reset_seen = reset_seen or bool(page.reset)
                report.pages += 1
                report.rows_upserted += outcome.upserted
                report.rows_deleted += outcome.deleted
                report.rows_kept_local += outcome.kept_local
                page_changes = _page_changes(page, bulk=False)
                report.changes |= page_changes
                self.events.emit(Event.STREAMS_CHANGED, page_changes)
                rows_done += len(page.changes)
                if page.has_more or rows_done:
                    self._status(rows_done=rows_done, rows_total=_estimate(rows_done, extra, page.has_more),
                                 bytes_received=self.transport.bytes_received)
                if not page.has_more:
                    return reset_seen or bool(outcome.orphaned_streams)
                if cancel.cancelled:
                    ahead.cancel()
                    cancel.raise_if_cancelled()

    def _pull_bulk(self, report: SyncReport, cancel: CancelToken) -> bool:
        """A first sync: load the whole replica in bulk.

        Secondary indexes and search are dropped first and built table by table once a table's
        rows are in, while the load waits for pages, the rest after the last page (an interrupted
        load leaves them missing, which the next open or sync repairs); pages are fetched on their
        own thread, each validated and bound straight from its JSON and committed with its cursor,
        so the load resumes where it stopped; foreign keys are checked once at the end.
        """
        with self.replica.bulk_session() as session:
            search.suspend_search(session.connection())
            bulk.suspend_indexes(session.connection())
        rows_done = 0
        orphaned: set[str] = set()
        counted: list[str] | None = None  # streams whose count differs; None: the server sent none
        builds = bulk_builds.TableBuilds(self.replica)  # finished tables' indexes, built while waiting

        def fetch(cursor: str | None) -> PullAnswer:
            return self.transport.pull_bytes(cursor=cursor, limit=self.page_size)

        def prepare(answer: PullAnswer) -> tuple[Any, dict[str, Any], bulk_load.PreparedPage]:
            doc, extra = decode_pull(answer)
            try:
                prepared = bulk_load.prepare_bulk_page(doc)
            except protocol.ProtocolError as error:
                raise ProtocolViolationError(str(error)) from error
            # the rows live on in the bound tuples only: the page's head is what is read from here on
            return {k: v for k, v in doc.items() if k not in ("tables", "changes")}, extra, prepared

        try:
            # the pages are fetched, decoded, validated and bound on two threads of their own, the next
            # asked for as soon as its cursor is known; this thread writes them
            with pages_ahead.PagesAhead(fetch, prepare, None, follow=lambda answer: answer.next_cursor,
                                        following=lambda page: pages_ahead.next_cursor(page[0])) as pages, \
                    _BulkWriter(self.replica) as writer:
                while True:
                    if not pages.ready():
                        committing = time.monotonic()
                        writer.commit()  # nothing to write while waiting: others may write meanwhile
                        while not pages.ready() and not cancel.cancelled and builds.build_one():
                            pass
                        report.seconds_applying += time.monotonic() - committing
                    waited = time.monotonic()
                    try:
                        doc, extra, prepared = pages.take()
                    except BaseException:
                        writer.commit()  # the pages written so far are whole: they stay
                        raise
                    applying = time.monotonic()
                    report.seconds_waiting += applying - waited
                    cancel.raise_if_cancelled()
                    try:
                        session = writer.session()
                        with session.begin_nested():  # a bad page goes alone: the pages before it stay
                            conn = session.connection()
                            page, outcome = bulk_load.write_bulk_page(conn, prepared)
                            state.write_cursor(conn, page.cursor)
                            if outcome.orphaned_streams:
                                orphaned |= outcome.orphaned_streams
                                conflicts.request_resync(session, sorted(outcome.orphaned_streams))
                        counts = doc.get("snapshot", {}).get("counts") if isinstance(doc.get("snapshot"), dict) \
                            else None
                        if isinstance(counts, dict):
                            # the snapshot is complete: what it brought must be what the server counted
                            counted = _counts_match(session.connection(), counts)
                        writer.wrote(page.rows)
                        builds.reached(prepared.snapshot_streams)
                    except BaseException as error:
                        if isinstance(error, Exception) and not isinstance(error, ReplicaError):
                            writer.commit()
                        else:
                            writer.rollback()
                        raise
                    report.seconds_applying += time.monotonic() - applying
                    report.pages += 1
                    report.rows_upserted += outcome.upserted
                    report.rows_deleted += outcome.deleted
                    report.changes |= Changes.streams(page.streams)
                    rows_done += page.rows
                    self._status(rows_done=rows_done, rows_total=_estimate(rows_done, extra, page.has_more),
                                 bytes_received=self.transport.bytes_received)
                    if not page.has_more:
                        break
                    if cancel.cancelled:
                        writer.commit()
                        cancel.raise_if_cancelled()
            finishing = time.monotonic()
            with self.replica.bulk_session() as session:
                conn = session.connection()
                bulk.restore_indexes(conn)
                search.resume_search(conn)
                broken = _drop_orphans(conn)
                if broken:
                    orphaned |= broken
                    conflicts.request_resync(session, sorted(broken))
            self.replica.checkpoint()  # the load's write-ahead log, folded in once, not by the next syncs
            report.seconds_finishing = time.monotonic() - finishing
            report.seconds_applying += report.seconds_finishing
        except BaseException as error:
            # An interrupted first sync: the pages applied stay, and so do working indexes and search.
            if not isinstance(error, DeviceRevokedError):
                self._repair_bulk()
            raise
        if orphaned:
            log.warning("lines without their document in %s: pulled again", sorted(orphaned))
        if counted == [] and not orphaned:
            # every stream holds what the server counted: the daily checksum comparison comes later
            report.counted = list(protocol.STREAM_ORDER)
            with self.replica.session(write=True) as session:
                state.set_setting(session, state.LAST_VERIFIED_KEY, utc_now().isoformat())
            return False
        if counted:
            log.warning("after the first sync the counts of %s differ from the server's: verifying", counted)
        return True

    def _repair_bulk(self) -> None:
        """Build indexes and search again when a first sync stopped before its end."""
        try:
            with self.replica.session() as session:
                conn = session.connection()
                if not search.search_suspended(conn) and not bulk.indexes_suspended(conn):
                    return
            with self.replica.session(write=True) as session:
                bulk.ensure_indexes(session.connection())
                search.ensure_search(session.connection())
            log.info("indexes and search rebuilt after an interrupted first sync")
        except Exception:
            # The next sync tries again; the pages already applied stay applied.
            log.exception("could not rebuild the search index of %s", self.replica.path)

    def _resync_stream(self, stream: str, report: SyncReport, cancel: CancelToken) -> None:
        """Pull one stream from scratch; its unsent local rows and the outbox stay."""
        log.info("re-syncing stream %s", stream)
        cursor: str | None = None
        first = True
        while True:
            cancel.raise_if_cancelled()
            page, _ = self.transport.pull(cursor=cursor, limit=self.page_size, streams=[stream])
            # A server without the stream filter sends every stream: only this one is applied
            # (the others are current up to the main cursor and the next pull goes on from it).
            page = dataclasses.replace(page, reset=(), changes=[
                c for c in page.changes if c.stream == stream])
            with self.replica.session(write=True) as session:
                conn = session.connection()
                if first:
                    apply.clear_stream(conn, stream)
                outcome = apply.apply_page(conn, page)
            first = False
            cursor = page.cursor
            report.pages += 1
            report.rows_upserted += outcome.upserted
            report.rows_deleted += outcome.deleted
            if not page.has_more:
                break
        report.resynced.append(stream)

    # ------------------------------------------------------------------ verify

    def _verify_due(self) -> bool:
        with self.replica.session() as session:
            if state.get_setting(session, conflicts.RESYNC_KEY):
                return True
            last = state.get_setting(session, state.LAST_VERIFIED_KEY)
        if not isinstance(last, str):
            return True
        try:
            when = dt.datetime.fromisoformat(last)
        except ValueError:
            return True
        return utc_now() - when >= self.verify_interval

    def _verify(self, report: SyncReport, cancel: CancelToken) -> None:
        self._status(phase=Phase.VERIFYING)
        if self._before_verify is not None:
            self._before_verify()
        with self.replica.session() as session:
            requested = set(state.get_setting(session, conflicts.RESYNC_KEY) or [])
            busy = outbox.unsettled_streams(session)
        for stream in protocol.STREAM_ORDER:
            if stream in requested and stream not in busy:
                self._resync_stream(stream, report, cancel)
        server = self.transport.checksums()
        for attempt in range(2):
            mismatched = []
            with self.replica.session() as session:
                busy = outbox.unsettled_streams(session) | _dirty_streams(session)
                conn = session.connection()
                for stream in protocol.STREAM_ORDER:
                    expected = server.get(stream)
                    if expected is None or stream in busy:
                        if attempt == 0:
                            report.not_verified.append(stream)
                        continue
                    count, checksum = apply.stream_checksum(conn, stream)
                    if (count, checksum) != (expected.count, expected.checksum):
                        log.warning("checksum of %s differs: local %d rows, server %d rows",
                                    stream, count, expected.count)
                        mismatched.append(stream)
                    elif attempt == 0 or stream in report.resynced:
                        report.verified.append(stream)
            if not mismatched:
                break
            if attempt == 1:
                report.mismatched = mismatched
                break
            for stream in mismatched:
                self._resync_stream(stream, report, cancel)
            server = self.transport.checksums(streams=mismatched)
        with self.replica.session(write=True) as session:
            state.set_setting(session, conflicts.RESYNC_KEY, None)
            if not report.mismatched:
                state.set_setting(session, state.LAST_VERIFIED_KEY, utc_now().isoformat())

    # ------------------------------------------------------------------ status

    def _counts(self) -> dict[str, int]:
        with self.replica.session() as session:
            return {"pending_commands": outbox.pending_count(session),
                    "conflicts": conflicts.open_count(session)}

    def _status(self, **changes: object) -> SyncStatus:
        return self.listeners.update(**changes)

    def _finish_failed(self, error: SyncError, report: SyncReport | None = None) -> None:
        try:
            with self.replica.session(write=True) as session:
                state.record_outcome(session, success_at=None, error=error.message)
            counts = self._counts()
        except Exception:
            log.exception("could not record the failed sync in the replica")
            counts = {}
        self._status(phase=Phase.IDLE, last_error=error.message, **counts)
        if report is not None:
            self._announce(report)
        self.events.emit(Event.SYNC_FAILED, error)

    def _announce(self, report: SyncReport) -> None:
        """Tell the screens what this sync changed (a first sync: every stream at once)."""
        if report.changes.rows:
            self.events.emit(Event.STREAMS_CHANGED, report.changes)
        counts = self._counts() if report.changes.outbox or report.commands_sent else None
        if counts is not None:
            self.events.emit(Event.OUTBOX_CHANGED, counts.get("pending_commands", 0))
        if report.changes.conflicts:
            self.events.emit(Event.CONFLICTS_CHANGED, (counts or self._counts()).get("conflicts", 0))
        if report.decisions:
            self.events.emit(Event.DECISIONS_ARRIVED, list(report.decisions))

    def _wipe_replica(self) -> None:
        from sfa_desktop.local_db import keys

        path = self.replica.path
        self.replica.close()
        removed = keys.wipe(path)
        log.warning("removed %d file(s) of the revoked device's replica", len(removed))


def _dirty_streams(session: object) -> set[str]:
    from sqlalchemy import exists, select, true

    out = set()
    for stream in protocol.STREAM_ORDER:
        if has_dirty(stream) and session.scalar(  # type: ignore[attr-defined]
                select(exists().where(table_of(stream).c.dirty == true()))):
            out.add(stream)
            out.update(line_streams_of(stream))
    return out


class _BulkWriter:
    """Pages of a bulk load written in few transactions: a transaction holds pages (each with its
    cursor) until about BULK_ROWS rows are written or no page is waiting, so a crash loses at most
    that much work (pulled again) and the write lock is never held while the network is slow."""

    BULK_ROWS = 50_000

    def __init__(self, replica: Replica) -> None:
        self.replica = replica
        self._context: Any = None
        self._session: Any = None
        self._rows = 0

    def __enter__(self) -> _BulkWriter:
        return self

    def session(self) -> Any:
        if self._session is None:
            self._context = self.replica.bulk_session()
            self._session = self._context.__enter__()
            # the write-ahead log is checkpointed at the end, not every 1,000 pages
            self._session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint = 8192")
        return self._session

    def wrote(self, rows: int) -> None:
        self._rows += rows
        if self._rows >= self.BULK_ROWS:
            self.commit()

    def commit(self) -> None:
        if self._session is not None:
            context, self._context, self._session, self._rows = self._context, None, None, 0
            context.__exit__(None, None, None)

    def rollback(self) -> None:
        if self._session is not None:
            context, self._context, self._session, self._rows = self._context, None, None, 0
            error = RuntimeError("bulk page not written")
            with contextlib.suppress(RuntimeError):
                context.__exit__(RuntimeError, error, None)

    def __exit__(self, kind: Any, error: Any, tb: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.rollback()


def _counts_match(conn: Any, counts: dict[str, Any]) -> list[str]:
    """Streams whose row count in the replica differs from the server's snapshot count."""
    from sqlalchemy import func, select

    wrong = []
    for stream, expected in counts.items():
        if stream not in protocol.STREAMS or isinstance(expected, bool) or not isinstance(expected, int):
            continue
        have = conn.execute(select(func.count()).select_from(table_of(stream))).scalar_one()
        if have != expected:
            wrong.append(stream)
    return wrong


def _drop_orphans(conn: object) -> set[str]:
    """Lines whose document is missing (the foreign keys, checked once after a bulk load): removed,
    and their streams pulled again."""
    streams: set[str] = set()
    for table, rowid, _parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():  # type: ignore[attr-defined]
        conn.exec_driver_sql(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))  # type: ignore[attr-defined]
        streams.add(table)
    return streams


def _page_changes(page: protocol.PullPage, *, bulk: bool) -> Changes:
    """The rows a page changed; lines count as a change of their document too."""
    if bulk or page.reset:
        return Changes.streams({c.stream for c in page.changes} | set(page.reset))
    rows: dict[str, set[str]] = {}
    for change in page.changes:
        rows.setdefault(change.stream, set()).add(change.id)
        if change.stream in LINE_PARENTS and change.row:
            parent, key = LINE_PARENTS[change.stream]
            rows.setdefault(parent, set()).add(change.row[key])
    return Changes({s: frozenset(ids) for s, ids in rows.items()})


def _disk_full(error: BaseException) -> bool:
    """SQLite's "database or disk is full", or ENOSPC from the file system, anywhere in the chain."""
    import errno

    seen = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return True
        if "database or disk is full" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    return False


def _bug_message(error: BaseException) -> Message:
    return Message("sync.bug", {"detail": type(error).__name__})


def _estimate(done: int, extra: dict[str, object], has_more: bool) -> int | None:
    """Rows this pull will bring: from the server's hint when it sends one."""
    remaining = extra.get("remaining")
    if isinstance(remaining, int) and not isinstance(remaining, bool) and remaining >= 0:
        return done + remaining
    return None if has_more else done
